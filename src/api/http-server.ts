import Fastify, { type FastifyBaseLogger, type FastifyInstance, LogController } from 'fastify';
import type { ApiDeps } from './deps.ts';
import { applyRequestLimits, serverTimeoutOptions } from './request-limits.ts';
import { ApiError, sendError } from './respond.ts';
import { registerQueryRoutes } from './v1-query.ts';
import { registerSeriesRoutes, type SelectorParser } from './v1-series.ts';
import { registerLifecycleRoutes, registerStatusRoutes } from './v1-status.ts';
import { registerRemoteWriteRoute } from './v1-write.ts';

export interface HttpServerOptions {
  deps: ApiDeps;
  parseSelector: SelectorParser;
  /** A pino logger; none when undefined. */
  logger?: FastifyBaseLogger;
  /** TLS (and HTTP/2) options from the web config, spread into Fastify's options. */
  tls?: { https?: object; http2?: true };
  /** More routes from other parts (alert manager, rules, UI), registered after the core API. */
  extraRoutes?: ((app: FastifyInstance<any, any, any, any>) => void)[];
}

/** Builds the HTTP server: Prometheus API v1, lifecycle endpoints, /metrics, remote write. */
export function createHttpServer(opts: HttpServerOptions): FastifyInstance<any, any, any, any> {
  const { deps } = opts;
  // The options object is typed loosely: with TLS/HTTP2 from the web config Fastify's overloads differ.
  const app = Fastify({
    ...((opts.tls ?? {}) as object),
    ...serverTimeoutOptions(),
    ...(opts.logger ? { loggerInstance: opts.logger } : {}),
    // One log line per event: no per-request access logs.
    logController: new LogController({ disableRequestLogging: true }),
    exposeHeadRoutes: true,
    bodyLimit: deps.limits.maxBodyBytes,
    // Prometheus matches paths exactly; keep "/api/v1/query/" a 404 like it does.
    routerOptions: { ignoreTrailingSlash: false },
  } as object) as unknown as FastifyInstance;

  applyRequestLimits(app);
  app.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string' }, (_req, body, done) => {
    const out: Record<string, string | string[]> = {};
    for (const [k, v] of new URLSearchParams(body as string)) {
      const prev = out[k];
      if (prev === undefined) out[k] = v;
      else if (Array.isArray(prev)) prev.push(v);
      else out[k] = [prev, v];
    }
    done(null, out);
  });
  // Remote write bodies (and anything else binary) arrive as raw buffers.
  app.addContentTypeParser(
    ['application/x-protobuf', 'application/octet-stream'],
    { parseAs: 'buffer' },
    (_r, b, done) => done(null, b),
  );

  app.setErrorHandler((err, _req, reply) => {
    if (err instanceof ApiError) return sendError(reply, err.type, err.message);
    const e = err as { statusCode?: number; code?: string; message: string };
    if (e.code === 'FST_ERR_CTP_BODY_TOO_LARGE' || e.statusCode === 413) {
      return reply.code(413).type('text/plain').send(`request body too large: ${e.message}\n`);
    }
    if (e.statusCode && e.statusCode >= 400 && e.statusCode < 500) {
      return sendError(reply, 'bad_data', e.message);
    }
    opts.logger?.error({ err }, 'request failed');
    return sendError(reply, 'internal', e.message);
  });
  app.setNotFoundHandler((req, reply) => {
    if (req.url.startsWith('/api/')) return sendError(reply, 'not_found', `404 page not found`);
    return reply.code(404).type('text/plain').send('404 page not found\n');
  });

  registerQueryRoutes(app, deps);
  registerSeriesRoutes(app, deps, opts.parseSelector);
  registerStatusRoutes(app, deps);
  registerLifecycleRoutes(app, deps);
  if (deps.remoteWriteAppendable) {
    registerRemoteWriteRoute(app, deps.remoteWriteAppendable);
  } else {
    app.post('/api/v1/write', async (_req, reply) =>
      reply
        .code(404)
        .type('text/plain')
        .send('remote write receiver needs to be enabled with --web.enable-remote-write-receiver\n'),
    );
  }
  for (const register of opts.extraRoutes ?? []) register(app);
  return app;
}
