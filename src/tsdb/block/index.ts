/**
 * Prometheus-format blocks on disk: writing, reading (as a Querier), compaction and retention.
 * See docs/formats/blocks.md.
 */
export { Block, BlockQuerier, BlockSeriesView, listBlockDirs } from './block.ts';
export {
  type BlockSeries,
  BlockWriteError,
  chunkSampleCount,
  type SeriesChunk,
  type WriteBlockOptions,
  writeBlock,
} from './block-writer.ts';
export { ChunkReader, ChunkWriter, chunkRef, CHUNKS_MAGIC, DEFAULT_SEGMENT_BYTES, segmentFileName } from './chunks.ts';
export { compactBlocks, type CompactOptions } from './compact.ts';
export { ByteReader, ByteWriter, compareLabelsUtf8, compareUtf8, DecodeError } from './encoding.ts';
export { IndexReader } from './index-reader.ts';
export { type ChunkMetas, INDEX_MAGIC, IndexWriter, IndexWriteError } from './index-writer.ts';
export { type BlockCompaction, type BlockMeta, BlockMetaError, type BlockStats, readMeta, writeMeta } from './meta.ts';
export { type DeletedBlock, deleteBlocksBeyondRetention, type RetentionOptions } from './retention.ts';
export { ChunkSeriesIterator } from './series-iterator.ts';
export {
  addInterval,
  decodeTombstones,
  encodeTombstones,
  readTombstones,
  TOMBSTONES_MAGIC,
  type Tombstones,
  writeTombstones,
} from './tombstones.ts';
export { encodeULID, isULID, newULID, ulidTime } from './ulid.ts';
