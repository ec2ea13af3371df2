/**
 * A small HTTP/1.1 client for notifications: one origin, kept-alive connections (at most `maxConnections`,
 * the rest of the requests wait in order), one request per connection at a time, each request written with
 * one socket write and its response parsed by ResponseParser.
 *
 * Why not undici or node:http: a burst of groups flushing at once (group_wait: 0s) sends thousands of small
 * POSTs a second, and the general clients' per-request machinery (streams, handler layers, abort-signal
 * adapters) was about a third of the alert manager's CPU time per notification; this path is a fraction of
 * that. It is used for http:// and https:// URLs without a proxy; proxies go through undici.
 */
import { isIP, connect as netConnect, type Socket } from 'node:net';
import { type ConnectionOptions, connect as tlsConnect } from 'node:tls';
import type { Cancellation } from '../alertmanager/cancellation.ts';
import { Fifo } from '../model/fifo.ts';
import type { HttpResponse, ResponseHeaders } from './http.ts';
import { ResponseParser } from './http1-response-parser.ts';

/** Response bodies are read up to this size; the rest is dropped (bodies only feed error messages and small JSON replies). */
export const MAX_RESPONSE_BODY_BYTES = 1 << 20;

/** Idle connections are closed after this long (below the 5 s keep-alive of Node servers, so we close first). */
export const IDLE_TIMEOUT_MS = 4_000;

export interface Http1Request {
  method: string;
  /** path and query */
  path: string;
  /** lower-case names; host and content-length are added */
  headers: Record<string, string>;
  body?: string;
  /** ms; connection to last body byte */
  timeoutMs?: number;
}

export class RequestError extends Error {
  constructor(
    message: string,
    override readonly name = 'Error',
  ) {
    super(message);
  }
}

export class Http1Pool {
  private readonly idle: Connection[] = [];
  private readonly waiting = new Fifo<Exchange>();
  private open = 0;
  private closed = false;
  readonly hostHeader: string;

  constructor(
    readonly protocol: 'http:' | 'https:',
    readonly hostname: string,
    readonly port: number,
    private readonly tls: ConnectionOptions,
    private readonly maxConnections: number,
  ) {
    const defaultPort = protocol === 'https:' ? 443 : 80;
    const host = isIP(hostname) === 6 ? `[${hostname}]` : hostname;
    this.hostHeader = port === defaultPort ? host : `${host}:${port}`;
  }

  request(req: Http1Request, cancel?: Cancellation): Promise<HttpResponse> {
    return new Promise((resolve, reject) => {
      if (this.closed) return reject(new RequestError('client closed'));
      const ex = new Exchange(req, resolve, reject, cancel);
      if (ex.settled) return;
      this.assign(ex);
    });
  }

  /** Closes every connection; requests in flight fail. */
  close(): void {
    this.closed = true;
    for (const c of this.idle.splice(0)) c.destroy();
    for (const ex of this.waiting.drain()) ex.fail(new RequestError('client closed'));
  }

  /** Gives the exchange a connection: an idle one, a new one, or a place in the queue. */
  assign(ex: Exchange): void {
    const c = this.idle.pop();
    if (c) c.start(ex, true);
    else if (this.open < this.maxConnections) {
      this.open++;
      new Connection(this, this.connect()).start(ex, false);
    } else this.waiting.push(ex);
  }

  /** A connection finished a response and can take another request. */
  release(c: Connection): void {
    for (let ex = this.waiting.shift(); ex; ex = this.waiting.shift()) {
      if (!ex.settled) {
        c.start(ex, true);
        return;
      }
    }
    if (this.closed) c.destroy();
    else {
      c.idleSince();
      this.idle.push(c);
    }
  }

  /** A connection is gone (closed, failed, timed out); a waiting request may open a new one. */
  forget(c: Connection): void {
    this.open--;
    const i = this.idle.indexOf(c);
    if (i >= 0) this.idle.splice(i, 1);
    for (let ex = this.waiting.shift(); ex; ex = this.waiting.shift()) {
      if (!ex.settled) {
        this.assign(ex);
        return;
      }
    }
  }

  private connect(): Socket {
    if (this.protocol === 'http:') return netConnect({ host: this.hostname, port: this.port });
    const servername = isIP(this.hostname) ? undefined : this.hostname;
    return tlsConnect({ host: this.hostname, port: this.port, servername, ALPNProtocols: ['http/1.1'], ...this.tls });
  }
}

/** One request and its response. Settles once: with the response, an error, a timeout or a cancellation. */
class Exchange {
  settled = false;
  conn: Connection | null = null;
  private timer: NodeJS.Timeout | null = null;

  constructor(
    readonly req: Http1Request,
    private readonly resolve: (r: HttpResponse) => void,
    private readonly reject: (e: unknown) => void,
    private readonly cancel: Cancellation | undefined,
  ) {
    if (cancel?.aborted) {
      this.fail(reasonError(cancel.reason));
      return;
    }
    cancel?.addEventListener('abort', this, { once: true });
    if (req.timeoutMs)
      this.timer = setTimeout(() => this.abort(new RequestError('request timed out', 'TimeoutError')), req.timeoutMs);
  }

  /** The cancellation's abort event. */
  handleEvent(): void {
    this.abort(reasonError(this.cancel?.reason));
  }

  private abort(err: Error): void {
    if (this.settled) return;
    const c = this.conn;
    this.fail(err);
    c?.destroy();
  }

  succeed(r: HttpResponse): void {
    if (this.settled) return;
    this.done();
    this.resolve(r);
  }

  fail(err: Error): void {
    if (this.settled) return;
    this.done();
    this.reject(err);
  }

  private done(): void {
    this.settled = true;
    this.conn = null;
    if (this.timer) clearTimeout(this.timer);
    this.cancel?.removeEventListener('abort', this);
  }
}

function reasonError(reason: unknown): Error {
  return reason instanceof Error ? reason : new RequestError('request canceled', 'AbortError');
}

/** A header value or path that would let a caller write extra lines into the request. */
const UNSAFE = /[\r\n\0]/;

function requestHead(pool: Http1Pool, req: Http1Request, bodyBytes: number): string {
  if (UNSAFE.test(req.path) || UNSAFE.test(req.method)) throw new RequestError('invalid characters in request line');
  let head = `${req.method} ${req.path} HTTP/1.1\r\nhost: ${pool.hostHeader}\r\n`;
  for (const name in req.headers) {
    const v = req.headers[name] as string;
    if (UNSAFE.test(name) || UNSAFE.test(v))
      throw new RequestError(`invalid characters in header ${JSON.stringify(name)}`);
    head += `${name}: ${v}\r\n`;
  }
  if (req.body !== undefined || req.method === 'POST' || req.method === 'PUT')
    head += `content-length: ${bodyBytes}\r\n`;
  return `${head}\r\n`;
}

/** One kept-alive connection; carries one exchange at a time. */
class Connection {
  private ex: Exchange | null = null;
  private parser: ResponseParser | null = null;
  private chunks: Buffer[] = [];
  private bytes = 0;
  /** response bytes seen for the current exchange (a reused connection that fails before any is retried) */
  private received = 0;
  private reused = false;
  private gone = false;
  private idleTimer: NodeJS.Timeout | null = null;

  constructor(
    private readonly pool: Http1Pool,
    private readonly socket: Socket,
  ) {
    socket.setNoDelay(true);
    socket.on('data', (d: Buffer) => this.onData(d));
    socket.on('end', () => this.onEnd());
    socket.on('error', (e) => this.onClose(e));
    socket.on('close', () => this.onClose(null));
  }

  start(ex: Exchange, reused: boolean): void {
    if (this.idleTimer) {
      clearTimeout(this.idleTimer);
      this.idleTimer = null;
    }
    this.socket.ref();
    this.ex = ex;
    ex.conn = this;
    this.reused = reused;
    this.received = 0;
    this.chunks = [];
    this.bytes = 0;
    const req = ex.req;
    this.parser = new ResponseParser((b) => this.onBody(b), req.method === 'HEAD');
    const body = req.body ?? '';
    let head: string;
    try {
      head = requestHead(this.pool, req, Buffer.byteLength(body));
    } catch (e) {
      // Nothing was written: the connection is still good.
      this.ex = null;
      ex.fail(e as Error);
      this.pool.release(this);
      return;
    }
    this.socket.write(body === '' ? head : head + body);
  }

  idleSince(): void {
    this.socket.unref();
    this.idleTimer = setTimeout(() => this.destroy(), IDLE_TIMEOUT_MS);
    this.idleTimer.unref();
  }

  destroy(): void {
    this.socket.destroy();
    this.onClose(null);
  }

  private onBody(b: Buffer): void {
    if (this.bytes >= MAX_RESPONSE_BODY_BYTES) return;
    const room = MAX_RESPONSE_BODY_BYTES - this.bytes;
    // The chunk may be a view of a buffer the parser keeps; copy when it is cut.
    this.chunks.push(b.length > room ? Buffer.from(b.subarray(0, room)) : b);
    this.bytes += Math.min(b.length, room);
  }

  private onData(d: Buffer): void {
    const ex = this.ex;
    const parser = this.parser;
    if (!ex || !parser) {
      // Bytes with no request outstanding: the connection is out of step.
      this.destroy();
      return;
    }
    this.received += d.length;
    let complete: boolean;
    try {
      complete = parser.push(d);
    } catch (e) {
      ex.fail(new RequestError(`malformed response: ${(e as Error).message}`));
      this.destroy();
      return;
    }
    if (complete) this.finish(ex, parser);
  }

  private onEnd(): void {
    const ex = this.ex;
    const parser = this.parser;
    if (ex && parser?.end()) this.finish(ex, parser);
    this.destroy();
  }

  private finish(ex: Exchange, parser: ResponseParser): void {
    const head = parser.head;
    this.ex = null;
    this.parser = null;
    if (!head) {
      ex.fail(new RequestError('malformed response'));
      this.destroy();
      return;
    }
    const chunks = this.chunks;
    this.chunks = [];
    const body =
      chunks.length === 0
        ? ''
        : chunks.length === 1
          ? (chunks[0] as Buffer).toString('utf8')
          : Buffer.concat(chunks).toString('utf8');
    ex.succeed({ status: head.status, headers: new PairHeaders(head.headers), body });
    if (parser.reusable && !this.gone) this.pool.release(this);
    else this.destroy();
  }

  private onClose(err: Error | null): void {
    if (this.gone) return;
    this.gone = true;
    if (this.idleTimer) clearTimeout(this.idleTimer);
    this.socket.destroy();
    this.pool.forget(this);
    const ex = this.ex;
    this.ex = null;
    if (!ex || ex.settled) return;
    ex.conn = null;
    // A kept-alive connection the server closed just as the request went out: nothing of a response came,
    // so the request is sent again on a new connection (as Go's and undici's clients do).
    if (this.reused && this.received === 0) {
      this.pool.assign(ex);
      return;
    }
    const code = (err as NodeJS.ErrnoException | null)?.code;
    ex.fail(
      new RequestError(
        err
          ? `${err.message}${code && !err.message.includes(code) ? ` (${code})` : ''}`
          : 'connection closed before the response ended',
      ),
    );
  }
}

/** Response headers as parsed: lookups by name join repeated values, as Headers.get does. */
export class PairHeaders implements ResponseHeaders {
  constructor(private readonly pairs: readonly [string, string][]) {}

  get(name: string): string | null {
    const want = name.toLowerCase();
    let out: string | null = null;
    for (const [k, v] of this.pairs) if (k === want) out = out === null ? v : `${out}, ${v}`;
    return out;
  }
}
