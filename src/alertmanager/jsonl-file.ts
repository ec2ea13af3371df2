/**
 * Small persistence helpers: an append-only JSON-lines file (compacted on load) and atomic snapshots
 * (write to a temp file, fsync, rename), so a crash at any moment leaves a readable file. Appends are
 * batched (JsonLinesAppender): one write per event-loop turn, not one per line.
 */
import {
  appendFileSync,
  closeSync,
  fsyncSync,
  mkdirSync,
  openSync,
  readFileSync,
  renameSync,
  writeSync,
} from 'node:fs';
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

export function appendJsonLine(path: string, value: unknown): void {
  appendFileSync(path, `${JSON.stringify(value)}\n`);
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

/**
 * Appends JSON lines in batches: lines queued during one event-loop turn are written together by one
 * write in a setImmediate (a burst of notifications completing together costs one syscall, not one
 * each). `flush()` writes what is queued at once (before a rewrite of the file, and on stop), so a clean
 * shutdown loses nothing; a crash loses at most the last turn's lines. (Alertmanager snapshots its
 * notification log every 15 minutes and on shutdown; this is never further behind than one turn.)
 */
export class JsonLinesAppender {
  private pending: string[] = [];
  private scheduled: NodeJS.Immediate | null = null;

  constructor(
    readonly path: string,
    private readonly onError: (err: unknown) => void = () => {},
  ) {}

  append(value: unknown): void {
    this.pending.push(JSON.stringify(value));
    if (!this.scheduled) {
      this.scheduled = setImmediate(() => this.flush());
      // The flush on stop covers an exit; a queued batch must not keep the process alive by itself.
      this.scheduled.unref();
    }
  }

  /** Lines queued and not yet written. */
  get queued(): number {
    return this.pending.length;
  }

  flush(): void {
    if (this.scheduled) clearImmediate(this.scheduled);
    this.scheduled = null;
    if (this.pending.length === 0) return;
    const data = `${this.pending.join('\n')}\n`;
    this.pending = [];
    try {
      appendFileSync(this.path, data);
    } catch (e) {
      this.onError(e);
    }
  }

  /** Drops queued lines (the caller rewrites the whole file from memory instead). */
  discard(): void {
    if (this.scheduled) clearImmediate(this.scheduled);
    this.scheduled = null;
    this.pending = [];
  }
}
