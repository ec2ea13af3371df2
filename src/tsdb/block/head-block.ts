import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { growBytes } from '../../model/grow-bytes.ts';
import { Labels } from '../../model/index.ts';
import type { MemSeries } from '../mem-series.ts';
import { type BlockSeries, writeBlock } from './block-writer.ts';
import type { BlockMeta } from './meta.ts';
import { ChunkSeriesIterator } from './series-iterator.ts';

/**
 * Everything needed to write one range of the head as a block, detached from the head: labels, copies of
 * the chunk bytes overlapping the range, deleted intervals. Built on the main thread (cheap: a loop over the
 * series and memcpy of chunk bytes) and written by writeHeadBlock, in a worker or in-process. Plain data and
 * transferable typed arrays, so it can be posted to a worker without copying the bytes again.
 */
export interface HeadBlockJob {
  dataDir: string;
  /** The block's range [mint, maxt). */
  mint: number;
  maxt: number;
  /** Samples before this are hidden (head truncation); >= mint. */
  lo: number;
  /** Chunks are re-cut as Prometheus's head cuts them with this range. */
  chunkRange: number;
  /**
   * Labels of all series: their strings concatenated (one string clones to a worker far faster than
   * hundreds of thousands of small ones), the length of each string, and per series its label count.
   */
  labelText: string;
  labelLengths: Uint32Array;
  labelCounts: Uint32Array;
  /** Series i owns chunks [seriesChunks[i], seriesChunks[i + 1]). */
  seriesChunks: Uint32Array;
  /** Per chunk: newest sample time, start and end offset in `bytes`. */
  chunkMeta: Float64Array;
  bytes: Uint8Array;
  /** Deleted intervals (inclusive) by series index. */
  deleted: [number, [number, number][]][];
}

/** Collects head series into a HeadBlockJob; add() each series, then finish(). */
export class HeadBlockJobBuilder {
  private strings: string[] = [];
  private counts: number[] = [];
  private seriesChunks: number[] = [0];
  private meta = new Float64Array(3 * 1024);
  private nChunks = 0;
  private bytes = new Uint8Array(64 * 1024);
  private len = 0;
  private deleted: [number, [number, number][]][] = [];

  constructor(
    private readonly dataDir: string,
    private readonly mint: number,
    private readonly maxt: number,
    private readonly lo: number,
    private readonly chunkRange: number,
  ) {}

  get numSeries(): number {
    return this.counts.length;
  }

  /** Copies the series' chunks overlapping [lo, maxt); skipped when it has none. */
  add(s: MemSeries, deleted: readonly (readonly [number, number])[] | undefined): void {
    const n = s.numChunks;
    const first = this.nChunks;
    for (let i = 0; i < n; i++) {
      if (s.chunkMaxT(i) < this.lo) continue;
      if (s.chunkMinT(i) >= this.maxt) break;
      const b = s.chunkBytes(i);
      this.reserve(b.length);
      this.bytes.set(b, this.len);
      const k = this.nChunks * 3;
      if (k + 3 > this.meta.length) {
        const m = new Float64Array(this.meta.length * 2);
        m.set(this.meta);
        this.meta = m;
      }
      this.meta[k] = s.chunkMaxT(i);
      this.meta[k + 1] = this.len;
      this.meta[k + 2] = this.len + b.length;
      this.len += b.length;
      this.nChunks++;
    }
    if (this.nChunks === first) return;
    if (deleted !== undefined && deleted.length > 0)
      this.deleted.push([this.counts.length, deleted.map(([a, b]) => [a, b] as [number, number])]);
    const flat = s.labels.flat;
    for (let i = 0; i < flat.length; i++) this.strings.push(flat[i]);
    this.counts.push(flat.length);
    this.seriesChunks.push(this.nChunks);
  }

  private reserve(n: number): void {
    this.bytes = growBytes(this.bytes, this.len, n);
  }

  finish(): HeadBlockJob {
    return {
      dataDir: this.dataDir,
      mint: this.mint,
      maxt: this.maxt,
      lo: this.lo,
      chunkRange: this.chunkRange,
      labelText: this.strings.join(''),
      labelLengths: Uint32Array.from(this.strings, (x) => x.length),
      labelCounts: Uint32Array.from(this.counts),
      seriesChunks: Uint32Array.from(this.seriesChunks),
      chunkMeta: this.meta.slice(0, this.nChunks * 3),
      bytes: this.bytes.slice(0, this.len),
      deleted: this.deleted,
    };
  }
}

/**
 * Writes a HeadBlockJob as a block covering exactly [mint, maxt). Samples are decoded from the copied head
 * chunks, clipped to [lo, maxt), filtered by deleted intervals and re-encoded into chunks cut as
 * Prometheus's head cuts them. Returns null when no sample is left (nothing is written then).
 */
export function writeHeadBlock(job: HeadBlockJob): BlockMeta | null {
  const deleted = new Map(job.deleted);
  const series: BlockSeries[] = [];
  let k = 0;
  let at = 0;
  for (let i = 0; i < job.labelCounts.length; i++) {
    const flat = new Array<string>(job.labelCounts[i]);
    for (let j = 0; j < flat.length; j++) {
      const len = job.labelLengths[k++];
      flat[j] = job.labelText.slice(at, at + len);
      at += len;
    }
    const from = job.seriesChunks[i];
    const to = job.seriesChunks[i + 1];
    series.push({
      labels: Labels.fromSortedFlat(flat),
      iterator: () => {
        const datas: Uint8Array[] = [];
        const maxts: number[] = [];
        for (let c = from; c < to; c++) {
          datas.push(job.bytes.subarray(job.chunkMeta[c * 3 + 1], job.chunkMeta[c * 3 + 2]));
          maxts.push(job.chunkMeta[c * 3]);
        }
        return new ChunkSeriesIterator(datas, maxts, job.lo, job.maxt - 1, deleted.get(i));
      },
    });
  }
  if (series.length === 0) return null;
  const meta = writeBlock(job.dataDir, series, {
    minTime: job.mint,
    maxTime: job.maxt,
    chunkRange: job.chunkRange,
  });
  if (meta.stats.numSamples === 0) {
    rmSync(join(job.dataDir, meta.ulid), { recursive: true, force: true });
    return null;
  }
  return meta;
}
