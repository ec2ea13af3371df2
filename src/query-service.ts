import { ApiError, type QueryOptions, type QueryService } from './api/index.ts';
import type { Matcher } from './model/index.ts';
import {
  Engine,
  exprToJSON,
  parseExpr,
  parseMetricSelector,
  PromQLParseError,
  prettify,
  QueryError,
  resultToJSON,
} from './promql/index.ts';
import type { Queryable } from './tsdb/index.ts';

export interface QueryServiceOptions {
  lookbackDelta: number;
  timeout: number;
  maxSamples: number;
  /** The default subquery step: global.evaluation_interval of the current config, in ms. */
  defaultSubqueryStep: () => number;
  /** Called once per evaluated query (global.query_log_file). */
  queryLog?: (entry: QueryLogEntry) => void;
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

/** One line of the query log, in Prometheus's shape. */
export interface QueryLogEntry {
  httpRequest?: { clientIP: string; method: string; path: string };
  params: { query: string; start: string; end: string; step: number };
  stats: { timings: Record<string, number>; samples?: Record<string, number> };
  ts: string;
}

/**
 * Parsing happens here (not in the engine) so parse errors carry Prometheus's `invalid parameter "query"` prefix.
 * Adapts the PromQL engine to the API's QueryService, mapping errors to Prometheus's error types. */
export function createQueryService(storage: Queryable, opts: QueryServiceOptions): QueryService {
  // Engines are cheap; one per (timeout, subquery step). A per-request timeout can only shorten the server's.
  const engines = new Map<string, Engine>();
  const engineFor = (requested: number | undefined) => {
    const timeout = requested === undefined ? opts.timeout : Math.min(requested, opts.timeout);
    const defaultSubqueryStep = opts.defaultSubqueryStep();
    const key = `${timeout}/${defaultSubqueryStep}`;
    let e = engines.get(key);
    if (!e) {
      e = new Engine({ lookbackDelta: opts.lookbackDelta, timeout, maxSamples: opts.maxSamples, defaultSubqueryStep });
      if (engines.size > 32) engines.clear();
      engines.set(key, e);
    }
    return e;
  };
  const evaluate = async (query: string, start: number, end: number, step: number, o: QueryOptions) => {
    // --- prepare hook (remote read): the only async step before the engine runs.
    const prepared = (await opts.prepare?.(query, start, end, step, o)) ?? null;
    const storage_ = prepared?.queryable ?? storage;
    // --- end of prepare hook
    return run(() => {
      const t0 = performance.now();
      const expr = parseExpr(query);
      const t1 = performance.now();
      const engine = engineFor(o.timeout);
      const r =
        step === 0
          ? engine.instantQuery(storage_, expr, start, { lookbackDelta: o.lookbackDelta })
          : engine.rangeQuery(storage_, expr, start, end, step, { lookbackDelta: o.lookbackDelta });
      const t2 = performance.now();
      const data = resultToJSON(r.value) as { resultType: string; result: unknown; stats?: unknown };
      const warnings = [...(prepared?.warnings ?? []), ...r.warnings];
      if (o.limit && Array.isArray(data.result) && data.result.length > o.limit) {
        data.result = data.result.slice(0, o.limit);
        warnings.push('results truncated due to limit');
      }
      const timings = {
        evalTotalTime: (t2 - t0) / 1000,
        resultSortTime: 0,
        queryPreparationTime: (t1 - t0) / 1000,
        innerEvalTime: (t2 - t1) / 1000,
        execQueueTime: 0,
        execTotalTime: (t2 - t0) / 1000,
      };
      const samples = { totalQueryableSamples: r.samples, peakSamples: r.samples };
      if (o.stats) data.stats = { timings, samples };
      opts.queryLog?.({
        httpRequest: o.request,
        params: {
          query,
          start: new Date(start).toISOString(),
          end: new Date(end).toISOString(),
          step: step / 1000,
        },
        stats: { timings, samples },
        ts: new Date().toISOString(),
      });
      return { data, warnings, infos: r.infos };
    });
  };
  return {
    async instant(query, time, o) {
      return evaluate(query, time, time, 0, o);
    },
    async range(query, start, end, step, o) {
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
    if (e instanceof PromQLParseError) throw new ApiError('bad_data', `invalid parameter "query": ${e.message}`);
    if (e instanceof QueryError) throw new ApiError(e.type, e.message);
    throw e;
  }
}

export function parseSelectorForApi(s: string): Matcher[] {
  return parseMetricSelector(s);
}
