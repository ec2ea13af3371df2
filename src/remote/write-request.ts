import snappy from 'snappyjs';
import { isValidLabelName, Labels, snappyUncompress } from '../model/index.ts';
import { ProtoReader, ProtoWriter } from './protobuf-wire.ts';

/** One decoded series of a remote-write 1.0 WriteRequest. */
export interface DecodedSeries {
  labels: Labels;
  timestamps: Float64Array;
  values: Float64Array;
}

export class RemoteWriteDecodeError extends Error {}

/** A decoded request larger than this is refused (guards against decompression bombs). */
export const MAX_DECODED_BYTES = 256 * 1024 * 1024;

const utf8 = new TextDecoder('utf-8', { fatal: true });

/** Decodes a snappy-compressed (block format) protobuf prometheus.WriteRequest. */
export function decodeWriteRequestBody(body: Uint8Array): DecodedSeries[] {
  return decodeWriteRequest(uncompressSnappyBlock(body));
}

/**
 * Snappy block decompression with a guard against amplification: the stream starts with the decompressed length,
 * and snappy cannot expand more than ~21x (a 3-byte copy yields at most 64 bytes), so a larger claim is corrupt and
 * is refused before anything is allocated.
 */
export function uncompressSnappyBlock(body: Uint8Array): Uint8Array {
  let claimed = 0;
  let mul = 1;
  for (let i = 0; i < Math.min(5, body.length); i++) {
    claimed += (body[i] & 0x7f) * mul;
    if ((body[i] & 0x80) === 0) break;
    mul *= 128;
  }
  if (claimed > MAX_DECODED_BYTES) {
    throw new RemoteWriteDecodeError(`snappy: decoded length ${claimed} exceeds the limit`);
  }
  if (claimed > body.length * 24 + 64) {
    throw new RemoteWriteDecodeError('snappy: corrupt input (decoded length too large for the input)');
  }
  try {
    return snappyUncompress(body, MAX_DECODED_BYTES);
  } catch (e) {
    throw new RemoteWriteDecodeError(`snappy: corrupt input (${(e as Error).message})`);
  }
}

/**
 * Decodes `Sample` messages (double value = 1, int64 timestamp = 2; the same in remote write 1.0 and 2.0) found at
 * the [start, end) byte ranges given as pairs.
 */
export function decodeSamples(
  buf: Uint8Array,
  sampleRanges: number[],
): { timestamps: Float64Array; values: Float64Array } {
  const n = sampleRanges.length / 2;
  const timestamps = new Float64Array(n);
  const values = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const sr = new ProtoReader(buf, sampleRanges[2 * i], sampleRanges[2 * i + 1]);
    let v = 0;
    let t = 0;
    while (!sr.done) {
      const tag = sr.uint32();
      if (tag === (1 << 3) + 1) v = sr.double();
      else if (tag === 2 << 3) t = sr.int64();
      else sr.skip(tag & 7);
    }
    timestamps[i] = t;
    values[i] = v;
  }
  return { timestamps, values };
}

export function decodeWriteRequest(buf: Uint8Array): DecodedSeries[] {
  const out: DecodedSeries[] = [];
  const r = new ProtoReader(buf);
  try {
    while (!r.done) {
      const tag = r.uint32();
      if (tag >>> 3 === 1 && (tag & 7) === 2) {
        const [s, e] = r.bytes();
        out.push(decodeTimeSeries(buf, s, e));
      } else {
        r.skip(tag & 7);
      }
    }
  } catch (e) {
    if (e instanceof RemoteWriteDecodeError) throw e;
    throw new RemoteWriteDecodeError(`proto: ${(e as Error).message}`);
  }
  return out;
}

function decodeTimeSeries(buf: Uint8Array, start: number, end: number): DecodedSeries {
  const r = new ProtoReader(buf, start, end);
  const pairs: string[] = [];
  const sampleRanges: number[] = [];
  while (!r.done) {
    const tag = r.uint32();
    const field = tag >>> 3;
    if (field === 1 && (tag & 7) === 2) {
      const [s, e] = r.bytes();
      decodeLabel(buf, s, e, pairs);
    } else if (field === 2 && (tag & 7) === 2) {
      const [s, e] = r.bytes();
      sampleRanges.push(s, e);
    } else {
      r.skip(tag & 7);
    }
  }
  const { timestamps, values } = decodeSamples(buf, sampleRanges);
  // Validate: non-empty valid names, no duplicates.
  const seen = new Set<string>();
  for (let i = 0; i < pairs.length; i += 2) {
    const name = pairs[i];
    if (!isValidLabelName(name)) throw new RemoteWriteDecodeError(`invalid label name: ${JSON.stringify(name)}`);
    if (seen.has(name)) {
      throw new RemoteWriteDecodeError(`invalid labels for series: duplicate label name ${JSON.stringify(name)}`);
    }
    seen.add(name);
  }
  return { labels: Labels.fromPairs(pairs), timestamps, values };
}

function decodeLabel(buf: Uint8Array, start: number, end: number, pairs: string[]): void {
  const r = new ProtoReader(buf, start, end);
  let name = '';
  let value = '';
  while (!r.done) {
    const tag = r.uint32();
    if ((tag & 7) === 2 && (tag >>> 3 === 1 || tag >>> 3 === 2)) {
      const [s, e] = r.bytes();
      let str: string;
      try {
        str = utf8.decode(buf.subarray(s, e));
      } catch {
        throw new RemoteWriteDecodeError('invalid UTF-8 in label');
      }
      if (tag >>> 3 === 1) name = str;
      else value = str;
    } else r.skip(tag & 7);
  }
  pairs.push(name, value);
}

/**
 * Encodes series as a snappy-compressed WriteRequest (used by tests and the remote-write client).
 * Pass values as a Float64Array to keep NaN payloads (staleness markers): V8 canonicalises NaNs stored in plain arrays.
 */
export function encodeWriteRequestBody(
  series: { labels: Labels; timestamps: ArrayLike<number>; values: ArrayLike<number> }[],
): Uint8Array {
  const w = new ProtoWriter();
  for (const s of series) {
    w.message(1, (ts) => {
      s.labels.forEach((n, v) => {
        ts.message(1, (l) => {
          l.string(1, n);
          l.string(2, v);
        });
      });
      for (let i = 0; i < s.timestamps.length; i++) {
        ts.message(2, (sm) => {
          sm.double(1, s.values[i]);
          sm.int64(2, s.timestamps[i]);
        });
      }
    });
  }
  return snappy.compress(w.finish()) as Uint8Array;
}
