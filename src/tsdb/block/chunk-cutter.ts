import { SAMPLES_PER_CHUNK } from '../xor-chunk.ts';

/**
 * Where Prometheus's head cuts chunks, so blocks written from raw samples have the same chunks as
 * Prometheus's (and promtool's backfill) for the same data:
 * - a chunk never crosses a multiple of the chunk range (the block range, 2h by default);
 * - when a chunk holds 30 samples (a quarter of 120), its end is predicted so the rest of the range splits
 *   into chunks of about 120 samples at the rate seen so far;
 * - a chunk is cut at 240 samples regardless (the rate went up).
 */
export class ChunkCutter {
  private readonly chunkRange: number;
  private nextAt = 0;
  private minT = 0;

  constructor(chunkRange: number) {
    this.chunkRange = chunkRange;
  }

  /**
   * Call before appending sample time `t` to a chunk holding `n` samples whose last sample is at `lastT`.
   * Returns true when `t` must start a new chunk.
   */
  cutBefore(t: number, n: number, lastT: number): boolean {
    if (n === 0) {
      this.start(t);
      return false;
    }
    if (n === SAMPLES_PER_CHUNK / 4) this.nextAt = chunkEndTime(this.minT, lastT, this.nextAt);
    if (t >= this.nextAt || n >= SAMPLES_PER_CHUNK * 2) {
      this.start(t);
      return true;
    }
    return false;
  }

  private start(t: number): void {
    this.minT = t;
    this.nextAt = Math.floor(t / this.chunkRange) * this.chunkRange + this.chunkRange;
  }
}

/** The predicted end of a chunk started at `start` whose samples reached `cur`, capped at `max`. */
function chunkEndTime(start: number, cur: number, max: number): number {
  const n = Math.trunc((max - start) / ((cur - start + 1) * 4));
  if (n <= 1) return max;
  return start + Math.trunc((max - start) / n);
}
