import type { SampleIterator } from '../interfaces.ts';
import { XorIterator } from '../xor-chunk.ts';

/**
 * Iterates the samples of a series' chunks in time order, clipped to [mint, maxt] and skipping deleted
 * (tombstoned) intervals. Chunks are decoded lazily, one at a time.
 */
export class ChunkSeriesIterator implements SampleIterator {
  t = 0;
  v = 0;
  private readonly it = new XorIterator();
  private readonly datas: Uint8Array[];
  private readonly maxts: number[];
  private ci = -1;
  private started = false;
  private done = false;
  private readonly mint: number;
  private readonly maxt: number;
  private readonly deleted: readonly (readonly [number, number])[] | undefined;

  constructor(
    datas: Uint8Array[],
    maxts: number[],
    mint: number,
    maxt: number,
    deleted?: readonly (readonly [number, number])[],
  ) {
    this.datas = datas;
    this.maxts = maxts;
    this.mint = mint;
    this.maxt = maxt;
    this.deleted = deleted !== undefined && deleted.length > 0 ? deleted : undefined;
  }

  private nextChunk(): boolean {
    this.ci++;
    if (this.ci >= this.datas.length) return false;
    const d = this.datas[this.ci];
    this.it.reset(d, -1, d.length * 8);
    return true;
  }

  next(): boolean {
    if (this.done) return false;
    const it = this.it;
    for (;;) {
      if (this.ci < 0 || !it.next()) {
        if (!this.nextChunk()) {
          this.done = true;
          return false;
        }
        continue;
      }
      const t = it.t;
      if (t < this.mint) continue;
      if (t > this.maxt) {
        this.done = true;
        return false;
      }
      if (this.deleted !== undefined && isDeleted(this.deleted, t)) continue;
      this.t = t;
      this.v = it.v;
      this.started = true;
      return true;
    }
  }

  seek(t: number): boolean {
    if (this.done) return false;
    if (this.started && this.t >= t) return true;
    // skip whole chunks that end before t
    let skip = this.ci < 0 ? 0 : this.ci + 1;
    if (this.ci < 0 || this.maxts[this.ci] < t) {
      while (skip < this.datas.length && this.maxts[skip] < t) skip++;
      if (skip >= this.datas.length) {
        this.done = true;
        return false;
      }
      this.ci = skip - 1;
      this.nextChunk();
    }
    while (this.next()) if (this.t >= t) return true;
    return false;
  }
}

function isDeleted(iv: readonly (readonly [number, number])[], t: number): boolean {
  for (let i = 0; i < iv.length; i++) if (t >= iv[i][0] && t <= iv[i][1]) return true;
  return false;
}
