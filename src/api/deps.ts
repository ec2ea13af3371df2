import type { Matcher } from '../model/index.ts';
import type { Appendable, HeadStats, Queryable } from '../tsdb/interfaces.ts';

/** What the PromQL engine offers the API. Throws ApiError (bad_data, execution, timeout, ...). */
export interface QueryService {
  instant(query: string, time: number, opts: QueryOptions): Promise<QueryResponse>;
  range(query: string, start: number, end: number, step: number, opts: QueryOptions): Promise<QueryResponse>;
  /** For /api/v1/format_query. */
  format(query: string): string;
  /** For /api/v1/parse_query. */
  parse(query: string): unknown;
}

export interface QueryResponse {
  data: unknown;
  warnings?: string[];
  infos?: string[];
}

export interface QueryOptions {
  /** Aborted when the client goes away; the query stops with ApiError('canceled'). */
  signal?: AbortSignal;
  /** ms; undefined = engine default */
  timeout?: number;
  /** ms; undefined = engine default */
  lookbackDelta?: number;
  /** Maximum number of series returned (0 = no limit). */
  limit?: number;
  /** `stats` parameter: include query statistics in the response. */
  stats?: boolean;
  /** For the query log. */
  request?: { clientIP: string; method: string; path: string };
}

/** The data of /api/v1/targets. */
export interface TargetsView {
  activeTargets: Record<string, unknown>[];
  droppedTargets: Record<string, unknown>[];
  droppedTargetCounts?: Record<string, number>;
}

/** Everything the HTTP API reads, as narrow functions; wired in src/server.ts. */
export interface ApiDeps {
  storage: Queryable;
  query: QueryService;
  /** Present only with --web.enable-remote-write-receiver. */
  remoteWriteAppendable?: Appendable;
  targets(): TargetsView;
  /** Current config as YAML with secrets shown as <secret>. */
  configYaml(): string;
  flags(): Record<string, string>;
  buildInfo(): Record<string, string>;
  runtimeInfo(): Record<string, unknown>;
  headStats(limit: number): HeadStats;
  /** --web.enable-lifecycle: whether /-/reload and /-/quit are allowed. */
  lifecycleEnabled: boolean;
  /** Reloads configuration; throws with the reason when the new config is invalid (old one stays). */
  reload(): Promise<void>;
  ready(): boolean;
  /** Osprey's own metrics in exposition format. */
  selfMetrics(): Promise<{ body: string; contentType: string }>;
  /** Metric metadata (HELP/TYPE/UNIT) seen by scrapes, by metric name. */
  metadata(): Record<string, { type: string; help: string; unit: string }[]>;
  /** Extra exporter-style endpoints (built-in collectors): path -> producer. */
  exporterRoutes?: Record<string, () => Promise<{ body: string; contentType: string }>>;
  /** Limits on what a client controls. */
  limits: ApiLimits;
  /**
   * remote_read: the storage /api/v1/series, labels and label values read for these match[] sets (local merged
   * with remote series) plus warnings; null to read `storage` alone.
   */
  prepareSelect?: (
    sets: Matcher[][],
    start: number,
    end: number,
    signal?: AbortSignal,
  ) => Promise<{ queryable: Queryable; warnings: string[] } | null>;
  /** Datasource mode: series, labels, label values and metadata come from the external engine (null: off). */
  readProxy?: () => ReadProxy | null;
}

/** Forwards a read-only API request (path such as /api/v1/series, form parameters) to an external engine. */
export interface ReadProxy {
  /** Throws ApiError with the external engine's error type and message. */
  forward(path: string, params: URLSearchParams, get: boolean, signal?: AbortSignal): Promise<QueryResponse>;
}

export interface ApiLimits {
  /** Max request body size in bytes (remote write, forms). */
  maxBodyBytes: number;
  /** Max series returned by /api/v1/series and values by label endpoints when no limit is given (0 = none). */
  maxSeriesResponse: number;
}
