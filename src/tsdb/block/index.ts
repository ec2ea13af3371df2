/**
 * Prometheus-format blocks on disk: writing, reading (as a Querier), compaction and retention.
 * See docs/formats/blocks.md.
 */
export { Block, BlockQuerier, BlockSeriesView, listBlockDirs } from './block.ts';
export {
  type BlockSeries,
  BlockWriteError,
  chunkSampleCount,
  DEFAULT_CHUNK_RANGE_MS,
  type SeriesChunk,
  type WriteBlockOptions,
  writeBlock,
  writeBlockFromQuerier,
} from './block-writer.ts';
export { ChunkCutter } from './chunk-cutter.ts';
export {
  CHUNKS_MAGIC,
  ChunkReader,
  type ChunkReaderOptions,
  ChunkWriter,
  chunkRef,
  DEFAULT_PRELOAD_BYTES,
  DEFAULT_SEGMENT_BYTES,
  segmentFileName,
} from './chunks.ts';
export { type CompactOptions, compactBlocks } from './compact.ts';
export { type CompactionJob, runCompactionJob, runJobInProcess } from './compaction-jobs.ts';
export { fsyncDir, writeFileDurable } from './durable.ts';
export { ByteReader, ByteWriter, compareLabelsUtf8, compareUtf8, DecodeError } from './encoding.ts';
export { type HeadBlockJob, HeadBlockJobBuilder, writeHeadBlock } from './head-block.ts';
export { IndexReader } from './index-reader.ts';
export { type ChunkMetas, INDEX_MAGIC, IndexWriteError, IndexWriter } from './index-writer.ts';
export { MergeQuerier } from './merge-querier.ts';
export { type BlockCompaction, type BlockMeta, BlockMetaError, type BlockStats, readMeta, writeMeta } from './meta.ts';
export { type OpenBlocksResult, openBlocks } from './open-blocks.ts';
export { deleteBlockDir, repairDataDir } from './repair.ts';
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
