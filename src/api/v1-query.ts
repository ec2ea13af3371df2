import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { ApiDeps, QueryOptions } from './deps.ts';
import { param, parseDurationParam, parseLimit, parseTime } from './params.ts';
import { ApiError, sendSuccess } from './respond.ts';

/** Maximum number of points per timeseries in a range query, as Prometheus enforces. */
const MAX_POINTS = 11000;

export function registerQueryRoutes(app: FastifyInstance, deps: ApiDeps): void {
  const instant = async (req: FastifyRequest, reply: FastifyReply) => {
    const query = param(req, 'query') ?? '';
    const t = param(req, 'time');
    const time = t === undefined || t === '' ? Date.now() : parseTime(t, 'time');
    return deps.query.instant(query, time, options(req, reply));
  };
  const range = async (req: FastifyRequest, reply: FastifyReply) => {
    const query = param(req, 'query') ?? '';
    const start = parseTime(requireParam(req, 'start'), 'start');
    const end = parseTime(requireParam(req, 'end'), 'end');
    if (end < start)
      throw new ApiError('bad_data', 'invalid parameter "end": end timestamp must not be before start time');
    const step = parseDurationParam(requireParam(req, 'step'), 'step');
    if (step <= 0) {
      throw new ApiError(
        'bad_data',
        'invalid parameter "step": zero or negative query resolution step widths are not accepted. Try a positive integer',
      );
    }
    if ((end - start) / step > MAX_POINTS) {
      throw new ApiError(
        'bad_data',
        'exceeded maximum resolution of 11,000 points per timeseries. Try decreasing the query resolution (?step=XX)',
      );
    }
    return deps.query.range(query, start, end, step, options(req, reply));
  };
  for (const method of ['GET', 'POST'] as const) {
    app.route({
      method,
      url: '/api/v1/query',
      handler: async (req, reply) => {
        const r = await instant(req, reply);
        return sendSuccess(reply, r.data, r.warnings, r.infos);
      },
    });
    app.route({
      method,
      url: '/api/v1/query_range',
      handler: async (req, reply) => {
        const r = await range(req, reply);
        return sendSuccess(reply, r.data, r.warnings, r.infos);
      },
    });
    app.route({
      method,
      url: '/api/v1/format_query',
      handler: async (req, reply) => sendSuccess(reply, deps.query.format(requireParam(req, 'query'))),
    });
    app.route({
      method,
      url: '/api/v1/parse_query',
      handler: async (req, reply) => sendSuccess(reply, deps.query.parse(requireParam(req, 'query'))),
    });
    app.route({
      method,
      url: '/api/v1/query_exemplars',
      handler: async (req, reply) => {
        requireParam(req, 'query');
        return sendSuccess(reply, []);
      },
    });
  }
  app.get('/api/v1/alertmanagers', async (_req, reply) =>
    sendSuccess(reply, { activeAlertmanagers: [], droppedAlertmanagers: [] }),
  );
}

function options(req: FastifyRequest, reply: FastifyReply): QueryOptions {
  const out: QueryOptions = {
    request: { clientIP: req.ip, method: req.method, path: req.url.split('?')[0] },
    signal: clientGone(reply.raw),
  };
  const limit = param(req, 'limit');
  if (limit) out.limit = parseLimit(limit);
  const stats = param(req, 'stats');
  if (stats) out.stats = true;
  const timeout = param(req, 'timeout');
  if (timeout) out.timeout = parseDurationParam(timeout, 'timeout');
  const lb = param(req, 'lookback_delta');
  if (lb) out.lookbackDelta = parseDurationParam(lb, 'lookback_delta');
  return out;
}

/** A signal aborted when the client closes the connection before the response is written. */
function clientGone(res: FastifyReply['raw']): AbortSignal {
  const ac = new AbortController();
  res.once('close', () => {
    if (!res.writableFinished) ac.abort(new Error('client disconnected'));
  });
  return ac.signal;
}

function requireParam(req: FastifyRequest, name: string): string {
  const v = param(req, name);
  if (v === undefined || v === '') {
    throw new ApiError(
      'bad_data',
      `invalid parameter "${name}": cannot parse "" to a valid ${name === 'step' ? 'duration' : 'timestamp'}`,
    );
  }
  return v;
}
