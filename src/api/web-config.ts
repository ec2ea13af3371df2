/**
 * Applying the exporter-toolkit web config to a Fastify app: TLS server options, client-certificate
 * checks Node's TLS layer cannot express, basic auth against bcrypt hashes, and configured response
 * headers. The config is read through a getter on every request, so a reload takes effect at once.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { SecureContextOptions, TLSSocket } from 'node:tls';
import bcrypt from 'bcryptjs';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { GO_CIPHER_SUITES, GO_CURVES, NODE_TLS_VERSIONS, type WebConfig } from '../config/web-config-index.ts';

export type WebConfigSource = WebConfig | null | undefined | (() => WebConfig | null | undefined);

/** Compared against when the user is unknown, so a wrong user name costs as much time as a wrong password. */
const DUMMY_HASH = '$2b$10$CaIogiwcRcinmM97yu5ID.pcnMsJsK7Y/zw9yklWb6chJq3DaASX2';
const CACHE_MAX = 1024;

/**
 * bcrypt is slow by design (~50-100 ms per compare at cost 10); a scraper or a browser sends the same
 * credentials on every request, so results are cached by a digest of user, password and hash.
 */
export class BasicAuthCache {
  private readonly results = new Map<string, boolean>();

  async check(users: Record<string, string>, user: string, password: string): Promise<boolean> {
    const hash = Object.hasOwn(users, user) ? users[user] : undefined;
    const key = createHash('sha256')
      .update(user)
      .update('\0')
      .update(password)
      .update('\0')
      .update(hash ?? '')
      .digest('base64');
    const hit = this.results.get(key);
    if (hit !== undefined) return hit;
    let ok = false;
    try {
      ok = await bcrypt.compare(password, hash ?? DUMMY_HASH);
    } catch {
      ok = false;
    }
    ok = ok && hash !== undefined;
    if (this.results.size >= CACHE_MAX) this.results.clear();
    this.results.set(key, ok);
    return ok;
  }

  get size(): number {
    return this.results.size;
  }
}

/** `Authorization: Basic ...` -> user and password; null when absent or malformed. */
export function parseBasicAuth(header: string | undefined): { user: string; password: string } | null {
  if (!header) return null;
  const m = /^Basic\s+([A-Za-z0-9+/=]+)\s*$/i.exec(header);
  if (!m) return null;
  const text = Buffer.from(m[1], 'base64').toString('utf8');
  const i = text.indexOf(':');
  if (i < 0) return null;
  return { user: text.slice(0, i), password: text.slice(i + 1) };
}

function resolveSource(src: WebConfigSource): WebConfig | null | undefined {
  return typeof src === 'function' ? src() : src;
}

/**
 * Installs an onRequest hook that adds the configured headers, enforces client-certificate rules and
 * basic auth. Call before `listen`; with a getter, reloads apply without re-registering.
 */
export function applyWebConfig(app: FastifyInstance<any, any, any, any>, source: WebConfigSource): BasicAuthCache {
  const cache = new BasicAuthCache();
  app.addHook('onRequest', async (req: FastifyRequest, reply: FastifyReply) => {
    const cfg = resolveSource(source);
    if (!cfg) return;
    const headers = cfg.http_server_config.headers;
    for (const name in headers) reply.header(name, headers[name]);
    const certProblem = clientCertProblem(cfg, req);
    if (certProblem) return unauthorized(reply, certProblem, false);
    const users = cfg.basic_auth_users;
    if (Object.keys(users).length === 0) return;
    const creds = parseBasicAuth(req.headers.authorization);
    if (!creds || !(await cache.check(users, creds.user, creds.password)))
      return unauthorized(reply, 'Unauthorized', true);
  });
  return cache;
}

function unauthorized(reply: FastifyReply, message: string, basic: boolean): FastifyReply {
  if (basic) reply.header('WWW-Authenticate', 'Basic');
  return reply.code(401).type('text/plain; charset=utf-8').send(`${message}\n`);
}

/** What Go's TLS stack enforces in the handshake and Node's does not: a reason to refuse, or null. */
function clientCertProblem(cfg: WebConfig, req: FastifyRequest): string | null {
  const tls = cfg.tls_server_config;
  if (!tls || tls.client_auth_type === 'NoClientCert' || tls.client_auth_type === 'RequestClientCert') return null;
  const socket = req.raw.socket as TLSSocket;
  if (typeof socket?.getPeerCertificate !== 'function') return null;
  const cert = socket.getPeerCertificate();
  const present = cert !== null && Object.keys(cert).length > 0;
  if (!present) {
    return tls.client_auth_type === 'VerifyClientCertIfGiven' ? null : 'client certificate required';
  }
  if (tls.client_auth_type !== 'RequireAnyClientCert' && !socket.authorized) {
    return `client certificate not trusted: ${String(socket.authorizationError ?? 'unknown authority')}`;
  }
  if (tls.client_allowed_sans.length > 0) {
    const sans = (cert.subjectaltname ?? '').split(/,\s*/).map((s) => s.replace(/^[^:]+:/, ''));
    if (!tls.client_allowed_sans.some((a) => sans.includes(a))) return 'client certificate SAN not allowed';
  }
  return null;
}

/**
 * TLS options for Node's https/http2 server (Fastify's `https` option), read from the files now; null when
 * the config has no tls_server_config. Use `reloadTls` to apply a changed config to a running server.
 */
export function httpsOptions(cfg: WebConfig | null | undefined):
  | (SecureContextOptions & {
      requestCert: boolean;
      rejectUnauthorized: boolean;
      allowHTTP1: true;
    })
  | null {
  const tls = cfg?.tls_server_config;
  if (!tls) return null;
  const out: SecureContextOptions & { requestCert: boolean; rejectUnauthorized: boolean; allowHTTP1: true } = {
    cert: tls.cert || readFileSync(tls.cert_file),
    key: tls.key || readFileSync(tls.key_file),
    minVersion: NODE_TLS_VERSIONS[tls.min_version],
    requestCert: tls.client_auth_type !== 'NoClientCert',
    // Only a full requirement can be left to the handshake; the other modes are checked per request.
    rejectUnauthorized: tls.client_auth_type === 'RequireAndVerifyClientCert',
    honorCipherOrder: tls.prefer_server_cipher_suites,
    allowHTTP1: true,
  };
  if (tls.max_version) out.maxVersion = NODE_TLS_VERSIONS[tls.max_version];
  if (tls.client_ca_file) out.ca = readFileSync(tls.client_ca_file);
  if (tls.cipher_suites.length > 0) {
    out.ciphers = tls.cipher_suites.map((c) => GO_CIPHER_SUITES.get(c) ?? c).join(':');
  }
  if (tls.curve_preferences.length > 0) {
    out.ecdhCurve = tls.curve_preferences.map((c) => GO_CURVES.get(c) ?? c).join(':');
  }
  return out;
}

/**
 * Everything to spread into `Fastify({...})` for this web config: `https` (and `http2` when enabled).
 * Empty for plain HTTP.
 */
export function fastifyTlsOptions(cfg: WebConfig | null | undefined): { https?: object; http2?: true } {
  const https = httpsOptions(cfg);
  if (!https) return {};
  return cfg?.http_server_config.http2 ? { https, http2: true } : { https };
}

/** Re-reads certificates and keys into a running TLS server (after a reload); false for a plain server. */
export function reloadTls(server: unknown, cfg: WebConfig | null | undefined): boolean {
  const opts = httpsOptions(cfg);
  const s = server as { setSecureContext?: (o: SecureContextOptions) => void };
  if (!opts || typeof s.setSecureContext !== 'function') return false;
  s.setSecureContext(opts);
  return true;
}

/** URL paths a read-only server still accepts with POST: queries that change nothing. */
const READ_ONLY_POST_ALLOWED = new Set([
  '/api/v1/query',
  '/api/v1/query_range',
  '/api/v1/query_exemplars',
  '/api/v1/format_query',
  '/api/v1/parse_query',
  '/api/v1/series',
  '/api/v1/labels',
  '/api/v1/read',
]);

/**
 * `--web.read-only`: every method other than GET/HEAD/OPTIONS is refused with 403 (silences, alerts,
 * reload, quit, admin, remote write, ...), except POSTs to the query endpoints above.
 */
export function readOnlyGuard(
  app: FastifyInstance<any, any, any, any>,
  enabled: boolean | (() => boolean) = true,
): void {
  app.addHook('onRequest', async (req: FastifyRequest, reply: FastifyReply) => {
    if (!(typeof enabled === 'function' ? enabled() : enabled)) return;
    const m = req.method;
    if (m === 'GET' || m === 'HEAD' || m === 'OPTIONS') return;
    const path = req.url.split('?')[0];
    if (m === 'POST' && READ_ONLY_POST_ALLOWED.has(path)) return;
    const body = `${m} ${path} is not allowed: the server runs in read-only mode (--web.read-only)`;
    if (path.startsWith('/api/')) {
      return reply.code(403).type('application/json').send({ status: 'error', errorType: 'forbidden', error: body });
    }
    return reply.code(403).type('text/plain; charset=utf-8').send(`${body}\n`);
  });
}
