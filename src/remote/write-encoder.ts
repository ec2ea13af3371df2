import snappy from 'snappyjs';
import type { Labels } from '../model/index.ts';
import { ByteBuilder } from './byte-builder.ts';

const enc = new TextEncoder();

/** The repeated `Label` fields of a TimeSeries, encoded once per series and reused in every request. */
export function encodeLabelFields(labels: Labels): Uint8Array {
  const parts: number[] = [];
  labels.forEach((n, v) => {
    const nb = enc.encode(n);
    const vb = enc.encode(v);
    const inner: number[] = [];
    inner.push(0x0a);
    pushVarint(inner, nb.length);
    for (const b of nb) inner.push(b);
    inner.push(0x12);
    pushVarint(inner, vb.length);
    for (const b of vb) inner.push(b);
    parts.push(0x0a);
    pushVarint(parts, inner.length);
    for (const b of inner) parts.push(b);
  });
  return Uint8Array.from(parts);
}

function pushVarint(out: number[], v: number): void {
  while (v >= 0x80) {
    out.push((v % 128) | 0x80);
    v = Math.floor(v / 128);
  }
  out.push(v);
}

/**
 * Builds a remote-write 1.0 WriteRequest in a reusable buffer: one TimeSeries per sample run of a series,
 * labels copied from their pre-encoded bytes, timestamps as int64 varints, values as doubles.
 */
export class WriteRequestBuilder extends ByteBuilder {
  reset(): void {
    this.len = 0;
  }

  /** Appends a TimeSeries with samples ts[from..to), vs[from..to). */
  series(
    labelFields: Uint8Array,
    ts: ArrayLike<number>,
    vs: Float64Array,
    idx: ArrayLike<number>,
    from: number,
    to: number,
  ): void {
    let body = labelFields.length;
    body += this.samplesSize(ts, idx, from, to);
    this.ensure(body + 16);
    this.buf[this.len++] = 0x0a;
    this.varint(body);
    this.buf.set(labelFields, this.len);
    this.len += labelFields.length;
    this.samples(ts, vs, idx, from, to);
  }

  /** The snappy-compressed request body. */
  compressed(): Uint8Array {
    return snappy.compress(this.buf.subarray(0, this.len)) as Uint8Array;
  }
}
