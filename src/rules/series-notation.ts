/**
 * The expanding series notation of promtool unit tests (`input_series`): a series description
 * `name{l="v"}` and a value sequence such as `1+2x3 _ stale 5x2 _x3`. Native histogram items `{{...}}`
 * are recognised but not supported (Osprey's TSDB stores floats only).
 */
import { Labels, MatchType } from '../model/index.ts';
import { parseMetricSelector } from '../promql/index.ts';

/**
 * A parsed value: a number, 'stale' for a staleness marker, or null for a gap (`_`). (A STALE_NAN stored in an
 * array could lose its payload bits to V8's NaN canonicalisation, so it is appended only at the last moment.)
 */
export type SeriesValue = number | null | 'stale';

export class SeriesNotationError extends Error {}

/** Parses `name{a="b"}` (or `{__name__="x", ...}`) into labels. */
export function parseSeriesLabels(s: string): Labels {
  let matchers: ReturnType<typeof parseMetricSelector>;
  try {
    matchers = parseMetricSelector(s);
  } catch (e) {
    throw new SeriesNotationError((e as Error).message);
  }
  const pairs: string[] = [];
  for (const m of matchers) {
    if (m.type !== MatchType.Equal) throw new SeriesNotationError(`unexpected matcher ${m.toString()} in series ${s}`);
    pairs.push(m.name, m.value);
  }
  return Labels.fromPairs(pairs);
}

const NUM = '[-+]?(?:[0-9]*\\.?[0-9]+(?:[eE][-+]?[0-9]+)?|0[xX][0-9a-fA-F]+|[iI][nN][fF]|[nN][aA][nN])';
const ITEM_RE = new RegExp(`^(${NUM})(?:([-+])(${NUM.slice(5)})x([0-9]+)|x([0-9]+))?$`);

function toFloat(s: string): number {
  const l = s.toLowerCase().replace(/^\+/, '');
  if (l === 'inf') return Number.POSITIVE_INFINITY;
  if (l === '-inf') return Number.NEGATIVE_INFINITY;
  if (l === 'nan' || l === '-nan') return Number.NaN;
  if (/^-?0x/.test(l)) return l.startsWith('-') ? -Number(l.slice(1)) : Number(l);
  return Number(l);
}

/** Expands a value sequence. `a+bxn` gives n+1 values a, a+b, ..., `axn` gives n+1 copies, `_xn` n gaps. */
export function parseSeriesValues(s: string): SeriesValue[] {
  const out: SeriesValue[] = [];
  for (const item of s.trim().split(/\s+/)) {
    if (item === '') continue;
    if (item.startsWith('{{')) throw new SeriesNotationError(`native histogram values are not supported: ${item}`);
    if (item === '_') {
      out.push(null);
      continue;
    }
    if (item.startsWith('_x')) {
      const n = Number(item.slice(2));
      if (!Number.isInteger(n) || n < 0) throw new SeriesNotationError(`invalid repetitions in ${item}`);
      for (let i = 0; i < n; i++) out.push(null);
      continue;
    }
    if (item === 'stale') {
      out.push('stale');
      continue;
    }
    const m = ITEM_RE.exec(item);
    if (!m) throw new SeriesNotationError(`invalid value ${JSON.stringify(item)}`);
    const a = toFloat(m[1]);
    if (m[4] !== undefined) {
      const step = toFloat(m[3]) * (m[2] === '-' ? -1 : 1);
      const n = Number(m[4]);
      // Prometheus adds the step repeatedly (not a + i*step), which matters for float rounding.
      let v = a;
      out.push(v);
      for (let i = 0; i < n; i++) {
        v += step;
        out.push(v);
      }
    } else if (m[5] !== undefined) {
      const n = Number(m[5]);
      for (let i = 0; i <= n; i++) out.push(a);
    } else out.push(a);
  }
  return out;
}
