import { closeSync, fstatSync, fsyncSync, mkdirSync, openSync, readdirSync, readSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { crc32c } from '../wal/index.ts';
import { DecodeError } from './encoding.ts';

/**
 * The chunks/ directory of a block (docs/formats/blocks.md): segment files 000001, 000002, ... each with an
 * 8-byte header (magic 0x85BD40DD, version 1, 3 bytes padding), then chunks written back to back as
 * <uvarint data length><encoding byte><data><CRC32C of encoding byte + data, 4 bytes BE>.
 * A chunk reference is (segment index << 32) | byte offset of the chunk in that segment, index 0 = 000001.
 */

export const CHUNKS_MAGIC = 0x85bd40dd;
export const CHUNKS_FORMAT_V1 = 1;
export const CHUNKS_HEADER_SIZE = 8;
export const DEFAULT_SEGMENT_BYTES = 512 * 1024 * 1024;
const TWO_POW_32 = 4294967296;
/** Flush the write buffer past this many bytes. */
const FLUSH_AT = 1 << 20;

export function segmentFileName(index: number): string {
  return String(index + 1).padStart(6, '0');
}

export function chunkRef(segment: number, offset: number): number {
  return segment * TWO_POW_32 + offset;
}

/** Writes chunks into segment files, cutting a new segment before one would exceed the size limit. */
export class ChunkWriter {
  private readonly dir: string;
  private readonly segmentBytes: number;
  private fd = -1;
  private segment = -1;
  private offset = 0;
  private buf = Buffer.allocUnsafe(FLUSH_AT + 65536);
  private bufLen = 0;

  constructor(dir: string, segmentBytes = DEFAULT_SEGMENT_BYTES) {
    this.dir = dir;
    this.segmentBytes = segmentBytes;
    mkdirSync(dir, { recursive: true });
  }

  /** Appends one chunk and returns its reference. */
  write(encoding: number, data: Uint8Array): number {
    const size = varintSize(data.length) + 1 + data.length + 4;
    if (this.fd < 0 || (this.offset + size > this.segmentBytes && this.offset > CHUNKS_HEADER_SIZE)) this.cut();
    const ref = chunkRef(this.segment, this.offset);
    if (this.bufLen + size > this.buf.length) this.flush();
    if (size > this.buf.length) this.buf = Buffer.allocUnsafe(size * 2);
    const b = this.buf;
    let p = this.bufLen;
    let n = data.length;
    while (n >= 0x80) {
      b[p++] = (n & 0x7f) | 0x80;
      n >>>= 7;
    }
    b[p++] = n;
    const crcStart = p;
    b[p++] = encoding;
    b.set(data, p);
    p += data.length;
    b.writeUInt32BE(crc32c(b, crcStart, p), p);
    p += 4;
    this.bufLen = p;
    this.offset += size;
    if (this.bufLen >= FLUSH_AT) this.flush();
    return ref;
  }

  private cut(): void {
    this.closeSegment();
    this.segment++;
    this.fd = openSync(join(this.dir, segmentFileName(this.segment)), 'w');
    const h = this.buf;
    h.writeUInt32BE(CHUNKS_MAGIC, 0);
    h[4] = CHUNKS_FORMAT_V1;
    h[5] = 0;
    h[6] = 0;
    h[7] = 0;
    this.bufLen = CHUNKS_HEADER_SIZE;
    this.offset = CHUNKS_HEADER_SIZE;
  }

  private flush(): void {
    if (this.fd < 0 || this.bufLen === 0) return;
    let off = 0;
    while (off < this.bufLen) off += writeSync(this.fd, this.buf, off, this.bufLen - off);
    this.bufLen = 0;
  }

  private closeSegment(): void {
    if (this.fd < 0) return;
    this.flush();
    fsyncSync(this.fd);
    closeSync(this.fd);
    this.fd = -1;
  }

  /** Flushes and closes; writes nothing when no chunk was written (as Prometheus, an empty chunks dir). */
  close(): void {
    this.closeSegment();
  }
}

function varintSize(n: number): number {
  let s = 1;
  while (n >= 0x80) {
    n >>>= 7;
    s++;
  }
  return s;
}

/** One chunk as read: encoding and its bytes. */
export interface ChunkBytes {
  encoding: number;
  data: Buffer;
}

/** By default, segments up to this size are read into memory whole; larger ones by ranges. */
export const DEFAULT_PRELOAD_BYTES = 1024 * 1024;
/** Bytes read past a chunk's start when its length is not known yet (most chunks are smaller). */
const WINDOW = 1024;

export interface ChunkReaderOptions {
  /** Segments up to this size are read whole when opened (default 1 MiB); 0 reads everything by ranges. */
  preloadBytes?: number;
}

/**
 * Reads chunks by reference from a block's chunks/ directory. Small segments are held in memory; others are
 * read with positioned reads, one read per run of consecutive chunks of a series.
 */
export class ChunkReader {
  private readonly fds: number[] = [];
  private readonly sizes: number[] = [];
  private readonly whole: (Buffer | null)[] = [];
  /** Sum of segment file sizes. */
  readonly totalBytes: number;

  constructor(dir: string, opts: ChunkReaderOptions = {}) {
    const preload = opts.preloadBytes ?? DEFAULT_PRELOAD_BYTES;
    let names: string[] = [];
    try {
      names = readdirSync(dir)
        .filter((n) => /^\d+$/.test(n))
        .sort();
    } catch {
      names = [];
    }
    let total = 0;
    for (const n of names) {
      const fd = openSync(join(dir, n), 'r');
      const size = fstatSync(fd).size;
      const head = Buffer.alloc(CHUNKS_HEADER_SIZE);
      readSync(fd, head, 0, CHUNKS_HEADER_SIZE, 0);
      let problem = '';
      if (size < CHUNKS_HEADER_SIZE || head.readUInt32BE(0) !== CHUNKS_MAGIC) problem = 'invalid chunk segment magic';
      else if (head[4] !== CHUNKS_FORMAT_V1) problem = `unsupported chunk segment version ${head[4]}`;
      if (problem !== '') {
        closeSync(fd);
        this.close();
        throw new DecodeError(`${join(dir, n)}: ${problem}`);
      }
      this.fds.push(fd);
      this.sizes.push(size);
      let whole: Buffer | null = null;
      if (size <= preload) {
        whole = Buffer.allocUnsafe(size);
        readFully(this.fds[this.fds.length - 1], whole, 0);
      }
      this.whole.push(whole);
      total += size;
    }
    this.totalBytes = total;
  }

  private closed = false;

  private locate(ref: number): [number, number] {
    if (this.closed) throw new DecodeError('chunk reader is closed');
    const seg = Math.floor(ref / TWO_POW_32);
    const off = ref % TWO_POW_32;
    if (seg >= this.fds.length) throw new DecodeError(`chunk ref ${ref}: segment ${seg + 1} does not exist`);
    if (off < CHUNKS_HEADER_SIZE || off >= this.sizes[seg])
      throw new DecodeError(`chunk ref ${ref}: offset out of range`);
    return [seg, off];
  }

  /** Reads [off, off + n) of a segment (clipped to its size) into a fresh buffer. */
  private readRange(seg: number, off: number, n: number): Buffer {
    const len = Math.min(n, this.sizes[seg] - off);
    const buf = Buffer.allocUnsafe(len);
    readFully(this.fds[seg], buf, off);
    return buf;
  }

  /** The chunk at `ref`. With verify, checks its CRC32C. */
  chunk(ref: number, verify = false): ChunkBytes {
    const [seg, off] = this.locate(ref);
    const whole = this.whole[seg];
    if (whole !== null) return parseChunk(whole, off, ref, verify);
    let buf = this.readRange(seg, off, WINDOW);
    const c = tryParseChunk(buf, 0, ref, verify);
    if (c !== null) return c;
    // longer than the window: read exactly its length
    const [len, vlen] = readUvarint(buf, 0, buf.length);
    buf = this.readRange(seg, off, vlen + 1 + len + 4);
    return parseChunk(buf, 0, ref, verify);
  }

  /** The chunks at `refs` (ascending, as a series lists them), reading each run within a segment at once. */
  chunks(refs: readonly number[], verify = false): ChunkBytes[] {
    const out: ChunkBytes[] = [];
    let i = 0;
    while (i < refs.length) {
      const [seg, off] = this.locate(refs[i]);
      if (this.whole[seg] !== null) {
        out.push(this.chunk(refs[i], verify));
        i++;
        continue;
      }
      // the run of refs in this segment, in ascending order
      let j = i + 1;
      while (j < refs.length && Math.floor(refs[j] / TWO_POW_32) === seg && refs[j] > refs[j - 1]) j++;
      const lastOff = refs[j - 1] % TWO_POW_32;
      const buf = this.readRange(seg, off, lastOff - off + WINDOW);
      for (let k = i; k < j; k++) {
        const c = tryParseChunk(buf, (refs[k] % TWO_POW_32) - off, refs[k], verify);
        out.push(c ?? this.chunk(refs[k], verify));
      }
      i = j;
    }
    return out;
  }

  close(): void {
    this.closed = true;
    for (const fd of this.fds) closeSync(fd);
    this.fds.length = 0;
    this.whole.length = 0;
  }
}

function readFully(fd: number, buf: Buffer, pos: number): void {
  let off = 0;
  while (off < buf.length) {
    const n = readSync(fd, buf, off, buf.length - off, pos + off);
    if (n === 0) throw new DecodeError('unexpected end of file');
    off += n;
  }
}

/** Parses the chunk starting at `p`; null when `buf` ends before the chunk does. */
function tryParseChunk(buf: Buffer, p: number, ref: number, verify: boolean): ChunkBytes | null {
  let len = 0;
  let mul = 1;
  let q = p;
  for (;;) {
    if (q >= buf.length) return null;
    const c = buf[q++];
    len += (c & 0x7f) * mul;
    if (c < 0x80) break;
    mul *= 128;
    if (q - p > 9) throw new DecodeError(`chunk ref ${ref}: bad length`);
  }
  if (q + 1 + len + 4 > buf.length) return null;
  if (verify) {
    const want = buf.readUInt32BE(q + 1 + len);
    if (crc32c(buf, q, q + 1 + len) !== want) throw new DecodeError(`chunk ref ${ref}: checksum mismatch`);
  }
  return { encoding: buf[q], data: buf.subarray(q + 1, q + 1 + len) };
}

function parseChunk(buf: Buffer, p: number, ref: number, verify: boolean): ChunkBytes {
  const c = tryParseChunk(buf, p, ref, verify);
  if (c === null) throw new DecodeError(`chunk ref ${ref}: chunk extends past the segment end`);
  return c;
}

function readUvarint(b: Buffer, p: number, end: number): [number, number] {
  let v = 0;
  let mul = 1;
  for (let i = 0; i < 10 && p + i < end; i++) {
    const c = b[p + i];
    v += (c & 0x7f) * mul;
    if (c < 0x80) return [v, i + 1];
    mul *= 128;
  }
  throw new DecodeError('bad chunk length varint');
}
