import { readFileSync } from 'node:fs';
import type { HTTPClientConfig } from '../config/types.ts';

/** Request headers for a remote endpoint: custom headers, then basic_auth / authorization (files read per call). */
export function authHeaders(cfg: HTTPClientConfig & { headers?: Record<string, string> }): Record<string, string> {
  const h: Record<string, string> = { ...(cfg.headers ?? {}) };
  if (cfg.http_headers) {
    for (const [name, v] of Object.entries(cfg.http_headers)) {
      const vals = [...(v.values ?? []), ...(v.secrets ?? [])];
      for (const f of v.files ?? []) vals.push(readFileSync(f, 'utf8').trim());
      if (vals.length > 0) h[name] = vals.join(', ');
    }
  }
  if (cfg.basic_auth) {
    const pw = cfg.basic_auth.password_file
      ? readFileSync(cfg.basic_auth.password_file, 'utf8').trim()
      : (cfg.basic_auth.password ?? '');
    const user = cfg.basic_auth.username_file
      ? readFileSync(cfg.basic_auth.username_file, 'utf8').trim()
      : cfg.basic_auth.username;
    h.Authorization = `Basic ${Buffer.from(`${user}:${pw}`).toString('base64')}`;
  } else if (cfg.authorization) {
    const cred = cfg.authorization.credentials_file
      ? readFileSync(cfg.authorization.credentials_file, 'utf8').trim()
      : (cfg.authorization.credentials ?? '');
    h.Authorization = `${cfg.authorization.type || 'Bearer'} ${cred}`;
  }
  return h;
}

export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal?.aborted) return resolve();
    const t = setTimeout(done, ms);
    function done() {
      clearTimeout(t);
      signal?.removeEventListener('abort', done);
      resolve();
    }
    signal?.addEventListener('abort', done, { once: true });
  });
}
