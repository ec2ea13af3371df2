import { readFileSync } from 'node:fs';
import { STATUS_CODES } from 'node:http';
import { createGunzip } from 'node:zlib';
import { type Dispatcher, request } from 'undici';
import type { ScrapeConfig } from '../config/types.ts';
import { addAuthHeaders, createDispatcher } from '../discovery/index.ts';
import { acceptHeader } from '../exposition/index.ts';

export const VERSION: string = (() => {
  try {
    return JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')).version as string;
  } catch {
    return 'unknown';
  }
})();

export const USER_AGENT = `Osprey/${VERSION}`;

/** The raw result of fetching a target. */
export interface ScrapeResponse {
  body: Uint8Array;
  contentType: string;
}

/** Error texts Prometheus uses, so users and tests can match them. */
export const ERR_BODY_SIZE_LIMIT = 'body size limit exceeded';

const MAX_REDIRECTS = 10;

/** Fetches one target over HTTP(S) with a scrape config's client settings. One per scrape pool. */
export class HTTPScraper {
  private readonly cfg: ScrapeConfig;
  private dispatcher: Dispatcher | null = null;
  private dispatcherError: Error | null = null;
  private readonly accept: string;

  constructor(cfg: ScrapeConfig) {
    this.cfg = cfg;
    this.accept = acceptHeader(cfg.scrape_protocols);
    try {
      this.dispatcher = createDispatcher(cfg);
    } catch (e) {
      this.dispatcherError = e as Error;
    }
  }

  /**
   * GETs `url`, following redirects when allowed, decompressing gzip, enforcing body_size_limit.
   * Rejects with an Error whose message is what /api/v1/targets shows as lastError.
   */
  async fetch(url: string, timeoutMs: number, stop?: AbortSignal): Promise<ScrapeResponse> {
    if (this.dispatcherError) throw new Error(`error creating HTTP client: ${this.dispatcherError.message}`);
    const headers: Record<string, string> = {
      accept: this.accept,
      'accept-encoding': this.cfg.enable_compression === false ? 'identity' : 'gzip',
      'user-agent': USER_AGENT,
      'x-prometheus-scrape-timeout-seconds': formatSeconds(timeoutMs),
    };
    try {
      addAuthHeaders(this.cfg, headers);
    } catch (e) {
      throw new Error(`Get ${JSON.stringify(url)}: ${(e as Error).message}`);
    }
    // One controller per scrape (AbortSignal.any on the loop's long-lived signal accumulates references).
    const ac = new AbortController();
    const signal = ac.signal;
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      ac.abort();
    }, timeoutMs);
    const onStop = () => ac.abort();
    stop?.addEventListener('abort', onStop, { once: true });
    let current = url;
    try {
      for (let hop = 0; ; hop++) {
        const res = await request(current, { method: 'GET', headers, dispatcher: this.dispatcher!, signal });
        const status = res.statusCode;
        const location = res.headers.location;
        if (status >= 300 && status < 400 && location && this.cfg.follow_redirects !== false) {
          await res.body.dump();
          if (hop >= MAX_REDIRECTS) throw new Error('stopped after 10 redirects');
          const next = new URL(String(location), current);
          if (next.host !== new URL(current).host) delete headers.authorization;
          current = next.toString();
          continue;
        }
        if (status < 200 || status >= 300) {
          await res.body.dump();
          throw new ScrapeHTTPError(`server returned HTTP status ${status} ${STATUS_CODES[status] ?? ''}`.trimEnd());
        }
        const ct = res.headers['content-type'];
        const contentType = Array.isArray(ct) ? ct[0] : (ct ?? '');
        const enc = String(res.headers['content-encoding'] ?? '').toLowerCase();
        const body = await readBody(res.body, enc === 'gzip', this.cfg.body_size_limit);
        return { body, contentType };
      }
    } catch (e) {
      if (e instanceof ScrapeHTTPError) throw e;
      if (timedOut) throw new Error(`Get ${JSON.stringify(url)}: context deadline exceeded`);
      if (stop?.aborted) throw new Error(`Get ${JSON.stringify(url)}: context canceled`);
      throw new Error(`Get ${JSON.stringify(url)}: ${describeNetError(e as NodeJS.ErrnoException, current)}`);
    } finally {
      clearTimeout(timer);
      stop?.removeEventListener('abort', onStop);
    }
  }

  close(): Promise<void> {
    const d = this.dispatcher;
    this.dispatcher = null;
    this.dispatcherError = new Error('scraper closed');
    return d ? d.close() : Promise.resolve();
  }
}

/** An error whose message is final (not wrapped in `Get "url": ...`). */
class ScrapeHTTPError extends Error {}

async function readBody(body: AsyncIterable<Buffer> & NodeJS.ReadableStream, gzip: boolean, limit: number) {
  const chunks: Buffer[] = [];
  let n = 0;
  const source: AsyncIterable<Buffer> = gzip ? body.pipe(createGunzip()) : body;
  try {
    for await (const chunk of source) {
      n += chunk.length;
      // Prometheus treats reaching the limit as exceeding it.
      if (limit > 0 && n >= limit) throw new ScrapeHTTPError(ERR_BODY_SIZE_LIMIT);
      chunks.push(chunk);
    }
  } catch (e) {
    (body as unknown as { destroy?: () => void }).destroy?.();
    if (e instanceof ScrapeHTTPError) throw e;
    if (gzip && (e as NodeJS.ErrnoException).code?.startsWith('Z_')) {
      throw new ScrapeHTTPError(`gzip: invalid header (${(e as Error).message})`);
    }
    throw e;
  }
  return chunks.length === 1 ? chunks[0] : Buffer.concat(chunks, n);
}

function describeNetError(e: NodeJS.ErrnoException, url: string): string {
  const cause = (e as { cause?: NodeJS.ErrnoException }).cause ?? e;
  let host = '';
  try {
    const u = new URL(url);
    host = u.port ? u.host : `${u.host}:${u.protocol === 'https:' ? 443 : 80}`;
  } catch {
    host = url;
  }
  switch (cause.code) {
    case 'ECONNREFUSED':
      return `dial tcp ${host}: connect: connection refused`;
    case 'ENOTFOUND':
      return `dial tcp: lookup ${host.replace(/:\d+$/, '')}: no such host`;
    case 'ECONNRESET':
      return 'read: connection reset by peer';
    case 'EHOSTUNREACH':
      return `dial tcp ${host}: connect: no route to host`;
    case 'UNABLE_TO_VERIFY_LEAF_SIGNATURE':
    case 'SELF_SIGNED_CERT_IN_CHAIN':
    case 'DEPTH_ZERO_SELF_SIGNED_CERT':
    case 'UNABLE_TO_GET_ISSUER_CERT_LOCALLY':
    case 'UNABLE_TO_GET_ISSUER_CERT':
      return 'tls: failed to verify certificate: x509: certificate signed by unknown authority';
    case 'CERT_HAS_EXPIRED':
    case 'CERT_NOT_YET_VALID':
      return 'tls: failed to verify certificate: x509: certificate has expired or is not yet valid';
    case 'ERR_TLS_CERT_ALTNAME_INVALID':
      return `tls: failed to verify certificate: x509: ${cause.message}`;
    default:
      return cause.message || String(cause);
  }
}

/** Seconds as Go's strconv.FormatFloat(s, 'f', -1, 64). */
export function formatSeconds(ms: number): string {
  return String(ms / 1000);
}
