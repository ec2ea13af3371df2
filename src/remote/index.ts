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
export { RemoteWriteManager, type RemoteWriteManagerOptions, remoteName } from './remote-write-manager.ts';
export { readSegmentFrom } from './wal-tail.ts';
export { encodeLabelFields, WriteRequestBuilder } from './write-encoder.ts';
