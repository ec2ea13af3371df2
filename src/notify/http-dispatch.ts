/**
 * One HTTP request on an undici dispatcher, with the response body collected into a string by a plain
 * handler object. This skips what undici's `request()` API adds per request (a Readable for the body, the
 * handler wrappers, an abort-signal adapter), which was a large share of a notification's CPU time when a
 * burst of groups flushes at once. Redirects are followed by the caller (see HttpClient), not by an
 * interceptor, for the same reason.
 */
import type { Dispatcher } from 'undici';
import type { Cancellation } from '../alertmanager/cancellation.ts';
import type { HttpResponse } from './http.ts';
import { MAX_RESPONSE_BODY_BYTES, PairHeaders } from './http1-pool.ts';

export interface DispatchOptions {
  origin: string;
  path: string;
  method: string;
  headers: Record<string, string>;
  body?: string;
  signal?: Cancellation;
  /** ms; the whole request, connection to last body byte */
  timeoutMs?: number;
}

export function dispatchRequest(dispatcher: Dispatcher, opts: DispatchOptions): Promise<HttpResponse> {
  return new Promise((resolve, reject) => {
    const handler = new CollectingHandler(resolve, reject, opts.signal, opts.timeoutMs);
    if (handler.settled) return;
    dispatcher.dispatch(
      {
        origin: opts.origin,
        path: opts.path,
        method: opts.method as Dispatcher.HttpMethod,
        headers: opts.headers,
        body: opts.body,
      },
      // undici passes a handler without onRequestStart through unwrapped (its own, older callback API).
      handler as unknown as Dispatcher.DispatchHandler,
    );
  });
}

/** The abort reason as an Error named as fetch names them (AbortError, TimeoutError). */
function abortError(reason: unknown, name: string): Error {
  if (reason instanceof Error) return reason;
  const e = new Error(name === 'TimeoutError' ? 'request timed out' : 'request canceled');
  e.name = name;
  return e;
}

/** Collects status, raw headers and body; settles once, on completion, error, abort or timeout. */
class CollectingHandler {
  settled = false;
  private status = 0;
  private rawHeaders: Buffer[] = [];
  private readonly chunks: Buffer[] = [];
  private bytes = 0;
  private abortFn: ((err: Error) => void) | null = null;
  private pendingAbort: Error | null = null;
  private timer: NodeJS.Timeout | null = null;

  constructor(
    private readonly resolve: (r: HttpResponse) => void,
    private readonly reject: (e: unknown) => void,
    private readonly signal: Cancellation | undefined,
    timeoutMs: number | undefined,
  ) {
    if (signal?.aborted) {
      this.fail(abortError(signal.reason, 'AbortError'));
      return;
    }
    signal?.addEventListener('abort', this, { once: true });
    if (timeoutMs) this.timer = setTimeout(() => this.cancel(abortError(undefined, 'TimeoutError')), timeoutMs);
  }

  /** The signal's abort event. */
  handleEvent(): void {
    this.cancel(abortError(this.signal?.reason, 'AbortError'));
  }

  private cancel(err: Error): void {
    if (this.settled) return;
    if (this.abortFn) this.abortFn(err);
    else this.pendingAbort = err;
    this.fail(err);
  }

  onConnect(abort: (err: Error) => void): void {
    this.abortFn = abort;
    if (this.pendingAbort) abort(this.pendingAbort);
  }

  onHeaders(status: number, rawHeaders: Buffer[]): boolean {
    this.status = status;
    this.rawHeaders = rawHeaders;
    return true;
  }

  onData(chunk: Buffer): boolean {
    if (this.bytes < MAX_RESPONSE_BODY_BYTES) {
      const room = MAX_RESPONSE_BODY_BYTES - this.bytes;
      this.chunks.push(chunk.length > room ? chunk.subarray(0, room) : chunk);
      this.bytes += Math.min(chunk.length, room);
    }
    return true;
  }

  onComplete(): void {
    if (this.settled) return;
    this.done();
    const body =
      this.chunks.length === 0
        ? ''
        : this.chunks.length === 1
          ? (this.chunks[0] as Buffer).toString('utf8')
          : Buffer.concat(this.chunks).toString('utf8');
    const pairs: [string, string][] = [];
    for (let i = 0; i + 1 < this.rawHeaders.length; i += 2)
      pairs.push([String(this.rawHeaders[i]).toLowerCase(), String(this.rawHeaders[i + 1])]);
    this.resolve({ status: this.status, headers: new PairHeaders(pairs), body });
  }

  onError(err: Error): void {
    this.fail(err);
  }

  onUpgrade(): void {
    this.fail(new Error('unexpected protocol upgrade'));
  }

  private fail(err: Error): void {
    if (this.settled) return;
    this.done();
    this.reject(err);
  }

  private done(): void {
    this.settled = true;
    if (this.timer) clearTimeout(this.timer);
    this.signal?.removeEventListener('abort', this);
  }
}
