/**
 * Function dispatch and the instant-vector functions (math, time, labels, sorting, absent, ...).
 */
import { compareLabels, Labels } from '../model/index.ts';
import type { Call, Expr } from './ast.ts';
import type { EvalValue, SeriesWork, StepSeries } from './engine-types.ts';
import { doneWork, newStepSeries, runAll } from './engine-types.ts';
import { execError } from './errors.ts';
import { type Evaluator, equalityLabels } from './evaluator.ts';
import { extendedWindows } from './functions-extended.ts';
import { histogramFraction, histogramQuantile, histogramQuantiles } from './functions-histogram.ts';
import { infoFunction } from './functions-info.ts';
import { labelJoin, labelReplace } from './functions-label.ts';
import {
  doubleExponentialSmoothing,
  overWindows,
  overWindowsWork,
  predictLinear,
  quantileOverTime,
  SIMPLE_RANGE_FUNCS,
} from './functions-range.ts';

type Impl = (ev: Evaluator, call: Call) => EvalValue;

const vec = (series: StepSeries[]): EvalValue => ({ kind: 'vector', series });

/** Applies a per-value function in place and marks the metric name for dropping. */
function mapValues(series: StepSeries[], fn: (v: number) => number): StepSeries[] {
  for (const s of series) {
    const vals = s.vals;
    for (let i = 0; i < vals.length; i++) vals[i] = fn(vals[i]);
    s.dropName = true;
  }
  return series;
}

function mathFn(fn: (v: number) => number): Impl {
  return (ev, call) => vec(mapValues(ev.evalVector(call.args[0]), fn));
}

/** Go's time.Unix(int64(v), 0).UTC() for date functions. */
function dateFn(get: (d: Date) => number): Impl {
  return (ev, call) => {
    let series: StepSeries[];
    if (call.args.length === 0) {
      const s = newStepSeries(emptyLabels(), ev.steps, false);
      for (let i = 0; i < ev.steps; i++) s.vals[i] = ev.times[i] / 1000;
      s.has.fill(1);
      series = [s];
    } else {
      series = ev.evalVector(call.args[0]);
    }
    return vec(
      mapValues(series, (v) => {
        if (!Number.isFinite(v)) return v;
        return get(new Date(Math.trunc(v) * 1000));
      }),
    );
  };
}

export function emptyLabels(): Labels {
  return Labels.EMPTY;
}

function scalarArgs(ev: Evaluator, call: Call, from: number): Float64Array[] {
  const out: Float64Array[] = [];
  for (let i = from; i < call.args.length; i++) out.push(ev.evalScalar(call.args[i]));
  return out;
}

function clampImpl(series: StepSeries[], min: Float64Array | null, max: Float64Array | null) {
  for (const s of series) {
    for (let i = 0; i < s.vals.length; i++) {
      if (!s.has[i]) continue;
      const lo = min ? min[i] : Number.NEGATIVE_INFINITY;
      const hi = max ? max[i] : Number.POSITIVE_INFINITY;
      if (min && max && hi < lo) {
        s.has[i] = 0;
        continue;
      }
      let v = s.vals[i];
      if (max) v = Math.min(hi, v);
      if (min) v = Math.max(lo, v);
      s.vals[i] = v;
    }
    s.dropName = true;
  }
  return vec(series.filter((s) => s.has.includes(1)));
}

const rangeFunc: Impl = (ev, call) => vec(runAll(rangeFunctionWork(ev, call)!));

/**
 * For rate() & co. (one range-vector argument, one value per window): the function's work in batches of
 * series, for the asynchronous driver. Null for other functions.
 */
export function rangeFunctionWork(ev: Evaluator, call: Call): SeriesWork<StepSeries[]> | null {
  const name = call.func.name;
  const def = SIMPLE_RANGE_FUNCS[name];
  if (def === undefined) return null;
  const arg = ev.evalRange(call.args[0]);
  if (name === 'rate' || name === 'increase')
    counterInfo(
      ev,
      arg.series.map((s) => s.labels.metricName),
    );
  if (arg.anchored || arg.smoothed) return doneWork(extendedWindows(ev, arg, name as 'rate'));
  return overWindowsWork(ev, arg, def.fn, def.keepName === true);
}

const ANCHORED_OK = ['changes', 'delta', 'increase', 'rate', 'resets'];
const SMOOTHED_OK = ['delta', 'increase', 'rate'];

function checkModifiers(name: string, anchored: boolean, smoothed: boolean): void {
  if (anchored && !ANCHORED_OK.includes(name))
    throw execError(`anchored modifier can only be used with: ${ANCHORED_OK.join(', ')} - not with ${name}`);
  if (smoothed && !SMOOTHED_OK.includes(name))
    throw execError(`smoothed modifier can only be used with: ${SMOOTHED_OK.join(', ')} - not with ${name}`);
}

const COUNTER_SUFFIXES = ['_total', '_sum', '_count', '_bucket'];

/** rate()/increase() on a metric whose name does not look like a counter gets an info annotation. */
function counterInfo(ev: Evaluator, names: string[]): void {
  for (const n of names) {
    if (n === '' || COUNTER_SUFFIXES.some((s) => n.endsWith(s))) continue;
    ev.ann.info(`metric might not be a counter, name does not end in _total/_sum/_count/_bucket: ${JSON.stringify(n)}`);
  }
}

/** Natural ("version") string order: digit runs compare numerically. */
export function naturalCompare(a: string, b: string): number {
  let i = 0;
  let j = 0;
  while (i < a.length && j < b.length) {
    const ca = a.charCodeAt(i);
    const cb = b.charCodeAt(j);
    const da = ca >= 48 && ca <= 57;
    const db = cb >= 48 && cb <= 57;
    if (da && db) {
      let ie = i;
      while (ie < a.length && a.charCodeAt(ie) >= 48 && a.charCodeAt(ie) <= 57) ie++;
      let je = j;
      while (je < b.length && b.charCodeAt(je) >= 48 && b.charCodeAt(je) <= 57) je++;
      const na = a.slice(i, ie).replace(/^0+/, '');
      const nb = b.slice(j, je).replace(/^0+/, '');
      if (na.length !== nb.length) return na.length - nb.length;
      if (na !== nb) return na < nb ? -1 : 1;
      i = ie;
      j = je;
      continue;
    }
    if (ca !== cb) return ca - cb;
    i++;
    j++;
  }
  return a.length - i - (b.length - j);
}

function sortImpl(desc: boolean): Impl {
  return (ev, call) => {
    const series = ev.evalVector(call.args[0]);
    if (ev.ctx.isRange) {
      ev.ann.warn('sort is ineffective for range queries since results are always ordered by labels');
      return vec(series);
    }
    // NaNs go last in both directions.
    series.sort((x, y) => {
      const a = x.vals[0];
      const b = y.vals[0];
      if (Number.isNaN(a)) return Number.isNaN(b) ? 0 : 1;
      if (Number.isNaN(b)) return -1;
      return desc ? b - a : a - b;
    });
    return vec(series);
  };
}

function sortByLabelImpl(desc: boolean): Impl {
  return (ev, call) => {
    const series = ev.evalVector(call.args[0]);
    const names = call.args.slice(1).map((a) => ev.evalString(a));
    if (ev.ctx.isRange) {
      ev.ann.warn('sort is ineffective for range queries since results are always ordered by labels');
      return vec(series);
    }
    series.sort((x, y) => {
      for (const n of names) {
        const c = naturalCompare(x.labels.get(n), y.labels.get(n));
        if (c !== 0) return desc ? -c : c;
      }
      const c = compareLabels(x.labels, y.labels);
      return desc ? -c : c;
    });
    return vec(series);
  };
}

function absentLabels(e: Expr): Labels {
  while (e.type === 'ParenExpr' || e.type === 'StepInvariantExpr') e = e.expr;
  if (e.type === 'VectorSelector') return equalityLabels(e);
  if (e.type === 'MatrixSelector') return equalityLabels(e.vectorSelector);
  return emptyLabels();
}

const impls: Record<string, Impl> = {
  abs: mathFn(Math.abs),
  ceil: mathFn(Math.ceil),
  floor: mathFn(Math.floor),
  exp: mathFn(Math.exp),
  ln: mathFn(Math.log),
  log2: mathFn(Math.log2),
  log10: mathFn(Math.log10),
  sqrt: mathFn(Math.sqrt),
  sgn: mathFn((v) => (v < 0 ? -1 : v > 0 ? 1 : v)),
  sin: mathFn(Math.sin),
  cos: mathFn(Math.cos),
  tan: mathFn(Math.tan),
  asin: mathFn(Math.asin),
  acos: mathFn(Math.acos),
  atan: mathFn(Math.atan),
  sinh: mathFn(Math.sinh),
  cosh: mathFn(Math.cosh),
  tanh: mathFn(Math.tanh),
  asinh: mathFn(Math.asinh),
  acosh: mathFn(Math.acosh),
  atanh: mathFn(Math.atanh),
  deg: mathFn((v) => (v * 180) / Math.PI),
  rad: mathFn((v) => (v * Math.PI) / 180),
  pi: (ev) => ({ kind: 'scalar', vals: new Float64Array(ev.steps).fill(Math.PI) }),
  round: (ev, call) => {
    const series = ev.evalVector(call.args[0]);
    const to = call.args.length > 1 ? ev.evalScalar(call.args[1]) : null;
    for (const s of series) {
      for (let i = 0; i < s.vals.length; i++) {
        const inv = 1 / (to ? to[i] : 1);
        s.vals[i] = Math.floor(s.vals[i] * inv + 0.5) / inv;
      }
      s.dropName = true;
    }
    return vec(series);
  },
  clamp: (ev, call) => {
    const series = ev.evalVector(call.args[0]);
    const [min, max] = scalarArgs(ev, call, 1);
    return clampImpl(series, min, max);
  },
  clamp_min: (ev, call) => {
    const series = ev.evalVector(call.args[0]);
    return clampImpl(series, ev.evalScalar(call.args[1]), null);
  },
  clamp_max: (ev, call) => {
    const series = ev.evalVector(call.args[0]);
    return clampImpl(series, null, ev.evalScalar(call.args[1]));
  },
  step: (ev) => constScalar(ev, ev.ctx.queryStep / 1000),
  range: (ev) => constScalar(ev, (ev.ctx.queryEnd - ev.ctx.queryStart) / 1000),
  start: (ev) => constScalar(ev, ev.ctx.queryStart / 1000),
  end: (ev) => constScalar(ev, ev.ctx.queryEnd / 1000),
  min_of: (ev, call) => minMaxOf(ev, call, Math.min),
  max_of: (ev, call) => minMaxOf(ev, call, Math.max),
  time: (ev) => {
    const vals = new Float64Array(ev.steps);
    for (let i = 0; i < ev.steps; i++) vals[i] = ev.times[i] / 1000;
    return { kind: 'scalar', vals };
  },
  timestamp: (ev, call) => {
    let a = call.args[0];
    while (a.type === 'ParenExpr' || a.type === 'StepInvariantExpr') a = a.expr;
    if (a.type === 'VectorSelector') {
      const series = ev.evalVectorSelector(a, true);
      for (const s of series) s.dropName = true;
      return vec(series);
    }
    const series = ev.evalVector(call.args[0]);
    for (const s of series) {
      for (let i = 0; i < s.vals.length; i++) s.vals[i] = ev.times[i] / 1000;
      s.dropName = true;
    }
    return vec(series);
  },
  minute: dateFn((d) => d.getUTCMinutes()),
  hour: dateFn((d) => d.getUTCHours()),
  day_of_week: dateFn((d) => d.getUTCDay()),
  day_of_month: dateFn((d) => d.getUTCDate()),
  day_of_year: dateFn((d) => {
    const startOfYear = Date.UTC(d.getUTCFullYear(), 0, 1);
    return Math.floor((d.getTime() - startOfYear) / 86400000) + 1;
  }),
  days_in_month: dateFn((d) => new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1, 0)).getUTCDate()),
  month: dateFn((d) => d.getUTCMonth() + 1),
  year: dateFn((d) => d.getUTCFullYear()),
  vector: (ev, call) => {
    const vals = ev.evalScalar(call.args[0]);
    const s = newStepSeries(emptyLabels(), ev.steps, false);
    s.vals.set(vals);
    s.has.fill(1);
    return vec([s]);
  },
  scalar: (ev, call) => {
    const series = ev.evalVector(call.args[0]);
    const out = new Float64Array(ev.steps).fill(Number.NaN);
    const counts = new Uint32Array(ev.steps);
    for (const s of series) {
      for (let i = 0; i < ev.steps; i++) {
        if (s.has[i]) {
          counts[i]++;
          out[i] = s.vals[i];
        }
      }
    }
    for (let i = 0; i < ev.steps; i++) if (counts[i] !== 1) out[i] = Number.NaN;
    return { kind: 'scalar', vals: out };
  },
  absent: (ev, call) => {
    const series = ev.evalVector(call.args[0]);
    const s = newStepSeries(absentLabels(call.args[0]), ev.steps, false);
    for (let i = 0; i < ev.steps; i++) {
      let any = false;
      for (const x of series) {
        if (x.has[i]) {
          any = true;
          break;
        }
      }
      if (!any) {
        s.has[i] = 1;
        s.vals[i] = 1;
      }
    }
    return vec(s.has.includes(1) ? [s] : []);
  },
  absent_over_time: (ev, call) => {
    const arg = ev.evalRange(call.args[0]);
    const present = overWindows(ev, arg, () => 1, false);
    const s = newStepSeries(absentLabels(call.args[0]), ev.steps, false);
    for (let i = 0; i < ev.steps; i++) {
      if (!present.some((x) => x.has[i] === 1)) {
        s.has[i] = 1;
        s.vals[i] = 1;
      }
    }
    return vec(s.has.includes(1) ? [s] : []);
  },
  sort: sortImpl(false),
  sort_desc: sortImpl(true),
  sort_by_label: sortByLabelImpl(false),
  sort_by_label_desc: sortByLabelImpl(true),
  label_replace: (ev, call) => vec(labelReplace(ev, call)),
  label_join: (ev, call) => vec(labelJoin(ev, call)),
  quantile_over_time: (ev, call) => {
    const r = ev.evalRange(call.args[1]);
    return vec(quantileOverTime(ev, call, r));
  },
  predict_linear: (ev, call) => {
    const r = ev.evalRange(call.args[0]);
    return vec(predictLinear(ev, call, r));
  },
  double_exponential_smoothing: (ev, call) => vec(doubleExponentialSmoothing(ev, call)),
  info: (ev, call) => vec(infoFunction(ev, call)),
  histogram_quantile: (ev, call) => vec(histogramQuantile(ev, call)),
  histogram_quantiles: (ev, call) => vec(histogramQuantiles(ev, call)),
  histogram_fraction: (ev, call) => vec(histogramFraction(ev, call)),
  // Native-histogram functions ignore float samples, so on float data they return nothing.
  histogram_count: nativeOnly,
  histogram_sum: nativeOnly,
  histogram_avg: nativeOnly,
  histogram_stddev: nativeOnly,
  histogram_stdvar: nativeOnly,
};

function constScalar(ev: Evaluator, v: number): EvalValue {
  return { kind: 'scalar', vals: new Float64Array(ev.steps).fill(v) };
}

function minMaxOf(ev: Evaluator, call: Call, fn: (a: number, b: number) => number): EvalValue {
  const a = ev.evalScalar(call.args[0]);
  const b = ev.evalScalar(call.args[1]);
  const out = new Float64Array(ev.steps);
  for (let i = 0; i < out.length; i++) out[i] = fn(a[i], b[i]);
  return { kind: 'scalar', vals: out };
}

function nativeOnly(ev: Evaluator, call: Call): EvalValue {
  for (const a of call.args) ev.eval(a);
  return vec([]);
}

for (const name of Object.keys(SIMPLE_RANGE_FUNCS)) impls[name] = rangeFunc;

export function callFunction(ev: Evaluator, call: Call): EvalValue {
  const impl = impls[call.func.name];
  checkCall(call);
  return impl(ev, call);
}

/** Errors a call raises before its arguments are evaluated. */
export function checkCall(call: Call): void {
  if (!impls[call.func.name]) throw execError(`function "${call.func.name}" is not supported`);
  for (let a of call.args) {
    while (a.type === 'ParenExpr') a = a.expr;
    if (a.type === 'MatrixSelector') {
      checkModifiers(call.func.name, a.vectorSelector.anchored, a.vectorSelector.smoothed);
    }
  }
}

/**
 * Arguments a function reads itself instead of through Evaluator.eval (timestamp() of a selector reads the
 * samples' timestamps; info()'s second argument is a selector pattern), so they must not be computed ahead.
 */
export function isSelfEvaluatedArg(call: Call, index: number): boolean {
  const name = call.func.name;
  if (name === 'info') return index === 1;
  if (name !== 'timestamp') return false;
  let a = call.args[index];
  while (a.type === 'ParenExpr' || a.type === 'StepInvariantExpr') a = a.expr;
  return a.type === 'VectorSelector';
}
