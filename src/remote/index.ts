export {
  type QueueLogger,
  QueueManager,
  type QueueManagerOptions,
  type QueueStats,
  type WALPosition,
} from './queue-manager.ts';
export {
  decodeReadRequestBody,
  decodeReadResponseBody,
  encodeReadRequestBody,
  encodeReadResponseBody,
  RESPONSE_SAMPLES,
  RESPONSE_STREAMED_XOR_CHUNKS,
  type ReadQuery,
  type ReadSeries,
} from './read-request.ts';
export {
  ArraySeries,
  createRemoteReadQuerier,
  mergeSeries,
  RemoteReadClient,
  type RemoteReadQuerier,
  type RemoteReadQuerierOptions,
} from './remote-read.ts';
export {
  RemoteWriteManager,
  type RemoteWriteManagerOptions,
  remoteName,
  renderRemoteWriteMetrics,
} from './remote-write-manager.ts';
export { readSegmentFrom } from './wal-tail.ts';
export { encodeLabelFields, WriteRequestBuilder } from './write-encoder.ts';
export {
  type DecodedSeries,
  decodeWriteRequest,
  decodeWriteRequestBody,
  encodeWriteRequestBody,
  RemoteWriteDecodeError,
} from './write-request.ts';
export {
  CONTENT_TYPE_V2,
  type DecodedV2Request,
  decodeWriteV2Request,
  decodeWriteV2RequestBody,
  encodeWriteV2RequestBody,
  HEADER_EXEMPLARS_WRITTEN,
  HEADER_HISTOGRAMS_WRITTEN,
  HEADER_SAMPLES_WRITTEN,
  PROTO_V1,
  PROTO_V2,
  VERSION_HEADER_V1,
  VERSION_HEADER_V2,
  WriteRequestV2Builder,
} from './write-v2.ts';
