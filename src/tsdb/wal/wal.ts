import {
  closeSync,
  fsyncSync,
  mkdirSync,
  openSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  truncateSync,
  writeSync,
} from 'node:fs';
import { join } from 'node:path';
import { snappyUncompress } from '../../model/snappy-block.ts';
import { crc32c } from './crc32c.ts';

/**
 * Write-ahead log in Prometheus's segment format (tsdb/docs/format/wal.md): numbered segment files of up to
 * 128 MiB, written in 32 KiB pages; a record is split into fragments <type 1b><len 2b BE><CRC32C 4b BE><data>
 * that never cross a page. Every log() call is written to the OS before it returns, so a process crash
 * (kill -9) loses nothing that was logged.
 */
export const PAGE_SIZE = 32 * 1024;
export const DEFAULT_SEGMENT_SIZE = 128 * 1024 * 1024;
const HEADER = 7;
const FULL = 1;
const FIRST = 2;
const MIDDLE = 3;
const LAST = 4;
const SNAPPY_FLAG = 1 << 3;
const ZSTD_FLAG = 1 << 4;
const TYPE_MASK = 0x07;

export function segmentName(n: number): string {
  return String(n).padStart(8, '0');
}

/** Lists segment numbers in dir, ascending. */
export function listSegments(dir: string): number[] {
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return [];
  }
  return names
    .filter((n) => /^\d+$/.test(n))
    .map(Number)
    .sort((a, b) => a - b);
}

export class WAL {
  private fd = -1;
  private segment = -1;
  /** Bytes written to the current segment file. */
  private segmentBytes = 0;
  private readonly page = new Uint8Array(PAGE_SIZE);
  private pageAlloc = 0;
  private pageFlushed = 0;

  constructor(
    readonly dir: string,
    private readonly segmentSize = DEFAULT_SEGMENT_SIZE,
  ) {
    mkdirSync(dir, { recursive: true });
    const segs = listSegments(dir);
    // Always continue in a fresh segment: the last one may end in a torn page.
    this.openSegment(segs.length > 0 ? segs[segs.length - 1] + 1 : 0);
  }

  get currentSegment(): number {
    return this.segment;
  }

  private openSegment(n: number): void {
    if (this.fd >= 0) {
      this.padPage();
      this.flush();
      fsyncSync(this.fd);
      closeSync(this.fd);
    }
    this.segment = n;
    this.fd = openSync(join(this.dir, segmentName(n)), 'a');
    this.segmentBytes = 0;
    this.pageAlloc = 0;
    this.pageFlushed = 0;
  }

  /** Logs records as one write; returns after the bytes are handed to the OS. */
  log(...records: Uint8Array[]): void {
    for (const rec of records) this.logRecord(rec);
    this.flush();
  }

  private logRecord(rec: Uint8Array): void {
    // Worst case size on disk: data + a header per page it touches + padding of the current page.
    const pages = Math.ceil(rec.length / (PAGE_SIZE - HEADER)) + 1;
    const need = rec.length + pages * HEADER + (PAGE_SIZE - this.pageAlloc);
    if (this.segmentBytes + this.pageAlloc + need > this.segmentSize && this.segmentBytes + this.pageAlloc > 0) {
      this.openSegment(this.segment + 1);
    }
    let off = 0;
    let first = true;
    while (off < rec.length || first) {
      if (PAGE_SIZE - this.pageAlloc < HEADER + 1) this.padPage();
      const room = PAGE_SIZE - this.pageAlloc - HEADER;
      const n = Math.min(room, rec.length - off);
      const last = off + n >= rec.length;
      const type = first && last ? FULL : first ? FIRST : last ? LAST : MIDDLE;
      const p = this.page;
      const a = this.pageAlloc;
      p[a] = type;
      p[a + 1] = (n >>> 8) & 0xff;
      p[a + 2] = n & 0xff;
      const crc = crc32c(rec, off, off + n);
      p[a + 3] = crc >>> 24;
      p[a + 4] = (crc >>> 16) & 0xff;
      p[a + 5] = (crc >>> 8) & 0xff;
      p[a + 6] = crc & 0xff;
      p.set(rec.subarray(off, off + n), a + HEADER);
      this.pageAlloc += HEADER + n;
      off += n;
      first = false;
      if (this.pageAlloc === PAGE_SIZE) this.nextPage();
    }
  }

  /** Fills the rest of the page with zeros (type 0 = "rest of page is empty") and starts a new one. */
  private padPage(): void {
    if (this.pageAlloc === 0) return;
    this.page.fill(0, this.pageAlloc);
    this.pageAlloc = PAGE_SIZE;
    this.nextPage();
  }

  private nextPage(): void {
    this.flush();
    this.segmentBytes += PAGE_SIZE;
    this.pageAlloc = 0;
    this.pageFlushed = 0;
  }

  private flush(): void {
    if (this.pageFlushed < this.pageAlloc) {
      writeSync(this.fd, this.page, this.pageFlushed, this.pageAlloc - this.pageFlushed);
      this.pageFlushed = this.pageAlloc;
    }
  }

  /** Starts a new segment and returns its number (used before a checkpoint). */
  nextSegment(): number {
    this.openSegment(this.segment + 1);
    return this.segment;
  }

  /** fsyncs the current segment (on shutdown). */
  sync(): void {
    this.flush();
    fsyncSync(this.fd);
  }

  /**
   * Gives up on this WAL after a failed write: closes the segment without flushing the unwritten page again
   * (the caller then cuts the torn tail with replayWAL and opens a new WAL).
   */
  abandon(): void {
    if (this.fd < 0) return;
    try {
      closeSync(this.fd);
    } catch {
      // already unusable
    }
    this.fd = -1;
  }

  close(): void {
    if (this.fd < 0) return;
    this.flush();
    fsyncSync(this.fd);
    closeSync(this.fd);
    this.fd = -1;
  }

  /** Deletes segments numbered below n (after a checkpoint covers them). */
  truncateBefore(n: number): void {
    for (const s of listSegments(this.dir)) if (s < n) rmSync(join(this.dir, segmentName(s)));
  }
}

export class WALCorruptionError extends Error {
  constructor(
    readonly segment: number,
    readonly offset: number,
    message: string,
  ) {
    super(`corruption in segment ${segmentName(segment)} at ${offset}: ${message}`);
  }
}

/**
 * Reads every record of the segments in dir (from segment `from` on), in order.
 * On a torn or corrupt tail it stops, truncates that segment to the last whole record, deletes any later
 * segments, and returns the corruption it repaired (a crash mid-write leaves exactly this).
 */
export function replayWAL(
  dir: string,
  onRecord: (rec: Uint8Array, segment: number) => void,
  from = 0,
): WALCorruptionError | null {
  const segs = listSegments(dir).filter((s) => s >= from);
  for (let i = 0; i < segs.length; i++) {
    const file = join(dir, segmentName(segs[i]));
    const data = readFileSync(file);
    const seg = segs[i];
    const err = readSegment(seg, data, (rec) => onRecord(rec, seg));
    if (err) {
      truncateSync(file, err.offset);
      for (const later of segs.slice(i + 1)) rmSync(join(dir, segmentName(later)));
      return err;
    }
  }
  return null;
}

function readSegment(
  segment: number,
  data: Uint8Array,
  onRecord: (rec: Uint8Array) => void,
): WALCorruptionError | null {
  const r = scanRecords(data, 0, (rec) => {
    onRecord(rec);
  });
  return r.error ? new WALCorruptionError(segment, r.end, r.error) : null;
}

/** What scanRecords found: where the last whole record ends, and why it stopped early (null at a clean end). */
export interface ScanResult {
  /** Offset just after the last whole record (or page padding): where a torn tail is cut, or a tail resumes. */
  end: number;
  /** Corruption, or a record cut off by the end of the data; null when the data ends between records. */
  error: string | null;
  /** The data ended inside a record (a torn tail, or a record still being written when tailing). */
  truncated: boolean;
}

/**
 * Parses the records of segment bytes `data` (which starts at a page boundary) from `pos`, checking the
 * fragment layout and CRCs. onRecord gets each whole record and the offset after it; returning false stops.
 * Shared by replay (which treats any error as corruption) and the remote-write WAL tailer (which waits for
 * truncated records to be completed).
 */
export function scanRecords(
  data: Uint8Array,
  pos: number,
  onRecord: (rec: Uint8Array, end: number) => boolean | undefined,
): ScanResult {
  let parts: Uint8Array[] = [];
  let end = pos;
  let compressed = false;
  const stop = (error: string, truncated = false): ScanResult => ({ end, error, truncated });
  while (pos < data.length) {
    const inPage = pos % PAGE_SIZE;
    if (PAGE_SIZE - inPage < HEADER + 1) {
      pos += PAGE_SIZE - inPage;
      if (parts.length === 0) end = Math.min(pos, data.length);
      continue;
    }
    const flags = data[pos];
    const type = flags & TYPE_MASK;
    if (type === 0) {
      // Rest of the page is empty; it must be zeros.
      const pageEnd = Math.min(data.length, pos - inPage + PAGE_SIZE);
      for (let j = pos; j < pageEnd; j++) {
        if (data[j] !== 0) return stop('unexpected non-zero byte in padded page');
      }
      pos = pageEnd;
      if (parts.length === 0) end = pos;
      continue;
    }
    if (pos + HEADER > data.length) return stop('truncated record header', true);
    const len = (data[pos + 1] << 8) | data[pos + 2];
    const crc = ((data[pos + 3] << 24) | (data[pos + 4] << 16) | (data[pos + 5] << 8) | data[pos + 6]) >>> 0;
    const start = pos + HEADER;
    const fragEnd = start + len;
    if (fragEnd > data.length) return stop('truncated record', true);
    if (inPage + HEADER + len > PAGE_SIZE) return stop('record crosses page');
    if (crc32c(data, start, fragEnd) !== crc) return stop('checksum mismatch');
    if (type > LAST) return stop(`invalid record type ${type}`);
    if ((type === FULL || type === FIRST) && parts.length > 0) return stop('new record before the previous one ended');
    if ((type === MIDDLE || type === LAST) && parts.length === 0) return stop('continuation without a first fragment');
    if (type === FULL || type === FIRST) {
      compressed = (flags & SNAPPY_FLAG) !== 0;
      if (flags & ZSTD_FLAG) return stop('zstd-compressed WAL records are not supported');
    }
    parts.push(data.subarray(start, fragEnd));
    pos = fragEnd;
    if (type === FULL || type === LAST) {
      let rec = parts.length === 1 ? parts[0] : concat(parts);
      if (compressed) {
        try {
          rec = snappyUncompress(rec);
        } catch (e) {
          return stop(`corrupt snappy record: ${(e as Error).message}`);
        }
      }
      parts = [];
      end = pos;
      if (onRecord(rec, pos) === false) break;
    }
  }
  if (parts.length > 0) return stop('last record is incomplete', true);
  return { end, error: null, truncated: false };
}

function concat(parts: Uint8Array[]): Uint8Array {
  let n = 0;
  for (const p of parts) n += p.length;
  const out = new Uint8Array(n);
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}

/** The newest complete checkpoint in walDir (`checkpoint.NNNNNNNN`), covering segments up to n. */
export function lastCheckpoint(walDir: string): { n: number; dir: string } | null {
  let best: { n: number; dir: string } | null = null;
  let names: string[] = [];
  try {
    names = readdirSync(walDir);
  } catch {
    return null;
  }
  for (const name of names) {
    const m = /^checkpoint\.(\d+)$/.exec(name);
    if (m && (best === null || Number(m[1]) > best.n)) best = { n: Number(m[1]), dir: join(walDir, name) };
  }
  return best;
}

/**
 * Writes checkpoint.n (records that replace segments 0..n), atomically via a temporary directory, then
 * deletes older checkpoints and segments 0..n.
 */
export function writeCheckpoint(walDir: string, n: number, records: Iterable<Uint8Array>): void {
  const final = join(walDir, `checkpoint.${segmentName(n)}`);
  const tmp = `${final}.tmp`;
  rmSync(tmp, { recursive: true, force: true });
  const w = new WAL(tmp);
  for (const r of records) w.log(r);
  w.close();
  rmSync(final, { recursive: true, force: true });
  renameSync(tmp, final);
  for (const name of readdirSync(walDir)) {
    const m = /^checkpoint\.(\d+)(\.tmp)?$/.exec(name);
    if (m && Number(m[1]) < n) rmSync(join(walDir, name), { recursive: true, force: true });
  }
  for (const seg of listSegments(walDir)) if (seg <= n) rmSync(join(walDir, segmentName(seg)));
}
