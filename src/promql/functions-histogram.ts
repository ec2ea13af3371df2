/** histogram_quantile over classic histograms (series with an `le` bucket label). */
import type { Labels } from '../model/index.ts';
import type { Call } from './ast.ts';
import { newStepSeries, SeriesCollector, type StepSeries } from './engine-types.ts';
import type { Evaluator } from './evaluator.ts';
import { formatGo } from './functions-range.ts';
import { formatValue } from './value.ts';

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

/** Merges equal upper bounds and makes counts monotonic (ignoring tiny float deltas). */
function coalesce(buckets: Bucket[], flags: { monotonic: boolean }): Bucket[] {
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
  return bs;
}

/** Quantile of sorted cumulative buckets; sets flags.monotonic when counts had to be fixed. */
export function bucketQuantile(q: number, buckets: Bucket[], flags: { monotonic: boolean }): number {
  if (Number.isNaN(q)) return Number.NaN;
  if (q < 0) return Number.NEGATIVE_INFINITY;
  if (q > 1) return Number.POSITIVE_INFINITY;
  buckets.sort((a, b) => a.upper - b.upper);
  if (buckets.length === 0 || buckets[buckets.length - 1].upper !== Number.POSITIVE_INFINITY) return Number.NaN;
  const bs = coalesce(buckets, flags);
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

/** Groups classic bucket series by their labels without `le` (name kept until the query ends). */
function groupBuckets(ev: Evaluator, series: StepSeries[]): Group[] {
  const groups = new Map<number, Group[]>();
  const out: Group[] = [];
  for (const s of series) {
    const le = s.labels.get('le');
    const upper = parseLe(le);
    if (Number.isNaN(upper)) {
      ev.ann.warn(
        `bucket label "le" is missing or has a malformed value of ${JSON.stringify(le)} for metric name ${JSON.stringify(s.labels.metricName)}`,
      );
      continue;
    }
    const key = s.labels.without('le');
    const h = key.hash();
    let list = groups.get(h);
    if (!list) groups.set(h, (list = []));
    let g = list.find((x) => x.labels.equals(key));
    if (!g) {
      list.push((g = { labels: key, name: s.labels.metricName, members: [] }));
      out.push(g);
    }
    g.members.push({ s, upper });
  }
  return out;
}

function bucketsAt(g: Group, i: number): Bucket[] {
  const buckets: Bucket[] = [];
  for (const m of g.members) if (m.s.has[i]) buckets.push({ upper: m.upper, count: m.s.vals[i] });
  return buckets;
}

function warnQuantile(ev: Evaluator, q: number): void {
  if (Number.isNaN(q) || q < 0 || q > 1) ev.ann.warn(`quantile value should be between 0 and 1, got ${formatGo(q)}`);
}

function monotonicInfo(ev: Evaluator, name: string): void {
  ev.ann.info(
    `input to histogram_quantile needed to be fixed for monotonicity (see https://prometheus.io/docs/prometheus/latest/querying/functions/#histogram_quantile) for metric name ${JSON.stringify(name)}`,
  );
}

export function histogramQuantile(ev: Evaluator, call: Call): StepSeries[] {
  const qs = ev.evalScalar(call.args[0]);
  const series = ev.evalVector(call.args[1]);
  for (let i = 0; i < ev.steps; i++) {
    if (Number.isNaN(qs[i]) || qs[i] < 0 || qs[i] > 1) {
      warnQuantile(ev, qs[i]);
      break;
    }
  }
  const out: StepSeries[] = [];
  const flags = { monotonic: false };
  for (const g of groupBuckets(ev, series)) {
    const res = newStepSeries(g.labels, ev.steps, true);
    for (let i = 0; i < ev.steps; i++) {
      const buckets = bucketsAt(g, i);
      if (buckets.length === 0) continue;
      flags.monotonic = false;
      const v = bucketQuantile(qs[i], buckets, flags);
      if (flags.monotonic) monotonicInfo(ev, g.name);
      res.has[i] = 1;
      res.vals[i] = v;
    }
    if (res.has.includes(1)) out.push(res);
  }
  return out;
}

/** histogram_quantiles(v, label, q1, q2, ...): one output series per quantile, labelled with it. */
export function histogramQuantiles(ev: Evaluator, call: Call): StepSeries[] {
  const series = ev.evalVector(call.args[0]);
  const label = ev.evalString(call.args[1]);
  const qss: Float64Array[] = [];
  for (let k = 2; k < call.args.length; k++) qss.push(ev.evalScalar(call.args[k]));
  for (const qs of qss) warnQuantile(ev, qs[0]);
  const col = new SeriesCollector(ev.steps);
  const flags = { monotonic: false };
  for (const g of groupBuckets(ev, series)) {
    for (let i = 0; i < ev.steps; i++) {
      if (bucketsAt(g, i).length === 0) continue;
      let fixed = false;
      for (const qs of qss) {
        flags.monotonic = false;
        const v = bucketQuantile(qs[i], bucketsAt(g, i), flags);
        fixed ||= flags.monotonic;
        const l = g.labels.builder().set(label, formatQuantileLabel(qs[i])).labels();
        col.set(l, true, i, v);
      }
      if (fixed) monotonicInfo(ev, g.name);
    }
  }
  return col.out;
}

function formatQuantileLabel(q: number): string {
  const s = formatValue(q);
  return /^-?\d+$/.test(s) ? `${s}.0` : s;
}

/** Estimated cumulative count at v, treating observations in infinite buckets as lying at the infinities. */
function rankAt(bs: Bucket[], v: number): number {
  if (v === Number.NEGATIVE_INFINITY) return 0;
  const total = bs[bs.length - 1].count;
  if (v === Number.POSITIVE_INFINITY) return total;
  for (let i = 0; i < bs.length; i++) {
    const ub = bs[i].upper;
    const prevCount = i > 0 ? bs[i - 1].count : 0;
    let lb: number;
    if (i > 0) lb = bs[i - 1].upper;
    else lb = ub > 0 ? 0 : Number.NEGATIVE_INFINITY;
    if (v > ub) continue;
    if (v <= lb) return prevCount;
    if (lb === Number.NEGATIVE_INFINITY) return bs[i].count;
    if (ub === Number.POSITIVE_INFINITY) return prevCount;
    return prevCount + ((bs[i].count - prevCount) * (v - lb)) / (ub - lb);
  }
  return total;
}

export function bucketFraction(lower: number, upper: number, buckets: Bucket[], flags: { monotonic: boolean }): number {
  buckets.sort((a, b) => a.upper - b.upper);
  if (buckets.length === 0 || buckets[buckets.length - 1].upper !== Number.POSITIVE_INFINITY) return Number.NaN;
  const bs = coalesce(buckets, flags);
  const total = bs[bs.length - 1].count;
  if (total === 0 || Number.isNaN(lower) || Number.isNaN(upper)) return Number.NaN;
  if (lower >= upper) return 0;
  return (rankAt(bs, upper) - rankAt(bs, lower)) / total;
}

export function histogramFraction(ev: Evaluator, call: Call): StepSeries[] {
  const lo = ev.evalScalar(call.args[0]);
  const hi = ev.evalScalar(call.args[1]);
  const series = ev.evalVector(call.args[2]);
  const out: StepSeries[] = [];
  const flags = { monotonic: false };
  for (const g of groupBuckets(ev, series)) {
    const res = newStepSeries(g.labels, ev.steps, true);
    for (let i = 0; i < ev.steps; i++) {
      const buckets = bucketsAt(g, i);
      if (buckets.length === 0) continue;
      res.has[i] = 1;
      res.vals[i] = bucketFraction(lo[i], hi[i], buckets, flags);
    }
    if (res.has.includes(1)) out.push(res);
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
