export { crc32c } from './crc32c.ts';
export {
  decodeSamples,
  decodeSamplesInto,
  decodeSeries,
  encodeSamples,
  encodeSeries,
  RECORD_SAMPLES,
  RECORD_SERIES,
  RECORD_TOMBSTONES,
  RecordBuffer,
  RecordDecodeError,
  SampleBatch,
} from './records.ts';
export {
  DEFAULT_SEGMENT_SIZE,
  lastCheckpoint,
  listSegments,
  PAGE_SIZE,
  replayWAL,
  type ScanResult,
  scanRecords,
  segmentName,
  WAL,
  WALCorruptionError,
  writeCheckpoint,
} from './wal.ts';
