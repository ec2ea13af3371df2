/**
 * Datasource mode (as vmalert's -datasource.url): rules are evaluated against an external Prometheus-compatible
 * query API, and /api/v1/query, query_range, series, labels, label values and metadata (hence the UI) are
 * answered by it. Rule results are still written locally and alerts still go through Osprey's alert manager.
 * Switched on and off by config (re)load; while off, everything delegates to the local engine.
 */
import { ApiError, type QueryOptions, type QueryResponse, type QueryService, type ReadProxy } from './api/index.ts';
import type { Engine } from './promql/index.ts';
import { parseExpr } from './promql/index.ts';
import { DatasourceClient, type DatasourceConfig, DatasourceError } from './remote/datasource.ts';
import type { RemoteReadService } from './remote/query-prepare.ts';
import { type AsyncRuleQuerier, vectorOf } from './rules/index.ts';
import type { Queryable } from './tsdb/index.ts';

export class DatasourceMode {
  private client: DatasourceClient | null = null;
  private key = '';

  /** Applies the datasource settings of a (re)loaded config; null turns datasource mode off. True if changed. */
  apply(cfg: DatasourceConfig | null): boolean {
    return this.prepare(cfg)();
  }

  /**
   * Builds the client for `cfg` (throws on unreadable TLS files) without switching to it; the returned function
   * switches (and returns whether anything changed).
   */
  prepare(cfg: DatasourceConfig | null): () => boolean {
    const key = JSON.stringify(cfg);
    if (key === this.key) return () => false;
    const next = cfg ? new DatasourceClient(cfg) : null;
    return () => {
      this.key = key;
      this.client?.close();
      this.client = next;
      return true;
    };
  }

  get url(): string | null {
    return this.client?.base ?? null;
  }

  /** The query service: the external engine in datasource mode, else `local`. */
  queryService(local: QueryService): QueryService {
    const forward = async (path: string, p: URLSearchParams, o: QueryOptions): Promise<QueryResponse> => {
      const c = this.client as DatasourceClient;
      if (o.timeout !== undefined) p.set('timeout', `${o.timeout / 1000}s`);
      if (o.lookbackDelta !== undefined) p.set('lookback_delta', `${o.lookbackDelta / 1000}s`);
      if (o.limit) p.set('limit', String(o.limit));
      if (o.stats) p.set('stats', 'all');
      return call(() => c.call(path, p, { signal: o.signal }));
    };
    return {
      instant: (query, time, o) => {
        if (!this.client) return local.instant(query, time, o);
        return forward('/api/v1/query', new URLSearchParams({ query, time: secs(time) }), o);
      },
      range: (query, start, end, step, o) => {
        if (!this.client) return local.range(query, start, end, step, o);
        const p = new URLSearchParams({ query, start: secs(start), end: secs(end), step: secs(step) });
        return forward('/api/v1/query_range', p, o);
      },
      format: (q) => local.format(q),
      parse: (q) => local.parse(q),
    };
  }

  /** For the series/labels/metadata endpoints: null unless in datasource mode. */
  readProxy(): ReadProxy | null {
    const c = this.client;
    if (!c) return null;
    return { forward: (path, params, get, signal) => call(() => c.call(path, params, { get, signal })) };
  }

  /** For the rule manager: null unless in datasource mode. */
  ruleQuerier(): AsyncRuleQuerier | null {
    const c = this.client;
    if (!c) return null;
    return { queryVector: async (query, t) => (await c.queryVector(query, t)).vector };
  }

  close(): void {
    this.apply(null);
  }
}

/** Rules through remote_read: the expression's remote data is fetched first, then the local engine runs. */
export function remoteReadRuleQuerier(engine: Engine, local: Queryable, rr: RemoteReadService): AsyncRuleQuerier {
  return {
    async queryVector(query, t) {
      const prepared = await rr.prepareQuery(query, t, t, 0);
      return vectorOf(engine.instantQuery(prepared?.queryable ?? local, parseExpr(query), t).value);
    },
  };
}

function secs(ms: number): string {
  return String(ms / 1000);
}

async function call(fn: () => Promise<{ data: unknown; warnings: string[]; infos: string[] }>): Promise<QueryResponse> {
  try {
    const a = await fn();
    return { data: a.data, warnings: a.warnings, infos: a.infos };
  } catch (e) {
    if (e instanceof DatasourceError) throw new ApiError(e.type, e.message);
    throw e;
  }
}
