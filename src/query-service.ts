import { ApiError, type QueryService } from './api/index.ts';
import type { Matcher } from './model/index.ts';
import {
  Engine,
  exprToJSON,
  parseExpr,
  parseMetricSelector,
  PromQLParseError,
  prettify,
  QueryError,
  type QueryResult,
  resultToJSON,
} from './promql/index.ts';
import type { Queryable } from './tsdb/index.ts';

export interface QueryServiceOptions {
  lookbackDelta: number;
  timeout: number;
  maxSamples: number;
  /** The default subquery step: global.evaluation_interval of the current config, in ms. */
  defaultSubqueryStep: () => number;
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
  const toApi = (r: QueryResult) => ({ data: resultToJSON(r.value), warnings: r.warnings, infos: r.infos });
  return {
    instant(query, time, o) {
      return run(() =>
        toApi(engineFor(o.timeout).instantQuery(storage, parseExpr(query), time, { lookbackDelta: o.lookbackDelta })),
      );
    },
    range(query, start, end, step, o) {
      return run(() =>
        toApi(
          engineFor(o.timeout).rangeQuery(storage, parseExpr(query), start, end, step, {
            lookbackDelta: o.lookbackDelta,
          }),
        ),
      );
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
