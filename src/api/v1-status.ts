import type { FastifyInstance } from 'fastify';
import type { ApiDeps } from './deps.ts';
import { param } from './params.ts';
import { ApiError, sendSuccess } from './respond.ts';

export function registerStatusRoutes(app: FastifyInstance, deps: ApiDeps): void {
  app.get('/api/v1/targets', async (req, reply) => {
    const state = (param(req, 'state') ?? 'any').toLowerCase();
    const pool = param(req, 'scrapePool');
    const t = deps.targets();
    const byPool = <T extends Record<string, unknown>>(list: T[]) =>
      pool
        ? list.filter((x) => x.scrapePool === pool || (x.discoveredLabels as Record<string, string>)?.job === pool)
        : list;
    const data: Record<string, unknown> = {
      activeTargets: state === 'any' || state === 'active' ? byPool(t.activeTargets) : [],
      droppedTargets: state === 'any' || state === 'dropped' ? byPool(t.droppedTargets) : [],
    };
    if (t.droppedTargetCounts) data.droppedTargetCounts = t.droppedTargetCounts;
    return sendSuccess(reply, data);
  });
  app.get('/api/v1/scrape_pools', async (_req, reply) => {
    const pools = new Set<string>();
    for (const x of deps.targets().activeTargets) pools.add(String(x.scrapePool));
    return sendSuccess(reply, { scrapePools: [...pools].sort() });
  });
  app.get('/api/v1/status/config', async (_req, reply) => sendSuccess(reply, { yaml: deps.configYaml() }));
  app.get('/api/v1/status/flags', async (_req, reply) => sendSuccess(reply, deps.flags()));
  app.get('/api/v1/status/buildinfo', async (_req, reply) => sendSuccess(reply, deps.buildInfo()));
  app.get('/api/v1/status/runtimeinfo', async (_req, reply) => sendSuccess(reply, deps.runtimeInfo()));
  app.get('/api/v1/status/tsdb', async (req, reply) => {
    const l = param(req, 'limit');
    const limit = l === undefined ? 10 : Number(l);
    if (!Number.isInteger(limit) || limit < 1 || limit > 10000) {
      throw new ApiError('bad_data', 'limit must be a positive number');
    }
    const s = deps.headStats(limit);
    return sendSuccess(reply, {
      headStats: {
        numSeries: s.numSeries,
        numLabelPairs: s.labelValueCountByLabelName.reduce((a, x) => a + x.value, 0),
        chunkCount: s.chunkCount,
        minTime: s.minTime,
        maxTime: s.maxTime,
      },
      seriesCountByMetricName: s.seriesCountByMetricName,
      labelValueCountByLabelName: s.labelValueCountByLabelName,
      memoryInBytesByLabelName: s.memoryInBytesByLabelName,
      seriesCountByLabelValuePair: s.seriesCountByLabelValuePair,
    });
  });
  app.get('/api/v1/status/walreplay', async (_req, reply) => sendSuccess(reply, { min: 0, max: 0, current: 0 }));
}

export function registerLifecycleRoutes(app: FastifyInstance, deps: ApiDeps): void {
  for (const method of ['GET'] as const) {
    app.route({
      method,
      url: '/-/healthy',
      handler: async (_req, reply) => reply.type('text/plain; charset=utf-8').send('Osprey Server is Healthy.\n'),
    });
    app.route({
      method,
      url: '/-/ready',
      handler: async (_req, reply) =>
        deps.ready()
          ? reply.type('text/plain; charset=utf-8').send('Osprey Server is Ready.\n')
          : reply.code(503).type('text/plain; charset=utf-8').send('Service Unavailable'),
    });
  }
  for (const method of ['POST', 'PUT'] as const) {
    app.route({
      method,
      url: '/-/reload',
      handler: async (_req, reply) => {
        if (!deps.lifecycleEnabled) {
          return reply.code(403).type('text/plain; charset=utf-8').send('Lifecycle API is not enabled.');
        }
        try {
          await deps.reload();
          return reply.code(200).send();
        } catch (e) {
          return reply
            .code(500)
            .type('text/plain; charset=utf-8')
            .send(`failed to reload config: ${(e as Error).message}\n`);
        }
      },
    });
  }
  app.get('/metrics', async (_req, reply) => {
    const m = await deps.selfMetrics();
    return reply.type(m.contentType).send(m.body);
  });
  for (const [path, produce] of Object.entries(deps.exporterRoutes ?? {})) {
    app.get(path, async (_req, reply) => {
      const m = await produce();
      return reply.type(m.contentType).send(m.body);
    });
  }
}
