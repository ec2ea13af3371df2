/**
 * Small persistence helpers: an append-only JSON-lines file (compacted on load) and atomic snapshots
 * (write to a temp file, fsync, rename), so a crash at any moment leaves a readable file. Appends are
 * batched (JsonLinesAppender): one write per interval, not one per line.
 */
import { closeSync, fsyncSync, mkdirSync, openSync, readFileSync, renameSync, writeSync } from 'node:fs';
import { dirname } from 'node:path';

export function writeAtomic(path: string, data: string): void {
  mkdirSync(dirname(path), { recursive: true });
  const tmp = `${path}.tmp`;
  const fd = openSync(tmp, 'w');
  try {
    writeSync(fd, data);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  renameSync(tmp, path);
}

/** Reads a JSON-lines file; a torn last line (crash mid-write) is skipped. Missing file = []. */
export function readJsonLines<T>(path: string): T[] {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch {
    return [];
  }
  const out: T[] = [];
  for (const line of text.split('\n')) {
    if (line === '') continue;
    try {
      out.push(JSON.parse(line) as T);
    } catch {
      // torn write
    }
  }
  return out;
}

export function rewriteJsonLines(path: string, values: readonly unknown[]): void {
  writeAtomic(path, values.map((v) => `${JSON.stringify(v)}\n`).join(''));
}

export function readJson<T>(path: string): T | undefined {
  try {
    return JSON.parse(readFileSync(path, 'utf8')) as T;
  } catch {
    return undefined;
  }
}

/** How long appended lines may wait before they are written. */
export const APPEND_BATCH_MS = 100;

/**
 * Appends JSON lines in batches: lines queued within APPEND_BATCH_MS are written together by one write on
 * a file descriptor kept open (a burst of notifications costs one syscall, not three per line; a trickle
 * costs at most one write per interval). `flush()` writes what is queued at once (on stop, so a clean
 * shutdown loses nothing); a crash loses at most the last interval's lines. Alertmanager snapshots its
 * notification log every 15 minutes and on shutdown, so it can lose far more.
 */
export class JsonLinesAppender {
  private pending: string[] = [];
  private timer: NodeJS.Timeout | null = null;
  private fd: number | null = null;

  constructor(
    readonly path: string,
    private readonly onError: (err: unknown) => void = () => {},
    private readonly batchMs = APPEND_BATCH_MS,
  ) {}

  append(value: unknown): void {
    this.appendLine(JSON.stringify(value));
  }

  /** Queues a line already serialized (one JSON value, no newline). */
  appendLine(line: string): void {
    this.pending.push(line);
    if (!this.timer) {
      this.timer = setTimeout(() => this.flush(), this.batchMs);
      // The flush on stop covers an exit; a queued batch must not keep the process alive by itself.
      this.timer.unref();
    }
  }

  /** Lines queued and not yet written. */
  get queued(): number {
    return this.pending.length;
  }

  flush(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    if (this.pending.length === 0) return;
    const data = `${this.pending.join('\n')}\n`;
    this.pending = [];
    try {
      this.fd ??= openSync(this.path, 'a');
      writeSync(this.fd, data);
    } catch (e) {
      this.onError(e);
    }
  }

  /**
   * Drops queued lines and lets go of the file: the caller rewrites the whole file from memory (a new file
   * replaces it, so the next append opens that one).
   */
  discard(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    this.pending = [];
    this.closeFd();
  }

  /** Writes what is queued and closes the file (it is opened again by the next write). */
  close(): void {
    this.flush();
    this.closeFd();
  }

  private closeFd(): void {
    if (this.fd === null) return;
    try {
      closeSync(this.fd);
    } catch {
      // already gone
    }
    this.fd = null;
  }
}
