import { crc32c } from '../wal/index.ts';

/**
 * Byte-level encoders and decoders used by the block files (index, chunks, tombstones).
 * Integers up to 2^53 are exact; Prometheus's 64-bit fields (timestamps, chunk refs, offsets) stay below that.
 */

const TWO_POW_32 = 4294967296;
const TWO_POW_52 = 2 ** 52;
const TWO_POW_53 = 2 ** 53;

/** A growable byte buffer with big-endian fixed-width and Go-style varint writers. */
export class ByteWriter {
  buf: Buffer;
  len = 0;

  constructor(initial = 4096) {
    this.buf = Buffer.allocUnsafe(initial);
  }

  reserve(n: number): void {
    const need = this.len + n;
    if (need <= this.buf.length) return;
    let cap = this.buf.length * 2;
    while (cap < need) cap *= 2;
    const nb = Buffer.allocUnsafe(cap);
    this.buf.copy(nb, 0, 0, this.len);
    this.buf = nb;
  }

  byte(b: number): void {
    this.reserve(1);
    this.buf[this.len++] = b & 0xff;
  }

  be32(v: number): void {
    this.reserve(4);
    this.buf.writeUInt32BE(v >>> 0, this.len);
    this.len += 4;
  }

  be64(v: number): void {
    this.reserve(8);
    this.buf.writeUInt32BE(Math.floor(v / TWO_POW_32) >>> 0, this.len);
    this.buf.writeUInt32BE((v % TWO_POW_32) >>> 0, this.len + 4);
    this.len += 8;
  }

  /** Overwrites 4 bytes at `pos` (for length fields written after their section). */
  putBe32(pos: number, v: number): void {
    this.buf.writeUInt32BE(v >>> 0, pos);
  }

  uvarint(v: number): void {
    this.reserve(10);
    const b = this.buf;
    let p = this.len;
    while (v >= 0x80) {
      b[p++] = (v % 128) | 0x80;
      v = Math.floor(v / 128);
    }
    b[p++] = v;
    this.len = p;
  }

  /** Zigzag signed varint (Go's binary.PutVarint). Exact for |v| < 2^52, sign-correct beyond. */
  varint(v: number): void {
    if (v > -TWO_POW_52 && v < TWO_POW_52) {
      this.uvarint(v >= 0 ? v * 2 : -v * 2 - 1);
      return;
    }
    // e.g. math.MinInt64 as "since the beginning" in tombstones: zigzag in BigInt so the sign bit survives
    // clamp to int64 (2^63 stands for math.MaxInt64, which a double cannot hold)
    let b = BigInt(Math.trunc(v));
    if (b > 0x7fffffffffffffffn) b = 0x7fffffffffffffffn;
    if (b < -0x8000000000000000n) b = -0x8000000000000000n;
    let u = b >= 0n ? b << 1n : (-b << 1n) - 1n;
    this.reserve(10);
    while (u >= 0x80n) {
      this.buf[this.len++] = Number(u & 0x7fn) | 0x80;
      u >>= 7n;
    }
    this.buf[this.len++] = Number(u);
  }

  /** A string as <uvarint byte length><utf-8 bytes>. */
  lenString(s: string): void {
    const n = Buffer.byteLength(s, 'utf8');
    this.uvarint(n);
    this.reserve(n);
    this.buf.write(s, this.len, n, 'utf8');
    this.len += n;
  }

  bytes(data: Uint8Array): void {
    this.reserve(data.length);
    this.buf.set(data, this.len);
    this.len += data.length;
  }

  /** Zero bytes until len is a multiple of `align`. */
  pad(align: number): void {
    const r = this.len % align;
    if (r === 0) return;
    const n = align - r;
    this.reserve(n);
    this.buf.fill(0, this.len, this.len + n);
    this.len += n;
  }

  /** CRC32C of [from, len), appended big-endian. */
  crcFrom(from: number): void {
    this.be32(crc32c(this.buf, from, this.len));
  }

  view(): Buffer {
    return this.buf.subarray(0, this.len);
  }

  reset(): void {
    this.len = 0;
  }
}

export class DecodeError extends Error {}

/** A cursor over bytes with the matching readers. Throws DecodeError past `end`. */
export class ByteReader {
  buf: Buffer;
  pos: number;
  end: number;

  constructor(buf: Buffer, pos = 0, end = buf.length) {
    this.buf = buf;
    this.pos = pos;
    this.end = end;
  }

  get remaining(): number {
    return this.end - this.pos;
  }

  private need(n: number): void {
    if (this.pos + n > this.end) throw new DecodeError(`unexpected end of data at offset ${this.pos}`);
  }

  byte(): number {
    this.need(1);
    return this.buf[this.pos++];
  }

  be32(): number {
    this.need(4);
    const v = this.buf.readUInt32BE(this.pos);
    this.pos += 4;
    return v;
  }

  be64(): number {
    this.need(8);
    const hi = this.buf.readUInt32BE(this.pos);
    const lo = this.buf.readUInt32BE(this.pos + 4);
    this.pos += 8;
    return hi * TWO_POW_32 + lo;
  }

  uvarint(): number {
    const b = this.buf;
    let p = this.pos;
    let v = 0;
    let mul = 1;
    for (let i = 0; i < 10; i++) {
      if (p >= this.end) throw new DecodeError(`unexpected end of varint at offset ${p}`);
      const c = b[p++];
      v += (c & 0x7f) * mul;
      if (c < 0x80) {
        this.pos = p;
        return v;
      }
      mul *= 128;
    }
    throw new DecodeError(`varint overflow at offset ${this.pos}`);
  }

  varint(): number {
    const start = this.pos;
    const u = this.uvarint();
    if (u < TWO_POW_53) {
      // zigzag: even -> u/2, odd -> -(u+1)/2
      return u % 2 === 0 ? u / 2 : -(u + 1) / 2;
    }
    // beyond 2^53 the low bit (the sign) is lost in a double: decode again exactly
    let big = 0n;
    for (let i = this.pos - 1; i >= start; i--) big = (big << 7n) | BigInt(this.buf[i] & 0x7f);
    return Number(big & 1n ? -((big + 1n) >> 1n) : big >> 1n);
  }

  lenString(): string {
    const n = this.uvarint();
    this.need(n);
    const s = this.buf.toString('utf8', this.pos, this.pos + n);
    this.pos += n;
    return s;
  }

  skip(n: number): void {
    this.need(n);
    this.pos += n;
  }
}

/** Verifies the CRC32C stored big-endian at `crcPos` over [from, crcPos). */
export function checkCrc(buf: Buffer, from: number, crcPos: number, what: string): void {
  if (crcPos + 4 > buf.length) throw new DecodeError(`${what}: truncated before checksum`);
  const want = buf.readUInt32BE(crcPos);
  const got = crc32c(buf, from, crcPos);
  if (want !== got)
    throw new DecodeError(`${what}: checksum mismatch (stored ${want.toString(16)}, computed ${got.toString(16)})`);
}

/**
 * Byte-wise (UTF-8) string order, as Go compares strings. It differs from JavaScript's UTF-16 order only
 * between surrogate pairs (code points >= U+10000) and code units U+E000..U+FFFF.
 */
export function compareUtf8(a: string, b: string): number {
  if (a === b) return 0;
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    let x = a.charCodeAt(i);
    let y = b.charCodeAt(i);
    if (x === y) continue;
    if (x >= 0xd800 && y >= 0xd800) {
      // lift surrogates above the rest of the BMP
      x = x < 0xe000 ? x + 0x2000 : x - 0x800;
      y = y < 0xe000 ? y + 0x2000 : y - 0x800;
    }
    return x < y ? -1 : 1;
  }
  return a.length - b.length;
}

/** Label-set order used for series in an index: pairwise by name then value, byte-wise. */
export function compareLabelsUtf8(x: readonly string[], y: readonly string[]): number {
  const n = Math.min(x.length, y.length);
  for (let i = 0; i < n; i++) {
    if (x[i] !== y[i]) return compareUtf8(x[i], y[i]);
  }
  return x.length - y.length;
}
