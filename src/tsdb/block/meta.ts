import { readFileSync, renameSync } from 'node:fs';
import { join } from 'node:path';
import { writeFileDurable } from './durable.ts';

/** meta.json of a block, as Prometheus writes it. Times in ms; maxTime is exclusive. */
export interface BlockMeta {
  ulid: string;
  minTime: number;
  maxTime: number;
  stats: BlockStats;
  compaction: BlockCompaction;
  version: number;
}

export interface BlockStats {
  numSamples: number;
  numSeries: number;
  numChunks: number;
  numTombstones?: number;
}

export interface BlockCompaction {
  level: number;
  sources: string[];
  parents?: { ulid: string; minTime: number; maxTime: number }[];
  deletable?: boolean;
  failed?: boolean;
}

export const META_FILENAME = 'meta.json';
export const META_VERSION = 1;

export class BlockMetaError extends Error {}

export function readMeta(blockDir: string): BlockMeta {
  const file = join(blockDir, META_FILENAME);
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(file, 'utf8'));
  } catch (e) {
    throw new BlockMetaError(`${file}: ${(e as Error).message}`);
  }
  const m = raw as BlockMeta;
  if (typeof m !== 'object' || m === null || typeof m.ulid !== 'string') throw new BlockMetaError(`${file}: no ulid`);
  if (m.version !== META_VERSION) throw new BlockMetaError(`${file}: unsupported meta version ${m.version}`);
  if (typeof m.minTime !== 'number' || typeof m.maxTime !== 'number')
    throw new BlockMetaError(`${file}: bad time range`);
  m.stats ??= { numSamples: 0, numSeries: 0, numChunks: 0 };
  m.compaction ??= { level: 1, sources: [m.ulid] };
  return m;
}

/** Writes meta.json atomically (temp file + rename), indented like Prometheus's. */
export function writeMeta(blockDir: string, meta: BlockMeta): void {
  const file = join(blockDir, META_FILENAME);
  const tmp = `${file}.tmp`;
  writeFileDurable(tmp, Buffer.from(JSON.stringify(meta, null, '\t')));
  renameSync(tmp, file);
}
