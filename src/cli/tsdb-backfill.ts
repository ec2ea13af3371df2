import { readFileSync } from 'node:fs';
import { createParser, detachString } from '../exposition/index.ts';
import type { Labels } from '../model/index.ts';
import { type BlockMeta, type BlockSeries, writeBlock } from '../tsdb/block/index.ts';

export const DEFAULT_BLOCK_DURATION_MS = 2 * 60 * 60 * 1000;

export class BackfillError extends Error {}

/**
 * The block duration promtool uses for a --max-block-duration: 2h, or the largest of Prometheus's
 * compaction ranges (2h × 3^k, k < 10) that fits in the maximum.
 */
export function compatibleBlockDuration(maxBlockDuration: number): number {
  let best = DEFAULT_BLOCK_DURATION_MS;
  for (let k = 1, r = DEFAULT_BLOCK_DURATION_MS * 3; k < 10; k++, r *= 3) if (r <= maxBlockDuration) best = r;
  return best;
}

interface PendingSeries {
  labels: Labels;
  ts: number[];
  vs: number[];
}

/**
 * Backfill as `promtool tsdb create-blocks-from openmetrics`: reads every sample of an OpenMetrics file
 * (each must carry a timestamp), then writes one block per block-duration-aligned window that holds samples.
 * Each block's maxTime is its last sample + 1. Samples of a series are sorted by time; a repeated timestamp
 * keeps the first sample. Returns the metas of the blocks written, oldest first.
 */
export function backfillOpenMetrics(
  file: string,
  outputDir: string,
  opts: { blockDuration?: number } = {},
): BlockMeta[] {
  const blockDuration = opts.blockDuration ?? DEFAULT_BLOCK_DURATION_MS;
  if (!(blockDuration > 0)) throw new BackfillError(`invalid block duration ${blockDuration}`);
  const text = readFileSync(file, 'utf8');
  const p = createParser(text, 'openmetrics');
  const bySeries = new Map<string, PendingSeries>();
  let mint = Number.POSITIVE_INFINITY;
  let maxt = Number.NEGATIVE_INFINITY;
  try {
    for (let e = p.next(); e !== null; e = p.next()) {
      if (e !== 'series') continue;
      const key = p.seriesKey();
      let s = bySeries.get(key);
      if (s === undefined) {
        s = { labels: p.labels(), ts: [], vs: [] };
        bySeries.set(detachString(key), s);
      }
      const t = p.timestamp();
      if (t === undefined) throw new BackfillError(`expected timestamp for series ${s.labels.toString()}, got none`);
      s.ts.push(t);
      s.vs.push(p.value());
      if (t < mint) mint = t;
      if (t > maxt) maxt = t;
    }
  } catch (e) {
    if (e instanceof BackfillError) throw e;
    throw new BackfillError(`${file}: ${(e as Error).message}`);
  }
  if (bySeries.size === 0) return [];
  const all = [...bySeries.values()];
  for (const s of all) sortSamples(s);
  const metas: BlockMeta[] = [];
  const cursor = new Array<number>(all.length).fill(0);
  for (let start = Math.floor(mint / blockDuration) * blockDuration; start <= maxt; start += blockDuration) {
    const end = start + blockDuration;
    const series: BlockSeries[] = [];
    for (let i = 0; i < all.length; i++) {
      const s = all[i];
      const a = cursor[i];
      let b = a;
      while (b < s.ts.length && s.ts[b] < end) b++;
      cursor[i] = b;
      if (b > a) series.push({ labels: s.labels, timestamps: s.ts.slice(a, b), values: s.vs.slice(a, b) });
    }
    // promtool's block writer heads use twice the block duration as chunk range; so do we, for identical chunks
    if (series.length > 0) metas.push(writeBlock(outputDir, series, { chunkRange: 2 * blockDuration }));
  }
  return metas;
}

function sortSamples(s: PendingSeries): void {
  let sorted = true;
  for (let i = 1; i < s.ts.length; i++) {
    if (s.ts[i] <= s.ts[i - 1]) {
      sorted = false;
      break;
    }
  }
  if (sorted) return;
  const idx = s.ts.map((_, i) => i).sort((a, b) => s.ts[a] - s.ts[b] || a - b);
  const ts: number[] = [];
  const vs: number[] = [];
  for (const i of idx) {
    if (ts.length > 0 && ts[ts.length - 1] === s.ts[i]) continue;
    ts.push(s.ts[i]);
    vs.push(s.vs[i]);
  }
  s.ts = ts;
  s.vs = vs;
}
