import type { Labels } from '../model/index.ts';
import type { SampleIterator, Series } from './interfaces.ts';
import { type XorChunk, XorIterator } from './xor-chunk.ts';

/**
 * A query-time snapshot of one head series: the chunks overlapping the query range. Closed chunks never
 * change; for the open (last) chunk the buffer, sample count and bit length are captured, so appends made
 * after the snapshot stay invisible and never disturb an iteration in progress.
 */
export class SeriesSnapshot implements Series {
  readonly labels: Labels;
  private readonly chunks: XorChunk[];
  private readonly lastBuf: Uint8Array;
  private readonly lastCount: number;
  private readonly lastBits: number;
  private readonly lastMaxT: number;
  private readonly mint: number;
  private readonly maxt: number;

  /** `chunks` must be non-empty and owned by the snapshot (a copy of the series' list). */
  constructor(labels: Labels, chunks: XorChunk[], mint: number, maxt: number) {
    this.labels = labels;
    this.chunks = chunks;
    const last = chunks[chunks.length - 1];
    this.lastBuf = last.buf;
    this.lastCount = last.numSamples;
    this.lastBits = last.bitLen;
    this.lastMaxT = last.maxT;
    this.mint = mint;
    this.maxt = maxt;
  }

  get numChunks(): number {
    return this.chunks.length;
  }

  chunkMaxT(i: number): number {
    return i === this.chunks.length - 1 ? this.lastMaxT : this.chunks[i].maxT;
  }

  /** Points `it` at chunk i as it was when the snapshot was taken. */
  resetChunk(it: XorIterator, i: number): void {
    if (i === this.chunks.length - 1) it.reset(this.lastBuf, this.lastCount, this.lastBits);
    else {
      const c = this.chunks[i];
      it.reset(c.buf, c.numSamples, c.bitLen);
    }
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
