/**
 * A client of an external Prometheus-compatible query API (Prometheus, VictoriaMetrics, Mimir, Thanos Query,
 * Cortex): what datasource mode evaluates rules against and proxies the read API to, as vmalert's
 * -datasource.url does.
 */
import { type Dispatcher, fetch as undiciFetch } from 'undici';
import type { HTTPClientConfig } from '../config/types.ts';
import { createDispatcher } from '../discovery/index.ts';
import { Labels } from '../model/index.ts';
import type { Vector } from '../promql/index.ts';
import { USER_AGENT } from '../scrape/index.ts';
import { authHeaders } from './http-client.ts';

export interface DatasourceConfig extends HTTPClientConfig {
  /** Base URL; API paths (/api/v1/query, ...) are appended. May carry a path prefix, e.g. vmselect's. */
  url: string;
  headers: Record<string, string>;
  /** Per-request timeout in ms. */
  timeout: number;
  /** `step` sent with instant queries of rules (VictoriaMetrics uses it as the lookback window); '' = none. */
  queryStep: string;
  /** Extra query-string parameters sent with every request (e.g. nocache=1, tenant ids). */
  extraParams: Record<string, string>;
}

/** An error answered by the datasource (Prometheus API error types) or met reaching it ('unavailable'). */
export class DatasourceError extends Error {
  constructor(
    readonly type: 'bad_data' | 'execution' | 'timeout' | 'canceled' | 'internal' | 'unavailable' | 'not_found',
    message: string,
  ) {
    super(message);
  }
}

/** The `data`, `warnings` and `infos` of a successful Prometheus API answer. */
export interface DatasourceAnswer {
  data: unknown;
  warnings: string[];
  infos: string[];
}

const KNOWN_TYPES = new Set(['bad_data', 'execution', 'timeout', 'canceled', 'internal', 'unavailable', 'not_found']);

export class DatasourceClient {
  private readonly dispatcher: Dispatcher;
  readonly base: string;

  constructor(readonly cfg: DatasourceConfig) {
    this.base = cfg.url.replace(/\/+$/, '');
    this.dispatcher = createDispatcher(cfg);
  }

  /**
   * Calls `path` (e.g. /api/v1/query) with form parameters: POST (form body) unless `get`, as both
   * Prometheus and VictoriaMetrics accept. Throws DatasourceError.
   */
  async call(
    path: string,
    params: URLSearchParams,
    opts: { signal?: AbortSignal; get?: boolean } = {},
  ): Promise<DatasourceAnswer> {
    const timeout = AbortSignal.timeout(this.cfg.timeout > 0 ? this.cfg.timeout : 120_000);
    const signal = opts.signal ? AbortSignal.any([opts.signal, timeout]) : timeout;
    const p = new URLSearchParams(params);
    for (const [k, v] of Object.entries(this.cfg.extraParams)) if (!p.has(k)) p.set(k, v);
    const headers: Record<string, string> = { ...authHeaders(this.cfg), 'User-Agent': USER_AGENT };
    let url = `${this.base}${path}`;
    let body: string | undefined;
    if (opts.get) {
      const qs = p.toString();
      if (qs) url += `?${qs}`;
    } else {
      body = p.toString();
      headers['Content-Type'] = 'application/x-www-form-urlencoded';
    }
    let status: number;
    let text: string;
    try {
      const res = await undiciFetch(url, {
        method: opts.get ? 'GET' : 'POST',
        headers,
        body,
        signal,
        dispatcher: this.dispatcher,
      });
      status = res.status;
      text = await res.text();
    } catch (e) {
      const err = e as Error & { cause?: Error };
      if (opts.signal?.aborted) throw new DatasourceError('canceled', 'query was canceled');
      if (timeout.aborted) throw new DatasourceError('timeout', `datasource ${this.base}: request timed out`);
      throw new DatasourceError('unavailable', `datasource ${this.base}: ${err.cause?.message ?? err.message}`);
    }
    let json: {
      status?: string;
      data?: unknown;
      warnings?: string[];
      infos?: string[];
      errorType?: string;
      error?: string;
    };
    try {
      json = JSON.parse(text);
    } catch {
      throw new DatasourceError(
        status >= 500 ? 'unavailable' : 'bad_data',
        `datasource ${this.base}${path}: HTTP status ${status}: ${text.trim().slice(0, 512)}`,
      );
    }
    if (json.status !== 'success') {
      throw new DatasourceError(errorType(json.errorType, status), json.error ?? `HTTP status ${status}`);
    }
    return { data: json.data, warnings: json.warnings ?? [], infos: json.infos ?? [] };
  }

  /** An instant query for rule evaluation: a vector (a scalar becomes one unlabelled sample). */
  async queryVector(query: string, t: number, signal?: AbortSignal): Promise<{ vector: Vector; warnings: string[] }> {
    const p = new URLSearchParams({ query, time: (t / 1000).toFixed(3) });
    if (this.cfg.queryStep) p.set('step', this.cfg.queryStep);
    const a = await this.call('/api/v1/query', p, { signal });
    return { vector: decodeVector(a.data, t), warnings: a.warnings };
  }

  close(): void {
    this.dispatcher.close().catch(() => {});
  }
}

/** VictoriaMetrics puts the HTTP status in errorType; map it (and unknown types) to Prometheus's. */
function errorType(t: string | undefined, status: number): DatasourceError['type'] {
  if (t && KNOWN_TYPES.has(t)) return t as DatasourceError['type'];
  const code = t && /^\d+$/.test(t) ? Number(t) : status;
  if (code === 400) return 'bad_data';
  if (code === 422) return 'execution';
  if (code === 404) return 'not_found';
  if (code === 503 || code === 502 || code === 504) return 'unavailable';
  return 'internal';
}

/** Parses a Prometheus API sample value ("1.5", "NaN", "+Inf", "-Inf"). */
export function parseSampleValue(s: string): number {
  if (s === '+Inf' || s === 'Inf') return Number.POSITIVE_INFINITY;
  if (s === '-Inf') return Number.NEGATIVE_INFINITY;
  return Number(s);
}

/** Decodes the `data` of an instant query answer into a vector, as rules need it. */
export function decodeVector(data: unknown, t: number): Vector {
  const d = data as { resultType?: string; result?: unknown };
  if (d?.resultType === 'vector' && Array.isArray(d.result)) {
    return (d.result as { metric: Record<string, string>; value: [number, string] }[]).map((r) => ({
      labels: Labels.fromObject(r.metric ?? {}),
      t: r.value ? Math.round(r.value[0] * 1000) : t,
      v: parseSampleValue(r.value?.[1] ?? 'NaN'),
    }));
  }
  if (d?.resultType === 'scalar' && Array.isArray(d.result)) {
    const [ts, v] = d.result as [number, string];
    return [{ labels: Labels.EMPTY, t: Math.round(ts * 1000), v: parseSampleValue(v) }];
  }
  throw new Error(`rule result is not a vector or scalar (datasource answered ${d?.resultType ?? 'nothing'})`);
}

/**
 * Builds the datasource config from vmalert-style flags (--datasource.url, --datasource.basicAuth.*,
 * --datasource.bearerToken[File], --datasource.headers "a:b^^c:d", --datasource.tlsCAFile, ...), falling back to
 * `osprey.datasource` in prometheus.yml (url, headers, basic_auth, authorization, tls_config, query_step, params).
 * Returns null when neither sets a URL.
 */
export function datasourceConfigFrom(
  flags: Record<string, string | undefined>,
  fromYaml: unknown,
  queryTimeout: number,
): DatasourceConfig | null {
  const y = (fromYaml && typeof fromYaml === 'object' ? fromYaml : {}) as Record<string, unknown>;
  checkYaml(fromYaml, y);
  const url = flags['datasource.url'] || (typeof y.url === 'string' ? y.url : '');
  if (!url) return null;
  if (flags['datasource.url'] && !/^https?:\/\//.test(url)) {
    throw new Error(`--datasource.url must be an http:// or https:// URL, got "${url}"`);
  }
  const cfg: DatasourceConfig = {
    url,
    headers: {},
    timeout: queryTimeout,
    queryStep: flags['datasource.queryStep'] || (typeof y.query_step === 'string' ? y.query_step : ''),
    extraParams: {},
    tls_config: { insecure_skip_verify: false },
    proxy_from_environment: false,
    follow_redirects: true,
    enable_http2: true,
  };
  if (y.headers && typeof y.headers === 'object') Object.assign(cfg.headers, y.headers);
  if (y.params && typeof y.params === 'object') {
    for (const [k, v] of Object.entries(y.params as Record<string, unknown>)) cfg.extraParams[k] = String(v);
  }
  if (y.basic_auth && typeof y.basic_auth === 'object') cfg.basic_auth = y.basic_auth as DatasourceConfig['basic_auth'];
  if (y.authorization && typeof y.authorization === 'object')
    cfg.authorization = y.authorization as DatasourceConfig['authorization'];
  if (y.tls_config && typeof y.tls_config === 'object')
    cfg.tls_config = { insecure_skip_verify: false, ...(y.tls_config as object) } as DatasourceConfig['tls_config'];
  if (typeof y.timeout === 'string' || typeof y.timeout === 'number') {
    const n = typeof y.timeout === 'number' ? y.timeout * 1000 : parseSeconds(y.timeout);
    if (n > 0) cfg.timeout = n;
  }
  for (const h of (flags['datasource.headers'] ?? '').split('^^')) {
    const i = h.indexOf(':');
    if (i > 0) cfg.headers[h.slice(0, i).trim()] = h.slice(i + 1).trim();
  }
  const user = flags['datasource.basicAuth.username'];
  if (user || flags['datasource.basicAuth.password'] || flags['datasource.basicAuth.passwordFile']) {
    cfg.basic_auth = {
      username: user ?? '',
      password: flags['datasource.basicAuth.password'] || undefined,
      password_file: flags['datasource.basicAuth.passwordFile'] || undefined,
    } as DatasourceConfig['basic_auth'];
  }
  if (flags['datasource.bearerToken'] || flags['datasource.bearerTokenFile']) {
    cfg.basic_auth = undefined;
    cfg.authorization = {
      type: 'Bearer',
      credentials: flags['datasource.bearerToken'] || undefined,
      credentials_file: flags['datasource.bearerTokenFile'] || undefined,
    } as DatasourceConfig['authorization'];
  }
  if (flags['datasource.tlsCAFile'] || flags['datasource.tlsInsecureSkipVerify'] === 'true') {
    cfg.tls_config = {
      ...cfg.tls_config,
      ca_file: flags['datasource.tlsCAFile'] || cfg.tls_config?.ca_file,
      insecure_skip_verify: flags['datasource.tlsInsecureSkipVerify'] === 'true',
    } as DatasourceConfig['tls_config'];
  }
  return cfg;
}

const YAML_FIELDS: Record<string, 'string' | 'object' | 'duration'> = {
  url: 'string',
  timeout: 'duration',
  query_step: 'string',
  params: 'object',
  headers: 'object',
  basic_auth: 'object',
  authorization: 'object',
  tls_config: 'object',
};

/** Rejects unknown fields and wrong types under osprey.datasource, naming the field. */
function checkYaml(raw: unknown, y: Record<string, unknown>): void {
  if (raw !== undefined && raw !== null && (typeof raw !== 'object' || Array.isArray(raw))) {
    throw new Error('osprey.datasource: must be a mapping');
  }
  for (const [k, v] of Object.entries(y)) {
    const kind = YAML_FIELDS[k];
    if (!kind) throw new Error(`osprey.datasource: unknown field "${k}"`);
    const ok =
      kind === 'string'
        ? typeof v === 'string'
        : kind === 'object'
          ? typeof v === 'object' && v !== null && !Array.isArray(v)
          : (typeof v === 'string' && parseSeconds(v) > 0) || typeof v === 'number';
    if (!ok) throw new Error(`osprey.datasource.${k}: invalid value ${JSON.stringify(v)}`);
  }
  if (y.url !== undefined && !/^https?:\/\//.test(y.url as string)) {
    throw new Error(`osprey.datasource.url: must be an http:// or https:// URL, got ${JSON.stringify(y.url)}`);
  }
}

function parseSeconds(s: string): number {
  const m = /^(\d+(?:\.\d+)?)(ms|s|m|h)?$/.exec(s.trim());
  if (!m) return 0;
  const n = Number(m[1]);
  const unit = m[2] ?? 's';
  return n * (unit === 'ms' ? 1 : unit === 's' ? 1000 : unit === 'm' ? 60_000 : 3_600_000);
}
