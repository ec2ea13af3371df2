import type { Labels } from '../model/index.ts';
import type { SampleIterator, Series } from './interfaces.ts';
import { META_FIELDS, type MemSeries } from './mem-series.ts';
import { XorIterator } from './xor-chunk.ts';

/**
 * A query-time snapshot of one head series: the chunks overlapping the query range. The series' closed-chunk
 * arrays are replaced rather than mutated, so holding references is enough; for the open chunk the buffer,
 * sample count and bit length are captured, so appends made after the snapshot stay invisible and never
 * disturb an iteration in progress.
 */
export class SeriesSnapshot implements Series {
  readonly labels: Labels;
  private readonly closedBytes: Uint8Array;
  private readonly closedMeta: Float64Array;
  private readonly closedLen: number;
  /** First closed chunk and number of closed chunks included. */
  private readonly first: number;
  private readonly nClosed: number;
  private readonly totalClosed: number;
  private readonly openBuf: Uint8Array | null;
  private readonly openCount: number;
  private readonly openBits: number;
  private readonly openMaxT: number;
  private readonly openLastV: number;
  private readonly mint: number;
  private readonly maxt: number;

  /** Chunks [first, first + count) of the series, where index numClosed means the open chunk. */
  constructor(s: MemSeries, first: number, count: number, mint: number, maxt: number) {
    this.labels = s.labels;
    this.closedBytes = s.closedBytes;
    this.closedMeta = s.closedMeta;
    this.closedLen = s.closedLen;
    const totalClosed = s.numClosed;
    this.totalClosed = totalClosed;
    this.first = first;
    const includesOpen = s.open !== null && first + count > totalClosed;
    this.nClosed = includesOpen ? count - 1 : count;
    const o = includesOpen ? s.open! : null;
    if (o !== null) o.shared = true;
    this.openBuf = o === null ? null : o.buf;
    this.openCount = o === null ? 0 : o.numSamples;
    this.openBits = o === null ? 0 : o.bitLen;
    this.openMaxT = o === null ? 0 : o.maxT;
    this.openLastV = o === null ? 0 : o.lastV;
    this.mint = mint;
    this.maxt = maxt;
  }

  get numChunks(): number {
    return this.nClosed + (this.openBuf === null ? 0 : 1);
  }

  chunkMaxT(i: number): number {
    return i < this.nClosed ? this.closedMeta[(this.first + i) * META_FIELDS + 1] : this.openMaxT;
  }

  /** Points `it` at chunk i as it was when the snapshot was taken. */
  resetChunk(it: XorIterator, i: number): void {
    if (i >= this.nClosed) {
      it.reset(this.openBuf!, this.openCount, this.openBits);
      return;
    }
    const k = this.first + i;
    const m = this.closedMeta;
    const end = k + 1 < this.totalClosed ? m[(k + 1) * META_FIELDS + 3] : this.closedLen;
    it.reset(this.closedBytes, m[k * META_FIELDS + 2], end * 8, m[k * META_FIELDS + 3]);
  }

  /**
   * The newest sample of the selected range without decoding anything, when that sample is the open chunk's
   * last one (the usual case for an instant query at or after the newest scrape): sets out.t/out.v and returns
   * true. Returns false when the caller has to iterate. Same result as iterating to the end.
   */
  newestInRange(out: { t: number; v: number }): boolean {
    if (this.openBuf === null || this.openCount === 0) return false;
    const t = this.openMaxT;
    if (t > this.maxt || t < this.mint) return false;
    out.t = t;
    out.v = this.openLastV;
    return true;
  }

  iterator(): SampleIterator {
    return new SnapshotIterator(this, this.mint, this.maxt);
  }
}

/** Iterates a snapshot's samples within [mint, maxt]. */
export class SnapshotIterator implements SampleIterator {
  t = 0;
  v = 0;
  private readonly s: SeriesSnapshot;
  private readonly mint: number;
  private readonly maxt: number;
  private readonly it = new XorIterator();
  private ci = -1;
  /** True once positioned on a sample. */
  private valid = false;
  private done = false;

  constructor(s: SeriesSnapshot, mint: number, maxt: number) {
    this.s = s;
    this.mint = mint;
    this.maxt = maxt;
  }

  /** Moves to chunk i (not decoding anything yet); false when there is none. */
  private openChunk(i: number): boolean {
    this.ci = i;
    if (i >= this.s.numChunks) {
      this.done = true;
      this.valid = false;
      return false;
    }
    this.s.resetChunk(this.it, i);
    return true;
  }

  next(): boolean {
    if (this.done) return false;
    if (this.ci < 0 && !this.openChunk(0)) return false;
    const it = this.it;
    for (;;) {
      if (it.next()) {
        const t = it.t;
        if (t < this.mint) continue;
        if (t > this.maxt) break;
        this.t = t;
        this.v = it.v;
        this.valid = true;
        return true;
      }
      if (!this.openChunk(this.ci + 1)) return false;
    }
    this.done = true;
    this.valid = false;
    return false;
  }

  seek(t: number): boolean {
    if (this.done) return false;
    if (this.valid && this.t >= t) return true;
    const target = Math.max(t, this.mint);
    if (target > this.maxt) {
      this.done = true;
      this.valid = false;
      return false;
    }
    // skip whole chunks that end before the target without decoding them
    let i = Math.max(this.ci, 0);
    while (i < this.s.numChunks && this.s.chunkMaxT(i) < target) i++;
    if (i !== this.ci && !this.openChunk(i)) return false;
    const it = this.it;
    for (;;) {
      if (it.next()) {
        if (it.t < target) continue;
        if (it.t > this.maxt) break;
        this.t = it.t;
        this.v = it.v;
        this.valid = true;
        return true;
      }
      if (!this.openChunk(this.ci + 1)) return false;
    }
    this.done = true;
    this.valid = false;
    return false;
  }
}
