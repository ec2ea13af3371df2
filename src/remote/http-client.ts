import { readFileSync } from 'node:fs';
import { Agent as HttpAgent, request as httpRequest, type IncomingHttpHeaders } from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';
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

export interface PostResult {
  status: number;
  headers: IncomingHttpHeaders;
  /** The first 256 characters of the response body. */
  text: string;
}

/** Keep-alive agents for one remote endpoint; `destroy()` closes their idle connections. */
export class PostClient {
  private readonly http = new HttpAgent({ keepAlive: true });
  private readonly https = new HttpsAgent({ keepAlive: true });

  /**
   * POSTs a body with node:http (a fraction of fetch's CPU per request, which matters at tens of requests a second).
   * 307/308 redirects are followed (up to 10) when `followRedirects`; other statuses are returned as they are.
   */
  async post(
    url: string,
    headers: Record<string, string>,
    body: Uint8Array,
    opts: { signal: AbortSignal; timeoutMs: number; followRedirects: boolean },
  ): Promise<PostResult> {
    let target = new URL(url);
    for (let hop = 0; ; hop++) {
      const r = await this.once(target, headers, body, opts);
      const loc = r.headers.location;
      if (!opts.followRedirects || (r.status !== 307 && r.status !== 308) || !loc || hop >= 10) return r;
      target = new URL(loc, target);
    }
  }

  private once(
    url: URL,
    headers: Record<string, string>,
    body: Uint8Array,
    opts: { signal: AbortSignal; timeoutMs: number },
  ): Promise<PostResult> {
    return new Promise((resolve, reject) => {
      if (opts.signal.aborted) return reject(new Error('aborted'));
      const secure = url.protocol === 'https:';
      const req = (secure ? httpsRequest : httpRequest)(url, {
        method: 'POST',
        agent: secure ? this.https : this.http,
        headers: { ...headers, 'Content-Length': String(body.length) },
      });
      const timer = setTimeout(
        () => req.destroy(new Error(`context deadline exceeded (${opts.timeoutMs} ms)`)),
        opts.timeoutMs,
      );
      const onAbort = () => req.destroy(new Error('aborted'));
      opts.signal.addEventListener('abort', onAbort, { once: true });
      const done = () => {
        clearTimeout(timer);
        opts.signal.removeEventListener('abort', onAbort);
      };
      req.on('error', (e) => {
        done();
        reject(e);
      });
      req.on('response', (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (c: string) => {
          if (text.length < 256) text += c;
        });
        res.on('error', (e) => {
          done();
          reject(e);
        });
        res.on('end', () => {
          done();
          resolve({ status: res.statusCode ?? 0, headers: res.headers, text: text.slice(0, 256) });
        });
      });
      req.end(body);
    });
  }

  destroy(): void {
    this.http.destroy();
    this.https.destroy();
  }
}
