/**
 * The notification log (Alertmanager's nflog): per group key and receiver integration, which alerts were
 * firing and resolved at the last successful notification, and when. The dedup stage consults it, so a
 * restart neither repeats a notification nor skips one. Persisted as JSON lines (appended in batches, at
 * most 100 ms late, and written out on `close()`; compacted on start and GC); entries expire after
 * `retention` (120h).
 */
import { join } from 'node:path';
import { JsonLinesAppender, readJsonLines, rewriteJsonLines } from './jsonl-file.ts';

export interface NflogEntry {
  groupKey: string;
  /** `<receiver>/<integration>/<index>` */
  receiver: string;
  firing: string[];
  resolved: string[];
  timestamp: number;
  expiresAt: number;
}

export const DEFAULT_NFLOG_RETENTION = 120 * 3600_000;

const key = (groupKey: string, receiver: string) => `${receiver}\u0000${groupKey}`;

export class NotificationLog {
  private readonly entries = new Map<string, NflogEntry>();
  private readonly file: string | undefined;
  private readonly appender: JsonLinesAppender | undefined;
  /** Lines appended since the last rewrite (the file is compacted when it holds many stale lines). */
  private appended = 0;

  constructor(
    private readonly opts: {
      dataDir?: string;
      now: () => number;
      retention?: number;
      onWriteError?: (err: unknown) => void;
    },
  ) {
    this.file = opts.dataDir ? join(opts.dataDir, 'nflog.jsonl') : undefined;
    if (this.file) {
      this.appender = new JsonLinesAppender(this.file, opts.onWriteError);
      for (const e of readJsonLines<NflogEntry>(this.file)) this.entries.set(key(e.groupKey, e.receiver), e);
      this.gc(true);
    }
  }

  query(groupKey: string, receiver: string): NflogEntry | undefined {
    return this.entries.get(key(groupKey, receiver));
  }

  log(groupKey: string, receiver: string, firing: string[], resolved: string[]): void {
    const now = this.opts.now();
    const e: NflogEntry = {
      groupKey,
      receiver,
      firing,
      resolved,
      timestamp: now,
      expiresAt: now + (this.opts.retention ?? DEFAULT_NFLOG_RETENTION),
    };
    this.entries.set(key(groupKey, receiver), e);
    if (this.appender) {
      this.appender.append(e);
      this.appended++;
    }
  }

  /** Drops expired entries; rewrites the file (also when `compact`). */
  gc(compact = false): number {
    const now = this.opts.now();
    let n = 0;
    for (const [k, e] of this.entries) {
      if (e.expiresAt <= now) {
        this.entries.delete(k);
        n++;
      }
    }
    if (this.file && (n > 0 || compact || this.appended > 2 * this.entries.size + 1000)) {
      // The rewrite holds every entry, the queued ones included.
      this.appender?.discard();
      rewriteJsonLines(this.file, [...this.entries.values()]);
      this.appended = 0;
    }
    return n;
  }

  /** Writes the queued entries (call before exiting). */
  flush(): void {
    this.appender?.flush();
  }

  /** Writes the queued entries and closes the file (on stop). */
  close(): void {
    this.appender?.close();
  }

  get size(): number {
    return this.entries.size;
  }
}
