/**
 * Alertmanager API v2 (shapes as in Alertmanager's OpenAPI spec) and Osprey's notification history:
 *
 *   GET/POST /api/v2/alerts, GET /api/v2/alerts/groups, GET/POST /api/v2/silences,
 *   GET/DELETE /api/v2/silence/{id}, GET /api/v2/status, GET /api/v2/receivers,
 *   GET /api/v1/notifications (beyond Alertmanager).
 *
 * Errors are 400/404/500 with a JSON string body, as Alertmanager's go-swagger server sends them.
 */
import type { FastifyInstance, FastifyReply } from 'fastify';
import { alertmanagerConfigToYaml } from '../config/alertmanager-index.ts';
import { AnchoredRegex, type Matcher, RegexError } from '../model/index.ts';
import type { AlertFilter, Alertmanager, AlertView } from './alertmanager.ts';
import type { HistoryQuery } from './history.ts';
import { type ApiMatcher, matcherFromApi, matcherToApi, parseMatchers } from './matchers.ts';
import { type Silence, SilenceError } from './silences.ts';

export type AlertmanagerService = Alertmanager;

export const VERSION_INFO = {
  branch: 'osprey',
  buildDate: '',
  buildUser: 'osprey',
  goVersion: 'node',
  revision: '',
  version: '0.34.0',
};

class BadRequest extends Error {}

const iso = (ms: number) => new Date(ms).toISOString();

function list(v: unknown): string[] {
  if (v === undefined) return [];
  return Array.isArray(v) ? v.map(String) : [String(v)];
}

function bool(v: unknown, name: string): boolean | undefined {
  if (v === undefined) return undefined;
  const s = Array.isArray(v) ? String(v[v.length - 1]) : String(v);
  if (s === 'true' || s === '1') return true;
  if (s === 'false' || s === '0') return false;
  throw new BadRequest(`${name} in query must be of type boolean: "${s}"`);
}

function filterMatchers(q: Record<string, unknown>): Matcher[] {
  const out: Matcher[] = [];
  for (const f of list(q.filter)) {
    try {
      out.push(...parseMatchers(f));
    } catch (e) {
      throw new BadRequest((e as Error).message);
    }
  }
  return out;
}

function alertFilter(q: Record<string, unknown>): AlertFilter {
  const f: AlertFilter = {
    active: bool(q.active, 'active'),
    silenced: bool(q.silenced, 'silenced'),
    inhibited: bool(q.inhibited, 'inhibited'),
    unprocessed: bool(q.unprocessed, 'unprocessed'),
    matchers: filterMatchers(q),
  };
  const r = list(q.receiver)[0];
  if (r !== undefined && r !== '') {
    try {
      f.receiver = new AnchoredRegex(r);
    } catch (e) {
      throw new BadRequest(e instanceof RegexError ? e.message : String(e));
    }
  }
  return f;
}

function gettableAlert(v: AlertView): Record<string, unknown> {
  const a = v.alert;
  const out: Record<string, unknown> = {
    annotations: a.annotations,
    endsAt: iso(a.endsAt),
    fingerprint: a.fingerprint,
    receivers: v.receivers.map((name) => ({ name })),
    startsAt: iso(a.startsAt),
    status: {
      inhibitedBy: v.status.inhibitedBy,
      mutedBy: v.status.mutedBy,
      silencedBy: v.status.silencedBy,
      state: v.status.state,
    },
    updatedAt: iso(a.updatedAt),
    labels: a.labels.toObject(),
  };
  if (a.generatorURL) out.generatorURL = a.generatorURL;
  return out;
}

function gettableSilence(am: Alertmanager, s: Silence): Record<string, unknown> {
  return {
    id: s.id,
    status: { state: am.silences.state(s) },
    updatedAt: iso(s.updatedAt),
    comment: s.comment,
    createdBy: s.createdBy,
    endsAt: iso(s.endsAt),
    matchers: s.matchers.map(matcherToApi),
    startsAt: iso(s.startsAt),
  };
}

function parseTime(v: unknown, what: string): number {
  if (v === undefined || v === null || v === '') return 0;
  if (typeof v !== 'string') throw new BadRequest(`${what} in body must be of type date-time`);
  const t = Date.parse(v);
  if (Number.isNaN(t)) throw new BadRequest(`${what} in body must be of type date-time: "${v}"`);
  // Go's zero time (0001-01-01T00:00:00Z) means unset.
  return t <= -62135596800000 ? 0 : t;
}

function stringMap(v: unknown, what: string): Record<string, string> {
  if (v === undefined || v === null) return {};
  if (typeof v !== 'object' || Array.isArray(v)) throw new BadRequest(`${what} in body must be of type object`);
  // Checked, not copied: the alert manager copies what it keeps.
  const m = v as Record<string, unknown>;
  for (const k in m) {
    if (typeof m[k] !== 'string') throw new BadRequest(`${what}.${k} in body must be of type string`);
  }
  return m as Record<string, string>;
}

/** Alertmanager sorts silences: active (by end), then pending (by start), then expired (latest end first). */
function sortSilences(am: Alertmanager, ss: Silence[]): Silence[] {
  const rank = { active: 0, pending: 1, expired: 2 };
  return ss.sort((a, b) => {
    const sa = am.silences.state(a);
    const sb = am.silences.state(b);
    if (sa !== sb) return rank[sa] - rank[sb];
    if (sa === 'active') return a.endsAt - b.endsAt;
    if (sa === 'pending') return a.startsAt - b.startsAt;
    return b.endsAt - a.endsAt;
  });
}

function send(reply: FastifyReply, code: number, body: unknown) {
  return reply.code(code).type('application/json').send(JSON.stringify(body));
}

function handle(reply: FastifyReply, e: unknown) {
  if (e instanceof BadRequest) return send(reply, 400, e.message);
  if (e instanceof SilenceError) return send(reply, e.kind === 'not_found' ? 404 : 400, e.message);
  return send(reply, 500, String((e as Error)?.message ?? e));
}

/**
 * Adds the routes to `app` (in an encapsulated plugin, so the JSON-string error bodies apply only here; the
 * routes exist once the app is ready).
 */
export function registerAlertmanagerRoutes(app: FastifyInstance, am: AlertmanagerService): void {
  app.register(async (sub) => {
    // Body parse errors and the like: Alertmanager answers with a JSON string.
    sub.setErrorHandler((err: { statusCode?: number; message: string }, _req, reply) => {
      const code = err.statusCode && err.statusCode >= 400 && err.statusCode < 500 ? err.statusCode : 500;
      return send(reply, code, err.message);
    });
    addRoutes(sub, am);
  });
}

function addRoutes(app: FastifyInstance, am: AlertmanagerService): void {
  app.get('/api/v2/status', async (_req, reply) =>
    send(reply, 200, {
      cluster: { name: '', peers: [], status: 'disabled' },
      config: { original: alertmanagerConfigToYaml(am.config, { compact: true }) },
      uptime: iso(am.startedAt),
      versionInfo: VERSION_INFO,
    }),
  );

  app.get('/api/v2/receivers', async (_req, reply) =>
    send(
      reply,
      200,
      am.config.receivers.map((r) => ({ name: r.name })),
    ),
  );

  app.get('/api/v2/alerts', async (req, reply) => {
    try {
      const f = alertFilter(req.query as Record<string, unknown>);
      return send(reply, 200, am.listAlerts(f).map(gettableAlert));
    } catch (e) {
      return handle(reply, e);
    }
  });

  app.post('/api/v2/alerts', async (req, reply) => {
    try {
      const body = req.body;
      if (!Array.isArray(body)) throw new BadRequest('alerts in body must be of type array');
      const inputs = body.map((raw, i) => {
        if (raw === null || typeof raw !== 'object') throw new BadRequest(`${i} in body must be of type object`);
        const r = raw as Record<string, unknown>;
        if (r.labels === undefined || r.labels === null) throw new BadRequest(`${i}.labels in body is required`);
        return {
          labels: stringMap(r.labels, `${i}.labels`),
          annotations: stringMap(r.annotations, `${i}.annotations`),
          startsAt: parseTime(r.startsAt, `${i}.startsAt`),
          endsAt: parseTime(r.endsAt, `${i}.endsAt`),
          generatorURL: typeof r.generatorURL === 'string' ? r.generatorURL : '',
        };
      });
      const res = am.putAlerts(inputs);
      if (res.accepted > 0) await am.dueFlushesStarted();
      if (res.errors.length > 0) return send(reply, 400, res.errors.join('; '));
      return reply.code(200).send();
    } catch (e) {
      return handle(reply, e);
    }
  });

  app.get('/api/v2/alerts/groups', async (req, reply) => {
    try {
      const f = alertFilter(req.query as Record<string, unknown>);
      return send(
        reply,
        200,
        am.listGroups(f).map((g) => ({
          alerts: g.alerts.map(gettableAlert),
          labels: g.labels.toObject(),
          receiver: { name: g.receiver },
        })),
      );
    } catch (e) {
      return handle(reply, e);
    }
  });

  app.get('/api/v2/silences', async (req, reply) => {
    try {
      const q = req.query as Record<string, unknown>;
      const ms = filterMatchers(q);
      const creators = list(q.creator);
      const out = am.silences.list().filter((s) => {
        if (creators.length && !creators.includes(s.createdBy)) return false;
        // As Alertmanager: the filter applies to the silence's matchers taken as a label set.
        const asLabels = new Map(s.matchers.map((m) => [m.name, m.value]));
        return ms.every((m) => m.matches(asLabels.get(m.name) ?? ''));
      });
      return send(
        reply,
        200,
        sortSilences(am, out).map((s) => gettableSilence(am, s)),
      );
    } catch (e) {
      return handle(reply, e);
    }
  });

  app.post('/api/v2/silences', async (req, reply) => {
    try {
      const b = req.body as Record<string, unknown> | null;
      if (b === null || typeof b !== 'object' || Array.isArray(b))
        throw new BadRequest('silence in body must be of type object');
      for (const k of ['matchers', 'startsAt', 'endsAt', 'createdBy', 'comment'])
        if (b[k] === undefined || b[k] === null) throw new BadRequest(`${k} in body is required`);
      if (!Array.isArray(b.matchers) || b.matchers.length === 0)
        throw new BadRequest('matchers in body should have at least 1 items');
      const matchers = (b.matchers as ApiMatcher[]).map((m, i) => {
        if (typeof m?.name !== 'string' || typeof m.value !== 'string' || typeof m.isRegex !== 'boolean')
          throw new BadRequest(`matchers.${i} must have name, value (strings) and isRegex (boolean)`);
        try {
          return matcherFromApi(m);
        } catch (e) {
          throw new BadRequest(e instanceof RegexError ? e.message : String(e));
        }
      });
      const startsAt = parseTime(b.startsAt, 'startsAt');
      const endsAt = parseTime(b.endsAt, 'endsAt');
      if (startsAt >= endsAt) throw new BadRequest('Failed to create silence: start time must be before end time');
      if (endsAt < Date.now()) throw new BadRequest("Failed to create silence: end time can't be in the past");
      const id = am.silences.set({
        id: typeof b.id === 'string' && b.id !== '' ? b.id : undefined,
        matchers,
        startsAt,
        endsAt,
        createdBy: String(b.createdBy),
        comment: String(b.comment),
      });
      return send(reply, 200, { silenceID: id });
    } catch (e) {
      return handle(reply, e);
    }
  });

  app.get('/api/v2/silence/:id', async (req, reply) => {
    const s = am.silences.get((req.params as { id: string }).id);
    if (!s) return reply.code(404).send();
    return send(reply, 200, gettableSilence(am, s));
  });

  app.delete('/api/v2/silence/:id', async (req, reply) => {
    try {
      am.silences.expire((req.params as { id: string }).id);
      return reply.code(200).send();
    } catch (e) {
      if (e instanceof SilenceError && e.kind === 'not_found') return send(reply, 404, e.message);
      return send(reply, 500, (e as Error).message);
    }
  });

  app.get('/api/v1/notifications', async (req, reply) => {
    try {
      const q = req.query as Record<string, string | undefined>;
      const num = (v: string | undefined, what: string) => {
        if (v === undefined || v === '') return undefined;
        const t = /^\d+$/.test(v) ? Number(v) : Date.parse(v);
        if (Number.isNaN(t)) throw new BadRequest(`invalid ${what}: ${v}`);
        return t;
      };
      const status = q.status;
      if (status !== undefined && status !== 'success' && status !== 'failed')
        throw new BadRequest(`invalid status: ${status} (success or failed)`);
      const query: HistoryQuery = {
        receiver: q.receiver,
        integration: q.integration,
        groupKey: q.group_key,
        fingerprint: q.fingerprint,
        status,
        since: num(q.since, 'since'),
        until: num(q.until, 'until'),
        limit: num(q.limit, 'limit'),
      };
      const data = am.history.query(query).map((a) => ({ ...a, time: iso(a.time) }));
      return reply.code(200).send({ status: 'success', data });
    } catch (e) {
      if (e instanceof BadRequest)
        return reply.code(400).send({ status: 'error', errorType: 'bad_data', error: e.message });
      throw e;
    }
  });
}
