/**
 * Query result values and their JSON form as served by /api/v1/query and /api/v1/query_range.
 */
import type { Labels } from '../model/index.ts';

/** One sample of an instant vector. */
export interface Sample {
  labels: Labels;
  /** Timestamp in ms. */
  t: number;
  v: number;
}

export type Vector = Sample[];

/** One series of a range result: parallel arrays of timestamps (ms) and values, same length. */
export interface MatrixSeries {
  labels: Labels;
  ts: Float64Array;
  vs: Float64Array;
}

export type Matrix = MatrixSeries[];

export type QueryValue =
  | { type: 'scalar'; t: number; v: number }
  | { type: 'string'; t: number; v: string }
  | { type: 'vector'; vector: Vector }
  | { type: 'matrix'; matrix: Matrix };

export interface QueryResult {
  value: QueryValue;
  /** Annotation texts with their "PromQL warning: " prefix. */
  warnings: string[];
  /** Annotation texts with their "PromQL info: " prefix. */
  infos: string[];
  /** Samples loaded and points produced while evaluating (what maxSamples limits). */
  samples: number;
}

/** Go's strconv.FormatFloat(v, 'f', -1, 64), with Prometheus's spelling of the specials. */
export function formatValue(v: number): string {
  if (v === Number.POSITIVE_INFINITY) return '+Inf';
  if (v === Number.NEGATIVE_INFINITY) return '-Inf';
  if (Number.isNaN(v)) return 'NaN';
  if (Object.is(v, -0)) return '-0';
  const s = String(v);
  const e = s.indexOf('e');
  if (e < 0) return s;
  // Expand exponent notation into plain decimal digits.
  let mant = s.slice(0, e);
  const exp = Number(s.slice(e + 1));
  let sign = '';
  if (mant[0] === '-') {
    sign = '-';
    mant = mant.slice(1);
  }
  const dot = mant.indexOf('.');
  const digits = dot < 0 ? mant : mant.slice(0, dot) + mant.slice(dot + 1);
  const intLen = (dot < 0 ? mant.length : dot) + exp;
  if (intLen <= 0) return `${sign}0.${'0'.repeat(-intLen)}${digits}`;
  if (intLen >= digits.length) return sign + digits + '0'.repeat(intLen - digits.length);
  return `${sign}${digits.slice(0, intLen)}.${digits.slice(intLen)}`;
}

/** Timestamp in ms -> seconds as a JSON number (millisecond precision). */
export function formatTime(t: number): number {
  return t / 1000;
}

export type JSONPoint = [number, string];

export type ResultJSON =
  | { resultType: 'scalar'; result: JSONPoint }
  | { resultType: 'string'; result: JSONPoint }
  | { resultType: 'vector'; result: { metric: Record<string, string>; value: JSONPoint }[] }
  | { resultType: 'matrix'; result: { metric: Record<string, string>; values: JSONPoint[] }[] };

/** The `data` object of a Prometheus query API response. */
export function resultToJSON(value: QueryValue): ResultJSON {
  switch (value.type) {
    case 'scalar':
      return { resultType: 'scalar', result: [formatTime(value.t), formatValue(value.v)] };
    case 'string':
      return { resultType: 'string', result: [formatTime(value.t), value.v] };
    case 'vector':
      return {
        resultType: 'vector',
        result: value.vector.map((s) => ({ metric: s.labels.toObject(), value: [formatTime(s.t), formatValue(s.v)] })),
      };
    case 'matrix':
      return {
        resultType: 'matrix',
        result: value.matrix.map((s) => {
          const values: JSONPoint[] = new Array(s.ts.length);
          for (let i = 0; i < s.ts.length; i++) values[i] = [formatTime(s.ts[i]), formatValue(s.vs[i])];
          return { metric: s.labels.toObject(), values };
        }),
      };
  }
}
