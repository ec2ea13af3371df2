/**
 * Bit-level writer and reader over bytes, most significant bit first (the order Prometheus's chunk
 * encoding uses). The writer relies on bytes past the write position being zero, so writing zero bits
 * only advances the position.
 */

const TWO_POW_32 = 4294967296;

export class BitWriter {
  /** Backing bytes; only the first byteLength() are meaningful. Replaced (never mutated in place) on growth. */
  buf: Uint8Array;
  /** Number of bits written so far. */
  bitLen: number;

  constructor(initialBytes = 32, buf?: Uint8Array, bitLen = 0) {
    // note: lastWriteBytes starts false, as for a fresh Prometheus stream
    this.buf = buf ?? new Uint8Array(initialBytes);
    this.bitLen = bitLen;
  }

  /**
   * True when the last write was a whole number of bytes. Prometheus's bit stream appends a fresh byte after
   * every byte-sized write, so a stream whose last write was byte-sized and ends byte-aligned carries one
   * extra zero byte; byteLength() reproduces that so chunk bytes are identical.
   */
  private lastWriteBytes = false;

  /** Overrides whether the last write counts as byte-sized (see lastWriteBytes) after a fused write. */
  protected endedWithBytes(bytes: boolean): void {
    this.lastWriteBytes = bytes;
  }

  /** Moves the write position back (the caller has zeroed the bytes past it). */
  protected resetBits(bitLen: number): void {
    this.bitLen = bitLen;
    this.lastWriteBytes = false;
  }

  byteLength(): number {
    const n = (this.bitLen + 7) >>> 3;
    return this.lastWriteBytes && (this.bitLen & 7) === 0 ? n + 1 : n;
  }

  private ensure(extraBits: number): void {
    // one spare byte for the possible trailing zero byte
    const need = ((this.bitLen + extraBits + 7) >>> 3) + 1;
    if (need <= this.buf.length) return;
    let cap = Math.max(this.buf.length, 16);
    while (cap < need) cap = cap < 256 ? cap * 2 : cap + (cap >>> 1);
    const nb = new Uint8Array(cap);
    nb.set(this.buf.subarray(0, Math.min(this.buf.length, this.byteLength())));
    this.buf = nb;
  }

  writeZeroBit(): void {
    if ((this.bitLen >>> 3) + 2 >= this.buf.length) this.ensure(1);
    this.bitLen++;
    this.lastWriteBytes = false;
  }

  writeBit(bit: number): void {
    if ((this.bitLen >>> 3) + 2 >= this.buf.length) this.ensure(1);
    this.lastWriteBytes = false;
    if (bit) this.buf[this.bitLen >>> 3] |= 0x80 >>> (this.bitLen & 7);
    this.bitLen++;
  }

  /** Writes the low `n` bits of `value` (0 <= n <= 32, value an unsigned or signed 32-bit integer). */
  writeBits(value: number, n: number): void {
    if (n === 0) return;
    if (((this.bitLen + n) >>> 3) + 2 >= this.buf.length) this.ensure(n);
    this.lastWriteBytes = (n & 7) === 0;
    if (n < 32) value &= (1 << n) - 1;
    const buf = this.buf;
    const pos = this.bitLen;
    this.bitLen = pos + n;
    let idx = pos >>> 3;
    const free = 8 - (pos & 7);
    if (n <= free) {
      buf[idx] |= value << (free - n);
      return;
    }
    // fill the current byte with the top `free` bits, then whole bytes, then the rest
    let left = n - free;
    buf[idx++] |= value >>> left;
    while (left >= 8) {
      left -= 8;
      buf[idx++] = value >>> left;
    }
    if (left > 0) buf[idx] = value << (8 - left);
  }

  /** Writes a 64-bit value given as two 32-bit halves, high first. */
  writeBits64(hi: number, lo: number): void {
    this.writeWide(hi, lo, 64);
  }

  /** Writes the low `n` bits (0 < n <= 64) of the 64-bit value (hi, lo) as one write. */
  writeWide(hi: number, lo: number, n: number): void {
    if (n > 32) {
      this.writeBits(hi, n - 32);
      this.writeBits(lo, 32);
    } else {
      this.writeBits(lo, n);
    }
    this.lastWriteBytes = (n & 7) === 0;
  }

  writeByte(b: number): void {
    this.writeBits(b & 0xff, 8);
  }

  /** Unsigned LEB128 (Go's binary.PutUvarint) of a non-negative safe integer. */
  writeUvarint(x: number): void {
    while (x >= 0x80) {
      this.writeByte((x % 0x80) | 0x80);
      x = Math.floor(x / 0x80);
    }
    this.writeByte(x);
  }

  /** Zig-zag signed varint (Go's binary.PutVarint) of a safe integer. */
  writeVarint(x: number): void {
    // zigzag: 2x for x >= 0, -2x-1 for x < 0; computed without leaving the safe range for |x| < 2^52
    this.writeUvarint(x >= 0 ? x * 2 : -x * 2 - 1);
  }
}

export class BitReader {
  buf: Uint8Array;
  pos: number;
  /** Total readable bits. */
  end: number;

  constructor(buf: Uint8Array, pos = 0, end = buf.length * 8) {
    this.buf = buf;
    this.pos = pos;
    this.end = end;
  }

  reset(buf: Uint8Array, pos: number, end: number): void {
    this.buf = buf;
    this.pos = pos;
    this.end = end;
  }

  readBit(): number {
    if (this.pos >= this.end) throw new RangeError('chunk: read past end');
    const p = this.pos++;
    return (this.buf[p >>> 3] >>> (7 - (p & 7))) & 1;
  }

  /** Reads `n` bits (0 <= n <= 32) as an unsigned number. */
  readBits(n: number): number {
    if (this.pos + n > this.end) throw new RangeError('chunk: read past end');
    const buf = this.buf;
    let pos = this.pos;
    let left = n;
    let out = 0;
    while (left > 0) {
      const avail = 8 - (pos & 7);
      const take = Math.min(left, avail);
      const bits = (buf[pos >>> 3] >>> (avail - take)) & ((1 << take) - 1);
      out = out * (1 << take) + bits;
      pos += take;
      left -= take;
    }
    this.pos = pos;
    return out;
  }

  readByte(): number {
    return this.readBits(8);
  }

  readUvarint(): number {
    let x = 0;
    let mul = 1;
    for (let i = 0; i < 10; i++) {
      const b = this.readByte();
      x += (b & 0x7f) * mul;
      if (b < 0x80) return x;
      mul *= 0x80;
    }
    throw new RangeError('chunk: uvarint overflow');
  }

  readVarint(): number {
    const u = this.readUvarint();
    // inverse zigzag without 32-bit operators (u can exceed 2^32)
    return u % 2 === 0 ? u / 2 : -(u + 1) / 2;
  }
}

/** Signed 64-bit integer from two's complement halves, as a (possibly inexact beyond 2^53) number. */
export function int64FromHalves(hi: number, lo: number): number {
  return (hi | 0) * TWO_POW_32 + (lo >>> 0);
}

/** High half (two's complement) of a safe integer. */
export function int64Hi(x: number): number {
  return Math.floor(x / TWO_POW_32) | 0;
}

/** Low half of a safe integer. */
export function int64Lo(x: number): number {
  return (x - Math.floor(x / TWO_POW_32) * TWO_POW_32) >>> 0;
}
