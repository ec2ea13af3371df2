/**
 * The HTTP side shared by every HTTP notifier: the client config (proxy, TLS, basic auth, authorization,
 * follow_redirects) on undici, the status-code policy (2xx ok, 429/5xx retry honouring Retry-After, other 4xx
 * permanent with the body in the error), and URL redaction so secrets in webhook URLs never reach errors.
 */
import { readFileSync } from 'node:fs';
import { type Dispatcher, ProxyAgent } from 'undici';
import { abortSignalOf, type Cancellation } from '../alertmanager/cancellation.ts';
import type { NotifyResult } from '../alertmanager/notifier.ts';
import type { HTTPClientConfig, TLSConfig } from '../config/alertmanager-index.ts';
import { Http1Pool, PairHeaders } from './http1-pool.ts';

/** A notification failure; `retryAfterMs` carries a Retry-After the pipeline may wait for. */
export class NotifyError extends Error {
  constructor(
    message: string,
    readonly retryAfterMs?: number,
    readonly status?: number,
  ) {
    super(message);
  }
}

export const ok: NotifyResult = { retry: false };
export const retryable = (error: Error): NotifyResult => ({ retry: true, error });
export const permanent = (error: Error): NotifyResult => ({ retry: false, error });

/** Reads a secret given inline or in a file (trailing newline stripped), as Alertmanager's `*_file` fields. */
export function secret(value: unknown, file: unknown): string {
  if (typeof value === 'string' && value !== '') return value;
  if (typeof file === 'string' && file !== '') return readFileSync(file, 'utf8').replace(/\r?\n$/, '');
  return '';
}

/** `scheme://host/<redacted>`: the parts of a URL that can be logged. Webhook URLs carry their tokens. */
export function redactURL(url: string): string {
  try {
    const u = new URL(url);
    return u.pathname === '/' && u.search === '' ? u.origin : `${u.origin}/<redacted>`;
  } catch {
    return '<invalid URL>';
  }
}

const TLS_VERSIONS: Record<string, string> = { TLS10: 'TLSv1', TLS11: 'TLSv1.1', TLS12: 'TLSv1.2', TLS13: 'TLSv1.3' };

/** Node TLS options from a tls_config (also used by the email notifier). */
export function tlsOptions(t: TLSConfig | undefined): Record<string, unknown> {
  const o: Record<string, unknown> = { rejectUnauthorized: !(t?.insecure_skip_verify ?? false) };
  if (!t) return o;
  const file = (inline: string | undefined, path: string | undefined) =>
    inline ?? (path ? readFileSync(path, 'utf8') : undefined);
  const ca = file(t.ca, t.ca_file);
  const cert = file(t.cert, t.cert_file);
  const key = file(t.key, t.key_file);
  if (ca) o.ca = ca;
  if (cert) o.cert = cert;
  if (key) o.key = key;
  if (t.server_name) o.servername = t.server_name;
  if (t.min_version && TLS_VERSIONS[t.min_version]) o.minVersion = TLS_VERSIONS[t.min_version];
  if (t.max_version && TLS_VERSIONS[t.max_version]) o.maxVersion = TLS_VERSIONS[t.max_version];
  return o;
}

/** Response headers: only lookups by name are needed (a Headers object, or raw headers read lazily). */
export interface ResponseHeaders {
  get(name: string): string | null;
}

export interface HttpResponse {
  status: number;
  headers: ResponseHeaders;
  body: string;
}

export interface RequestOptions {
  method?: string;
  headers?: Record<string, string>;
  /** A JSON value (sent as application/json) or a ready string body. */
  json?: unknown;
  body?: string;
  signal: Cancellation;
  /** Per-request timeout in ms (the integration's `timeout`), on top of the signal. */
  timeoutMs?: number;
}

/**
 * Connections an integration's HTTP client opens per origin (and notifications it works on at once).
 * Alertmanager's client opens as many as needed and keeps up to 1000 idle per host; a burst of groups is
 * bound by the receiver's round trip times over these connections, so a small pool (32 before) made a
 * slow-to-answer receiver the bottleneck of a burst.
 */
export const MAX_CONNECTIONS_PER_ORIGIN = 256;

const REDIRECT_STATUSES = new Set([301, 302, 303, 307, 308]);
const MAX_REDIRECTS = 10;

interface ParsedURL {
  url: string;
  protocol: string;
  origin: string;
  /** without the brackets of an IPv6 address */
  hostname: string;
  /** 0 when the URL has none */
  port: number;
  path: string;
}

function parsedURL(u: URL): ParsedURL {
  return {
    url: u.href,
    protocol: u.protocol,
    origin: u.origin,
    hostname: u.hostname.replace(/^\[(.*)\]$/, '$1'),
    port: Number(u.port) || 0,
    path: `${u.pathname}${u.search}`,
  };
}

/** An HTTP client for one integration config. Created once per notifier; the dispatcher is made lazily. */
export class HttpClient {
  private proxy?: ProxyAgent;
  private lastURL?: ParsedURL;
  private readonly pools = new Map<string, Http1Pool>();

  constructor(
    private readonly cfg: HTTPClientConfig | undefined,
    private readonly customFetch?: typeof fetch,
  ) {}

  /** Sends a request; network errors and aborts throw (see `send` for the classified form). */
  async request(url: string, opts: RequestOptions): Promise<HttpResponse> {
    const headers = lowerKeys(opts.headers);
    this.addAuth(headers);
    let body = opts.body;
    if (opts.json !== undefined) {
      body = JSON.stringify(opts.json);
      headers['content-type'] ??= 'application/json';
    }
    const redirect = this.cfg?.follow_redirects === false ? ('manual' as const) : ('follow' as const);
    if (this.customFetch) {
      const signal = abortSignalWithTimeout(opts);
      const res = await this.customFetch(url, { method: opts.method ?? 'POST', headers, body, signal, redirect });
      const text = await res.text();
      return { status: res.status, headers: res.headers, body: text };
    }
    let method = opts.method ?? 'POST';
    let target = this.parse(url);
    for (let redirects = 0; ; redirects++) {
      const res = this.cfg?.proxy_url
        ? await this.viaProxy(target, method, headers, body, opts)
        : await this.pool(target).request(
            { method, path: target.path, headers, body, timeoutMs: opts.timeoutMs },
            opts.signal,
          );
      const location = redirect === 'follow' && REDIRECT_STATUSES.has(res.status) ? res.headers.get('location') : null;
      if (location === null) return res;
      if (redirects >= MAX_REDIRECTS) throw new Error(`stopped after ${MAX_REDIRECTS} redirects`);
      // As Go's client: 301/302/303 turn a POST into a body-less GET, 307/308 repeat the request as it was;
      // credentials are not sent to another host.
      const next = new URL(location, `${target.origin}${target.path}`);
      if (res.status <= 303 && method !== 'GET' && method !== 'HEAD') {
        method = 'GET';
        body = undefined;
        delete headers['content-type'];
      }
      if (next.host !== new URL(target.origin).host) delete headers.authorization;
      target = parsedURL(next);
    }
  }

  /**
   * Sends and classifies: network errors and timeouts are retried, the response goes through `check`
   * (default: the status-code policy). Errors name the integration and the redacted URL, never the full URL.
   */
  async send(
    integration: string,
    url: string,
    opts: RequestOptions,
    check: (res: HttpResponse) => NotifyResult = (res) => checkStatus(integration, res),
  ): Promise<NotifyResult> {
    let res: HttpResponse;
    try {
      res = await this.request(url, opts);
    } catch (e) {
      return retryable(
        new NotifyError(`${integration}: request to ${redactURL(url)} failed: ${describeError(e, url)}`),
      );
    }
    return check(res);
  }

  private addAuth(headers: Record<string, string>): void {
    const cfg = this.cfg;
    if (!cfg) return;
    const extra = cfg.http_headers;
    for (const name in extra) {
      const h = extra[name] as NonNullable<typeof extra>[string];
      const vals = [...(h.values ?? []), ...(h.secrets ?? []), ...(h.files ?? []).map((f) => secret('', f))];
      if (vals.length) headers[name.toLowerCase()] = vals.join(', ');
    }
    if (headers.authorization) return;
    if (cfg.basic_auth) {
      const b = cfg.basic_auth;
      const user = secret(b.username, b.username_file);
      const pass = secret(b.password, b.password_file);
      headers.authorization = `Basic ${Buffer.from(`${user}:${pass}`).toString('base64')}`;
    } else if (cfg.authorization) {
      const a = cfg.authorization;
      headers.authorization = `${a.type || 'Bearer'} ${secret(a.credentials, a.credentials_file)}`;
    }
  }

  /** Origin and path of the URL; the last one is kept, since an integration mostly posts to one URL. */
  private parse(url: string): ParsedURL {
    if (this.lastURL?.url !== url) this.lastURL = { ...parsedURL(new URL(url)), url };
    return this.lastURL;
  }

  /** The connection pool for the URL's origin (http and https without a proxy). */
  private pool(u: ParsedURL): Http1Pool {
    let p = this.pools.get(u.origin);
    if (!p) {
      if (u.protocol !== 'http:' && u.protocol !== 'https:') throw new Error(`unsupported protocol ${u.protocol}`);
      const port = u.port || (u.protocol === 'https:' ? 443 : 80);
      p = new Http1Pool(u.protocol, u.hostname, port, tlsOptions(this.cfg?.tls_config), MAX_CONNECTIONS_PER_ORIGIN);
      this.pools.set(u.origin, p);
    }
    return p;
  }

  /** One request through undici's proxy agent (proxy_url; not a hot path, so undici's request API as is). */
  private async viaProxy(
    u: ParsedURL,
    method: string,
    headers: Record<string, string>,
    body: string | undefined,
    opts: RequestOptions,
  ): Promise<HttpResponse> {
    if (!this.proxy) {
      const connect = tlsOptions(this.cfg?.tls_config);
      this.proxy = new ProxyAgent({ uri: this.cfg?.proxy_url as string, requestTls: connect, proxyTls: connect });
    }
    const res = await this.proxy.request({
      origin: u.origin,
      path: u.path,
      method: method as Dispatcher.HttpMethod,
      headers,
      body,
      signal: abortSignalWithTimeout(opts),
    });
    const pairs: [string, string][] = [];
    for (const [k, v] of Object.entries(res.headers)) for (const x of [v ?? []].flat()) pairs.push([k, x]);
    return { status: res.statusCode, headers: new PairHeaders(pairs), body: await res.body.text() };
  }
}

/** The request's cancellation as an AbortSignal, with its timeout (for fetch and undici). */
function abortSignalWithTimeout(opts: RequestOptions): AbortSignal {
  const aborted = abortSignalOf(opts.signal);
  return opts.timeoutMs ? AbortSignal.any([aborted, AbortSignal.timeout(opts.timeoutMs)]) : aborted;
}

/** The request's headers (names in lower case) after Osprey's user-agent, which they may replace. */
function lowerKeys(h: Record<string, string> | undefined): Record<string, string> {
  const out: Record<string, string> = { 'user-agent': 'Osprey-Alertmanager' };
  for (const k in h) out[k.toLowerCase()] = h[k] as string;
  return out;
}

/** The error's message with its cause (undici's "fetch failed" hides the reason there), URL removed. */
function describeError(e: unknown, url: string): string {
  const err = e as Error & { cause?: Error };
  let msg = err?.name === 'TimeoutError' ? 'request timed out' : (err?.message ?? String(e));
  if (err?.name === 'AbortError') msg = 'request canceled';
  if (err?.cause?.message) msg += `: ${err.cause.message}`;
  return msg.split(url).join(redactURL(url));
}

/** Retry-After as seconds or an HTTP date, in ms from now; undefined when absent or unparsable. */
export function parseRetryAfter(v: string | null, now = Date.now()): number | undefined {
  if (!v) return undefined;
  if (/^\d+$/.test(v.trim())) return Number(v.trim()) * 1000;
  const t = Date.parse(v);
  return Number.isNaN(t) ? undefined : Math.max(0, t - now);
}

/** The response body for an error message: trimmed and capped. */
export function bodySnippet(body: string): string {
  const b = body.trim();
  return b.length > 1024 ? `${b.slice(0, 1024)}…` : b;
}

/** Alertmanager's status policy: 2xx ok; 429 and 5xx retry; anything else is permanent. */
export function checkStatus(integration: string, res: HttpResponse): NotifyResult {
  if (res.status >= 200 && res.status < 300) return ok;
  const body = bodySnippet(res.body);
  const msg = `${integration}: unexpected status code ${res.status}${body ? `: ${body}` : ''}`;
  if (res.status === 429 || res.status >= 500) {
    const after = parseRetryAfter(res.headers.get('retry-after'));
    return retryable(
      new NotifyError(after !== undefined ? `${msg} (retry after ${after / 1000}s)` : msg, after, res.status),
    );
  }
  return permanent(new NotifyError(msg, undefined, res.status));
}
