/**
 * Follows the files matching a set of globs like `tail -F`, by polling: files present at the first poll
 * start at their end (or beginning), files that appear later are read from the start; a file renamed
 * away is drained before it is dropped, a file that shrinks (copytruncate) is read again from 0; partial
 * lines wait for their newline. Files are tracked by device+inode, so a rotation that keeps the old file
 * under a matching name is not read twice.
 */
import { type FileHandle, open, stat } from 'node:fs/promises';
import { globSync } from '../../config/index.ts';

export interface LineSink {
  /** One complete line (without the newline). */
  line(file: string, text: string): void;
  /** A line longer than the limit was skipped. */
  tooLong(file: string): void;
  readError(file: string, err: unknown): void;
}

interface Tracked {
  key: string;
  path: string;
  fh: FileHandle;
  offset: number;
  /** Bytes of an unfinished line. */
  partial: Buffer[];
  partialBytes: number;
  /** The current line is over the limit: discard until the next newline. */
  skipping: boolean;
}

export interface TailPosition {
  path: string;
  offset: number;
}

const CHUNK = 64 * 1024;

export class FileTailer {
  private readonly tracked = new Map<string, Tracked>();
  private first = true;
  private readonly buf = Buffer.allocUnsafe(CHUNK);
  private busy: Promise<void> | null = null;

  constructor(
    private readonly patterns: readonly string[],
    private readonly sink: LineSink,
    private readonly opts: { fromBeginning: boolean; maxLineBytes: number; saved?: Map<string, TailPosition> },
  ) {}

  /** Reads whatever is new in every matching file. Concurrent calls share one pass. */
  poll(): Promise<void> {
    if (this.busy === null) {
      this.busy = this.pollOnce().finally(() => {
        this.busy = null;
      });
    }
    return this.busy;
  }

  /** Positions by device:inode, for persisting across restarts. */
  positions(): Map<string, TailPosition> {
    const out = new Map<string, TailPosition>();
    for (const t of this.tracked.values()) out.set(t.key, { path: t.path, offset: t.offset - t.partialBytes });
    return out;
  }

  async close(): Promise<void> {
    await this.busy;
    for (const t of this.tracked.values()) await t.fh.close().catch(() => {});
    this.tracked.clear();
  }

  private async pollOnce(): Promise<void> {
    const present = new Map<string, string>();
    for (const pattern of this.patterns) {
      for (const path of globSync(pattern)) {
        try {
          const st = await stat(path);
          if (!st.isFile()) continue;
          const key = `${st.dev}:${st.ino}`;
          if (!present.has(key)) present.set(key, path);
        } catch (e) {
          if ((e as NodeJS.ErrnoException).code !== 'ENOENT') this.sink.readError(path, e);
        }
      }
    }
    for (const [key, path] of present) {
      const t = this.tracked.get(key);
      if (t !== undefined) {
        t.path = path;
        continue;
      }
      try {
        const fh = await open(path, 'r');
        const st = await fh.stat();
        // Opened a different file than the one stat'ed (replaced in between): pick it up next poll.
        if (`${st.dev}:${st.ino}` !== key) {
          await fh.close();
          continue;
        }
        const saved = this.opts.saved?.get(key);
        let offset: number;
        if (saved !== undefined && saved.offset <= st.size) offset = saved.offset;
        else offset = this.first && !this.opts.fromBeginning ? st.size : 0;
        this.tracked.set(key, { key, path, fh, offset, partial: [], partialBytes: 0, skipping: false });
      } catch (e) {
        this.sink.readError(path, e);
      }
    }
    this.first = false;
    for (const t of [...this.tracked.values()]) {
      await this.drain(t);
      if (!present.has(t.key)) {
        // Rotated away or deleted: what was left has been read; a final unterminated line counts too.
        this.flushPartial(t);
        this.tracked.delete(t.key);
        await t.fh.close().catch(() => {});
      }
    }
  }

  private async drain(t: Tracked): Promise<void> {
    try {
      const st = await t.fh.stat();
      if (st.size < t.offset) {
        // Truncated (copytruncate): start over, dropping any unfinished line.
        t.offset = 0;
        t.partial = [];
        t.partialBytes = 0;
        t.skipping = false;
      }
      for (;;) {
        const { bytesRead } = await t.fh.read(this.buf, 0, CHUNK, t.offset);
        if (bytesRead === 0) break;
        t.offset += bytesRead;
        this.split(t, this.buf.subarray(0, bytesRead));
      }
    } catch (e) {
      this.sink.readError(t.path, e);
    }
  }

  private split(t: Tracked, chunk: Buffer): void {
    let start = 0;
    for (let nl = chunk.indexOf(10, start); nl >= 0; nl = chunk.indexOf(10, start)) {
      const piece = chunk.subarray(start, nl);
      start = nl + 1;
      if (t.skipping) {
        t.skipping = false;
        continue;
      }
      if (t.partialBytes + piece.length > this.opts.maxLineBytes) {
        t.partial = [];
        t.partialBytes = 0;
        this.sink.tooLong(t.path);
        continue;
      }
      let line: Buffer = piece;
      if (t.partialBytes > 0) {
        line = Buffer.concat([...t.partial, piece]);
        t.partial = [];
        t.partialBytes = 0;
      }
      this.emit(t, line);
    }
    if (start < chunk.length && !t.skipping) {
      const rest = chunk.subarray(start);
      if (t.partialBytes + rest.length > this.opts.maxLineBytes) {
        t.partial = [];
        t.partialBytes = 0;
        t.skipping = true;
        this.sink.tooLong(t.path);
      } else {
        // Copy: the read buffer is reused.
        t.partial.push(Buffer.from(rest));
        t.partialBytes += rest.length;
      }
    }
  }

  private flushPartial(t: Tracked): void {
    if (t.partialBytes === 0) return;
    const line = Buffer.concat(t.partial);
    t.partial = [];
    t.partialBytes = 0;
    this.emit(t, line);
  }

  private emit(t: Tracked, line: Buffer): void {
    let end = line.length;
    if (end > 0 && line[end - 1] === 13) end--;
    this.sink.line(t.path, line.toString('utf8', 0, end));
  }
}
