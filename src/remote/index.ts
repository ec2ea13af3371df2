export {
  type DecodedSeries,
  decodeWriteRequest,
  decodeWriteRequestBody,
  encodeWriteRequestBody,
  RemoteWriteDecodeError,
} from './write-request.ts';
