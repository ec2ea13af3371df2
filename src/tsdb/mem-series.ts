import type { Labels } from '../model/index.ts';
import { SAMPLES_PER_CHUNK, XorChunk, XorIterator } from './xor-chunk.ts';

/**
 * One series in the head: its labels (interned) and its samples, stored only as XOR chunks.
 *
 * The open chunk receives appends. Closed chunks are packed back to back into one byte array with a small
 * metadata array beside it, so a series costs two typed arrays however many chunks it holds (a JS object
 * plus its own ArrayBuffer per chunk would cost several hundred bytes each). Both arrays are replaced,
 * never mutated, so a query snapshot can hold on to them. Chunks never span an aligned chunk-range
 * boundary, so they map onto blocks unchanged.
 */

const f64 = new Float64Array(2);
const u32 = new Uint32Array(f64.buffer);

/** True when two floats have identical bit patterns (distinguishes NaN payloads, 0 and -0). */
export function sameBits(a: number, b: number): boolean {
  f64[0] = a;
  f64[1] = b;
  return u32[0] === u32[2] && u32[1] === u32[3];
}

/** Result of checking where a sample would go. */
export enum Fit {
  /** Newer than every stored sample: appended to the open chunk. */
  InOrder = 0,
  /** Same timestamp and bits as a stored sample: nothing to do. */
  Same = 1,
  /** Same timestamp, different value. */
  Duplicate = 2,
  /** Older than the newest sample, timestamp not stored yet. */
  OutOfOrder = 3,
}

/** Appender bookkeeping kept on the series so a batch needs no per-sample map lookups. */
export interface PendingOwner {
  readonly id: number;
}

/** Per closed chunk in `closedMeta`: minT, maxT, numSamples, byte offset into `closedBytes`. */
export const META_FIELDS = 4;
const EMPTY_BYTES = new Uint8Array(0);
const EMPTY_META = new Float64Array(0);

/** A decoded chunk (used only on the rare paths that rewrite chunks). */
interface Decoded {
  ts: number[];
  vs: Float64Array;
}

/*
 * Memory layout: a head holds one MemSeries per series, so every field counts. V8 keeps each double-valued
 * field (a millisecond timestamp, a float) in a separately allocated 16-byte box, so the series keeps no
 * timestamps or values of its own: the newest sample is the open chunk's, the staged sample lives in the
 * appender's buffer (pendingIdx), and the chunk-range cut is kept as a small integer range number.
 */
export class MemSeries {
  readonly ref: number;
  readonly labels: Labels;
  /**
   * Closed chunks' bytes, back to back, in the first closedLen bytes (the rest is spare capacity).
   * Only ever written past closedLen, or replaced: a snapshot that captured (array, length) stays valid.
   */
  closedBytes: Uint8Array = EMPTY_BYTES;
  closedLen = 0;
  /** META_FIELDS numbers per closed chunk for the first nClosed chunks; same rules as closedBytes. */
  closedMeta: Float64Array = EMPTY_META;
  nClosed = 0;
  /** The chunk receiving appends, newer than every closed chunk; null when none is open. */
  open: XorChunk | null = null;
  /** True once a commit listener (the WAL) has been told about this series. */
  logged = false;
  /** The appender that has staged samples for this series, and the index of its newest staged sample there. */
  pendingOwner: PendingOwner | null = null;
  pendingIdx = 0;
  /**
   * Number of the aligned chunk range the open chunk is in (floor(minT / chunkRange), a small integer):
   * a sample at or after the end of that range starts a new chunk.
   */
  private cutRange = 0;
  /** A closed-out open chunk kept for reuse by the next one (saves allocating a buffer per chunk). */
  private spare: XorChunk | null = null;
  /** Size of the last closed full chunk, to size the next one. */
  private lastChunkBytes = 0;

  constructor(ref: number, labels: Labels) {
    this.ref = ref;
    this.labels = labels;
  }

  /** Hash of the labels (cached by the Labels). */
  get hash(): number {
    return this.labels.hash();
  }

  /**
   * Timestamp of the newest sample, -Infinity when the series has none. The open chunk holds the newest
   * sample whenever the series has any (appends always leave one open; truncation drops it only together
   * with all older chunks).
   */
  get lastT(): number {
    const o = this.open;
    return o === null ? Number.NEGATIVE_INFINITY : o.maxT;
  }

  /** Value of the newest sample (bit-exact), 0 when there is none. */
  get lastV(): number {
    const o = this.open;
    return o === null ? 0 : o.lastV;
  }

  get numClosed(): number {
    return this.nClosed;
  }

  get numChunks(): number {
    return this.nClosed + (this.open === null ? 0 : 1);
  }

  get isEmpty(): boolean {
    return this.lastT === Number.NEGATIVE_INFINITY;
  }

  get numSamples(): number {
    let n = this.open === null ? 0 : this.open.numSamples;
    const m = this.closedMeta;
    const end = this.nClosed * META_FIELDS;
    for (let i = 2; i < end; i += META_FIELDS) n += m[i];
    return n;
  }

  /** Timestamp of the oldest sample, or Infinity. */
  get minTime(): number {
    if (this.nClosed > 0) return this.closedMeta[0];
    return this.open === null ? Number.POSITIVE_INFINITY : this.open.minT;
  }

  /** Timestamp of the newest sample, or -Infinity. */
  get maxTime(): number {
    return this.lastT;
  }

  chunkMinT(i: number): number {
    return i < this.numClosed ? this.closedMeta[i * META_FIELDS] : this.open!.minT;
  }

  chunkMaxT(i: number): number {
    return i < this.numClosed ? this.closedMeta[i * META_FIELDS + 1] : this.open!.maxT;
  }

  chunkNumSamples(i: number): number {
    return i < this.numClosed ? this.closedMeta[i * META_FIELDS + 2] : this.open!.numSamples;
  }

  /** Chunk i's bytes in Prometheus's XOR format (a view; the open chunk's view changes with appends). */
  chunkBytes(i: number): Uint8Array {
    const n = this.numClosed;
    if (i >= n) return this.open!.bytes();
    const start = this.closedMeta[i * META_FIELDS + 3];
    const end = i + 1 < n ? this.closedMeta[(i + 1) * META_FIELDS + 3] : this.closedLen;
    return this.closedBytes.subarray(start, end);
  }

  /** Points `it` at chunk i. */
  resetIterator(it: XorIterator, i: number): void {
    const n = this.numClosed;
    if (i >= n) {
      const o = this.open!;
      it.reset(o.buf, o.numSamples, o.bitLen);
      return;
    }
    const m = this.closedMeta;
    const end = i + 1 < n ? m[(i + 1) * META_FIELDS + 3] : this.closedLen;
    it.reset(this.closedBytes, m[i * META_FIELDS + 2], end * 8, m[i * META_FIELDS + 3]);
  }

  /** Index of the first chunk whose newest sample is >= t, or -1. */
  chunkIndexFor(t: number): number {
    const n = this.numClosed;
    const m = this.closedMeta;
    let lo = 0;
    let hi = n;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (m[mid * META_FIELDS + 1] < t) lo = mid + 1;
      else hi = mid;
    }
    if (lo < n) return lo;
    return this.open !== null && this.open.maxT >= t ? n : -1;
  }

  /** Classifies a sample against the committed samples. */
  fit(t: number, v: number): Fit {
    if (t > this.lastT) return Fit.InOrder;
    if (t === this.lastT) return sameBits(v, this.lastV) ? Fit.Same : Fit.Duplicate;
    const i = this.chunkIndexFor(t);
    if (i < 0 || t < this.chunkMinT(i)) return Fit.OutOfOrder;
    const it = scratchIt;
    this.resetIterator(it, i);
    if (!it.seek(t) || it.t !== t) return Fit.OutOfOrder;
    return sameBits(it.v, v) ? Fit.Same : Fit.Duplicate;
  }

  /** Appends a sample newer than every stored one, cutting a new chunk when needed. Returns true on a cut. */
  append(t: number, v: number, chunkRange: number): boolean {
    let c = this.open;
    let cut = false;
    // a full chunk stays open until the next sample, which then reuses its object and buffer
    if (c === null || c.numSamples >= SAMPLES_PER_CHUNK || t >= (this.cutRange + 1) * chunkRange) {
      if (c !== null) {
        if (c.numSamples >= SAMPLES_PER_CHUNK) this.lastChunkBytes = Math.min(4096, c.byteLength());
        this.closeOpen();
      }
      c = this.spare;
      if (c !== null) {
        this.spare = null;
        c.reset();
      } else c = new XorChunk(this.lastChunkBytes > 0 ? this.lastChunkBytes + 16 : 64);
      this.open = c;
      this.cutRange = Math.floor(t / chunkRange);
      cut = true;
    }
    c.append(t, v);
    return cut;
  }

  /** Moves the open chunk's bytes to the closed list (amortised growth: appends only write past the used part). */
  private closeOpen(): void {
    const c = this.open!;
    this.open = null;
    const bytes = c.bytes();
    const len = this.closedLen;
    const want = len + bytes.length;
    if (want > this.closedBytes.length) {
      const nb = new Uint8Array(want + (want >>> 2));
      nb.set(this.closedBytes.subarray(0, len));
      this.closedBytes = nb;
    }
    this.closedBytes.set(bytes, len);
    this.closedLen = want;
    const k = this.nClosed * META_FIELDS;
    if (k + META_FIELDS > this.closedMeta.length) {
      const nm = new Float64Array(k + META_FIELDS * (2 + (this.nClosed >>> 1)));
      nm.set(this.closedMeta.subarray(0, k));
      this.closedMeta = nm;
    }
    const m = this.closedMeta;
    m[k] = c.minT;
    m[k + 1] = c.maxT;
    m[k + 2] = c.numSamples;
    m[k + 3] = len;
    this.nClosed++;
    // its bytes were copied: reuse the chunk for the next one unless a query snapshot still reads it
    if (!c.shared) this.spare = c;
  }

  private decode(i: number): Decoded {
    const n = this.chunkNumSamples(i);
    const ts: number[] = [];
    const vs = new Float64Array(n + 1);
    const it = scratchIt;
    this.resetIterator(it, i);
    while (it.next()) {
      vs[ts.length] = it.v;
      ts.push(it.t);
    }
    return { ts, vs };
  }

  /** Replaces closed chunks [from, to) with the given chunks (already encoded, in order). */
  private replaceClosed(from: number, to: number, chunks: XorChunk[]): void {
    const n = this.numClosed;
    const parts: Uint8Array[] = [];
    const meta: number[] = [];
    const push = (bytes: Uint8Array, minT: number, maxT: number, count: number) => {
      parts.push(bytes);
      meta.push(minT, maxT, count, 0);
    };
    for (let i = 0; i < from; i++)
      push(this.chunkBytes(i), this.chunkMinT(i), this.chunkMaxT(i), this.chunkNumSamples(i));
    for (const c of chunks) push(c.bytes(), c.minT, c.maxT, c.numSamples);
    for (let i = to; i < n; i++)
      push(this.chunkBytes(i), this.chunkMinT(i), this.chunkMaxT(i), this.chunkNumSamples(i));
    let total = 0;
    for (const p of parts) total += p.length;
    const nb = new Uint8Array(total);
    const nm = new Float64Array(meta.length);
    let off = 0;
    for (let k = 0; k < parts.length; k++) {
      nb.set(parts[k], off);
      nm[k * META_FIELDS] = meta[k * META_FIELDS];
      nm[k * META_FIELDS + 1] = meta[k * META_FIELDS + 1];
      nm[k * META_FIELDS + 2] = meta[k * META_FIELDS + 2];
      nm[k * META_FIELDS + 3] = off;
      off += parts[k].length;
    }
    this.closedBytes = nb;
    this.closedLen = total;
    this.closedMeta = nm;
    this.nClosed = parts.length;
  }

  /**
   * Stores an older sample in order by re-encoding the chunk it belongs to (out-of-order window only; rare).
   * Returns the number of chunks added.
   */
  insert(t: number, v: number, chunkRange: number): number {
    const i = this.chunkIndexFor(t);
    if (i < 0) {
      return this.append(t, v, chunkRange) ? 1 : 0;
    }
    const nClosed = this.numClosed;
    const rangeOfT = Math.floor(t / chunkRange);
    let target = i;
    if (t < this.chunkMinT(i) && Math.floor(this.chunkMinT(i) / chunkRange) !== rangeOfT) {
      // t belongs to an earlier range than chunk i: join the previous chunk if it is in t's range, else a new chunk
      if (i > 0 && Math.floor(this.chunkMaxT(i - 1) / chunkRange) === rangeOfT) target = i - 1;
      else {
        const c = new XorChunk(24);
        c.append(t, v);
        this.replaceClosed(i, i, [c]); // i <= nClosed: lands before the open chunk
        return 1;
      }
    }
    const d = this.decode(target);
    let at = d.ts.length;
    for (let k = 0; k < d.ts.length; k++) {
      if (d.ts[k] > t) {
        at = k;
        break;
      }
    }
    d.ts.splice(at, 0, t);
    d.vs.copyWithin(at + 1, at, d.ts.length - 1);
    d.vs[at] = v;
    const total = d.ts.length;
    const parts = total > 2 * SAMPLES_PER_CHUNK ? 2 : 1;
    const per = Math.ceil(total / parts);
    const out: XorChunk[] = [];
    for (let p = 0; p < parts; p++) {
      const c = new XorChunk(64);
      const end = Math.min(total, (p + 1) * per);
      for (let k = p * per; k < end; k++) c.append(d.ts[k], d.vs[k]);
      out.push(c);
    }
    if (target < nClosed) {
      this.replaceClosed(target, target + 1, out);
    } else {
      // the open chunk: replace it (queriers may hold the old one); earlier parts become closed chunks
      const last = out.pop()!;
      if (out.length > 0) this.replaceClosed(nClosed, nClosed, out);
      this.open = last;
    }
    return parts - 1;
  }

  /**
   * Drops chunks whose samples are all older than mint.
   * Returns the number of chunks and samples dropped.
   */
  truncateBefore(mint: number): { chunks: number; samples: number } {
    const n = this.numClosed;
    const m = this.closedMeta;
    let k = 0;
    let samples = 0;
    while (k < n && m[k * META_FIELDS + 1] < mint) {
      samples += m[k * META_FIELDS + 2];
      k++;
    }
    let chunks = k;
    if (k > 0) {
      // copies to exact size: truncation is also when spare capacity is given back
      if (k === n) {
        this.closedBytes = EMPTY_BYTES;
        this.closedLen = 0;
        this.closedMeta = EMPTY_META;
        this.nClosed = 0;
      } else {
        const off = m[k * META_FIELDS + 3];
        this.closedBytes = this.closedBytes.slice(off, this.closedLen);
        this.closedLen -= off;
        const nm = m.slice(k * META_FIELDS, n * META_FIELDS);
        for (let j = 3; j < nm.length; j += META_FIELDS) nm[j] -= off;
        this.closedMeta = nm;
        this.nClosed = n - k;
      }
    }
    if (this.open !== null && this.open.maxT < mint) {
      samples += this.open.numSamples;
      chunks++;
      this.open = null;
    }
    this.spare = null;
    return { chunks, samples };
  }
}

const scratchIt = new XorIterator();

/** End (exclusive) of the aligned chunk range containing t. */
export function rangeEnd(t: number, chunkRange: number): number {
  return Math.floor(t / chunkRange) * chunkRange + chunkRange;
}
