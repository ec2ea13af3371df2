export { BitReader, BitWriter } from './bit-stream.ts';
export { DB, type DBOptions, LockError, type ReplayStats, WALWriteError } from './db.ts';
export { type CommitBatch, type CommitListener, DEFAULT_CHUNK_RANGE, Head, type HeadOptions } from './head.ts';
export { HeadTombstones, MAX_TOMBSTONE_TIME } from './head-tombstones.ts';
export * from './interfaces.ts';
export { MemSeries, sameBits } from './mem-series.ts';
export {
  intersect,
  intersectAll,
  merge,
  mergeAll,
  PostingsIndex,
  type PostingsList,
  type PostingsStat,
  type PostingsStats,
  subtract,
} from './postings.ts';
export { SeriesSnapshot } from './series-iterator.ts';
export { ENCODING_XOR, SAMPLES_PER_CHUNK, XorChunk, XorIterator } from './xor-chunk.ts';
