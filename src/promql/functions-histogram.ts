/** histogram_quantile over classic histograms (series with an `le` bucket label). */
import type { Labels } from '../model/index.ts';
import type { Call } from './ast.ts';
import { dropMetricName, newStepSeries, type StepSeries } from './engine-types.ts';
import type { Evaluator } from './evaluator.ts';
import { formatGo } from './functions-range.ts';

interface Bucket {
  upper: number;
  count: number;
}

interface Group {
  labels: Labels;
  name: string;
  members: { s: StepSeries; upper: number }[];
}

const MIN_NORMAL = 2.2250738585072014e-308;
const SMALL_DELTA = 1e-12;

function almostEqual(a: number, b: number, eps: number): boolean {
  if (a === b) return true;
  const absSum = Math.abs(a) + Math.abs(b);
  const diff = Math.abs(a - b);
  if (a === 0 || b === 0 || absSum < MIN_NORMAL) return diff < eps * MIN_NORMAL;
  return diff / Math.min(absSum, Number.MAX_VALUE) < eps;
}

/** Quantile of sorted cumulative buckets; sets flags.monotonic when counts had to be fixed. */
export function bucketQuantile(q: number, buckets: Bucket[], flags: { monotonic: boolean }): number {
  if (Number.isNaN(q)) return Number.NaN;
  if (q < 0) return Number.NEGATIVE_INFINITY;
  if (q > 1) return Number.POSITIVE_INFINITY;
  buckets.sort((a, b) => a.upper - b.upper);
  if (buckets.length === 0 || buckets[buckets.length - 1].upper !== Number.POSITIVE_INFINITY) return Number.NaN;
  // Merge buckets with the same upper bound.
  const bs: Bucket[] = [];
  for (const b of buckets) {
    const last = bs[bs.length - 1];
    if (last && last.upper === b.upper) last.count += b.count;
    else bs.push({ upper: b.upper, count: b.count });
  }
  let prev = bs[0].count;
  for (let i = 1; i < bs.length; i++) {
    const cur = bs[i].count;
    if (cur === prev) continue;
    if (almostEqual(prev, cur, SMALL_DELTA)) {
      bs[i].count = prev;
      continue;
    }
    if (cur < prev) {
      bs[i].count = prev;
      flags.monotonic = true;
      continue;
    }
    prev = cur;
  }
  if (bs.length < 2) return Number.NaN;
  const observations = bs[bs.length - 1].count;
  if (observations === 0) return Number.NaN;
  let rank = q * observations;
  let b = 0;
  while (b < bs.length && !(bs[b].count >= rank)) b++;
  if (b === bs.length - 1) return bs[bs.length - 2].upper;
  if (b === bs.length) return Number.NaN;
  if (b === 0 && bs[0].upper <= 0) return bs[0].upper;
  let start = 0;
  const end = bs[b].upper;
  let count = bs[b].count;
  if (b > 0) {
    start = bs[b - 1].upper;
    count -= bs[b - 1].count;
    rank -= bs[b - 1].count;
  }
  return start + (end - start) * (rank / count);
}

export function histogramQuantile(ev: Evaluator, call: Call): StepSeries[] {
  const qs = ev.evalScalar(call.args[0]);
  const series = ev.evalVector(call.args[1]);
  for (let i = 0; i < ev.steps; i++) {
    const q = qs[i];
    if (Number.isNaN(q) || q < 0 || q > 1) {
      ev.ann.warn(`quantile value should be between 0 and 1, got ${formatGo(q)}`);
      break;
    }
  }
  const groups = new Map<number, Group[]>();
  for (const s of series) {
    const le = s.labels.get('le');
    const upper = parseLe(le);
    if (Number.isNaN(upper)) {
      ev.ann.warn(
        `bucket label "le" is missing or has a malformed value of ${JSON.stringify(le)} for metric name ${JSON.stringify(s.labels.metricName)}`,
      );
      continue;
    }
    const key = dropMetricName(s.labels.without('le'));
    const h = key.hash();
    let list = groups.get(h);
    if (!list) groups.set(h, (list = []));
    let g = list.find((x) => x.labels.equals(key));
    if (!g) list.push((g = { labels: key, name: s.labels.metricName, members: [] }));
    g.members.push({ s, upper });
  }
  const out: StepSeries[] = [];
  const flags = { monotonic: false };
  for (const list of groups.values()) {
    for (const g of list) {
      const res = newStepSeries(g.labels, ev.steps, false);
      for (let i = 0; i < ev.steps; i++) {
        const buckets: Bucket[] = [];
        for (const m of g.members) if (m.s.has[i]) buckets.push({ upper: m.upper, count: m.s.vals[i] });
        if (buckets.length === 0) continue;
        flags.monotonic = false;
        const v = bucketQuantile(qs[i], buckets, flags);
        if (flags.monotonic) {
          ev.ann.info(
            `input to histogram_quantile needed to be fixed for monotonicity (see https://prometheus.io/docs/prometheus/latest/querying/functions/#histogram_quantile) for metric name ${JSON.stringify(g.name)}`,
          );
        }
        res.has[i] = 1;
        res.vals[i] = v;
      }
      if (res.has.includes(1)) out.push(res);
    }
  }
  return out;
}

function parseLe(s: string): number {
  if (s === '') return Number.NaN;
  const l = s.toLowerCase();
  if (l === '+inf' || l === 'inf') return Number.POSITIVE_INFINITY;
  if (l === '-inf') return Number.NEGATIVE_INFINITY;
  if (l === 'nan') return Number.NaN;
  const v = Number(s);
  return v;
}
