/**
 * The query engine: parses, evaluates instant and range queries against a Queryable, applies
 * delayed __name__ removal, and shapes the result as the API returns it.
 */
import { compareLabels, Labels } from '../model/index.ts';
import type { Queryable } from '../tsdb/interfaces.ts';
import { durationNeedsQuery, type Expr, resolveDurations, valueTypeOf, walkExpr } from './ast.ts';
import { Annotations, dropMetricName, type EvalValue, type StepSeries } from './engine-types.ts';
import { ERR_SAME_LABELSET, execError, QueryError } from './errors.ts';
import { Evaluator, type QueryContext } from './evaluator.ts';
import { evalAsync } from './evaluator-async.ts';
import { Pacer } from './pacer.ts';
import { PromQLParseError, parseExpr } from './parser.ts';
import type { Matrix, MatrixSeries, QueryResult, QueryValue, Vector } from './value.ts';

export { QueryError } from './errors.ts';

export interface EngineOptions {
  /** Lookback delta for instant selectors in ms (default 5m). */
  lookbackDelta?: number;
  /** Maximum samples a query may load (default 50e6). */
  maxSamples?: number;
  /** Query timeout in ms (default 2m). */
  timeout?: number;
  /** Default subquery resolution in ms (default 1m). */
  defaultSubqueryStep?: number;
}

/** Per-query settings (the API's lookback_delta parameter). */
export interface QueryOptions {
  lookbackDelta?: number;
}

/** Settings of an asynchronous (cooperative, cancellable) query. */
export interface AsyncQueryOptions extends QueryOptions {
  /** Aborting it stops the query with QueryError('canceled'). */
  signal?: AbortSignal;
  /** Absolute deadline in ms since the epoch; default: now + the engine's timeout. */
  deadline?: number;
  /** Work time between yields to the event loop (default 10ms; tests use 0 to yield at every checkpoint). */
  sliceMs?: number;
}

export class Engine {
  readonly lookbackDelta: number;
  readonly maxSamples: number;
  readonly timeout: number;
  readonly defaultSubqueryStep: number;

  constructor(opts: EngineOptions = {}) {
    this.lookbackDelta = opts.lookbackDelta ?? 5 * 60 * 1000;
    this.maxSamples = opts.maxSamples ?? 50e6;
    this.timeout = opts.timeout ?? 2 * 60 * 1000;
    this.defaultSubqueryStep = opts.defaultSubqueryStep ?? 60 * 1000;
  }

  /** Parses a query; syntax errors become QueryError('bad_data'). */
  parse(query: string): Expr {
    try {
      return parseExpr(query);
    } catch (e) {
      if (e instanceof PromQLParseError) throw new QueryError('bad_data', e.message);
      throw e;
    }
  }

  /** Evaluates `query` at `time` (ms). */
  instantQuery(q: Queryable, query: string | Expr, time: number, opts: QueryOptions = {}): QueryResult {
    const expr = typeof query === 'string' ? this.parse(query) : query;
    prepare(expr, 0, 0);
    const ctx = this.context(q, time, time, 0, opts);
    return result(
      ctx,
      guard(() => instantValue(new Evaluator(ctx, time, time, 0).eval(expr), time)),
    );
  }

  /**
   * instantQuery, evaluated cooperatively: it yields to the event loop every few milliseconds and stops
   * when opts.signal aborts or the deadline passes.
   */
  async instantQueryAsync(
    q: Queryable,
    query: string | Expr,
    time: number,
    opts: AsyncQueryOptions = {},
  ): Promise<QueryResult> {
    const expr = typeof query === 'string' ? this.parse(query) : query;
    prepare(expr, 0, 0);
    const ctx = this.asyncContext(q, time, time, 0, opts);
    const v = await guardAsync(() => evalAsync(new Evaluator(ctx, time, time, 0), expr));
    return result(
      ctx,
      guard(() => instantValue(v, time)),
    );
  }

  /** Evaluates `query` at start, start+step, ... <= end (ms); the result is a matrix. */
  rangeQuery(
    q: Queryable,
    query: string | Expr,
    start: number,
    end: number,
    step: number,
    opts: QueryOptions = {},
  ): QueryResult {
    const expr = this.prepareRange(query, start, end, step);
    const ctx = this.context(q, start, end, step, opts);
    return result(
      ctx,
      guard(() => {
        const ev = new Evaluator(ctx, start, end, step);
        return { type: 'matrix', matrix: toMatrix(ev, ev.eval(expr)) };
      }),
    );
  }

  /** rangeQuery, evaluated cooperatively (see instantQueryAsync). */
  async rangeQueryAsync(
    q: Queryable,
    query: string | Expr,
    start: number,
    end: number,
    step: number,
    opts: AsyncQueryOptions = {},
  ): Promise<QueryResult> {
    const expr = this.prepareRange(query, start, end, step);
    const ctx = this.asyncContext(q, start, end, step, opts);
    const ev = guard(() => new Evaluator(ctx, start, end, step));
    const v = await guardAsync(() => evalAsync(ev, expr));
    return result(
      ctx,
      guard(() => ({ type: 'matrix', matrix: toMatrix(ev, v) })),
    );
  }

  private prepareRange(query: string | Expr, start: number, end: number, step: number): Expr {
    const expr = typeof query === 'string' ? this.parse(query) : query;
    if (step <= 0) throw new QueryError('bad_data', 'zero or negative query resolution step widths are not accepted');
    if (end < start) throw new QueryError('bad_data', 'end timestamp must not be before start time');
    const t = valueTypeOf(expr);
    if (t !== 'scalar' && t !== 'vector') {
      throw new QueryError(
        'bad_data',
        `invalid expression type "${t === 'matrix' ? 'range vector' : t}" for range query, must be Scalar or instant Vector`,
      );
    }
    prepare(expr, step, end - start);
    return expr;
  }

  private asyncContext(q: Queryable, start: number, end: number, step: number, opts: AsyncQueryOptions) {
    const ctx = this.context(q, start, end, step, opts);
    if (opts.deadline !== undefined) ctx.deadline = opts.deadline;
    ctx.pacer = new Pacer(opts.signal, ctx.deadline, opts.sliceMs);
    ctx.pacer.check('expression evaluation');
    return ctx;
  }

  private context(q: Queryable, start: number, end: number, step: number, opts: QueryOptions): QueryContext {
    return {
      querier: q.querier(),
      ann: new Annotations(),
      lookback: opts.lookbackDelta && opts.lookbackDelta > 0 ? opts.lookbackDelta : this.lookbackDelta,
      queryStart: start,
      queryEnd: end,
      defaultStep: this.defaultSubqueryStep,
      maxSamples: this.maxSamples,
      samples: 0,
      deadline: Date.now() + this.timeout,
      isRange: step > 0,
      queryStep: step,
    };
  }
}

/** Resolves step()/range() duration expressions for this query. */
function prepare(expr: Expr, stepMs: number, rangeMs: number): void {
  let needs = false;
  walkExpr(expr, (e) => {
    if (
      (e.type === 'VectorSelector' && e.offsetExpr && durationNeedsQuery(e.offsetExpr)) ||
      (e.type === 'MatrixSelector' && e.rangeExpr && durationNeedsQuery(e.rangeExpr)) ||
      (e.type === 'SubqueryExpr' &&
        ((e.rangeExpr && durationNeedsQuery(e.rangeExpr)) ||
          (e.stepExpr && durationNeedsQuery(e.stepExpr)) ||
          (e.offsetExpr && durationNeedsQuery(e.offsetExpr))))
    )
      needs = true;
    return true;
  });
  if (needs) resolveDurations(expr, { stepMs, rangeMs });
}

/** Runs fn, turning unexpected errors into QueryErrors. */
function guard<T>(fn: () => T): T {
  try {
    return fn();
  } catch (e) {
    throw asQueryError(e);
  }
}

async function guardAsync<T>(fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (e) {
    throw asQueryError(e);
  }
}

function asQueryError(e: unknown): QueryError {
  if (e instanceof QueryError) return e;
  if (e instanceof RangeError && /Array buffer allocation|Invalid typed array length/.test(e.message)) {
    return execError('query processing would load too many samples into memory in query execution');
  }
  return new QueryError('internal', (e as Error).message ?? String(e));
}

function result(ctx: QueryContext, value: QueryValue): QueryResult {
  return { value, warnings: [...ctx.ann.warnings], infos: [...ctx.ann.infos], samples: ctx.samples };
}

function finalLabels(s: StepSeries): Labels {
  return s.dropName ? dropMetricName(s.labels) : s.labels;
}

function instantValue(v: EvalValue, t: number): QueryValue {
  switch (v.kind) {
    case 'scalar':
      return { type: 'scalar', t, v: v.vals[0] };
    case 'string':
      return { type: 'string', t, v: v.v };
    case 'vector': {
      const out: Vector = [];
      const seen = new Map<number, Labels[]>();
      for (const s of v.series) {
        if (!s.has[0]) continue;
        const labels = finalLabels(s);
        const h = labels.hash();
        const list = seen.get(h);
        if (list) {
          if (list.some((l) => l.equals(labels))) throw execError(ERR_SAME_LABELSET);
          list.push(labels);
        } else {
          seen.set(h, [labels]);
        }
        out.push({ labels, t, v: s.vals[0] });
      }
      return { type: 'vector', vector: out };
    }
    case 'matrix': {
      // A range vector at the top level: the samples in each series' window at t.
      const arg = v.arg;
      const end = (arg.at ?? t) - arg.offset;
      const start = end - arg.range;
      const out: Matrix = [];
      for (const s of arg.series) {
        let lo = 0;
        while (lo < s.ts.length && s.ts[lo] <= start) lo++;
        let hi = lo;
        while (hi < s.ts.length && s.ts[hi] <= end) hi++;
        if (hi === lo) continue;
        out.push({
          labels: s.dropName ? dropMetricName(s.labels) : s.labels,
          ts: s.ts.slice(lo, hi),
          vs: s.vs.slice(lo, hi),
        });
      }
      out.sort((a, b) => compareLabels(a.labels, b.labels));
      return { type: 'matrix', matrix: out };
    }
  }
}

/** Range query result: one series per label set, points only where present, sorted by labels. */
function toMatrix(ev: Evaluator, v: EvalValue): Matrix {
  const n = ev.steps;
  if (v.kind === 'scalar') {
    const ts = new Float64Array(n);
    ts.set(ev.times);
    return [{ labels: Labels.EMPTY, ts, vs: v.vals.slice() }];
  }
  if (v.kind !== 'vector') throw execError(`unexpected ${v.kind} result for range query`);
  // Merge series whose labels coincide once names are dropped; a shared step is an error.
  const merged = new Map<number, { labels: Labels; has: Uint8Array; vals: Float64Array }[]>();
  const order: { labels: Labels; has: Uint8Array; vals: Float64Array }[] = [];
  for (const s of v.series) {
    const labels = finalLabels(s);
    const h = labels.hash();
    let list = merged.get(h);
    if (!list) merged.set(h, (list = []));
    const e = list.find((x) => x.labels.equals(labels));
    if (!e) {
      const x = { labels, has: s.has, vals: s.vals };
      list.push(x);
      order.push(x);
      continue;
    }
    if (e.has === s.has || e.vals === s.vals) continue;
    const has = new Uint8Array(e.has);
    const vals = new Float64Array(e.vals);
    for (let i = 0; i < n; i++) {
      if (!s.has[i]) continue;
      if (has[i]) throw execError(ERR_SAME_LABELSET);
      has[i] = 1;
      vals[i] = s.vals[i];
    }
    e.has = has;
    e.vals = vals;
  }
  const out: Matrix = [];
  for (const x of order) {
    let k = 0;
    for (let i = 0; i < n; i++) k += x.has[i];
    if (k === 0) continue;
    const ts = new Float64Array(k);
    const vs = new Float64Array(k);
    k = 0;
    for (let i = 0; i < n; i++) {
      if (x.has[i]) {
        ts[k] = ev.times[i];
        vs[k] = x.vals[i];
        k++;
      }
    }
    out.push({ labels: x.labels, ts, vs } satisfies MatrixSeries);
  }
  out.sort((a, b) => compareLabels(a.labels, b.labels));
  return out;
}
