export * from './interfaces.ts';
export { type CommitBatch, type CommitListener, DEFAULT_CHUNK_RANGE, Head, type HeadOptions } from './head.ts';
export { XorChunk, XorIterator, SAMPLES_PER_CHUNK, ENCODING_XOR } from './xor-chunk.ts';
export { BitReader, BitWriter } from './bit-stream.ts';
export {
  PostingsIndex,
  type PostingsList,
  type PostingsStat,
  type PostingsStats,
  intersect,
  intersectAll,
  merge,
  mergeAll,
  subtract,
} from './postings.ts';
export { MemSeries, sameBits } from './mem-series.ts';
export { SeriesSnapshot } from './series-iterator.ts';
export { DB, type DBOptions, LockError, type ReplayStats, WALWriteError } from './db.ts';
export { HeadTombstones, MAX_TOMBSTONE_TIME } from './head-tombstones.ts';
