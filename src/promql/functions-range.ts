/**
 * Functions over range vectors: rate & co., *_over_time, deriv, predict_linear, changes, resets,
 * double_exponential_smoothing. Each computes one value per window from the series' typed arrays.
 */
import type { Call } from './ast.ts';
import type { RangeArg, RangeSeries, SeriesWork, StepSeries } from './engine-types.ts';
import { newStepSeries, runAll } from './engine-types.ts';
import { execError } from './errors.ts';
import type { Evaluator } from './evaluator.ts';
import { kahanInc, quantileSorted, sortFloatsGo } from './math-util.ts';
import { formatValue } from './value.ts';

/**
 * Computes one value per step from the samples in the window (lo..hi-1 are the indexes of samples
 * in (wStart, wEnd]); undefined means no output at that step.
 */
export type WindowFn = (
  ts: Float64Array,
  vs: Float64Array,
  lo: number,
  hi: number,
  wStart: number,
  wEnd: number,
  step: number,
  s: RangeSeries,
) => number | undefined;

/** Applies fn to every series and step window; keepName keeps __name__ (last_over_time & co.). */
export function overWindows(ev: Evaluator, arg: RangeArg, fn: WindowFn, keepName: boolean): StepSeries[] {
  return runAll(overWindowsWork(ev, arg, fn, keepName));
}

/** Steps of one series computed in one go (a long range query splits its series into blocks of steps). */
const STEP_BLOCK = 512;

/**
 * The work of overWindows, in items of (series, block of steps), so that even a series with a huge window
 * and thousands of steps does not keep the asynchronous driver from yielding for long.
 */
export function overWindowsWork(
  ev: Evaluator,
  arg: RangeArg,
  fn: WindowFn,
  keepName: boolean,
): SeriesWork<StepSeries[]> {
  const n = ev.steps;
  const blocks = Math.max(1, Math.ceil(n / STEP_BLOCK));
  const results: (StepSeries | null)[] = new Array(arg.series.length).fill(null);
  return {
    count: arg.series.length * blocks,
    run: (from, to) => {
      for (let k = from; k < to; k++) {
        const si = Math.floor(k / blocks);
        const b = k - si * blocks;
        const s = arg.series[si];
        if (b === 0) ev.tick();
        const first = b * STEP_BLOCK;
        const last = Math.min(n, first + STEP_BLOCK);
        results[si] = seriesOverWindows(ev, arg, s, fn, keepName, first, last, results[si]);
      }
    },
    result: () => results.filter((r) => r !== null),
  };
}

/** Computes steps [first, last) of one series into res (created at the first value); returns res. */
function seriesOverWindows(
  ev: Evaluator,
  arg: RangeArg,
  s: RangeSeries,
  fn: WindowFn,
  keepName: boolean,
  first: number,
  last: number,
  res: StepSeries | null,
): StepSeries | null {
  const n = ev.steps;
  const ts = s.ts;
  const len = ts.length;
  let lo = 0;
  let hi = 0;
  if (first > 0) {
    // windows move forward with the steps: start where the first window of this block starts
    const wEnd = ev.stepTime(first, arg.at, arg.offset);
    hi = countAtMost(ts, wEnd);
    lo = countAtMost(ts, wEnd - arg.range);
    if (lo > hi) lo = hi;
  }
  for (let i = first; i < last; i++) {
    const wEnd = ev.stepTime(i, arg.at, arg.offset);
    const wStart = wEnd - arg.range;
    while (hi < len && ts[hi] <= wEnd) hi++;
    while (lo < hi && ts[lo] <= wStart) lo++;
    if (hi <= lo) continue;
    const v = fn(ts, s.vs, lo, hi, wStart, wEnd, i, s);
    if (v === undefined) continue;
    if (res === null) res = newStepSeries(s.labels, n, keepName ? s.dropName : true);
    res.has[i] = 1;
    res.vals[i] = v;
  }
  return res;
}

/** The number of timestamps <= t in the sorted array ts. */
function countAtMost(ts: Float64Array, t: number): number {
  let a = 0;
  let b = ts.length;
  while (a < b) {
    const m = (a + b) >>> 1;
    if (ts[m] <= t) a = m + 1;
    else b = m;
  }
  return a;
}

/** rate/increase/delta with Prometheus's extrapolation to the window boundaries. */
export function extrapolatedRate(
  ts: Float64Array,
  vs: Float64Array,
  lo: number,
  hi: number,
  wStart: number,
  wEnd: number,
  isCounter: boolean,
  isRate: boolean,
): number | undefined {
  const count = hi - lo;
  if (count < 2) return undefined;
  const firstT = ts[lo];
  const lastT = ts[hi - 1];
  const firstV = vs[lo];
  let result = vs[hi - 1] - firstV;
  if (isCounter) {
    let prev = firstV;
    for (let i = lo + 1; i < hi; i++) {
      const v = vs[i];
      if (v < prev) result += prev;
      prev = v;
    }
  }
  let durationToStart = (firstT - wStart) / 1000;
  let durationToEnd = (wEnd - lastT) / 1000;
  const sampledInterval = (lastT - firstT) / 1000;
  const averageInterval = sampledInterval / (count - 1);
  const threshold = averageInterval * 1.1;
  if (durationToStart >= threshold) durationToStart = averageInterval / 2;
  if (isCounter && result > 0 && firstV >= 0) {
    // A counter cannot go below zero: do not extrapolate past the point where it would be 0.
    const durationToZero = sampledInterval * (firstV / result);
    if (durationToZero < durationToStart) durationToStart = durationToZero;
  }
  if (durationToEnd >= threshold) durationToEnd = averageInterval / 2;
  const extrapolateTo = sampledInterval + durationToStart + durationToEnd;
  let factor = extrapolateTo / sampledInterval;
  if (isRate) factor /= (wEnd - wStart) / 1000;
  return result * factor;
}

/** Slope and intercept of the least-squares line through the window, x relative to interceptT (s). */
export function linearRegression(
  ts: Float64Array,
  vs: Float64Array,
  lo: number,
  hi: number,
  interceptT: number,
): [number, number] {
  let n = 0;
  let sumX = 0;
  let cX = 0;
  let sumY = 0;
  let cY = 0;
  let sumXY = 0;
  let cXY = 0;
  let sumX2 = 0;
  let cX2 = 0;
  let constY = true;
  const y0 = vs[lo];
  for (let i = lo; i < hi; i++) {
    const y = vs[i];
    if (constY && i > lo && y !== y0) constY = false;
    n++;
    const x = (ts[i] - interceptT) / 1000;
    [sumX, cX] = kahanInc(x, sumX, cX);
    [sumY, cY] = kahanInc(y, sumY, cY);
    [sumXY, cXY] = kahanInc(x * y, sumXY, cXY);
    [sumX2, cX2] = kahanInc(x * x, sumX2, cX2);
  }
  if (constY) {
    if (Number.isFinite(y0)) return [0, y0];
    return [Number.NaN, Number.NaN];
  }
  sumX += cX;
  sumY += cY;
  sumXY += cXY;
  sumX2 += cX2;
  const covXY = sumXY - (sumX * sumY) / n;
  const varX = sumX2 - (sumX * sumX) / n;
  const slope = covXY / varX;
  const intercept = sumY / n - (slope * sumX) / n;
  return [slope, intercept];
}

function avgWindow(vs: Float64Array, lo: number, hi: number): number {
  // Direct mean with Kahan summation; switch to an incremental mean if the sum would overflow.
  let sum = vs[lo];
  let c = 0;
  let count = 1;
  let incremental = false;
  let mean = 0;
  for (let i = lo + 1; i < hi; i++) {
    const v = vs[i];
    count++;
    if (!incremental) {
      const [ns, nc] = kahanInc(v, sum, c);
      if (Number.isFinite(ns) || !Number.isFinite(v) || Number.isNaN(ns)) {
        sum = ns;
        c = nc;
        continue;
      }
      incremental = true;
      mean = sum / (count - 1);
      c /= count - 1;
    }
    const q = (count - 1) / count;
    [mean, c] = kahanInc(v / count, q * mean, q * c);
  }
  if (incremental) return mean + c;
  if (count === 1) return sum;
  return (sum + c) / count;
}

function varianceWindow(vs: Float64Array, lo: number, hi: number): number {
  let count = 0;
  let mean = 0;
  let cMean = 0;
  let aux = 0;
  let cAux = 0;
  for (let i = lo; i < hi; i++) {
    const v = vs[i];
    count++;
    const delta = v - (mean + cMean);
    [mean, cMean] = kahanInc(delta / count, mean, cMean);
    const newDelta = v - (mean + cMean);
    [aux, cAux] = kahanInc(delta * newDelta, aux, cAux);
  }
  return (aux + cAux) / count;
}

function sortedWindow(vs: Float64Array, lo: number, hi: number): Float64Array {
  return sortFloatsGo(vs.slice(lo, hi));
}

/** Functions taking exactly one range argument and returning one value per window. */
export const SIMPLE_RANGE_FUNCS: Record<string, { fn: WindowFn; keepName?: boolean }> = {
  rate: { fn: (ts, vs, lo, hi, a, b) => extrapolatedRate(ts, vs, lo, hi, a, b, true, true) },
  increase: { fn: (ts, vs, lo, hi, a, b) => extrapolatedRate(ts, vs, lo, hi, a, b, true, false) },
  delta: { fn: (ts, vs, lo, hi, a, b) => extrapolatedRate(ts, vs, lo, hi, a, b, false, false) },
  irate: {
    fn: (ts, vs, lo, hi) => {
      if (hi - lo < 2) return undefined;
      const last = vs[hi - 1];
      const prev = vs[hi - 2];
      const dt = (ts[hi - 1] - ts[hi - 2]) / 1000;
      if (dt === 0) return undefined;
      return (last < prev ? last : last - prev) / dt;
    },
  },
  idelta: {
    fn: (_ts, vs, lo, hi) => (hi - lo < 2 ? undefined : vs[hi - 1] - vs[hi - 2]),
  },
  deriv: {
    fn: (ts, vs, lo, hi) => (hi - lo < 2 ? undefined : linearRegression(ts, vs, lo, hi, ts[lo])[0]),
  },
  changes: {
    fn: (_ts, vs, lo, hi) => {
      let c = 0;
      let prev = vs[lo];
      for (let i = lo + 1; i < hi; i++) {
        const v = vs[i];
        if (v !== prev && !(Number.isNaN(v) && Number.isNaN(prev))) c++;
        prev = v;
      }
      return c;
    },
  },
  resets: {
    fn: (_ts, vs, lo, hi) => {
      let c = 0;
      let prev = vs[lo];
      for (let i = lo + 1; i < hi; i++) {
        const v = vs[i];
        if (v < prev) c++;
        prev = v;
      }
      return c;
    },
  },
  avg_over_time: { fn: (_ts, vs, lo, hi) => avgWindow(vs, lo, hi) },
  sum_over_time: {
    fn: (_ts, vs, lo, hi) => {
      let s = 0;
      let c = 0;
      for (let i = lo; i < hi; i++) [s, c] = kahanInc(vs[i], s, c);
      return Number.isFinite(s) ? s + c : s;
    },
  },
  count_over_time: { fn: (_ts, _vs, lo, hi) => hi - lo },
  min_over_time: {
    fn: (_ts, vs, lo, hi) => {
      let m = vs[lo];
      for (let i = lo + 1; i < hi; i++) if (vs[i] < m || Number.isNaN(m)) m = vs[i];
      return m;
    },
  },
  max_over_time: {
    fn: (_ts, vs, lo, hi) => {
      let m = vs[lo];
      for (let i = lo + 1; i < hi; i++) if (vs[i] > m || Number.isNaN(m)) m = vs[i];
      return m;
    },
  },
  stdvar_over_time: { fn: (_ts, vs, lo, hi) => varianceWindow(vs, lo, hi) },
  stddev_over_time: { fn: (_ts, vs, lo, hi) => Math.sqrt(varianceWindow(vs, lo, hi)) },
  last_over_time: { fn: (_ts, vs, _lo, hi) => vs[hi - 1], keepName: true },
  first_over_time: { fn: (_ts, vs, lo) => vs[lo], keepName: true },
  present_over_time: { fn: () => 1 },
  mad_over_time: {
    fn: (_ts, vs, lo, hi) => {
      for (let i = lo; i < hi; i++) if (Number.isNaN(vs[i])) return Number.NaN;
      const sorted = sortedWindow(vs, lo, hi);
      const median = quantileSorted(0.5, sorted);
      const dev = new Float64Array(sorted.length);
      for (let i = 0; i < sorted.length; i++) dev[i] = Math.abs(sorted[i] - median);
      sortFloatsGo(dev);
      return quantileSorted(0.5, dev);
    },
  },
  ts_of_last_over_time: { fn: (ts, _vs, _lo, hi) => ts[hi - 1] / 1000 },
  ts_of_first_over_time: { fn: (ts, _vs, lo) => ts[lo] / 1000 },
  ts_of_min_over_time: {
    fn: (ts, vs, lo, hi) => {
      let m = vs[lo];
      let t = ts[lo];
      for (let i = lo + 1; i < hi; i++) {
        if (vs[i] <= m || Number.isNaN(m)) {
          m = vs[i];
          t = ts[i];
        }
      }
      return t / 1000;
    },
  },
  ts_of_max_over_time: {
    fn: (ts, vs, lo, hi) => {
      let m = vs[lo];
      let t = ts[lo];
      for (let i = lo + 1; i < hi; i++) {
        if (vs[i] >= m || Number.isNaN(m)) {
          m = vs[i];
          t = ts[i];
        }
      }
      return t / 1000;
    },
  },
};

/** quantile_over_time(phi, range). */
export function quantileOverTime(ev: Evaluator, call: Call, arg: RangeArg): StepSeries[] {
  const phi = ev.evalScalar(call.args[0]);
  let warned = false;
  return overWindows(
    ev,
    arg,
    (_ts, vs, lo, hi, _a, _b, step) => {
      const p = phi[step];
      if (!warned && (p < 0 || p > 1 || Number.isNaN(p))) {
        warned = true;
        ev.ann.warn(`quantile value should be between 0 and 1, got ${formatGo(p)}`);
      }
      return quantileSorted(p, sortedWindow(vs, lo, hi));
    },
    false,
  );
}

/** predict_linear(range, seconds): regression at the evaluation time, projected ahead. */
export function predictLinear(ev: Evaluator, call: Call, arg: RangeArg): StepSeries[] {
  const dur = ev.evalScalar(call.args[1]);
  return overWindows(
    ev,
    arg,
    (ts, vs, lo, hi, _a, _wEnd, step) => {
      if (hi - lo < 2) return undefined;
      // The line is evaluated at the step time (not the @/offset-shifted window end).
      const [slope, intercept] = linearRegression(ts, vs, lo, hi, ev.times[step]);
      return slope * dur[step] + intercept;
    },
    false,
  );
}

/** double_exponential_smoothing(range, sf, tf) (Holt linear smoothing). */
export function doubleExponentialSmoothing(ev: Evaluator, call: Call): StepSeries[] {
  const arg = ev.evalRange(call.args[0]);
  const sfs = ev.evalScalar(call.args[1]);
  const tfs = ev.evalScalar(call.args[2]);
  for (let i = 0; i < ev.steps; i++) {
    const sf = sfs[i];
    const tf = tfs[i];
    if (!(sf > 0 && sf < 1)) throw execError(`invalid smoothing factor. Expected: 0 < sf < 1, got: ${sf.toFixed(6)}`);
    if (!(tf > 0 && tf < 1)) throw execError(`invalid trend factor. Expected: 0 < tf < 1, got: ${tf.toFixed(6)}`);
  }
  return overWindows(
    ev,
    arg,
    (_ts, vs, lo, hi, _a, _b, step) => {
      const l = hi - lo;
      if (l < 2) return undefined;
      const sf = sfs[step];
      const tf = tfs[step];
      let s1 = vs[lo];
      let b = vs[lo + 1] - vs[lo];
      let s0 = 0;
      for (let i = 1; i < l; i++) {
        const x = vs[lo + i];
        // The first trend is the first difference; later ones smooth the level changes.
        if (i > 1) b = tf * (s1 - s0) + (1 - tf) * b;
        const next = sf * x + (1 - sf) * (s1 + b);
        s0 = s1;
        s1 = next;
      }
      return s1;
    },
    false,
  );
}

/** Go's %g (strconv.FormatFloat(v, 'g', -1, 64)), as used in annotation texts. */
export function formatGo(v: number): string {
  if (Number.isNaN(v)) return 'NaN';
  if (v === Number.POSITIVE_INFINITY) return '+Inf';
  if (v === Number.NEGATIVE_INFINITY) return '-Inf';
  if (v === 0) return Object.is(v, -0) ? '-0' : '0';
  const [mant, expStr] = v.toExponential().split('e');
  const exp = Number(expStr);
  // Shortest %g switches to exponent form below 1e-4 and from 1e6 (Go's eprec of 6 for shortest).
  if (exp < -4 || exp >= 6) return goExp(mant, exp);
  return formatValue(v);
}

function goExp(mant: string, exp: number): string {
  const sign = exp < 0 ? '-' : '+';
  const e = Math.abs(exp);
  return `${mant}e${sign}${e < 10 ? `0${e}` : e}`;
}
