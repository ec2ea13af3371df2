import type { Labels } from '../model/index.ts';
import { SAMPLES_PER_CHUNK, XorChunk, XorIterator } from './xor-chunk.ts';

/**
 * One series in the head: its labels (interned) and its samples, stored only as XOR chunks.
 * The last chunk is the open one receiving appends; earlier chunks are closed and trimmed to size.
 * Chunks never span a chunk-range boundary (ranges aligned to multiples of chunkRange, as head blocks are),
 * so they can later be written into blocks unchanged.
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

export class MemSeries {
  readonly ref: number;
  readonly labels: Labels;
  readonly hash: number;
  chunks: XorChunk[] = [];
  /** The appender that has staged samples for this series, and its newest staged sample. */
  pendingOwner: PendingOwner | null = null;
  pendingT = 0;
  pendingV = 0;
  /** End of the chunk range of the open chunk: a sample at or after it starts a new chunk. */
  private cutAt = 0;

  constructor(ref: number, labels: Labels, hash: number) {
    this.ref = ref;
    this.labels = labels;
    this.hash = hash;
  }

  get numSamples(): number {
    let n = 0;
    for (const c of this.chunks) n += c.numSamples;
    return n;
  }

  /** Timestamp of the oldest sample, or Infinity. */
  get minTime(): number {
    return this.chunks.length === 0 ? Number.POSITIVE_INFINITY : this.chunks[0].minT;
  }

  /** Timestamp of the newest sample, or -Infinity. */
  get maxTime(): number {
    const n = this.chunks.length;
    return n === 0 ? Number.NEGATIVE_INFINITY : this.chunks[n - 1].maxT;
  }

  /** Classifies a sample against the committed samples. */
  fit(t: number, v: number): Fit {
    const n = this.chunks.length;
    if (n === 0) return Fit.InOrder;
    const last = this.chunks[n - 1];
    if (t > last.maxT) return Fit.InOrder;
    if (t === last.maxT) return sameBits(v, last.lastV) ? Fit.Same : Fit.Duplicate;
    const i = this.chunkIndexFor(t);
    if (i < 0) return Fit.OutOfOrder;
    const c = this.chunks[i];
    if (t < c.minT) return Fit.OutOfOrder;
    const it = c.iterator(scratchIt);
    if (!it.seek(t) || it.t !== t) return Fit.OutOfOrder;
    return sameBits(it.v, v) ? Fit.Same : Fit.Duplicate;
  }

  /** Appends a sample newer than every stored one, cutting a new chunk when needed. Returns true on a cut. */
  append(t: number, v: number, chunkRange: number): boolean {
    const n = this.chunks.length;
    let c = n === 0 ? undefined : this.chunks[n - 1];
    let cut = false;
    if (c === undefined || c.numSamples >= SAMPLES_PER_CHUNK || t >= this.cutAt) {
      if (c !== undefined) c.compact();
      c = new XorChunk(64);
      this.chunks.push(c);
      this.cutAt = rangeEnd(t, chunkRange);
      cut = true;
    }
    c.append(t, v);
    return cut;
  }

  /** Index of the first chunk whose newest sample is >= t, or -1. */
  private chunkIndexFor(t: number): number {
    const cs = this.chunks;
    let lo = 0;
    let hi = cs.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (cs[mid].maxT < t) lo = mid + 1;
      else hi = mid;
    }
    return lo < cs.length ? lo : -1;
  }

  /**
   * Stores an older sample in order by re-encoding the chunk it belongs to (out-of-order window only; rare).
   * Returns how many chunks were added (0 or 1, or more on a split).
   */
  insert(t: number, v: number, chunkRange: number): number {
    const cs = this.chunks;
    const i = this.chunkIndexFor(t);
    if (i < 0) {
      this.append(t, v, chunkRange);
      return 0;
    }
    const rangeOfT = Math.floor(t / chunkRange);
    let target = i;
    if (t < cs[i].minT && Math.floor(cs[i].minT / chunkRange) !== rangeOfT) {
      // t belongs to an earlier range than chunk i: join the previous chunk if it is in t's range, else a new chunk
      if (i > 0 && Math.floor(cs[i - 1].maxT / chunkRange) === rangeOfT) target = i - 1;
      else {
        const c = new XorChunk(24);
        c.append(t, v);
        c.compact();
        cs.splice(i, 0, c);
        return 1;
      }
    }
    const old = cs[target];
    const ts: number[] = [];
    const vs = new Float64Array(old.numSamples + 1);
    const it = old.iterator(scratchIt);
    let placed = false;
    while (it.next()) {
      if (!placed && t < it.t) {
        vs[ts.length] = v;
        ts.push(t);
        placed = true;
      }
      vs[ts.length] = it.v;
      ts.push(it.t);
    }
    if (!placed) {
      vs[ts.length] = v;
      ts.push(t);
    }
    const isOpen = target === cs.length - 1;
    const parts = ts.length > 2 * SAMPLES_PER_CHUNK ? 2 : 1;
    const per = Math.ceil(ts.length / parts);
    const out: XorChunk[] = [];
    for (let p = 0; p < parts; p++) {
      const c = new XorChunk(64);
      const end = Math.min(ts.length, (p + 1) * per);
      for (let k = p * per; k < end; k++) c.append(ts[k], vs[k]);
      if (!isOpen || p < parts - 1) c.compact();
      out.push(c);
    }
    // replace rather than mutate: queriers may hold the old chunk
    cs.splice(target, 1, ...out);
    return parts - 1;
  }

  /** Drops chunks whose samples are all older than mint. Returns the number of chunks dropped. */
  truncateBefore(mint: number): number {
    const cs = this.chunks;
    let k = 0;
    while (k < cs.length && cs[k].maxT < mint) k++;
    if (k > 0) this.chunks = cs.slice(k);
    return k;
  }
}

const scratchIt = new XorIterator();

/** End (exclusive) of the aligned chunk range containing t. */
export function rangeEnd(t: number, chunkRange: number): number {
  return Math.floor(t / chunkRange) * chunkRange + chunkRange;
}
