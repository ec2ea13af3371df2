/**
 * The PromQL evaluator. An Evaluator evaluates expressions for all its steps at once
 * (an instant query is a range of one step). Selectors read each series once for the whole range.
 */
import { isStaleNaN, Labels, LabelsBuilder, MatchType, METRIC_NAME } from '../model/index.ts';
import type { Querier, Series } from '../tsdb/interfaces.ts';
import { evalAggregate } from './aggregations.ts';
import type { Expr, MatrixSelector, SubqueryExpr, VectorSelector } from './ast.ts';
import { evalBinary } from './binary-ops.ts';
import {
  type Annotations,
  doneWork,
  type EvalValue,
  newStepSeries,
  type RangeArg,
  type RangeSeries,
  runAll,
  type SeriesWork,
  type StepSeries,
} from './engine-types.ts';
import { ERR_TOO_MANY_SAMPLES, execError, QueryError } from './errors.ts';
import { callFunction } from './functions.ts';
import { smoothedAt } from './functions-extended.ts';
import type { Pacer } from './pacer.ts';

/** State shared by all evaluators of one query. */
export interface QueryContext {
  querier: Querier;
  ann: Annotations;
  lookback: number;
  /** Query start and end (ms), for @ start() / @ end(). */
  queryStart: number;
  queryEnd: number;
  /** Query step (ms); 0 for instant queries. */
  queryStep: number;
  /** Default subquery resolution (ms). */
  defaultStep: number;
  maxSamples: number;
  samples: number;
  deadline: number;
  /** True for range queries (sort functions warn). */
  isRange: boolean;
  /** Present when the query is evaluated asynchronously (evaluator-async.ts). */
  pacer?: Pacer;
}

/** Functions whose value depends on the evaluation time even when their arguments do not. */
const TIME_DEPENDENT_FUNCS = new Set([
  'time',
  'timestamp',
  'predict_linear',
  'minute',
  'hour',
  'day_of_week',
  'day_of_month',
  'day_of_year',
  'days_in_month',
  'month',
  'year',
  'step',
  'range',
  'start',
  'end',
]);

export class Evaluator {
  readonly times: Float64Array;
  readonly steps: number;

  constructor(
    readonly ctx: QueryContext,
    readonly start: number,
    readonly end: number,
    readonly interval: number,
  ) {
    const n = end < start ? 0 : interval > 0 ? Math.floor((end - start) / interval) + 1 : 1;
    // Every step of every series costs memory; refuse before allocating absurd step counts.
    if (n > ctx.maxSamples) throw execError(ERR_TOO_MANY_SAMPLES);
    this.steps = n;
    this.times = new Float64Array(n);
    for (let i = 0; i < n; i++) this.times[i] = start + i * interval;
  }

  get ann(): Annotations {
    return this.ctx.ann;
  }

  /**
   * Values of child expressions computed ahead by the asynchronous driver (evaluator-async.ts); eval and
   * evalRange take them from here (once) instead of computing them. Null in synchronous evaluation.
   */
  pre: Map<Expr, EvalValue> | null = null;

  private takePre(e: Expr): EvalValue | undefined {
    const v = this.pre!.get(e);
    if (v !== undefined) this.pre!.delete(e);
    return v;
  }

  checkDeadline(): void {
    if (Date.now() > this.ctx.deadline) throw new QueryError('timeout', 'query timed out in expression evaluation');
  }

  /** Cheap deadline check for loops: looks at the clock every 256 calls. */
  tick(): void {
    if ((++this.ticks & 255) === 0) this.checkDeadline();
  }
  private ticks = 0;

  addSamples(n: number): void {
    this.ctx.samples += n;
    if (this.ctx.samples > this.ctx.maxSamples) throw execError(ERR_TOO_MANY_SAMPLES);
  }

  eval(e: Expr): EvalValue {
    if (this.pre !== null) {
      const v = this.takePre(e);
      if (v !== undefined) return v;
    }
    this.checkDeadline();
    if (this.steps > 1 && e.type !== 'NumberLiteral' && e.type !== 'StringLiteral' && isStepInvariant(e)) {
      return this.evalInvariant(e);
    }
    switch (e.type) {
      case 'NumberLiteral':
        return { kind: 'scalar', vals: new Float64Array(this.steps).fill(e.value) };
      case 'StringLiteral':
        return { kind: 'string', v: e.value };
      case 'ParenExpr':
      case 'StepInvariantExpr':
        return this.eval(e.expr);
      case 'UnaryExpr': {
        const v = this.eval(e.expr);
        if (e.op === '+') return v;
        if (v.kind === 'scalar') {
          const out = new Float64Array(this.steps);
          for (let i = 0; i < out.length; i++) out[i] = -v.vals[i];
          return { kind: 'scalar', vals: out };
        }
        if (v.kind !== 'vector') throw execError('unary minus needs a scalar or instant vector');
        for (const s of v.series) {
          for (let i = 0; i < s.vals.length; i++) s.vals[i] = -s.vals[i];
          s.dropName = true;
        }
        return v;
      }
      case 'VectorSelector':
        return { kind: 'vector', series: this.evalVectorSelector(e, false) };
      case 'MatrixSelector':
        return { kind: 'matrix', arg: this.evalMatrixSelector(e) };
      case 'SubqueryExpr':
        return { kind: 'matrix', arg: this.evalSubquery(e) };
      case 'Call':
        return callFunction(this, e);
      case 'AggregateExpr':
        return evalAggregate(this, e);
      case 'BinaryExpr':
        return evalBinary(this, e);
    }
  }

  /** Evaluates a step-invariant expression once and repeats the result for every step. */
  private evalInvariant(e: Expr): EvalValue {
    return this.repeatForAllSteps(this.atFirstStep().eval(e));
  }

  /** An evaluator for the first step only (step-invariant subexpressions). */
  atFirstStep(): Evaluator {
    return new Evaluator(this.ctx, this.start, this.start, 0);
  }

  /** A one-step value repeated for every step of this evaluator. */
  repeatForAllSteps(v: EvalValue): EvalValue {
    const n = this.steps;
    if (v.kind === 'scalar') return { kind: 'scalar', vals: new Float64Array(n).fill(v.vals[0]) };
    if (v.kind !== 'vector') return v;
    const out: StepSeries[] = [];
    for (const s of v.series) {
      if (!s.has[0]) continue;
      const r = newStepSeries(s.labels, n, s.dropName);
      r.vals.fill(s.vals[0]);
      r.has.fill(1);
      out.push(r);
    }
    this.addSamples(out.length * n);
    return { kind: 'vector', series: out };
  }

  evalVector(e: Expr): StepSeries[] {
    const v = this.eval(e);
    if (v.kind !== 'vector') throw execError(`expected instant vector, got ${v.kind}`);
    return v.series;
  }

  evalScalar(e: Expr): Float64Array {
    const v = this.eval(e);
    if (v.kind !== 'scalar') throw execError(`expected scalar, got ${v.kind}`);
    return v.vals;
  }

  evalString(e: Expr): string {
    const v = this.eval(e);
    if (v.kind !== 'string') throw execError(`expected string, got ${v.kind}`);
    return v.v;
  }

  evalRange(e: Expr): RangeArg {
    if (this.pre !== null) {
      const v = this.takePre(e);
      if (v !== undefined) {
        if (v.kind !== 'matrix') throw execError(`expected range vector, got ${v.kind}`);
        return v.arg;
      }
    }
    while (e.type === 'ParenExpr' || e.type === 'StepInvariantExpr') e = e.expr;
    if (e.type === 'MatrixSelector') return this.evalMatrixSelector(e);
    if (e.type === 'SubqueryExpr') return this.evalSubquery(e);
    throw execError(`expected range vector, got ${e.type}`);
  }

  resolveAt(at: number | null, mod: 'start' | 'end' | null): number | null {
    if (mod === 'start') return this.ctx.queryStart;
    if (mod === 'end') return this.ctx.queryEnd;
    return at;
  }

  /** The evaluation time of step i for a node with the given @ and offset. */
  stepTime(i: number, at: number | null, offset: number): number {
    return (at ?? this.times[i]) - offset;
  }

  /**
   * Instant vector selector: the latest sample in (t - lookback, t] per step, unless it is a
   * staleness marker. With wantTimestamps, values are the samples' timestamps in seconds.
   */
  evalVectorSelector(vs: VectorSelector, wantTimestamps: boolean): StepSeries[] {
    return runAll(this.vectorSelectorWork(vs, wantTimestamps));
  }

  /** The work of evalVectorSelector, in batches of series. */
  vectorSelectorWork(vs: VectorSelector, wantTimestamps: boolean): SeriesWork<StepSeries[]> {
    const n = this.steps;
    if (n === 0) return doneWork([]);
    const at = this.resolveAt(vs.at, vs.atModifier);
    const off = vs.offset;
    const lookback = this.ctx.lookback;
    const first = this.stepTime(0, at, off);
    const last = this.stepTime(n - 1, at, off);
    if (vs.smoothed) return doneWork(this.evalSmoothedSelector(vs, at, first, last));
    const series = this.ctx.querier.select(vs.matchers, first - lookback + 1, last, { range: 0 });
    const out: StepSeries[] = [];
    return {
      count: series.length,
      run: (from, to) => {
        for (let k = from; k < to; k++) this.selectLatest(series[k], at, off, first, wantTimestamps, out);
      },
      result: () => out,
    };
  }

  /** One series of an instant vector selector: its value at every step, appended to out if it has any. */
  private selectLatest(
    s: Series,
    at: number | null,
    off: number,
    first: number,
    wantTimestamps: boolean,
    out: StepSeries[],
  ): void {
    this.tick();
    const n = this.steps;
    const lookback = this.ctx.lookback;
    const fast = n === 1 ? (s as Partial<NewestSampleSource>) : undefined;
    if (fast?.newestInRange !== undefined) {
      // instant query: only the newest sample in (t - lookback, t] counts; the head can hand it over
      // without decoding the chunk
      if (fast.newestInRange(newest)) {
        const pt = newest.t;
        const pv = newest.v;
        if (!(Number.isNaN(pv) && isStaleNaN(pv))) {
          const res = newStepSeries(s.labels, 1, false);
          res.has[0] = 1;
          res.vals[0] = wantTimestamps ? pt / 1000 : pv;
          out.push(res);
          this.addSamples(1);
        }
        return;
      }
    }
    const it = s.iterator();
    let more = it.seek(first - lookback + 1);
    let pt = Number.NEGATIVE_INFINITY;
    let pv = 0;
    let res: StepSeries | null = null;
    let total = 0;
    for (let i = 0; i < n; i++) {
      const t = at === null ? this.times[i] - off : first;
      while (more && it.t <= t) {
        pt = it.t;
        pv = it.v;
        more = it.next();
      }
      if (pt > t - lookback && pt <= t && !(Number.isNaN(pv) && isStaleNaN(pv))) {
        if (res === null) res = newStepSeries(s.labels, n, false);
        res.has[i] = 1;
        res.vals[i] = wantTimestamps ? pt / 1000 : pv;
        total++;
      }
    }
    if (res !== null) out.push(res);
    // Account per series so an oversized query fails before it has allocated everything.
    this.addSamples(total);
  }

  /** `foo smoothed`: values interpolated between the samples around each step. */
  private evalSmoothedSelector(vs: VectorSelector, at: number | null, first: number, last: number): StepSeries[] {
    const lookback = this.ctx.lookback;
    const n = this.steps;
    const sel = this.ctx.querier.select(vs.matchers, first - lookback + 1, last + lookback, { range: 0 });
    const out: StepSeries[] = [];
    for (const s of sel) {
      const ts: number[] = [];
      const vals: number[] = [];
      const it = s.iterator();
      const mint = first - lookback + 1;
      const maxt = last + lookback;
      for (let ok = it.seek(mint); ok && it.t <= maxt; ok = it.next()) {
        if (Number.isNaN(it.v) && isStaleNaN(it.v)) continue;
        ts.push(it.t);
        vals.push(it.v);
      }
      const T = Float64Array.from(ts);
      const V = Float64Array.from(vals);
      let idx = 0;
      let res: StepSeries | null = null;
      for (let i = 0; i < n; i++) {
        const t = this.stepTime(i, at, vs.offset);
        if (at !== null) idx = 0;
        while (idx < T.length && T[idx] <= t) idx++;
        const v = smoothedAt(T, V, idx, t, lookback);
        if (v === undefined) continue;
        if (res === null) res = newStepSeries(s.labels, n, false);
        res.has[i] = 1;
        res.vals[i] = v;
      }
      if (res !== null) out.push(res);
    }
    return out;
  }

  /** Loads the samples a matrix selector needs for all steps (staleness markers skipped). */
  evalMatrixSelector(ms: MatrixSelector): RangeArg {
    return runAll(this.matrixSelectorWork(ms));
  }

  /** The work of evalMatrixSelector, in batches of series. */
  matrixSelectorWork(ms: MatrixSelector): SeriesWork<RangeArg> {
    const vs = ms.vectorSelector;
    const at = this.resolveAt(vs.at, vs.atModifier);
    const off = vs.offset;
    const range = ms.range;
    const n = Math.max(this.steps, 1);
    const first = this.stepTime(0, at, off);
    const last = this.stepTime(n - 1, at, off);
    // Anchored/smoothed windows also need the sample before the window start (and smoothed the one after).
    const extra = vs.anchored || vs.smoothed ? this.ctx.lookback : 0;
    const mint = first - range - extra + 1;
    const maxt = last + (vs.smoothed ? this.ctx.lookback : 0);
    const sel = this.ctx.querier.select(vs.matchers, mint, maxt, { range });
    const loader = new RangeLoader(this, mint, maxt);
    return {
      count: sel.length,
      run: (from, to) => {
        for (let k = from; k < to; k++) loader.load(sel[k]);
      },
      result: () => ({
        series: loader.series,
        range,
        offset: off,
        at,
        anchored: vs.anchored,
        smoothed: vs.smoothed,
        selectorLabels: equalityLabels(vs),
        name: vs.name ?? '',
      }),
    };
  }

  /** Evaluates the inner expression of a subquery over all windows at its own aligned step. */
  evalSubquery(sq: SubqueryExpr): RangeArg {
    const inner = this.subqueryEvaluator(sq);
    return this.subqueryResult(sq, inner, inner.eval(sq.expr));
  }

  /** The evaluator of a subquery's inner expression: its own step, aligned, over all outer windows. */
  subqueryEvaluator(sq: SubqueryExpr): Evaluator {
    const at = this.resolveAt(sq.at, sq.atModifier);
    const step = sq.step > 0 ? sq.step : this.ctx.defaultStep;
    const n = Math.max(this.steps, 1);
    const first = this.stepTime(0, at, sq.offset);
    const last = this.stepTime(n - 1, at, sq.offset);
    const lo = first - sq.range;
    // First step-aligned time at or after lo (Go's truncating division, as Prometheus does).
    let innerStart = step * Math.trunc(lo / step);
    if (innerStart < lo) innerStart += step;
    return new Evaluator(this.ctx, innerStart, last, step);
  }

  /** The range argument made of a subquery's inner value v, evaluated by `inner`. */
  subqueryResult(sq: SubqueryExpr, inner: Evaluator, v: EvalValue): RangeArg {
    const series: RangeSeries[] = [];
    if (v.kind === 'scalar') {
      series.push({ labels: emptyLabels(), ts: inner.times.slice(), vs: v.vals.slice(), dropName: false });
    } else if (v.kind === 'vector') {
      for (const s of v.series) {
        let k = 0;
        for (let i = 0; i < s.has.length; i++) k += s.has[i];
        if (k === 0) continue;
        const ts = new Float64Array(k);
        const vals = new Float64Array(k);
        k = 0;
        for (let i = 0; i < s.has.length; i++) {
          if (s.has[i]) {
            ts[k] = inner.times[i];
            vals[k] = s.vals[i];
            k++;
          }
        }
        series.push({ labels: s.labels, ts, vs: vals, dropName: s.dropName });
      }
    } else {
      throw execError('subquery is only allowed on instant vector or scalar');
    }
    let inside = sq.expr;
    while (inside.type === 'ParenExpr') inside = inside.expr;
    return {
      series,
      range: sq.range,
      offset: sq.offset,
      at: this.resolveAt(sq.at, sq.atModifier),
      anchored: false,
      smoothed: false,
      selectorLabels: null,
      name: inside.type === 'VectorSelector' ? (inside.name ?? '') : '',
    };
  }
}

/**
 * Loads the samples of matrix-selector series into shared arenas, each series getting views: one small typed
 * array per series instead of two off-heap allocations. Arenas grow geometrically, so small queries stay small.
 */
class RangeLoader {
  readonly series: RangeSeries[] = [];
  private cap = 1024;
  private tb = new Float64Array(this.cap);
  private vb = new Float64Array(this.cap);
  private base = 0;

  constructor(
    private readonly ev: Evaluator,
    private readonly mint: number,
    private readonly maxt: number,
  ) {}

  /** Appends the series' samples in [mint, maxt] (staleness markers skipped). */
  load(s: Series): void {
    this.ev.tick();
    const maxt = this.maxt;
    const it = s.iterator();
    let tb = this.tb;
    let vb = this.vb;
    let base = this.base;
    let k = 0;
    if (it.seek(this.mint)) {
      do {
        const t = it.t;
        if (t > maxt) break;
        const v = it.v;
        if (Number.isNaN(v) && isStaleNaN(v)) continue;
        if (base + k === tb.length) {
          // arena full: continue this series in a new, larger one (earlier views keep the old one)
          let cap = Math.min(Math.max(this.cap * 2, k * 2), 1 << 20);
          if (cap < k * 2) cap = k * 2;
          this.cap = cap;
          const nt = new Float64Array(cap);
          const nv = new Float64Array(cap);
          for (let j = 0; j < k; j++) {
            nt[j] = tb[base + j];
            nv[j] = vb[base + j];
          }
          tb = this.tb = nt;
          vb = this.vb = nv;
          base = 0;
        }
        tb[base + k] = t;
        vb[base + k] = v;
        k++;
      } while (it.next());
    }
    this.base = base;
    if (k === 0) return;
    this.ev.addSamples(k);
    this.series.push({
      labels: s.labels,
      ts: tb.subarray(base, base + k),
      vs: vb.subarray(base, base + k),
      dropName: false,
    });
    this.base = base + k;
  }
}

/**
 * Offered by the head's series snapshots (structurally, so other queriers need not know about it): the newest
 * sample of the selected range when it is available without decoding.
 */
interface NewestSampleSource {
  newestInRange(out: { t: number; v: number }): boolean;
}
const newest = { t: 0, v: 0 };

function emptyLabels(): Labels {
  return Labels.EMPTY;
}

/** Labels from a selector's equality matchers (what absent() reports). */
export function equalityLabels(vs: VectorSelector): Labels {
  const b = new LabelsBuilder();
  const seen = new Map<string, number>();
  for (const m of vs.matchers) {
    if (m.type === MatchType.Equal && m.name !== METRIC_NAME) {
      seen.set(m.name, (seen.get(m.name) ?? 0) + 1);
      b.set(m.name, m.value);
    }
  }
  // A label given twice with = cannot be reported unambiguously.
  for (const [name, count] of seen) if (count > 1) b.del(name);
  for (const m of vs.matchers) if (m.type !== MatchType.Equal && seen.has(m.name)) b.del(m.name);
  return b.labels();
}

const invariantCache = new WeakMap<Expr, boolean>();

/** True when the expression's value is the same at every step (all selectors pinned with @). */
export function isStepInvariant(e: Expr): boolean {
  const c = invariantCache.get(e);
  if (c !== undefined) return c;
  let r: boolean;
  switch (e.type) {
    case 'NumberLiteral':
    case 'StringLiteral':
      r = true;
      break;
    case 'VectorSelector':
      r = e.at !== null || e.atModifier !== null;
      break;
    case 'MatrixSelector':
      r = e.vectorSelector.at !== null || e.vectorSelector.atModifier !== null;
      break;
    case 'SubqueryExpr':
      r = e.at !== null || e.atModifier !== null;
      break;
    case 'ParenExpr':
    case 'UnaryExpr':
    case 'StepInvariantExpr':
      r = isStepInvariant(e.expr);
      break;
    case 'BinaryExpr':
      r = isStepInvariant(e.lhs) && isStepInvariant(e.rhs);
      break;
    case 'AggregateExpr':
      r = isStepInvariant(e.expr) && (e.param === null || isStepInvariant(e.param));
      break;
    case 'Call':
      r = !TIME_DEPENDENT_FUNCS.has(e.func.name) && e.args.every(isStepInvariant);
      break;
  }
  invariantCache.set(e, r);
  return r;
}
