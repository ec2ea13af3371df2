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
  resultToJSON,
} from './promql/index.ts';
import type { Queryable } from './tsdb/index.ts';

export interface QueryServiceOptions {
  lookbackDelta: number;
  timeout: number;
  maxSamples: number;
}

/** Adapts the PromQL engine to the API's QueryService, mapping errors to Prometheus's error types. */
export function createQueryService(storage: Queryable, opts: QueryServiceOptions): QueryService {
  const engines = new Map<string, Engine>();
  const engineFor = (o: { timeout?: number; lookbackDelta?: number }) => {
    const lookbackDelta = o.lookbackDelta ?? opts.lookbackDelta;
    const timeout = Math.min(o.timeout ?? opts.timeout, opts.timeout);
    const key = `${lookbackDelta}/${timeout}`;
    let e = engines.get(key);
    if (!e) {
      e = new Engine({ lookbackDelta, timeout, maxSamples: opts.maxSamples });
      if (engines.size < 16) engines.set(key, e);
    }
    return e;
  };
  return {
    instant(query, time, o) {
      return run(() => resultToJSON(engineFor(o).instantQuery(storage, query, time)));
    },
    range(query, start, end, step, o) {
      return run(() => resultToJSON(engineFor(o).rangeQuery(storage, query, start, end, step)));
    },
    format(query) {
      return run(() => prettify(parseExpr(query))).data as string;
    },
    parse(query) {
      return run(() => exprToJSON(parseExpr(query))).data;
    },
  };
}

function run(fn: () => unknown): { data: unknown } {
  try {
    return { data: fn() };
  } catch (e) {
    if (e instanceof PromQLParseError) throw new ApiError('bad_data', `invalid parameter "query": ${e.message}`);
    if (e instanceof QueryError) throw new ApiError(e.type, e.message);
    throw e;
  }
}

export function parseSelectorForApi(s: string): Matcher[] {
  return parseMetricSelector(s);
}
