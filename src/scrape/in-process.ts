/**
 * The in-process scrape hook: a scrape of a URL that the process serves itself (Osprey's own listen address
 * and a built-in collector path) may be answered by calling the producer directly instead of a loopback HTTP
 * round-trip. Everything after the fetch (parse, relabel, limits, `up`, `scrape_*`) is the normal pipeline;
 * the fetch keeps HTTP's semantics for what a user can see: scrape timeout, body_size_limit, non-2xx status
 * and cancellation give the same errors.
 */
import { STATUS_CODES } from 'node:http';
import type { FetchedPage } from './scrape-loop.ts';
import { ERR_BODY_SIZE_LIMIT } from './scraper.ts';

/** What an in-process producer answers: an HTTP-like status (200 when omitted), the page and its Content-Type. */
export interface InProcessPage {
  status?: number;
  body: string | Uint8Array;
  contentType: string;
}

/** Produces one page; `timeoutMs` is what HTTP would send as X-Prometheus-Scrape-Timeout-Seconds. */
export type InProcessHandler = (timeoutMs: number, signal: AbortSignal) => Promise<InProcessPage>;

/** Given a scrape URL, the producer that serves it in-process, or undefined to scrape it over HTTP. */
export type InProcessResolver = (url: string) => InProcessHandler | undefined;

/** Runs an in-process producer with HTTP's timeout, cancellation, status and body-size-limit semantics. */
export function fetchInProcess(
  handler: InProcessHandler,
  url: string,
  timeoutMs: number,
  stop: AbortSignal | undefined,
  bodySizeLimit: number,
): Promise<FetchedPage> {
  return new Promise<FetchedPage>((resolve, reject) => {
    const ac = new AbortController();
    let done = false;
    const finish = (err: Error | null, page?: FetchedPage) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      stop?.removeEventListener('abort', onStop);
      if (err) {
        ac.abort();
        reject(err);
      } else resolve(page!);
    };
    const timer = setTimeout(
      () => finish(new Error(`Get ${JSON.stringify(url)}: context deadline exceeded`)),
      timeoutMs,
    );
    const onStop = () => finish(new Error(`Get ${JSON.stringify(url)}: context canceled`));
    if (stop?.aborted) return onStop();
    stop?.addEventListener('abort', onStop, { once: true });
    handler(timeoutMs, ac.signal).then(
      (p) => {
        const status = p.status ?? 200;
        if (status < 200 || status >= 300) {
          finish(new Error(`server returned HTTP status ${status} ${STATUS_CODES[status] ?? ''}`.trimEnd()));
          return;
        }
        const size = typeof p.body === 'string' ? Buffer.byteLength(p.body) : p.body.byteLength;
        // As over HTTP, reaching the limit counts as exceeding it.
        if (bodySizeLimit > 0 && size >= bodySizeLimit) finish(new Error(ERR_BODY_SIZE_LIMIT));
        else finish(null, { body: p.body, contentType: p.contentType });
      },
      // Over HTTP the server would have answered 500.
      () => finish(new Error('server returned HTTP status 500 Internal Server Error')),
    );
  });
}
