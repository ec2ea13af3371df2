import snappy from 'snappyjs';
import { isValidLabelName, Labels } from '../model/index.ts';
import { ByteBuilder, varintSize } from './byte-builder.ts';
import { ProtoReader } from './protobuf-wire.ts';
import { type DecodedSeries, decodeSamples, RemoteWriteDecodeError, uncompressSnappyBlock } from './write-request.ts';

/**
 * Remote write 2.0 (`io.prometheus.write.v2.Request`), written from the 2.0 specification:
 *
 *   message Request    { repeated string symbols = 4; repeated TimeSeries timeseries = 5; }
 *   message TimeSeries { repeated uint32 labels_refs = 1; repeated Sample samples = 2;
 *                        repeated Histogram histograms = 3; repeated Exemplar exemplars = 4;
 *                        Metadata metadata = 5; int64 created_timestamp = 6; }
 *   message Sample     { double value = 1; int64 timestamp = 2; int64 start_timestamp = 3; }
 *
 * Label names and values are interned in `symbols` (whose first entry is always ""), and each series refers to them
 * by index in name/value pairs.
 */
export const PROTO_V1 = 'prometheus.WriteRequest';
export const PROTO_V2 = 'io.prometheus.write.v2.Request';
export const CONTENT_TYPE_V2 = `application/x-protobuf;proto=${PROTO_V2}`;
export const VERSION_HEADER_V1 = '0.1.0';
export const VERSION_HEADER_V2 = '2.0.0';
export const HEADER_SAMPLES_WRITTEN = 'X-Prometheus-Remote-Write-Samples-Written';
export const HEADER_HISTOGRAMS_WRITTEN = 'X-Prometheus-Remote-Write-Histograms-Written';
export const HEADER_EXEMPLARS_WRITTEN = 'X-Prometheus-Remote-Write-Exemplars-Written';

const enc = new TextEncoder();
const utf8 = new TextDecoder('utf-8', { fatal: true });

/** A decoded 2.0 request: its float series, plus counts of what Osprey does not store. */
export interface DecodedV2Request {
  series: DecodedSeries[];
  histograms: number;
  exemplars: number;
}

/** Decodes a snappy-compressed io.prometheus.write.v2.Request. */
export function decodeWriteV2RequestBody(body: Uint8Array): DecodedV2Request {
  return decodeWriteV2Request(uncompressSnappyBlock(body));
}

export function decodeWriteV2Request(buf: Uint8Array): DecodedV2Request {
  const symbols: string[] = [];
  const seriesRanges: number[] = [];
  const r = new ProtoReader(buf);
  try {
    // Fields may come in any order: collect the symbol table first, resolve references after.
    while (!r.done) {
      const tag = r.uint32();
      const field = tag >>> 3;
      if (field === 4 && (tag & 7) === 2) {
        const [s, e] = r.bytes();
        symbols.push(decodeString(buf, s, e));
      } else if (field === 5 && (tag & 7) === 2) {
        const [s, e] = r.bytes();
        seriesRanges.push(s, e);
      } else {
        r.skip(tag & 7);
      }
    }
    const out: DecodedV2Request = { series: [], histograms: 0, exemplars: 0 };
    for (let i = 0; i < seriesRanges.length; i += 2) {
      decodeTimeSeries(buf, seriesRanges[i], seriesRanges[i + 1], symbols, out);
    }
    return out;
  } catch (e) {
    if (e instanceof RemoteWriteDecodeError) throw e;
    throw new RemoteWriteDecodeError(`proto: ${(e as Error).message}`);
  }
}

function decodeString(buf: Uint8Array, s: number, e: number): string {
  try {
    return utf8.decode(buf.subarray(s, e));
  } catch {
    throw new RemoteWriteDecodeError('invalid UTF-8 in symbols');
  }
}

function decodeTimeSeries(buf: Uint8Array, start: number, end: number, symbols: string[], out: DecodedV2Request) {
  const r = new ProtoReader(buf, start, end);
  const refs: number[] = [];
  const sampleRanges: number[] = [];
  while (!r.done) {
    const tag = r.uint32();
    const field = tag >>> 3;
    const wt = tag & 7;
    if (field === 1 && wt === 2) {
      // packed (what encoders emit) ...
      const [s, e] = r.bytes();
      const pr = new ProtoReader(buf, s, e);
      while (!pr.done) refs.push(pr.uint32());
    } else if (field === 1 && wt === 0) {
      // ... or unpacked, which proto3 parsers must accept too
      refs.push(r.uint32());
    } else if (field === 2 && wt === 2) {
      const [s, e] = r.bytes();
      sampleRanges.push(s, e);
    } else {
      if (field === 3 && wt === 2) out.histograms++;
      else if (field === 4 && wt === 2) out.exemplars++;
      r.skip(wt);
    }
  }
  if (refs.length % 2 !== 0) throw new RemoteWriteDecodeError('labels_refs has an odd number of entries');
  const pairs: string[] = [];
  const seen = new Set<string>();
  for (let i = 0; i < refs.length; i += 2) {
    if (refs[i] >= symbols.length || refs[i + 1] >= symbols.length) {
      throw new RemoteWriteDecodeError(`labels_refs entry out of range of the ${symbols.length} symbols`);
    }
    const name = symbols[refs[i]];
    if (!isValidLabelName(name)) throw new RemoteWriteDecodeError(`invalid label name: ${JSON.stringify(name)}`);
    if (seen.has(name)) {
      throw new RemoteWriteDecodeError(`invalid labels for series: duplicate label name ${JSON.stringify(name)}`);
    }
    seen.add(name);
    pairs.push(name, symbols[refs[i + 1]]);
  }
  if (sampleRanges.length === 0) return; // a histogram-only series
  const { timestamps, values } = decodeSamples(buf, sampleRanges);
  out.series.push({ labels: Labels.fromPairs(pairs), timestamps, values });
}

/**
 * Builds one io.prometheus.write.v2.Request in reusable buffers: symbols are interned per request (the first is ""),
 * each series is written as its packed label references followed by its samples.
 */
export class WriteRequestV2Builder extends ByteBuilder {
  private symbols = new Map<string, number>();
  private symBytes: Uint8Array[] = [];
  private symLen = 0;
  private refs: number[] = [];

  constructor() {
    super();
    this.reset();
  }

  reset(): void {
    this.symbols.clear();
    this.symBytes.length = 0;
    this.symLen = 0;
    this.len = 0;
    this.intern('');
  }

  private intern(s: string): number {
    let ref = this.symbols.get(s);
    if (ref === undefined) {
      ref = this.symBytes.length;
      this.symbols.set(s, ref);
      const b = enc.encode(s);
      this.symBytes.push(b);
      this.symLen += 1 + varintSize(b.length) + b.length;
    }
    return ref;
  }

  /** Appends a TimeSeries with samples ts[idx[from..to)], vs[idx[from..to)]. */
  series(labels: Labels, ts: ArrayLike<number>, vs: Float64Array, idx: ArrayLike<number>, from: number, to: number) {
    const refs = this.refs;
    refs.length = 0;
    labels.forEach((n, v) => {
      refs.push(this.intern(n), this.intern(v));
    });
    let refsLen = 0;
    for (const x of refs) refsLen += varintSize(x);
    let body = refs.length > 0 ? 1 + varintSize(refsLen) + refsLen : 0;
    body += this.samplesSize(ts, idx, from, to);
    this.ensure(body + 16);
    this.buf[this.len++] = 0x2a; // field 5, length-delimited
    this.varint(body);
    if (refs.length > 0) {
      this.buf[this.len++] = 0x0a; // field 1, packed
      this.varint(refsLen);
      for (const x of refs) this.varint(x);
    }
    this.samples(ts, vs, idx, from, to);
  }

  /** The uncompressed request: the symbol table, then the series. */
  bytes(): Uint8Array {
    const out = new Uint8Array(this.symLen + this.len);
    let p = 0;
    for (const b of this.symBytes) {
      out[p++] = 0x22; // field 4, length-delimited
      let v = b.length;
      while (v >= 0x80) {
        out[p++] = (v % 128) | 0x80;
        v = Math.floor(v / 128);
      }
      out[p++] = v;
      out.set(b, p);
      p += b.length;
    }
    out.set(this.buf.subarray(0, this.len), p);
    return out;
  }

  /** The snappy-compressed request body. */
  compressed(): Uint8Array {
    return snappy.compress(this.bytes()) as Uint8Array;
  }
}

/**
 * Encodes series as a snappy-compressed 2.0 Request (tests and tools).
 * Pass values as a Float64Array to keep NaN payloads (staleness markers).
 */
export function encodeWriteV2RequestBody(
  series: { labels: Labels; timestamps: ArrayLike<number>; values: Float64Array }[],
): Uint8Array {
  const b = new WriteRequestV2Builder();
  for (const s of series) {
    const idx = Array.from({ length: s.timestamps.length }, (_, i) => i);
    b.series(s.labels, s.timestamps, s.values, idx, 0, idx.length);
  }
  return b.compressed();
}
