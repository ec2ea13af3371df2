export {
  type DecodedSeries,
  decodeWriteRequest,
  decodeWriteRequestBody,
  encodeWriteRequestBody,
  RemoteWriteDecodeError,
} from './write-request.ts';
export {
  type QueueLogger,
  QueueManager,
  type QueueManagerOptions,
  type QueueStats,
  type WALPosition,
} from './queue-manager.ts';
export {
  RemoteWriteManager,
  type RemoteWriteManagerOptions,
  remoteName,
  renderRemoteWriteMetrics,
} from './remote-write-manager.ts';
export { readSegmentFrom } from './wal-tail.ts';
export { encodeLabelFields, WriteRequestBuilder } from './write-encoder.ts';
export {
  decodeReadRequestBody,
  decodeReadResponseBody,
  encodeReadRequestBody,
  encodeReadResponseBody,
  type ReadQuery,
  type ReadSeries,
  RESPONSE_SAMPLES,
  RESPONSE_STREAMED_XOR_CHUNKS,
} from './read-request.ts';
export {
  ArraySeries,
  createRemoteReadQuerier,
  mergeSeries,
  RemoteReadClient,
  type RemoteReadQuerier,
  type RemoteReadQuerierOptions,
} from './remote-read.ts';
