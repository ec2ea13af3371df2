/**
 * Prometheus's common HTTP client configuration (prometheus/common config.HTTPClientConfig): schema fields to
 * spread into any strict object, and the build step that checks the mutually exclusive auth settings with
 * Prometheus's messages, folds the legacy bearer_token(_file) into `authorization`, and resolves file paths
 * against the config file's folder.
 */
import { isAbsolute, join } from 'node:path';
import { z } from 'zod';
import { zanymap, zbool, zmap, zstr, zstrlist } from './schema-scalars.ts';
import type { Authorization, BasicAuth, HTTPClientConfig, TLSConfig } from './types.ts';
import { type ConfigPath, goQuote, type IssueList } from './yaml-errors.ts';

export const tlsConfigSchema = z.strictObject({
  ca: zstr.optional(),
  ca_file: zstr.optional(),
  ca_ref: zstr.optional(),
  cert: zstr.optional(),
  cert_file: zstr.optional(),
  cert_ref: zstr.optional(),
  key: zstr.optional(),
  key_file: zstr.optional(),
  key_ref: zstr.optional(),
  server_name: zstr.optional(),
  insecure_skip_verify: zbool.optional(),
  min_version: zstr.optional(),
  max_version: zstr.optional(),
});

export const basicAuthSchema = z.strictObject({
  username: zstr.optional(),
  username_file: zstr.optional(),
  username_ref: zstr.optional(),
  password: zstr.optional(),
  password_file: zstr.optional(),
  password_ref: zstr.optional(),
});

export const authorizationSchema = z.strictObject({
  type: zstr.optional(),
  credentials: zstr.optional(),
  credentials_file: zstr.optional(),
  credentials_ref: zstr.optional(),
});

const proxyFields = {
  proxy_url: zstr.optional(),
  no_proxy: zstr.optional(),
  proxy_from_environment: zbool.optional(),
  proxy_connect_header: zmap(zstrlist()).optional(),
};

export const oauth2Schema = z.strictObject({
  client_id: zstr.optional(),
  client_secret: zstr.optional(),
  client_secret_file: zstr.optional(),
  client_secret_ref: zstr.optional(),
  client_certificate_key_id: zstr.optional(),
  client_certificate_key: zstr.optional(),
  client_certificate_key_file: zstr.optional(),
  client_certificate_key_ref: zstr.optional(),
  grant_type: zstr.optional(),
  signature_algorithm: zstr.optional(),
  iss: zstr.optional(),
  audience: zstr.optional(),
  claims: zanymap.optional(),
  scopes: zstrlist().optional(),
  token_url: zstr.optional(),
  endpoint_params: zmap(zstr).optional(),
  tls_config: tlsConfigSchema.optional(),
  ...proxyFields,
});

export const httpHeaderSchema = z.strictObject({
  values: zstrlist().optional(),
  secrets: zstrlist().optional(),
  files: zstrlist().optional(),
});

/** Spread into a z.strictObject({...}) for every section that embeds an HTTP client config. */
export const httpClientFields = {
  basic_auth: basicAuthSchema.optional(),
  authorization: authorizationSchema.optional(),
  oauth2: oauth2Schema.optional(),
  bearer_token: zstr.optional(),
  bearer_token_file: zstr.optional(),
  tls_config: tlsConfigSchema.optional(),
  follow_redirects: zbool.optional(),
  enable_http2: zbool.optional(),
  http_headers: zmap(httpHeaderSchema).optional(),
  ...proxyFields,
};

export type RawTLS = z.infer<typeof tlsConfigSchema>;
export type RawHTTPClient = {
  [K in keyof typeof httpClientFields]?: z.infer<(typeof httpClientFields)[K]>;
};

/** Prometheus's JoinDir: relative paths are taken relative to the config file's folder. */
export function joinDir(dir: string, p: string | undefined): string | undefined {
  if (p === undefined || p === '' || dir === '' || isAbsolute(p)) return p;
  return join(dir, p);
}

function count(...xs: (string | undefined)[]): number {
  let n = 0;
  for (const x of xs) if (x !== undefined && x !== '') n++;
  return n;
}

const TLS_VERSIONS = new Set(['TLS10', 'TLS11', 'TLS12', 'TLS13']);

export function buildTLS(raw: RawTLS | undefined, dir: string, path: ConfigPath, issues: IssueList): TLSConfig {
  const r = raw ?? {};
  const p = [...path, 'tls_config'];
  if (count(r.ca, r.ca_file, r.ca_ref) > 1) issues.add(p, 'at most one of ca, ca_file & ca_ref must be configured');
  if (count(r.cert, r.cert_file, r.cert_ref) > 1)
    issues.add(p, 'at most one of cert, cert_file & cert_ref must be configured');
  if (count(r.key, r.key_file, r.key_ref) > 1)
    issues.add(p, 'at most one of key, key_file & key_ref must be configured');
  const hasCert = count(r.cert, r.cert_file, r.cert_ref) > 0;
  const hasKey = count(r.key, r.key_file, r.key_ref) > 0;
  if (hasCert && !hasKey)
    issues.add(p, 'exactly one of key or key_file must be configured when a client certificate is configured');
  if (hasKey && !hasCert)
    issues.add(p, 'exactly one of cert or cert_file must be configured when a client key is configured');
  for (const f of ['min_version', 'max_version'] as const) {
    const v = r[f];
    if (v !== undefined && v !== '' && !TLS_VERSIONS.has(v)) issues.add([...p, f], `unknown TLS version: ${v}`);
  }
  const out: TLSConfig = { insecure_skip_verify: r.insecure_skip_verify ?? false };
  if (r.ca) out.ca = r.ca;
  if (r.ca_file) out.ca_file = joinDir(dir, r.ca_file);
  if (r.cert) out.cert = r.cert;
  if (r.cert_file) out.cert_file = joinDir(dir, r.cert_file);
  if (r.key) out.key = r.key;
  if (r.key_file) out.key_file = joinDir(dir, r.key_file);
  if (r.server_name) out.server_name = r.server_name;
  if (r.min_version) out.min_version = r.min_version;
  if (r.max_version) out.max_version = r.max_version;
  return out;
}

function checkProxy(
  r: { proxy_url?: string; no_proxy?: string; proxy_from_environment?: boolean; proxy_connect_header?: unknown },
  path: ConfigPath,
  issues: IssueList,
): void {
  if (r.proxy_from_environment && r.proxy_url)
    issues.add(path, 'if proxy_from_environment is configured, proxy_url must not be configured');
  if (r.proxy_from_environment && r.no_proxy)
    issues.add(path, 'if proxy_from_environment is configured, no_proxy must not be configured');
  if (!r.proxy_url && r.no_proxy) issues.add(path, 'if no_proxy is configured, proxy_url must also be configured');
  if (
    r.proxy_connect_header &&
    Object.keys(r.proxy_connect_header).length > 0 &&
    !r.proxy_url &&
    !r.proxy_from_environment
  )
    issues.add(
      path,
      'if proxy_connect_header is configured, proxy_url or proxy_from_environment must also be configured',
    );
  if (r.proxy_url) {
    try {
      new URL(r.proxy_url);
    } catch {
      issues.add([...path, 'proxy_url'], `parse ${JSON.stringify(r.proxy_url)}: invalid URL`);
    }
  }
}

/** Validates and normalises an embedded HTTP client config. */
export function buildHTTPClient(r: RawHTTPClient, dir: string, path: ConfigPath, issues: IssueList): HTTPClientConfig {
  const bearer = r.bearer_token ?? '';
  const bearerFile = r.bearer_token_file ?? '';
  if (bearer && bearerFile) issues.add(path, 'at most one of bearer_token & bearer_token_file must be configured');
  if ((r.basic_auth || r.oauth2) && (bearer || bearerFile))
    issues.add(path, 'at most one of basic_auth, oauth2, bearer_token & bearer_token_file must be configured');
  let basic: BasicAuth | undefined;
  if (r.basic_auth) {
    const b = r.basic_auth;
    if (count(b.username, b.username_file, b.username_ref) > 1)
      issues.add(
        [...path, 'basic_auth'],
        'at most one of basic_auth username, username_file & username_ref must be configured',
      );
    if (count(b.password, b.password_file, b.password_ref) > 1)
      issues.add(
        [...path, 'basic_auth'],
        'at most one of basic_auth password, password_file & password_ref must be configured',
      );
    basic = { username: b.username ?? '' };
    if (b.username_file) basic.username_file = joinDir(dir, b.username_file);
    if (b.password) basic.password = b.password;
    if (b.password_file) basic.password_file = joinDir(dir, b.password_file);
  }
  let auth: Authorization | undefined;
  if (r.authorization) {
    const a = r.authorization;
    if (bearer || bearerFile) issues.add(path, 'authorization is not compatible with bearer_token & bearer_token_file');
    if (count(a.credentials, a.credentials_file, a.credentials_ref) > 1)
      issues.add(
        [...path, 'authorization'],
        'at most one of authorization credentials & credentials_file must be configured',
      );
    const type = (a.type ?? '').trim() || 'Bearer';
    if (type.toLowerCase() === 'basic')
      issues.add(
        [...path, 'authorization', 'type'],
        'authorization type cannot be set to "basic", use "basic_auth" instead',
      );
    if (r.basic_auth || r.oauth2)
      issues.add(path, 'at most one of basic_auth, oauth2 & authorization must be configured');
    auth = { type };
    if (a.credentials) auth.credentials = a.credentials;
    if (a.credentials_file) auth.credentials_file = joinDir(dir, a.credentials_file);
  } else if (bearer || bearerFile) {
    auth = { type: 'Bearer' };
    if (bearer) auth.credentials = bearer;
    if (bearerFile) auth.credentials_file = joinDir(dir, bearerFile);
  }
  let oauth2: Record<string, unknown> | undefined;
  if (r.oauth2) {
    const o = r.oauth2;
    const p = [...path, 'oauth2'];
    if (r.basic_auth) issues.add(path, 'at most one of basic_auth, oauth2 & authorization must be configured');
    if (!o.client_id) issues.add(p, 'oauth2 client_id must be configured');
    if (!o.token_url) issues.add(p, 'oauth2 token_url must be configured');
    if (count(o.client_secret, o.client_secret_file, o.client_secret_ref) > 1)
      issues.add(p, 'at most one of oauth2 client_secret, client_secret_file & client_secret_ref must be configured');
    checkProxy(o, p, issues);
    oauth2 = { ...o, tls_config: buildTLS(o.tls_config, dir, p, issues) };
    if (o.client_secret_file) oauth2.client_secret_file = joinDir(dir, o.client_secret_file);
    if (o.client_certificate_key_file) oauth2.client_certificate_key_file = joinDir(dir, o.client_certificate_key_file);
  }
  checkProxy(r, path, issues);
  const out: HTTPClientConfig = {
    tls_config: buildTLS(r.tls_config, dir, path, issues),
    proxy_from_environment: r.proxy_from_environment ?? false,
    follow_redirects: r.follow_redirects ?? true,
    enable_http2: r.enable_http2 ?? true,
  };
  if (basic) out.basic_auth = basic;
  if (auth) out.authorization = auth;
  if (oauth2) out.oauth2 = oauth2;
  if (r.proxy_url) out.proxy_url = r.proxy_url;
  if (r.no_proxy) out.no_proxy = r.no_proxy;
  if (r.proxy_connect_header) out.proxy_connect_header = r.proxy_connect_header;
  if (r.http_headers) {
    const h: NonNullable<HTTPClientConfig['http_headers']> = {};
    for (const [name, v] of Object.entries(r.http_headers)) {
      if (RESERVED_HTTP_HEADERS.has(name.toLowerCase()))
        issues.add(
          [...path, 'http_headers', name],
          `setting header ${goQuote(canonicalHeader(name))} is not allowed`,
          true,
        );
      h[name] = { ...v };
      if (v.files) h[name].files = v.files.map((f) => joinDir(dir, f) ?? f);
    }
    out.http_headers = h;
  }
  return out;
}

/** Headers http_headers may not set (they are managed by the client or by other settings). */
const RESERVED_HTTP_HEADERS: ReadonlySet<string> = new Set([
  'authorization',
  'host',
  'content-encoding',
  'content-length',
  'content-type',
  'user-agent',
  'connection',
  'keep-alive',
  'proxy-authenticate',
  'proxy-authorization',
  'www-authenticate',
  'accept-encoding',
  'x-prometheus-remote-write-version',
  'x-prometheus-remote-read-version',
  'x-prometheus-scrape-timeout-seconds',
  'x-amz-date',
  'x-amz-security-token',
  'x-amz-content-sha256',
]);

/** Go's textproto.CanonicalMIMEHeaderKey for ASCII names: "x-foo-bar" -> "X-Foo-Bar". */
function canonicalHeader(name: string): string {
  return name.toLowerCase().replace(/(^|-)([a-z])/g, (_m, dash: string, c: string) => dash + c.toUpperCase());
}

/** Keys of httpClientFields, to split an SD config into its HTTP client part and the rest. */
export const HTTP_CLIENT_KEYS: ReadonlySet<string> = new Set(Object.keys(httpClientFields));
