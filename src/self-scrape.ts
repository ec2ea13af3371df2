/**
 * Self-scrapes without a loopback round-trip: decides which scrape URLs are Osprey's own HTTP endpoints for
 * the built-in collectors (/metrics, /collectors/<name>/metrics, /probe) and answers them by calling the
 * producer directly, with the bytes and Content-Type the HTTP route would send. Anything else (another port,
 * another host, another path, the wrong scheme) is scraped over HTTP as usual.
 *
 * The web config's basic auth does not apply to in-process scrapes: they never leave the process, and the
 * credentials protect the listener against other clients. TLS only decides the scheme that must match.
 */
import { hostname } from 'node:os';
import type { InProcessHandler, InProcessPage, InProcessResolver } from './scrape/index.ts';

/** Answers one built-in route; `query` holds the URL's parameters, `timeoutMs` the scrape timeout. */
export type SelfRoute = (query: URLSearchParams, timeoutMs: number) => Promise<InProcessPage>;

export interface SelfScrapeOptions {
  /** Host part of --web.listen-address ('' / '0.0.0.0' / '::' = all interfaces). */
  listenHost: string;
  /** The port actually bound; 0 before the server listens (everything goes over HTTP until then). */
  port: () => number;
  /** 'https' when the web config enables TLS. */
  scheme: () => 'http' | 'https';
  /** Path -> producer. */
  routes: Record<string, SelfRoute>;
}

const LOOPBACK = ['localhost', '127.0.0.1', '[::1]'];

/** Host names (as URL.hostname spells them) that reach a server listening on `listenHost`. */
export function selfHostNames(listenHost: string): Set<string> {
  const h = listenHost.replace(/^\[|\]$/g, '');
  if (h === '' || h === '::') return new Set([...LOOPBACK, hostname().toLowerCase()]);
  // IPv4 wildcard: [::1] would not reach it over HTTP either.
  if (h === '0.0.0.0') return new Set(['localhost', '127.0.0.1', hostname().toLowerCase()]);
  const out = new Set([h.includes(':') ? `[${h.toLowerCase()}]` : h.toLowerCase()]);
  if (h === '127.0.0.1' || h === '::1' || h === 'localhost') out.add('localhost');
  if (h === 'localhost') {
    out.add('127.0.0.1');
    out.add('[::1]');
  }
  return out;
}

export function createSelfScrapeResolver(opts: SelfScrapeOptions): InProcessResolver & { served: number } {
  const hosts = selfHostNames(opts.listenHost);
  const cache = new Map<string, InProcessHandler | null>();
  const resolver = (url: string): InProcessHandler | undefined => {
    const port = opts.port();
    if (port === 0) return undefined;
    const key = `${opts.scheme()} ${port} ${url}`;
    let h = cache.get(key);
    if (h === undefined) {
      h = match(url, port) ?? null;
      if (cache.size > 10_000) cache.clear();
      cache.set(key, h);
    }
    return h ?? undefined;
  };
  const match = (url: string, port: number): InProcessHandler | undefined => {
    let u: URL;
    try {
      u = new URL(url);
    } catch {
      return undefined;
    }
    const scheme = opts.scheme();
    if (u.protocol !== `${scheme}:` || u.username !== '' || u.password !== '') return undefined;
    const p = u.port === '' ? (scheme === 'https' ? 443 : 80) : Number(u.port);
    if (p !== port || !hosts.has(u.hostname.toLowerCase())) return undefined;
    const route = Object.hasOwn(opts.routes, u.pathname) ? opts.routes[u.pathname] : undefined;
    if (route === undefined) return undefined;
    const query = u.searchParams;
    return (timeoutMs) => {
      wrapped.served++;
      return route(query, timeoutMs);
    };
  };
  const wrapped = Object.assign(resolver, { served: 0 });
  return wrapped;
}
