/**
 * Limits on what a client controls, as hooks that sit in front of the routes: per-endpoint body sizes
 * (413), query length (400 bad_data), and server timeouts against slow clients. The global body cap is
 * Fastify's `bodyLimit` (set in createHttpServer); these are tighter, per endpoint.
 */
import { Readable } from 'node:stream';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { param } from './params.ts';
import { sendError } from './respond.ts';

export interface RequestLimits {
  /** Max body bytes by URL path prefix; the longest matching prefix wins. */
  bodyBytesByPrefix: Record<string, number>;
  /** Max length in characters of a PromQL `query` (or `match[]`) parameter; 0 = none. */
  maxQueryLength: number;
}

export const DEFAULT_REQUEST_LIMITS: RequestLimits = {
  bodyBytesByPrefix: {
    // Remote write batches are compressed; 32 MiB matches the global cap and the decoder's own limit.
    '/api/v1/write': 32 * 1024 * 1024,
    '/api/v2/alerts': 4 * 1024 * 1024,
    '/api/v1/alerts': 4 * 1024 * 1024,
    '/api/v2/silences': 1024 * 1024,
    '/api/v1/silences': 1024 * 1024,
    '/api/v1/admin': 1024 * 1024,
    '/-/': 64 * 1024,
  },
  maxQueryLength: 256 * 1024,
};

const QUERY_PATHS = new Set([
  '/api/v1/query',
  '/api/v1/query_range',
  '/api/v1/format_query',
  '/api/v1/parse_query',
  '/api/v1/query_exemplars',
]);

function limitFor(path: string, byPrefix: Record<string, number>): number {
  let best = -1;
  let limit = 0;
  for (const prefix in byPrefix) {
    if (path.startsWith(prefix) && prefix.length > best) {
      best = prefix.length;
      limit = byPrefix[prefix];
    }
  }
  return limit;
}

/**
 * Installs the hooks. Bodies announced larger than the endpoint's limit are refused before they are read;
 * chunked bodies are counted as they arrive (preParsing) and cut off at the limit.
 */
export function applyRequestLimits(
  app: FastifyInstance<any, any, any, any>,
  limits: RequestLimits = DEFAULT_REQUEST_LIMITS,
): void {
  app.addHook('onRequest', async (req: FastifyRequest, reply: FastifyReply) => {
    const limit = limitFor(req.url.split('?')[0], limits.bodyBytesByPrefix);
    if (limit <= 0) return;
    const announced = Number(req.headers['content-length']);
    if (Number.isFinite(announced) && announced > limit) return tooLarge(reply, announced, limit);
  });
  app.addHook('preParsing', async (req: FastifyRequest, _reply: FastifyReply, payload: NodeJS.ReadableStream) => {
    const limit = limitFor(req.url.split('?')[0], limits.bodyBytesByPrefix);
    if (limit <= 0 || req.headers['content-length'] !== undefined) return payload;
    return capStream(payload, limit);
  });
  app.addHook('preHandler', async (req: FastifyRequest, reply: FastifyReply) => {
    if (limits.maxQueryLength <= 0) return;
    const path = req.url.split('?')[0];
    if (!QUERY_PATHS.has(path)) return;
    const q = param(req, 'query');
    if (q !== undefined && q.length > limits.maxQueryLength) {
      return sendError(
        reply,
        'bad_data',
        `invalid parameter "query": query is ${q.length} characters long, more than the limit of ${limits.maxQueryLength}`,
      );
    }
  });
}

function tooLarge(reply: FastifyReply, size: number, limit: number): FastifyReply {
  return reply
    .code(413)
    .type('text/plain; charset=utf-8')
    .send(`request body too large: ${size} bytes, the limit for this endpoint is ${limit} bytes\n`);
}

/** Passes a body stream through, failing with a 413 error once more than `limit` bytes arrived. */
async function* capStreamGen(src: AsyncIterable<Buffer>, limit: number): AsyncGenerator<Buffer> {
  let n = 0;
  for await (const chunk of src) {
    n += chunk.length;
    if (n > limit) {
      const err = new Error(`request body too large: more than ${limit} bytes`) as Error & {
        statusCode: number;
        code: string;
      };
      err.statusCode = 413;
      err.code = 'FST_ERR_CTP_BODY_TOO_LARGE';
      throw err;
    }
    yield chunk;
  }
}

function capStream(payload: NodeJS.ReadableStream, limit: number): NodeJS.ReadableStream {
  return Readable.from(capStreamGen(payload as AsyncIterable<Buffer>, limit), { objectMode: false });
}

export interface ServerTimeouts {
  /** ms a whole request (headers and body) may take; slow uploads get 408. */
  requestTimeout: number;
  /** ms an idle socket is kept before it is closed (also bounds slow header senders via Node's headersTimeout). */
  connectionTimeout: number;
  /** ms an idle keep-alive connection is kept. */
  keepAliveTimeout: number;
}

export const DEFAULT_SERVER_TIMEOUTS: ServerTimeouts = {
  requestTimeout: 5 * 60 * 1000,
  connectionTimeout: 10 * 60 * 1000,
  keepAliveTimeout: 5 * 1000,
};

/** Options to spread into `Fastify({...})` against slow clients (slowloris). */
export function serverTimeoutOptions(t: ServerTimeouts = DEFAULT_SERVER_TIMEOUTS): ServerTimeouts {
  return { ...t };
}
