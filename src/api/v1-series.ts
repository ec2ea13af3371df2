import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { compareLabels, type Labels, type Matcher } from '../model/index.ts';
import type { ApiDeps } from './deps.ts';
import { MAX_TIME, MIN_TIME, param, paramAll, parseLimit, parseTime } from './params.ts';
import { ApiError, sendSuccess } from './respond.ts';

/** Parses match[] selectors; provided by the PromQL parser through the server wiring. */
export type SelectorParser = (s: string) => Matcher[];

export function registerSeriesRoutes(app: FastifyInstance, deps: ApiDeps, parseSelector: SelectorParser): void {
  const timeRange = (req: FastifyRequest) => {
    const s = param(req, 'start');
    const e = param(req, 'end');
    const start = s ? parseTime(s, 'start') : MIN_TIME;
    const end = e ? parseTime(e, 'end') : MAX_TIME;
    if (end < start)
      throw new ApiError('bad_data', 'invalid parameter "end": end timestamp must not be before start time');
    return { start, end };
  };
  const matcherSets = (req: FastifyRequest): Matcher[][] =>
    paramAll(req, 'match[]').map((m) => {
      try {
        return parseSelector(m);
      } catch (e) {
        throw new ApiError('bad_data', `invalid parameter "match[]": ${(e as Error).message}`);
      }
    });
  /** Datasource mode: the request as it came, answered by the external engine. */
  const proxied = async (req: FastifyRequest, reply: FastifyReply, path: string, get: boolean) => {
    const px = deps.readProxy?.();
    if (!px) return null;
    const r = await px.forward(path, requestParams(req), get);
    return sendSuccess(reply, r.data, r.warnings, r.infos);
  };
  /** With remote_read, storage merged with the remote series matching the sets (plus warnings). */
  const storageFor = async (sets: Matcher[][], start: number, end: number) =>
    (sets.length > 0 ? await deps.prepareSelect?.(sets, start, end) : null) ?? {
      queryable: deps.storage,
      warnings: [] as string[],
    };
  const effectiveLimit = (req: FastifyRequest) => {
    const l = parseLimit(param(req, 'limit'));
    return l > 0 ? l : deps.limits.maxSeriesResponse;
  };

  for (const method of ['GET', 'POST'] as const) {
    app.route({
      method,
      url: '/api/v1/series',
      handler: async (req, reply) => {
        const sets = matcherSets(req);
        if (sets.length === 0) throw new ApiError('bad_data', 'no match[] parameter provided');
        const { start, end } = timeRange(req);
        const limit = effectiveLimit(req);
        if (await proxied(req, reply, '/api/v1/series', false)) return reply;
        const prepared = await storageFor(sets, start, end);
        const q = prepared.queryable.querier();
        const seen = new Map<number, Labels[]>();
        const out: Labels[] = [];
        for (const ms of sets) {
          for (const s of q.select(ms, start, end, { func: 'series' })) {
            const h = s.labels.hash();
            const bucket = seen.get(h);
            if (bucket?.some((l) => l.equals(s.labels))) continue;
            if (bucket) bucket.push(s.labels);
            else seen.set(h, [s.labels]);
            out.push(s.labels);
          }
        }
        out.sort(compareLabels);
        const warnings: string[] = [...prepared.warnings];
        let data = out;
        if (limit > 0 && out.length > limit) {
          data = out.slice(0, limit);
          warnings.push('results truncated due to limit');
        }
        return sendSuccess(
          reply,
          data.map((l) => l.toObject()),
          warnings,
        );
      },
    });
    app.route({
      method,
      url: '/api/v1/labels',
      handler: async (req, reply) => {
        const sets = matcherSets(req);
        const { start, end } = timeRange(req);
        if (await proxied(req, reply, '/api/v1/labels', false)) return reply;
        const prepared = await storageFor(sets, start, end);
        const q = prepared.queryable.querier();
        const names = new Set<string>();
        if (sets.length === 0) for (const n of q.labelNames([], start, end)) names.add(n);
        for (const ms of sets) for (const n of q.labelNames(ms, start, end)) names.add(n);
        return sendLimited(reply, [...names].sort(), effectiveLimit(req), prepared.warnings);
      },
    });
  }
  app.get<{ Params: { name: string } }>('/api/v1/label/:name/values', async (req, reply) => {
    let name = req.params.name;
    if (name.startsWith('U__')) name = unescapeUtf8LabelName(name);
    if (name === '') throw new ApiError('bad_data', `invalid label name: "${req.params.name}"`);
    const sets = matcherSets(req);
    const { start, end } = timeRange(req);
    if (await proxied(req, reply, `/api/v1/label/${encodeURIComponent(req.params.name)}/values`, true)) return reply;
    const prepared = await storageFor(sets, start, end);
    const q = prepared.queryable.querier();
    const values = new Set<string>();
    if (sets.length === 0) for (const v of q.labelValues(name, [], start, end)) values.add(v);
    for (const ms of sets) for (const v of q.labelValues(name, ms, start, end)) values.add(v);
    return sendLimited(reply, [...values].sort(), effectiveLimit(req), prepared.warnings);
  });
  app.get('/api/v1/metadata', async (req, reply) => {
    if (await proxied(req, reply, '/api/v1/metadata', true)) return reply;
    const limit = parseLimit(param(req, 'limit'));
    const perMetric = parseLimit(param(req, 'limit_per_metric'));
    const metric = param(req, 'metric');
    const all = deps.metadata();
    const out: Record<string, unknown[]> = {};
    let n = 0;
    for (const name of Object.keys(all).sort()) {
      if (metric && name !== metric) continue;
      if (limit > 0 && n >= limit) break;
      out[name] = perMetric > 0 ? all[name].slice(0, perMetric) : all[name];
      n++;
    }
    return sendSuccess(reply, out);
  });
}

function sendLimited(
  reply: Parameters<typeof sendSuccess>[0],
  values: string[],
  limit: number,
  warnings: string[] = [],
) {
  if (limit > 0 && values.length > limit) {
    return sendSuccess(reply, values.slice(0, limit), [...warnings, 'results truncated due to limit']);
  }
  return sendSuccess(reply, values, warnings);
}

/** The request's parameters (query string and form body), to forward as they came. */
function requestParams(req: FastifyRequest): URLSearchParams {
  const p = new URLSearchParams();
  for (const src of [req.query, req.body]) {
    if (!src || typeof src !== 'object') continue;
    for (const [k, v] of Object.entries(src as Record<string, unknown>)) {
      for (const x of Array.isArray(v) ? v : [v]) if (typeof x === 'string') p.append(k, x);
    }
  }
  return p;
}

/** Prometheus 3's "U__" escaping of UTF-8 label names in URL paths: _ is "__", other runes "_HEX_". */
function unescapeUtf8LabelName(s: string): string {
  const body = s.slice(3);
  let out = '';
  for (let i = 0; i < body.length; i++) {
    const c = body[i];
    if (c !== '_') {
      out += c;
      continue;
    }
    if (body[i + 1] === '_') {
      out += '_';
      i++;
      continue;
    }
    const end = body.indexOf('_', i + 1);
    if (end < 0) return s;
    const cp = Number.parseInt(body.slice(i + 1, end), 16);
    if (Number.isNaN(cp)) return s;
    out += String.fromCodePoint(cp);
    i = end;
  }
  return out;
}
