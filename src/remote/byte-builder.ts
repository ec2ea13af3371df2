import { growBytes } from '../model/grow-bytes.ts';

/** A growable byte buffer that writes protobuf varints: the base of the remote-write request builders. */
export class ByteBuilder {
  protected buf = new Uint8Array(64 * 1024);
  protected dv = new DataView(this.buf.buffer);
  protected len = 0;

  /** Makes room for n more bytes (doubling, so appends stay amortised O(1)). */
  protected ensure(n: number): void {
    if (this.len + n <= this.buf.length) return;
    this.buf = growBytes(this.buf, this.len, n);
    this.dv = new DataView(this.buf.buffer);
  }

  /** A varint; negative numbers as 64-bit two's complement (10 bytes), as protobuf's int64 does. */
  protected varint(v: number): void {
    const b = this.buf;
    if (v < 0) {
      let x = BigInt.asUintN(64, BigInt(v));
      while (x >= 0x80n) {
        b[this.len++] = Number(x & 0x7fn) | 0x80;
        x >>= 7n;
      }
      b[this.len++] = Number(x);
      return;
    }
    while (v >= 0x80) {
      b[this.len++] = (v % 128) | 0x80;
      v = Math.floor(v / 128);
    }
    b[this.len++] = v;
  }

  /** Bytes the `samples` fields (field 2 of TimeSeries, in 1.0 and 2.0) of ts[idx[from..to)] take. */
  protected samplesSize(ts: ArrayLike<number>, idx: ArrayLike<number>, from: number, to: number): number {
    let n = 0;
    for (let i = from; i < to; i++) {
      const len = sampleSize(ts[idx[i]]);
      n += 1 + varintSize(len) + len;
    }
    return n;
  }

  /** Writes the `samples` fields: each a Sample { double value = 1; int64 timestamp = 2 }. */
  protected samples(ts: ArrayLike<number>, vs: Float64Array, idx: ArrayLike<number>, from: number, to: number): void {
    for (let i = from; i < to; i++) {
      const j = idx[i];
      const t = ts[j];
      this.buf[this.len++] = 0x12;
      this.varint(sampleSize(t));
      this.buf[this.len++] = 0x09;
      this.dv.setFloat64(this.len, vs[j], true);
      this.len += 8;
      this.buf[this.len++] = 0x10;
      this.varint(t);
    }
  }
}

/** Bytes of one encoded Sample with timestamp t (a negative int64 varint takes 10 bytes). */
function sampleSize(t: number): number {
  return 9 + 1 + (t < 0 ? 10 : varintSize(t));
}

/** Bytes a non-negative varint takes. */
export function varintSize(v: number): number {
  let n = 1;
  while (v >= 0x80) {
    v = Math.floor(v / 128);
    n++;
  }
  return n;
}
