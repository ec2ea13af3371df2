import { growBytes } from '../model/grow-bytes.ts';
/**
 * Minimal protobuf wire-format reader and writer for the remote-write messages.
 * Hand-written because remote write is a hot path: samples decode straight into typed arrays
 * with no per-sample objects.
 */
export class ProtoReader {
  pos: number;
  constructor(
    readonly buf: Uint8Array,
    start = 0,
    readonly end = buf.length,
  ) {
    this.pos = start;
  }

  get done(): boolean {
    return this.pos >= this.end;
  }

  /** Reads a varint of up to 32 significant bits (field tags, lengths). */
  uint32(): number {
    let result = 0;
    let shift = 0;
    for (;;) {
      if (this.pos >= this.end) throw new Error('unexpected EOF');
      const b = this.buf[this.pos++];
      if (shift < 28) result |= (b & 0x7f) << shift;
      else if (shift === 28) result += (b & 0x0f) * 2 ** 28;
      if ((b & 0x80) === 0) break;
      shift += 7;
      if (shift > 63) throw new Error('varint overflow');
    }
    return result >>> 0 === result ? result : result >>> 0;
  }

  /** Reads a signed int64 varint as a JS number (exact within ±2^53). */
  int64(): number {
    let lo = 0;
    let hi = 0;
    let shift = 0;
    for (;;) {
      if (this.pos >= this.end) throw new Error('unexpected EOF');
      const b = this.buf[this.pos++];
      if (shift < 28) lo |= (b & 0x7f) << shift;
      else if (shift === 28) {
        lo |= (b & 0x0f) << 28;
        hi |= (b & 0x70) >> 4;
      } else hi |= (b & 0x7f) << (shift - 32);
      if ((b & 0x80) === 0) break;
      shift += 7;
      if (shift > 63) throw new Error('varint overflow');
    }
    return (hi | 0) * 4294967296 + (lo >>> 0);
  }

  double(): number {
    if (this.pos + 8 > this.end) throw new Error('unexpected EOF');
    const v = new DataView(this.buf.buffer, this.buf.byteOffset + this.pos, 8).getFloat64(0, true);
    this.pos += 8;
    return v;
  }

  /** Returns [start, end) of a length-delimited field and skips it. */
  bytes(): [number, number] {
    const len = this.uint32();
    const start = this.pos;
    if (start + len > this.end) throw new Error('unexpected EOF');
    this.pos += len;
    return [start, start + len];
  }

  skip(wireType: number): void {
    switch (wireType) {
      case 0:
        this.int64();
        return;
      case 1:
        this.pos += 8;
        break;
      case 2:
        this.bytes();
        return;
      case 5:
        this.pos += 4;
        break;
      default:
        throw new Error(`illegal wireType ${wireType}`);
    }
    if (this.pos > this.end) throw new Error('unexpected EOF');
  }
}

export class ProtoWriter {
  private buf = new Uint8Array(1024);
  private len = 0;
  private readonly dv = () => new DataView(this.buf.buffer);

  private ensure(n: number): void {
    this.buf = growBytes(this.buf, this.len, n);
  }

  varint(v: number): void {
    this.ensure(10);
    if (v < 0) {
      // two's complement 64-bit
      const big = BigInt.asUintN(64, BigInt(v));
      let x = big;
      while (x >= 0x80n) {
        this.buf[this.len++] = Number(x & 0x7fn) | 0x80;
        x >>= 7n;
      }
      this.buf[this.len++] = Number(x);
      return;
    }
    while (v >= 0x80) {
      this.buf[this.len++] = (v % 128) | 0x80;
      v = Math.floor(v / 128);
    }
    this.buf[this.len++] = v;
  }

  tag(field: number, wireType: number): void {
    this.varint((field << 3) | wireType);
  }

  double(field: number, v: number): void {
    this.tag(field, 1);
    this.ensure(8);
    this.dv().setFloat64(this.len, v, true);
    this.len += 8;
  }

  int64(field: number, v: number): void {
    this.tag(field, 0);
    this.varint(v);
  }

  bytes(field: number, b: Uint8Array): void {
    this.tag(field, 2);
    this.varint(b.length);
    this.ensure(b.length);
    this.buf.set(b, this.len);
    this.len += b.length;
  }

  string(field: number, s: string): void {
    this.bytes(field, new TextEncoder().encode(s));
  }

  /** Writes a nested message built by fn. */
  message(field: number, fn: (w: ProtoWriter) => void): void {
    const inner = new ProtoWriter();
    fn(inner);
    this.bytes(field, inner.finish());
  }

  finish(): Uint8Array {
    return this.buf.slice(0, this.len);
  }
}
