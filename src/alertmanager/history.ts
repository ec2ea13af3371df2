/**
 * Notification history (beyond Alertmanager): every notification attempt with its receiver, integration,
 * group, alerts, outcome and error, kept for a retention period (in memory, bounded, and as JSON lines in
 * the data directory so it survives restarts), queryable for the API and the UI. Lines are appended in
 * batches (at most 100 ms late, and on `flush()`/`close()`); the file is rewritten from memory when it holds
 * about twice what is kept, so trimming the in-memory list does not cost a rewrite each time.
 */
import { join } from 'node:path';
import { JsonLinesAppender, readJsonLines, rewriteJsonLines } from './jsonl-file.ts';

export interface NotificationAttempt {
  /** Increasing id (unique within this data directory). */
  id: number;
  /** ms since the epoch, when the attempt started */
  time: number;
  durationMs: number;
  receiver: string;
  integration: string;
  index: number;
  groupKey: string;
  groupLabels: Record<string, string>;
  /** Fingerprints of the alerts sent. */
  alerts: string[];
  firing: number;
  resolved: number;
  /** 1 for the first try of a flush, 2 for the first retry, ... */
  attempt: number;
  status: 'success' | 'failed';
  /** Whether the pipeline will try again (temporary failure). */
  willRetry: boolean;
  error?: string;
}

export interface HistoryQuery {
  receiver?: string;
  integration?: string;
  groupKey?: string;
  status?: 'success' | 'failed';
  /** Only attempts that included this alert fingerprint. */
  fingerprint?: string;
  since?: number;
  until?: number;
  /** default 100 */
  limit?: number;
}

export const DEFAULT_HISTORY_RETENTION = 7 * 24 * 3600_000;
export const DEFAULT_HISTORY_MAX = 50_000;

export class NotificationHistory {
  private items: NotificationAttempt[] = [];
  private nextId = 1;
  private readonly file: string | undefined;
  private readonly appender: JsonLinesAppender | undefined;
  /** Lines in the file (kept ones and dropped ones not yet compacted away). */
  private fileLines = 0;

  constructor(
    private readonly opts: {
      dataDir?: string;
      now: () => number;
      retention?: number;
      maxEntries?: number;
      onWriteError?: (err: unknown) => void;
    },
  ) {
    this.file = opts.dataDir ? join(opts.dataDir, 'notifications.jsonl') : undefined;
    if (this.file) {
      this.appender = new JsonLinesAppender(this.file, opts.onWriteError);
      this.items = readJsonLines<NotificationAttempt>(this.file);
      for (const it of this.items) if (it.id >= this.nextId) this.nextId = it.id + 1;
      this.gc(true);
    }
  }

  record(a: Omit<NotificationAttempt, 'id'>): NotificationAttempt {
    const rec: NotificationAttempt = { id: this.nextId++, ...a };
    this.items.push(rec);
    if (this.appender) {
      this.appender.append(rec);
      this.fileLines++;
    }
    if (this.items.length > (this.opts.maxEntries ?? DEFAULT_HISTORY_MAX) * 1.1) this.gc();
    return rec;
  }

  /** Newest first. */
  query(q: HistoryQuery = {}): NotificationAttempt[] {
    const limit = q.limit ?? 100;
    const out: NotificationAttempt[] = [];
    for (let i = this.items.length - 1; i >= 0 && out.length < limit; i--) {
      const a = this.items[i];
      if (q.receiver !== undefined && a.receiver !== q.receiver) continue;
      if (q.integration !== undefined && a.integration !== q.integration) continue;
      if (q.groupKey !== undefined && a.groupKey !== q.groupKey) continue;
      if (q.status !== undefined && a.status !== q.status) continue;
      if (q.since !== undefined && a.time < q.since) continue;
      if (q.until !== undefined && a.time > q.until) continue;
      if (q.fingerprint !== undefined && !a.alerts.includes(q.fingerprint)) continue;
      out.push(a);
    }
    return out;
  }

  get size(): number {
    return this.items.length;
  }

  /** Writes the queued attempts (call before exiting). */
  flush(): void {
    this.appender?.flush();
  }

  /** Writes the queued entries and closes the file (on stop). */
  close(): void {
    this.appender?.close();
  }

  /**
   * Drops attempts older than the retention or beyond the size bound; compacts the file when `compact`,
   * or when it holds twice as many lines as are kept (plus some slack).
   */
  gc(compact = false): number {
    const limit = this.opts.now() - (this.opts.retention ?? DEFAULT_HISTORY_RETENTION);
    const max = this.opts.maxEntries ?? DEFAULT_HISTORY_MAX;
    const before = this.items.length;
    let start = 0;
    while (start < this.items.length && this.items[start].time < limit) start++;
    start = Math.max(start, this.items.length - max);
    if (start > 0) this.items = this.items.slice(start);
    const n = before - this.items.length;
    if (this.file && (compact || this.fileLines > 2 * this.items.length + 1000)) {
      // The rewrite holds every kept attempt, the queued ones included.
      this.appender?.discard();
      rewriteJsonLines(this.file, this.items);
      this.fileLines = this.items.length;
    }
    return n;
  }
}
