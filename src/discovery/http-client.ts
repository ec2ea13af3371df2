import { readFileSync } from 'node:fs';
import { Agent, type Dispatcher, EnvHttpProxyAgent, ProxyAgent } from 'undici';
import type { HTTPClientConfig, TLSConfig } from '../config/types.ts';

/**
 * The parts of Prometheus's common HTTP client config a scrape needs: a dispatcher with the TLS
 * settings, and the auth/custom headers (secret files are re-read on every request, as Prometheus does).
 */

const TLS_VERSIONS: Record<string, 'TLSv1' | 'TLSv1.1' | 'TLSv1.2' | 'TLSv1.3'> = {
  TLS10: 'TLSv1',
  TLS11: 'TLSv1.1',
  TLS12: 'TLSv1.2',
  TLS13: 'TLSv1.3',
};

function readSecretFile(path: string): string {
  return readFileSync(path, 'utf8').trim();
}

function tlsOptions(tls: TLSConfig | undefined): Record<string, unknown> {
  const t = tls ?? { insecure_skip_verify: false };
  const o: Record<string, unknown> = { rejectUnauthorized: !t.insecure_skip_verify };
  const ca = t.ca ?? (t.ca_file ? readFileSync(t.ca_file, 'utf8') : undefined);
  if (ca) o.ca = ca;
  const cert = t.cert ?? (t.cert_file ? readFileSync(t.cert_file, 'utf8') : undefined);
  if (cert) o.cert = cert;
  const key = t.key ?? (t.key_file ? readFileSync(t.key_file, 'utf8') : undefined);
  if (key) o.key = key;
  if (t.server_name) o.servername = t.server_name;
  if (t.min_version && TLS_VERSIONS[t.min_version]) o.minVersion = TLS_VERSIONS[t.min_version];
  if (t.max_version && TLS_VERSIONS[t.max_version]) o.maxVersion = TLS_VERSIONS[t.max_version];
  return o;
}

/** A dispatcher (connection pool) for one scrape pool's client config. Throws when a TLS file is unreadable. */
export function createDispatcher(cfg: HTTPClientConfig): Dispatcher {
  const connect = tlsOptions(cfg.tls_config);
  if (cfg.proxy_url) {
    return new ProxyAgent({ uri: cfg.proxy_url, requestTls: connect, keepAliveTimeout: 60_000 });
  }
  if (cfg.proxy_from_environment) return new EnvHttpProxyAgent({ connect, keepAliveTimeout: 60_000 });
  return new Agent({ connect, keepAliveTimeout: 60_000, keepAliveMaxTimeout: 600_000 });
}

/** Adds Authorization and custom headers from the client config. Throws when a secret file is unreadable. */
export function addAuthHeaders(cfg: HTTPClientConfig, headers: Record<string, string>): void {
  if (cfg.http_headers) {
    for (const [name, h] of Object.entries(cfg.http_headers)) {
      const vals = [...(h.values ?? []), ...(h.secrets ?? []), ...(h.files ?? []).map(readSecretFile)];
      if (vals.length > 0) headers[name.toLowerCase()] = vals.join(', ');
    }
  }
  const ba = cfg.basic_auth;
  if (ba) {
    const user = ba.username_file ? readSecretFile(ba.username_file) : (ba.username ?? '');
    const pass = ba.password_file ? readSecretFile(ba.password_file) : (ba.password ?? '');
    headers.authorization = `Basic ${Buffer.from(`${user}:${pass}`, 'utf8').toString('base64')}`;
    return;
  }
  const au = cfg.authorization;
  if (au) {
    const cred = au.credentials_file ? readSecretFile(au.credentials_file) : (au.credentials ?? '');
    headers.authorization = `${au.type || 'Bearer'} ${cred}`;
  }
}
