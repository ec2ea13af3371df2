import { mkdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Labels } from '../../model/index.ts';
import { ENCODING_XOR, XorChunk } from '../xor-chunk.ts';
import { ChunkCutter } from './chunk-cutter.ts';
import { ChunkWriter, DEFAULT_SEGMENT_BYTES } from './chunks.ts';
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
    for (const s of sorted) {
      if (prev !== null && compareLabelsUtf8(prev.flat, s.labels.flat) === 0) {
        throw new BlockWriteError(`duplicate series ${s.labels.toString()}`);
      }
      prev = s.labels;
      metas.mint.length = 0;
      metas.maxt.length = 0;
      metas.ref.length = 0;
      const addChunk = (mint: number, maxt: number, enc: number, data: Uint8Array, n: number): void => {
        metas.mint.push(mint);
        metas.maxt.push(maxt);
        metas.ref.push(chunkWriter.write(enc, data));
        numSamples += n;
        numChunks++;
        if (mint < minT) minT = mint;
        if (maxt > maxT) maxT = maxt;
      };
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
        if (ts.length !== vs.length) throw new BlockWriteError(`${s.labels.toString()}: timestamps and values differ in length`);
        let chunk = new XorChunk(256);
        const cutter = new ChunkCutter(chunkRange);
        for (let i = 0; i < ts.length; i++) {
          if (chunk.numSamples > 0 && ts[i] <= chunk.maxT) {
            throw new BlockWriteError(`${s.labels.toString()}: samples not in ascending time order at ${ts[i]}`);
          }
          if (cutter.cutBefore(ts[i], chunk.numSamples, chunk.maxT)) {
            addChunk(chunk.minT, chunk.maxT, ENCODING_XOR, chunk.bytes(), chunk.numSamples);
            chunk = new XorChunk(256);
          }
          chunk.append(ts[i], vs[i]);
        }
        if (chunk.numSamples > 0) addChunk(chunk.minT, chunk.maxT, ENCODING_XOR, chunk.bytes(), chunk.numSamples);
      }
      if (metas.mint.length === 0) continue;
      index.addSeries(s.labels.flat, metas);
      numSeries++;
    }
    chunkWriter.close();
    writeFileSync(join(tmp, 'index'), index.finish());
    writeFileSync(join(tmp, TOMBSTONES_FILENAME), encodeTombstones(new Map()));
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
    renameSync(tmp, final);
    return meta;
  } catch (e) {
    rmSync(tmp, { recursive: true, force: true });
    throw e;
  }
}
