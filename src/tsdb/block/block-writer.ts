import { mkdirSync, renameSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import type { Labels } from '../../model/index.ts';
import type { Querier, SampleIterator } from '../interfaces.ts';
import { ENCODING_XOR, XorChunk } from '../xor-chunk.ts';
import { ChunkCutter } from './chunk-cutter.ts';
import { ChunkWriter, DEFAULT_SEGMENT_BYTES } from './chunks.ts';
import { fsyncDir, writeFileDurable } from './durable.ts';
import { compareLabelsUtf8 } from './encoding.ts';
import { type ChunkMetas, IndexWriter } from './index-writer.ts';
import { type BlockMeta, META_VERSION, writeMeta } from './meta.ts';
import { encodeTombstones, TOMBSTONES_FILENAME } from './tombstones.ts';
import { newULID } from './ulid.ts';

/** An encoded chunk of one series. Times are the first and last sample's (inclusive). */
export interface SeriesChunk {
  minTime: number;
  maxTime: number;
  data: Uint8Array;
  /** Chunk encoding byte; default 1 (XOR). */
  encoding?: number;
}

/**
 * One series to write: either encoded chunks (in time order, not overlapping) or raw samples in
 * ascending time order, which the writer encodes as XOR chunks cut where Prometheus's head cuts them
 * (about 120 samples, see chunk-cutter.ts).
 */
export interface BlockSeries {
  labels: Labels;
  chunks?: readonly SeriesChunk[];
  timestamps?: ArrayLike<number>;
  values?: ArrayLike<number>;
  /** Samples pulled when the series is written (so a big head need not be copied first). */
  iterator?: () => SampleIterator;
  /** Chunks or samples produced when the series is written (instead of the fields above). */
  load?: () => Omit<BlockSeries, 'labels' | 'load'>;
}

export interface WriteBlockOptions {
  /** The block's ULID (default: a new one). */
  ulid?: string;
  /** meta.json minTime (default: the earliest sample). */
  minTime?: number;
  /** meta.json maxTime, exclusive (default: the latest sample + 1). */
  maxTime?: number;
  /** Compaction level (default 1). */
  level?: number;
  /** Source block ULIDs (default: the block's own ULID). */
  sources?: string[];
  parents?: { ulid: string; minTime: number; maxTime: number }[];
  /** Raw samples are cut into chunks as Prometheus's head does with this chunk range (default 2h). */
  chunkRange?: number;
  /** Chunk segment size limit (default 512 MiB). */
  segmentBytes?: number;
}

export class BlockWriteError extends Error {}

export const DEFAULT_CHUNK_RANGE_MS = 2 * 60 * 60 * 1000;

/** Samples in an XOR chunk, from its 2-byte big-endian header. */
export function chunkSampleCount(data: Uint8Array): number {
  return data.length >= 2 ? (data[0] << 8) | data[1] : 0;
}

/**
 * Writes a block directory `<parentDir>/<ULID>/` with meta.json, chunks/, index and tombstones, and returns
 * its meta. The block is assembled under a temporary name and renamed into place when complete, so a
 * crash never leaves a half-written block under a ULID name. Series without samples are left out.
 */
export function writeBlock(parentDir: string, series: readonly BlockSeries[], opts: WriteBlockOptions = {}): BlockMeta {
  const ulid = opts.ulid ?? newULID();
  const chunkRange = opts.chunkRange ?? DEFAULT_CHUNK_RANGE_MS;
  const tmp = join(parentDir, `${ulid}.tmp-for-creation`);
  rmSync(tmp, { recursive: true, force: true });
  mkdirSync(join(tmp, 'chunks'), { recursive: true });
  try {
    const sorted = [...series].sort((a, b) => compareLabelsUtf8(a.labels.flat, b.labels.flat));
    // Prometheus's symbol tables hold the empty string too
    const symbols = new Set<string>(['']);
    for (const s of sorted) for (const x of s.labels.flat) symbols.add(x);
    const chunkWriter = new ChunkWriter(join(tmp, 'chunks'), opts.segmentBytes ?? DEFAULT_SEGMENT_BYTES);
    const index = new IndexWriter(symbols);
    const metas: ChunkMetas = { mint: [], maxt: [], ref: [] };
    let numSamples = 0;
    let numChunks = 0;
    let numSeries = 0;
    let minT = Number.POSITIVE_INFINITY;
    let maxT = Number.NEGATIVE_INFINITY;
    let prev: Labels | null = null;
    const addChunk = (mint: number, maxt: number, enc: number, data: Uint8Array, n: number): void => {
      metas.mint.push(mint);
      metas.maxt.push(maxt);
      metas.ref.push(chunkWriter.write(enc, data));
      numSamples += n;
      numChunks++;
      if (mint < minT) minT = mint;
      if (maxt > maxT) maxT = maxt;
    };
    const encoder = new SampleEncoder(chunkRange, (c) =>
      addChunk(c.minT, c.maxT, ENCODING_XOR, c.bytes(), c.numSamples),
    );
    for (const entry of sorted) {
      const s: BlockSeries = entry.load === undefined ? entry : { labels: entry.labels, ...entry.load() };
      if (prev !== null && compareLabelsUtf8(prev.flat, s.labels.flat) === 0) {
        throw new BlockWriteError(`duplicate series ${s.labels.toString()}`);
      }
      prev = s.labels;
      metas.mint.length = 0;
      metas.maxt.length = 0;
      metas.ref.length = 0;
      if (s.chunks !== undefined) {
        for (const c of s.chunks) {
          const enc = c.encoding ?? ENCODING_XOR;
          const n = chunkSampleCount(c.data);
          if (n === 0) continue;
          addChunk(c.minTime, c.maxTime, enc, c.data, n);
        }
      } else if (s.timestamps !== undefined && s.values !== undefined) {
        const ts = s.timestamps;
        const vs = s.values;
        if (ts.length !== vs.length)
          throw new BlockWriteError(`${s.labels.toString()}: timestamps and values differ in length`);
        encoder.reset(s.labels);
        for (let i = 0; i < ts.length; i++) encoder.add(ts[i], vs[i]);
        encoder.finish();
      } else if (s.iterator !== undefined) {
        const it = s.iterator();
        encoder.reset(s.labels);
        while (it.next()) encoder.add(it.t, it.v);
        encoder.finish();
      }
      if (metas.mint.length === 0) continue;
      index.addSeries(s.labels.flat, metas);
      numSeries++;
    }
    chunkWriter.close();
    writeFileDurable(join(tmp, 'index'), index.finish());
    writeFileDurable(join(tmp, TOMBSTONES_FILENAME), encodeTombstones(new Map()));
    const hasData = numSamples > 0;
    const meta: BlockMeta = {
      ulid,
      minTime: opts.minTime ?? (hasData ? minT : 0),
      maxTime: opts.maxTime ?? (hasData ? maxT + 1 : 0),
      stats: { numSamples, numSeries, numChunks },
      compaction: { level: opts.level ?? 1, sources: opts.sources ?? [ulid] },
      version: META_VERSION,
    };
    if (opts.parents !== undefined) meta.compaction.parents = opts.parents;
    writeMeta(tmp, meta);
    const final = join(parentDir, ulid);
    rmSync(final, { recursive: true, force: true });
    fsyncDir(join(tmp, 'chunks'));
    fsyncDir(tmp);
    renameSync(tmp, final);
    fsyncDir(parentDir);
    return meta;
  } catch (e) {
    rmSync(tmp, { recursive: true, force: true });
    throw e;
  }
}

/** Encodes one series' samples into XOR chunks cut as Prometheus's head cuts them. */
class SampleEncoder {
  private chunk = new XorChunk(256);
  private readonly cutter: ChunkCutter;
  private readonly emit: (c: XorChunk) => void;
  private labels: Labels | null = null;

  constructor(chunkRange: number, emit: (c: XorChunk) => void) {
    this.cutter = new ChunkCutter(chunkRange);
    this.emit = emit;
  }

  reset(labels: Labels): void {
    this.labels = labels;
    if (this.chunk.numSamples > 0) this.chunk = new XorChunk(256);
  }

  add(t: number, v: number): void {
    const c = this.chunk;
    if (c.numSamples > 0 && t <= c.maxT) {
      throw new BlockWriteError(`${this.labels?.toString()}: samples not in ascending time order at ${t}`);
    }
    if (this.cutter.cutBefore(t, c.numSamples, c.maxT)) {
      this.emit(c);
      this.chunk = new XorChunk(256);
    }
    this.chunk.append(t, v);
  }

  finish(): void {
    if (this.chunk.numSamples > 0) {
      this.emit(this.chunk);
      this.chunk = new XorChunk(256);
    }
  }
}

/**
 * Writes the samples a querier holds in [mint, maxt) as a block covering exactly that range (meta minTime
 * mint, maxTime maxt), e.g. to persist a range of the head. Samples are pulled series by series.
 */
export function writeBlockFromQuerier(
  parentDir: string,
  querier: Querier,
  mint: number,
  maxt: number,
  opts: WriteBlockOptions = {},
): BlockMeta {
  const series = querier.select([], mint, maxt - 1).map((s) => ({ labels: s.labels, iterator: () => s.iterator() }));
  return writeBlock(parentDir, series, { minTime: mint, maxTime: maxt, ...opts });
}
