import { ApiError, type QueryOptions, type QueryService } from './api/index.ts';
import type { Matcher } from './model/index.ts';
import {
  Engine,
  exprToJSON,
  PromQLParseError,
  parseExpr,
  parseMetricSelector,
  prettify,
  QueryError,
  type QueryResult,
  resultToJSON,
} from './promql/index.ts';
import type { QueryGate } from './query-gate.ts';
import type { Queryable } from './tsdb/index.ts';

export interface QueryServiceOptions {
  lookbackDelta: number;
  timeout: number;
  maxSamples: number;
  /** --query.max-concurrency; waiting queries count against their timeout. */
  gate: QueryGate;
  /** The default subquery step: global.evaluation_interval of the current config, in ms. */
  defaultSubqueryStep: () => number;
  /** Called once per evaluated query (global.query_log_file). */
  queryLog?: (entry: QueryLogEntry) => void;
  /** Called with the timings of every successful query (self-metrics). */
  observe?: (timings: QueryTimings) => void;
  /**
   * Runs before evaluation (remote read: src/remote/query-prepare.ts): returns the storage to evaluate against
   * (local merged with fetched data) and warnings, or null to use `storage`.
   */
  prepare?: (
    query: string,
    start: number,
    end: number,
    step: number,
    o: QueryOptions,
  ) => Promise<PreparedStorage | null>;
}

export interface PreparedStorage {
  queryable: Queryable;
  warnings: string[];
}

/** Prometheus's query statistics timings, in seconds. */
export interface QueryTimings {
  evalTotalTime: number;
  resultSortTime: number;
  queryPreparationTime: number;
  innerEvalTime: number;
  execQueueTime: number;
  execTotalTime: number;
}

/** One line of the query log, in Prometheus's shape. */
export interface QueryLogEntry {
  httpRequest?: { clientIP: string; method: string; path: string };
  params: { query: string; start: string; end: string; step: number };
  /** Set when the query failed after parsing (e.g. "query was canceled in expression evaluation"). */
  error?: string;
  stats: { timings: QueryTimings; samples?: Record<string, number> };
  ts: string;
}

/**
 * Parsing happens here (not in the engine) so parse errors carry Prometheus's `invalid parameter "query"` prefix.
 * Adapts the PromQL engine to the API's QueryService, mapping errors to Prometheus's error types.
 * Queries are evaluated cooperatively (they yield to the event loop every few milliseconds), so a slow query
 * does not hold up others, and stop when their client disconnects or their timeout passes.
 */
export function createQueryService(storage: Queryable, opts: QueryServiceOptions): QueryService {
  // Engines are cheap; one per subquery step (the config's evaluation interval).
  const engines = new Map<number, Engine>();
  const engineFor = (defaultSubqueryStep: number) => {
    let e = engines.get(defaultSubqueryStep);
    if (!e) {
      e = new Engine({ lookbackDelta: opts.lookbackDelta, maxSamples: opts.maxSamples, defaultSubqueryStep });
      if (engines.size > 32) engines.clear();
      engines.set(defaultSubqueryStep, e);
    }
    return e;
  };
  const evaluate = async (query: string, start: number, end: number, step: number, o: QueryOptions) => {
    const t0 = performance.now();
    // A per-request timeout can only shorten the server's; it covers the wait in the queue too.
    const deadline = Date.now() + (o.timeout === undefined ? opts.timeout : Math.min(o.timeout, opts.timeout));
    const expr = run(() => parseExpr(query));
    const t1 = performance.now();
    let t2 = t1;
    let r: QueryResult | undefined;
    let prepared: PreparedStorage | null = null;
    let error: unknown;
    try {
      await opts.gate.enter(o.signal, deadline);
      t2 = performance.now();
      try {
        // --- prepare hook (remote read): fetches remote series before the engine runs.
        prepared = (await opts.prepare?.(query, start, end, step, o)) ?? null;
        const storage_ = prepared?.queryable ?? storage;
        // --- end of prepare hook
        const engine = engineFor(opts.defaultSubqueryStep());
        const eo = { lookbackDelta: o.lookbackDelta, signal: o.signal, deadline };
        r =
          step === 0
            ? await engine.instantQueryAsync(storage_, expr, start, eo)
            : await engine.rangeQueryAsync(storage_, expr, start, end, step, eo);
      } finally {
        opts.gate.leave();
      }
    } catch (e) {
      error = e;
    }
    const t3 = performance.now();
    const timings: QueryTimings = {
      evalTotalTime: (t3 - t2) / 1000,
      resultSortTime: 0,
      queryPreparationTime: (t1 - t0) / 1000,
      innerEvalTime: (t3 - t2) / 1000,
      execQueueTime: (t2 - t1) / 1000,
      execTotalTime: (t3 - t0) / 1000,
    };
    const samples = { totalQueryableSamples: r?.samples ?? 0, peakSamples: r?.samples ?? 0 };
    // Like Prometheus, the query log has failed queries too (canceled, timed out), with their error.
    opts.queryLog?.({
      httpRequest: o.request,
      params: {
        query,
        start: new Date(start).toISOString(),
        end: new Date(end).toISOString(),
        step: step / 1000,
      },
      ...(error === undefined ? {} : { error: (error as Error).message ?? String(error) }),
      stats: { timings, samples },
      ts: new Date().toISOString(),
    });
    if (r === undefined) throw apiError(error);
    opts.observe?.(timings);
    const data = resultToJSON(r.value) as { resultType: string; result: unknown; stats?: unknown };
    const warnings = [...(prepared?.warnings ?? []), ...r.warnings];
    if (o.limit && Array.isArray(data.result) && data.result.length > o.limit) {
      data.result = data.result.slice(0, o.limit);
      warnings.push('results truncated due to limit');
    }
    if (o.stats) data.stats = { timings, samples };
    return { data, warnings, infos: r.infos };
  };
  return {
    instant(query, time, o) {
      return evaluate(query, time, time, 0, o);
    },
    range(query, start, end, step, o) {
      return evaluate(query, start, end, step, o);
    },
    format(query) {
      return run(() => prettify(parseExpr(query)));
    },
    parse(query) {
      return run(() => exprToJSON(parseExpr(query)));
    },
  };
}

function run<T>(fn: () => T): T {
  try {
    return fn();
  } catch (e) {
    throw apiError(e);
  }
}

function apiError(e: unknown): unknown {
  if (e instanceof PromQLParseError) return new ApiError('bad_data', `invalid parameter "query": ${e.message}`);
  if (e instanceof QueryError) return new ApiError(e.type, e.message);
  return e;
}

export function parseSelectorForApi(s: string): Matcher[] {
  return parseMetricSelector(s);
}
