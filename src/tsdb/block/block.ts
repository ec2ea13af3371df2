import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { compareLabels, compareStrings, Labels, type Matcher, MatchType } from '../../model/index.ts';
import type { Querier, SampleIterator, SelectHints, Series } from '../interfaces.ts';
import { intersectAll, mergeAll, subtract } from '../postings.ts';
import { ENCODING_XOR } from '../xor-chunk.ts';
import { ChunkReader, type ChunkReaderOptions } from './chunks.ts';
import { IndexReader } from './index-reader.ts';
import type { ChunkMetas } from './index-writer.ts';
import { type BlockMeta, readMeta } from './meta.ts';
import { ChunkSeriesIterator } from './series-iterator.ts';
import { readTombstones, type Tombstones } from './tombstones.ts';

/** One series of a block as seen through a querier: its labels and chunks overlapping the query range. */
export class BlockSeriesView implements Series {
  readonly labels: Labels;
  /** The series ref in the block's index. */
  readonly ref: number;
  readonly chunkMint: number[];
  readonly chunkMaxt: number[];
  readonly chunkRefs: number[];
  private readonly block: Block;
  private readonly mint: number;
  private readonly maxt: number;

  constructor(block: Block, ref: number, labels: Labels, metas: ChunkMetas, mint: number, maxt: number) {
    this.block = block;
    this.ref = ref;
    this.labels = labels;
    this.chunkMint = metas.mint;
    this.chunkMaxt = metas.maxt;
    this.chunkRefs = metas.ref;
    this.mint = mint;
    this.maxt = maxt;
  }

  iterator(): SampleIterator {
    const datas: Uint8Array[] = [];
    const maxts: number[] = [];
    const chunks = this.block.chunks.chunks(this.chunkRefs);
    for (let i = 0; i < chunks.length; i++) {
      const c = chunks[i];
      if (c.encoding !== ENCODING_XOR) continue; // histogram chunks are not supported yet
      datas.push(c.data);
      maxts.push(this.chunkMaxt[i]);
    }
    return new ChunkSeriesIterator(datas, maxts, this.mint, this.maxt, this.block.tombstones.get(this.ref));
  }
}

/** An opened block directory. Reads the index into memory; chunk segments are read whole or by range. */
export class Block {
  readonly dir: string;
  readonly meta: BlockMeta;
  readonly index: IndexReader;
  readonly chunks: ChunkReader;
  readonly tombstones: Tombstones;
  readonly indexBytes: number;

  constructor(dir: string, opts: ChunkReaderOptions = {}) {
    this.dir = dir;
    this.meta = readMeta(dir);
    const indexBuf = readFileSync(join(dir, 'index'));
    this.indexBytes = indexBuf.length;
    this.index = new IndexReader(indexBuf, join(dir, 'index'));
    this.tombstones = readTombstones(dir);
    this.chunks = new ChunkReader(join(dir, 'chunks'), opts);
  }

  get ulid(): string {
    return this.meta.ulid;
  }
  get minTime(): number {
    return this.meta.minTime;
  }
  /** Exclusive. */
  get maxTime(): number {
    return this.meta.maxTime;
  }

  /** Bytes on disk: index + chunks + tombstones + meta.json. */
  size(): number {
    let n = this.indexBytes + this.chunks.totalBytes;
    for (const f of ['tombstones', 'meta.json']) {
      try {
        n += statSync(join(this.dir, f)).size;
      } catch {
        // missing file counts as 0
      }
    }
    return n;
  }

  /** Series refs matching all matchers (in label order). */
  postingsFor(matchers: readonly Matcher[]): number[] {
    const idx = this.index;
    const its: number[][] = [];
    const nots: number[][] = [];
    for (const m of matchers) {
      if (m.matchesEmpty()) {
        // series without the label match too: remove those whose value is rejected
        const rejected = idx.postingsForValues(m.name, (v) => !m.matches(v));
        if (rejected.length > 0) nots.push(mergeAll(rejected));
      } else {
        const set = m.type === MatchType.Equal ? null : m.setMatches();
        let p: number[];
        if (m.type === MatchType.Equal) p = idx.postings(m.name, m.value);
        else if (set !== null && m.type === MatchType.Regex) p = mergeAll(set.map((v) => idx.postings(m.name, v)));
        else p = mergeAll(idx.postingsForValues(m.name, (v) => m.matches(v)));
        if (p.length === 0) return [];
        its.push(p);
      }
    }
    let out = its.length === 0 ? idx.allPostings() : its.length === 1 ? its[0] : intersectAll(its);
    for (const n of nots) {
      if (out.length === 0) break;
      out = subtract(out, n);
    }
    return out;
  }

  /** The series at `ref` with its chunks overlapping [mint, maxt]; null when none overlap. */
  seriesView(ref: number, mint: number, maxt: number): BlockSeriesView | null {
    const metas: ChunkMetas = { mint: [], maxt: [], ref: [] };
    const flat = this.index.series(ref, metas);
    let w = 0;
    for (let i = 0; i < metas.mint.length; i++) {
      if (metas.maxt[i] < mint || metas.mint[i] > maxt) continue;
      metas.mint[w] = metas.mint[i];
      metas.maxt[w] = metas.maxt[i];
      metas.ref[w] = metas.ref[i];
      w++;
    }
    if (w === 0) return null;
    metas.mint.length = w;
    metas.maxt.length = w;
    metas.ref.length = w;
    return new BlockSeriesView(this, ref, Labels.fromSortedFlat(flat), metas, mint, maxt);
  }

  querier(): BlockQuerier {
    return new BlockQuerier(this);
  }

  close(): void {
    this.chunks.close();
  }
}

/** Querier over one block. Series come in the index's label order. */
export class BlockQuerier implements Querier {
  private readonly block: Block;

  constructor(block: Block) {
    this.block = block;
  }

  private overlaps(mint: number, maxt: number): boolean {
    const m = this.block.meta;
    return mint < m.maxTime && maxt >= m.minTime;
  }

  select(matchers: readonly Matcher[], mint: number, maxt: number, _hints?: SelectHints): BlockSeriesView[] {
    if (mint > maxt || !this.overlaps(mint, maxt)) return [];
    const b = this.block;
    const refs = b.postingsFor(matchers);
    const out: BlockSeriesView[] = [];
    for (const ref of refs) {
      const v = b.seriesView(ref, mint, maxt);
      if (v !== null) out.push(v);
    }
    // index order is byte-wise; it differs from compareLabels only for rare characters
    return sortedByLabels(out);
  }

  labelNames(matchers: readonly Matcher[], mint: number, maxt: number): string[] {
    if (!this.overlaps(mint, maxt)) return [];
    const idx = this.block.index;
    if (matchers.length === 0) return [...idx.labelNames()].sort(compareStrings);
    const names = new Set<string>();
    for (const ref of this.block.postingsFor(matchers)) {
      const flat = idx.series(ref, null);
      for (let i = 0; i < flat.length; i += 2) names.add(flat[i]);
    }
    return [...names].sort(compareStrings);
  }

  labelValues(name: string, matchers: readonly Matcher[], mint: number, maxt: number): string[] {
    if (!this.overlaps(mint, maxt)) return [];
    const idx = this.block.index;
    if (matchers.length === 0) return [...idx.labelValues(name)].sort(compareStrings);
    const values = new Set<string>();
    for (const ref of this.block.postingsFor(matchers)) {
      const flat = idx.series(ref, null);
      for (let i = 0; i < flat.length; i += 2) if (flat[i] === name) values.add(flat[i + 1]);
    }
    return [...values].sort(compareStrings);
  }
}

/** Block directories (ULID-named, with meta.json) under a data directory, sorted by minTime then ULID. */
export function listBlockDirs(dataDir: string): string[] {
  let names: string[];
  try {
    names = readdirSync(dataDir);
  } catch {
    return [];
  }
  return names
    .filter((n) => /^[0-9A-HJKMNP-TV-Z]{26}$/.test(n))
    .filter((n) => {
      try {
        return statSync(join(dataDir, n, 'meta.json')).isFile();
      } catch {
        return false;
      }
    })
    .sort()
    .map((n) => join(dataDir, n));
}

/** The list itself when sorted by compareLabels (the Querier order), else a sorted copy. */
export function sortedByLabels<S extends Series>(list: S[]): S[] {
  for (let i = 1; i < list.length; i++) {
    if (compareLabels(list[i - 1].labels, list[i].labels) > 0)
      return [...list].sort((a, b) => compareLabels(a.labels, b.labels));
  }
  return list;
}
