import { growBytes } from '../../model/grow-bytes.ts';
import { Labels } from '../../model/index.ts';

/**
 * WAL record encodings, as documented in Prometheus's tsdb/docs/format/wal.md:
 * series (type 1): per series id <8b BE>, label count <uvarint>, then name/value as <uvarint len><bytes>.
 * samples (type 2): base id <8b>, base timestamp <8b>, then per sample zigzag-varint id delta,
 * zigzag-varint timestamp delta, value <8b BE float64 bits>.
 */
export const RECORD_SERIES = 1;
export const RECORD_SAMPLES = 2;
export const RECORD_TOMBSTONES = 3;

const enc = new TextEncoder();
const dec = new TextDecoder();

export class RecordBuffer {
  buf = new Uint8Array(4096);
  len = 0;
  private dv = new DataView(this.buf.buffer);

  reset(): void {
    this.len = 0;
  }

  private ensure(n: number): void {
    if (this.len + n <= this.buf.length) return;
    this.buf = growBytes(this.buf, this.len, n);
    this.dv = new DataView(this.buf.buffer);
  }

  byte(b: number): void {
    this.ensure(1);
    this.buf[this.len++] = b;
  }

  be64(v: number): void {
    this.ensure(8);
    this.dv.setBigUint64(this.len, BigInt.asUintN(64, BigInt(v)));
    this.len += 8;
  }

  f64(v: number): void {
    this.ensure(8);
    this.dv.setFloat64(this.len, v);
    this.len += 8;
  }

  uvarint(v: number): void {
    this.ensure(10);
    while (v >= 0x80) {
      this.buf[this.len++] = (v % 128) | 0x80;
      v = Math.floor(v / 128);
    }
    this.buf[this.len++] = v;
  }

  /** Zigzag signed varint, as Go's binary.PutVarint. */
  varint(v: number): void {
    this.uvarint(v >= 0 ? v * 2 : -v * 2 - 1);
  }

  str(s: string): void {
    const b = enc.encode(s);
    this.uvarint(b.length);
    this.ensure(b.length);
    this.buf.set(b, this.len);
    this.len += b.length;
  }

  bytes(): Uint8Array {
    return this.buf.subarray(0, this.len);
  }
}

export function encodeSeries(out: RecordBuffer, series: readonly { ref: number; labels: Labels }[]): void {
  out.byte(RECORD_SERIES);
  for (const s of series) {
    out.be64(s.ref);
    const f = s.labels.flat;
    out.uvarint(f.length / 2);
    for (let i = 0; i < f.length; i++) out.str(f[i]);
  }
}

/** Samples given as parallel arrays (a Float64Array keeps NaN payloads such as staleness markers). */
export function encodeSamples(
  out: RecordBuffer,
  refs: ArrayLike<number>,
  ts: ArrayLike<number>,
  vs: ArrayLike<number>,
  n: number,
): void {
  if (n === 0) return;
  out.byte(RECORD_SAMPLES);
  const baseRef = refs[0];
  const baseT = ts[0];
  out.be64(baseRef);
  out.be64(baseT);
  for (let i = 0; i < n; i++) {
    out.varint(refs[i] - baseRef);
    out.varint(ts[i] - baseT);
    out.f64(vs[i]);
  }
}

export class RecordDecodeError extends Error {}

class Reader {
  pos = 0;
  private readonly dv: DataView;
  constructor(readonly b: Uint8Array) {
    this.dv = new DataView(b.buffer, b.byteOffset, b.byteLength);
  }
  need(n: number): void {
    if (this.pos + n > this.b.length) throw new RecordDecodeError('unexpected end of record');
  }
  be64(): number {
    this.need(8);
    const v = this.dv.getBigInt64(this.pos);
    this.pos += 8;
    return Number(v);
  }
  f64(): number {
    this.need(8);
    const v = this.dv.getFloat64(this.pos);
    this.pos += 8;
    return v;
  }
  uvarint(): number {
    let result = 0;
    let mul = 1;
    for (let i = 0; i < 10; i++) {
      this.need(1);
      const byte = this.b[this.pos++];
      result += (byte & 0x7f) * mul;
      if ((byte & 0x80) === 0) return result;
      mul *= 128;
    }
    throw new RecordDecodeError('varint overflow');
  }
  varint(): number {
    const u = this.uvarint();
    return u % 2 === 0 ? u / 2 : -(u + 1) / 2;
  }
  str(): string {
    const n = this.uvarint();
    this.need(n);
    const b = this.b;
    const start = this.pos;
    this.pos += n;
    // label names and values are short and mostly ASCII: building those directly is much cheaper than a
    // TextDecoder call per string (replay decodes every label of every series)
    if (n <= 32) {
      let ascii = true;
      for (let i = start; i < start + n; i++) {
        if (b[i] >= 0x80) {
          ascii = false;
          break;
        }
      }
      if (ascii) return String.fromCharCode.apply(null, b.subarray(start, start + n) as unknown as number[]);
    }
    return dec.decode(b.subarray(start, start + n));
  }
}

export function decodeSeries(rec: Uint8Array, onSeries: (ref: number, labels: Labels) => void): void {
  const r = new Reader(rec);
  r.pos = 1;
  while (r.pos < rec.length) {
    const ref = r.be64();
    const n = r.uvarint();
    const flat: string[] = new Array(n * 2);
    for (let i = 0; i < n * 2; i++) flat[i] = r.str();
    onSeries(ref, Labels.fromSortedFlat(flat));
  }
}

export function decodeSamples(rec: Uint8Array, onSample: (ref: number, t: number, v: number) => void): void {
  const r = new Reader(rec);
  r.pos = 1;
  if (rec.length <= 1) return;
  const baseRef = r.be64();
  const baseT = r.be64();
  while (r.pos < rec.length) {
    const ref = baseRef + r.varint();
    const t = baseT + r.varint();
    onSample(ref, t, r.f64());
  }
}

/** Reusable output of decodeSamplesInto: parallel arrays, the first n entries valid. */
export class SampleBatch {
  refs = new Float64Array(1024);
  ts = new Float64Array(1024);
  vs = new Float64Array(1024);
  n = 0;

  ensure(n: number): void {
    if (n <= this.ts.length) return;
    let size = this.ts.length * 2;
    while (size < n) size *= 2;
    this.refs = new Float64Array(size);
    this.ts = new Float64Array(size);
    this.vs = new Float64Array(size);
  }
}

const TWO32 = 4294967296;

/**
 * Decodes a samples record (type 2) into `out` without allocating per sample (the hot path of WAL replay):
 * the 64-bit base fields are read as two 32-bit halves, varints inline, values through one DataView.
 * Returns the number of samples. Throws RecordDecodeError on a malformed record.
 */
export function decodeSamplesInto(rec: Uint8Array, out: SampleBatch): number {
  const len = rec.length;
  out.n = 0;
  if (len <= 1) return 0;
  if (len < 17) throw new RecordDecodeError('unexpected end of record');
  // each sample takes at least 10 bytes (two 1-byte varints and the value)
  out.ensure(Math.ceil((len - 17) / 10) + 1);
  const refs = out.refs;
  const ts = out.ts;
  const vs = out.vs;
  const dv = new DataView(rec.buffer, rec.byteOffset, rec.byteLength);
  const baseRef = dv.getInt32(1) * TWO32 + dv.getUint32(5);
  const baseT = dv.getInt32(9) * TWO32 + dv.getUint32(13);
  let pos = 17;
  let n = 0;
  while (pos < len) {
    // id delta, zigzag varint
    let b = rec[pos++];
    let u = b & 0x7f;
    if (b >= 0x80) {
      let mul = 128;
      do {
        if (pos >= len) throw new RecordDecodeError('unexpected end of record');
        b = rec[pos++];
        u += (b & 0x7f) * mul;
        mul *= 128;
      } while (b >= 0x80 && mul < 2 ** 70);
    }
    const dRef = u % 2 === 0 ? u / 2 : -(u + 1) / 2;
    if (pos >= len) throw new RecordDecodeError('unexpected end of record');
    // timestamp delta, zigzag varint
    b = rec[pos++];
    u = b & 0x7f;
    if (b >= 0x80) {
      let mul = 128;
      do {
        if (pos >= len) throw new RecordDecodeError('unexpected end of record');
        b = rec[pos++];
        u += (b & 0x7f) * mul;
        mul *= 128;
      } while (b >= 0x80 && mul < 2 ** 70);
    }
    const dT = u % 2 === 0 ? u / 2 : -(u + 1) / 2;
    if (pos + 8 > len) throw new RecordDecodeError('unexpected end of record');
    // capacity was reserved for the most samples the record's length allows
    refs[n] = baseRef + dRef;
    ts[n] = baseT + dT;
    vs[n] = dv.getFloat64(pos);
    pos += 8;
    n++;
  }
  out.n = n;
  return n;
}
