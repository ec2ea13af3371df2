/**
 * Notification history (beyond Alertmanager): every notification attempt with its receiver, integration,
 * group, alerts, outcome and error, kept for a retention period (in memory, bounded, and as JSON lines in
 * the data directory so it survives restarts), queryable for the API and the UI. In memory each attempt is
 * kept as its JSON line (one string instead of a small object graph: tens of thousands of them cost the
 * garbage collector far less) and parsed when a query reads it. Lines are appended in
 * batches (at most 100 ms late, and on `flush()`/`close()`); the file is rewritten from memory when it holds
 * about twice what is kept, so trimming the in-memory list does not cost a rewrite each time.
 */
import { join } from 'node:path';
import { JsonLinesAppender, readJsonLines, writeAtomic } from './jsonl-file.ts';

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
  /** Start times and JSON lines of the kept attempts, oldest first. */
  private times: number[] = [];
  private lines: string[] = [];
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
      for (const it of readJsonLines<NotificationAttempt>(this.file)) {
        this.times.push(it.time);
        this.lines.push(JSON.stringify(it));
        if (it.id >= this.nextId) this.nextId = it.id + 1;
      }
      this.gc(true);
    }
  }

  record(a: Omit<NotificationAttempt, 'id'>): NotificationAttempt {
    const rec: NotificationAttempt = { id: this.nextId++, ...a };
    const line = JSON.stringify(rec);
    this.times.push(rec.time);
    this.lines.push(line);
    if (this.appender) {
      this.appender.appendLine(line);
      this.fileLines++;
    }
    if (this.lines.length > (this.opts.maxEntries ?? DEFAULT_HISTORY_MAX) * 1.1) this.gc();
    return rec;
  }

  /** Newest first. */
  query(q: HistoryQuery = {}): NotificationAttempt[] {
    const limit = q.limit ?? 100;
    const out: NotificationAttempt[] = [];
    for (let i = this.lines.length - 1; i >= 0 && out.length < limit; i--) {
      const t = this.times[i] as number;
      if (q.since !== undefined && t < q.since) continue;
      if (q.until !== undefined && t > q.until) continue;
      const a = JSON.parse(this.lines[i] as string) as NotificationAttempt;
      if (q.receiver !== undefined && a.receiver !== q.receiver) continue;
      if (q.integration !== undefined && a.integration !== q.integration) continue;
      if (q.groupKey !== undefined && a.groupKey !== q.groupKey) continue;
      if (q.status !== undefined && a.status !== q.status) continue;
      if (q.fingerprint !== undefined && !a.alerts.includes(q.fingerprint)) continue;
      out.push(a);
    }
    return out;
  }

  get size(): number {
    return this.lines.length;
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
    const before = this.lines.length;
    let start = 0;
    while (start < this.times.length && (this.times[start] as number) < limit) start++;
    start = Math.max(start, this.lines.length - max);
    if (start > 0) {
      this.times = this.times.slice(start);
      this.lines = this.lines.slice(start);
    }
    const n = before - this.lines.length;
    if (this.file && (compact || this.fileLines > 2 * this.lines.length + 1000)) {
      // The rewrite holds every kept attempt, the queued ones included.
      this.appender?.discard();
      writeAtomic(this.file, this.lines.length ? `${this.lines.join('\n')}\n` : '');
      this.fileLines = this.lines.length;
    }
    return n;
  }
}
