import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { Labels } from '../../model/index.ts';
import { ENCODING_XOR, XorIterator } from '../xor-chunk.ts';
import { Block } from './block.ts';
import { type BlockSeries, chunkSampleCount, type SeriesChunk, writeBlock } from './block-writer.ts';
import { compareLabelsUtf8 } from './encoding.ts';
import type { ChunkMetas } from './index-writer.ts';
import type { BlockMeta } from './meta.ts';
import { deleteBlockDir } from './repair.ts';

export interface CompactOptions {
  /** ULID of the new block (default: a new one). */
  ulid?: string;
  /** Remove the source blocks once the new block is in place (default false). */
  deleteSources?: boolean;
}

interface Cursor {
  block: Block;
  refs: number[];
  pos: number;
  flat: string[] | null;
}

/**
 * Merges blocks into one block in `dataDir` at compaction level max(levels) + 1 with the union of their
 * sources. Series with the same labels are merged. Chunks are copied unchanged when a series' chunks do not
 * overlap and no tombstone touches them; otherwise its samples are decoded, merged (one sample per
 * timestamp, the later block winning), and re-encoded. Returns the new block's meta, or null when the
 * inputs hold no samples (nothing is written then).
 */
export function compactBlocks(
  dataDir: string,
  blockDirs: readonly string[],
  opts: CompactOptions = {},
): BlockMeta | null {
  if (blockDirs.length === 0) return null;
  const blocks = blockDirs.map((d) => new Block(d));
  try {
    blocks.sort((a, b) => a.minTime - b.minTime || (a.ulid < b.ulid ? -1 : 1));
    const cursors: Cursor[] = blocks.map((b) => ({ block: b, refs: b.index.allPostings(), pos: 0, flat: null }));
    const load = (c: Cursor): void => {
      c.flat = c.pos < c.refs.length ? c.block.index.series(c.refs[c.pos], null) : null;
    };
    for (const c of cursors) load(c);
    const out: BlockSeries[] = [];
    for (;;) {
      let min: string[] | null = null;
      for (const c of cursors)
        if (c.flat !== null && (min === null || compareLabelsUtf8(c.flat, min) < 0)) min = c.flat;
      if (min === null) break;
      const parts: { block: Block; ref: number }[] = [];
      for (const c of cursors) {
        if (c.flat !== null && compareLabelsUtf8(c.flat, min) === 0) {
          parts.push({ block: c.block, ref: c.refs[c.pos] });
          c.pos++;
          load(c);
        }
      }
      // chunks are read when the writer reaches the series, so only labels are held for all series
      out.push({ labels: Labels.fromSortedFlat(min), load: () => mergeSeries(parts) });
    }
    const sources = [...new Set(blocks.flatMap((b) => b.meta.compaction.sources))].sort();
    const meta = writeBlock(dataDir, out, {
      ulid: opts.ulid,
      minTime: Math.min(...blocks.map((b) => b.minTime)),
      maxTime: Math.max(...blocks.map((b) => b.maxTime)),
      level: Math.max(...blocks.map((b) => b.meta.compaction.level)) + 1,
      sources,
      parents: blocks.map((b) => ({ ulid: b.ulid, minTime: b.minTime, maxTime: b.maxTime })),
    });
    if (meta.stats.numSamples === 0) {
      rmSync(join(dataDir, meta.ulid), { recursive: true, force: true });
      return null;
    }
    if (opts.deleteSources) {
      for (const b of blocks) b.close();
      for (const d of blockDirs) deleteBlockDir(d);
    }
    return meta;
  } finally {
    for (const b of blocks) b.close();
  }
}

/** A series' chunks from all parts: copied when they line up, else decoded, merged and re-encoded. */
function mergeSeries(parts: readonly { block: Block; ref: number }[]): Omit<BlockSeries, 'labels' | 'load'> {
  const metas: ChunkMetas = { mint: [], maxt: [], ref: [] };
  const chunks: (SeriesChunk & { rank: number })[] = [];
  let needsRewrite = false;
  parts.forEach((p, rank) => {
    p.block.index.series(p.ref, metas);
    const deleted = p.block.tombstones.get(p.ref);
    const read = p.block.chunks.chunks(metas.ref);
    for (let i = 0; i < metas.mint.length; i++) {
      const c = read[i];
      const mint = metas.mint[i];
      const maxt = metas.maxt[i];
      if (deleted?.some(([a, b]) => a <= maxt && b >= mint)) {
        if (c.encoding !== ENCODING_XOR) continue; // cannot filter samples of other encodings: drop
        needsRewrite = true;
      }
      chunks.push({ minTime: mint, maxTime: maxt, data: c.data, encoding: c.encoding, rank });
    }
  });
  chunks.sort((a, b) => a.minTime - b.minTime || a.rank - b.rank);
  for (let i = 1; i < chunks.length; i++) if (chunks[i].minTime <= chunks[i - 1].maxTime) needsRewrite = true;
  return needsRewrite ? mergeSamples(chunks, parts) : { chunks };
}

/** Decodes XOR chunks into one sorted, de-duplicated sample list, dropping tombstoned samples. */
function mergeSamples(
  chunks: readonly (SeriesChunk & { rank: number })[],
  parts: readonly { block: Block; ref: number }[],
): { timestamps: number[]; values: number[] } {
  const ts: number[] = [];
  const vs: number[] = [];
  const ranks: number[] = [];
  const it = new XorIterator();
  for (const c of chunks) {
    if ((c.encoding ?? ENCODING_XOR) !== ENCODING_XOR) continue;
    const deleted = parts[c.rank].block.tombstones.get(parts[c.rank].ref);
    it.reset(c.data, chunkSampleCount(c.data), c.data.length * 8);
    while (it.next()) {
      const t = it.t;
      if (deleted?.some(([a, b]) => t >= a && t <= b)) continue;
      ts.push(t);
      vs.push(it.v);
      ranks.push(c.rank);
    }
  }
  const order = ts.map((_, i) => i);
  order.sort((a, b) => ts[a] - ts[b] || ranks[a] - ranks[b]);
  const outT: number[] = [];
  const outV: number[] = [];
  for (const i of order) {
    const n = outT.length;
    if (n > 0 && outT[n - 1] === ts[i]) {
      outV[n - 1] = vs[i]; // the later block wins
      continue;
    }
    outT.push(ts[i]);
    outV.push(vs[i]);
  }
  return { timestamps: outT, values: outV };
}
