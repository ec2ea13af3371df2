import snappy from 'snappyjs';
import { type Labels, Matcher, MatchType } from '../model/index.ts';
import { ProtoReader, ProtoWriter } from './protobuf-wire.ts';
import { decodeWriteRequest, RemoteWriteDecodeError, uncompressSnappyBlock } from './write-request.ts';

/**
 * Remote read protocol (prometheus/prompb remote.proto): ReadRequest{queries=1, accepted_response_types=2},
 * Query{start_timestamp_ms=1, end_timestamp_ms=2, matchers=3, hints=4}, LabelMatcher{type=1, name=2, value=3},
 * ReadResponse{results=1}, QueryResult{timeseries=1}, TimeSeries{labels=1, samples=2}.
 */
export interface ReadQuery {
  start: number;
  end: number;
  matchers: Matcher[];
}

export interface ReadSeries {
  labels: Labels;
  timestamps: ArrayLike<number>;
  values: ArrayLike<number>;
}

export const RESPONSE_SAMPLES = 0;
export const RESPONSE_STREAMED_XOR_CHUNKS = 1;

const MATCH_TYPES = [MatchType.Equal, MatchType.NotEqual, MatchType.Regex, MatchType.NotRegex];
const utf8 = new TextDecoder();

export function decodeReadRequestBody(body: Uint8Array): { queries: ReadQuery[]; acceptedResponseTypes: number[] } {
  const raw = uncompressSnappyBlock(body);
  const queries: ReadQuery[] = [];
  const types: number[] = [];
  try {
    const r = new ProtoReader(raw);
    while (!r.done) {
      const tag = r.uint32();
      if (tag === ((1 << 3) | 2)) {
        const [s, e] = r.bytes();
        queries.push(decodeQuery(raw, s, e));
      } else if (tag === 2 << 3) {
        types.push(r.uint32());
      } else if (tag === ((2 << 3) | 2)) {
        const [s, e] = r.bytes();
        const pr = new ProtoReader(raw, s, e);
        while (!pr.done) types.push(pr.uint32());
      } else r.skip(tag & 7);
    }
  } catch (e) {
    if (e instanceof RemoteWriteDecodeError) throw e;
    throw new RemoteWriteDecodeError(`proto: ${(e as Error).message}`);
  }
  return { queries, acceptedResponseTypes: types };
}

function decodeQuery(buf: Uint8Array, start: number, end: number): ReadQuery {
  const r = new ProtoReader(buf, start, end);
  const q: ReadQuery = { start: 0, end: 0, matchers: [] };
  while (!r.done) {
    const tag = r.uint32();
    if (tag === 1 << 3) q.start = r.int64();
    else if (tag === 2 << 3) q.end = r.int64();
    else if (tag === ((3 << 3) | 2)) {
      const [s, e] = r.bytes();
      const mr = new ProtoReader(buf, s, e);
      let type = 0;
      let name = '';
      let value = '';
      while (!mr.done) {
        const t = mr.uint32();
        if (t === 1 << 3) type = mr.uint32();
        else if (t === ((2 << 3) | 2) || t === ((3 << 3) | 2)) {
          const [a, b] = mr.bytes();
          const str = utf8.decode(buf.subarray(a, b));
          if (t >>> 3 === 2) name = str;
          else value = str;
        } else mr.skip(t & 7);
      }
      const mt = MATCH_TYPES[type];
      if (mt === undefined) throw new RemoteWriteDecodeError(`unknown matcher type ${type}`);
      q.matchers.push(new Matcher(mt, name, value));
    } else r.skip(tag & 7);
  }
  return q;
}

export function encodeReadRequestBody(queries: readonly ReadQuery[]): Uint8Array {
  const w = new ProtoWriter();
  for (const q of queries) {
    w.message(1, (qw) => {
      qw.int64(1, q.start);
      qw.int64(2, q.end);
      for (const m of q.matchers) {
        qw.message(3, (mw) => {
          mw.int64(1, MATCH_TYPES.indexOf(m.type));
          mw.string(2, m.name);
          mw.string(3, m.value);
        });
      }
    });
  }
  w.int64(2, RESPONSE_SAMPLES);
  return snappy.compress(w.finish()) as Uint8Array;
}

/** A SAMPLES ReadResponse: one QueryResult per query. */
export function encodeReadResponseBody(results: readonly (readonly ReadSeries[])[]): Uint8Array {
  const w = new ProtoWriter();
  for (const res of results) {
    w.message(1, (rw) => {
      for (const s of res) {
        rw.message(1, (ts) => {
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
    });
  }
  return snappy.compress(w.finish()) as Uint8Array;
}

/** Decodes a SAMPLES ReadResponse into one series list per query. */
export function decodeReadResponseBody(body: Uint8Array): ReadSeries[][] {
  const raw = uncompressSnappyBlock(body);
  const out: ReadSeries[][] = [];
  const r = new ProtoReader(raw);
  while (!r.done) {
    const tag = r.uint32();
    if (tag === ((1 << 3) | 2)) {
      const [s, e] = r.bytes();
      out.push(decodeTimeSeriesList(raw.subarray(s, e)));
    } else r.skip(tag & 7);
  }
  return out;
}

function decodeTimeSeriesList(buf: Uint8Array): ReadSeries[] {
  // Same layout as a WriteRequest (repeated TimeSeries in field 1), so its decoder applies.
  return decodeWriteRequest(buf);
}
