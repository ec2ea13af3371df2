import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Matcher } from '../model/index.ts';
import { MAX_TOMBSTONE_TIME } from '../tsdb/head-tombstones.ts';
import type { DB } from '../tsdb/index.ts';
import { param, paramAll, parseTime } from './params.ts';
import { ApiError, sendError, sendSuccess } from './respond.ts';

export interface AdminRoutesOptions {
  /** --web.enable-admin-api; when false every admin endpoint answers 503 "admin APIs disabled". */
  enabled: boolean;
  /** Parses a match[] selector (the PromQL parser's metric selector). */
  parseSelector: (s: string) => Matcher[];
}

/**
 * TSDB admin API in Prometheus's shapes: delete_series, clean_tombstones, snapshot (POST and PUT).
 */
export function registerAdminRoutes(app: FastifyInstance, db: DB, opts: AdminRoutesOptions): void {
  const route = (path: string, handler: (req: FastifyRequest, reply: FastifyReply) => Promise<unknown>) => {
    const guarded = async (req: FastifyRequest, reply: FastifyReply) => {
      if (!opts.enabled) return sendError(reply, 'unavailable', 'admin APIs disabled');
      return handler(req, reply);
    };
    app.post(path, guarded);
    app.put(path, guarded);
  };

  route('/api/v1/admin/tsdb/delete_series', async (req, reply) => {
    const matches = paramAll(req, 'match[]');
    if (matches.length === 0) throw new ApiError('bad_data', 'no match[] parameter provided');
    const s = param(req, 'start');
    const e = param(req, 'end');
    const start = clamp(s ? parseTime(s, 'start') : -MAX_TOMBSTONE_TIME);
    const end = clamp(e ? parseTime(e, 'end') : MAX_TOMBSTONE_TIME);
    const sets = matches.map((m) => {
      try {
        return opts.parseSelector(m);
      } catch (err) {
        throw new ApiError('bad_data', `invalid parameter "match[]": ${(err as Error).message}`);
      }
    });
    for (const matchers of sets) db.deleteSeries(matchers, start, end);
    return reply.code(204).send();
  });

  route('/api/v1/admin/tsdb/clean_tombstones', async (_req, reply) => {
    await db.cleanTombstones();
    return reply.code(204).send();
  });

  route('/api/v1/admin/tsdb/snapshot', async (req, reply) => {
    const raw = param(req, 'skip_head');
    let skipHead = false;
    if (raw !== undefined && raw !== '') {
      const b = parseBool(raw);
      if (b === null) throw new ApiError('bad_data', `unable to parse boolean 'skip_head' argument: invalid syntax`);
      skipHead = b;
    }
    const name = db.snapshot(skipHead);
    return sendSuccess(reply, { name });
  });
}

function clamp(t: number): number {
  return Math.max(-MAX_TOMBSTONE_TIME, Math.min(MAX_TOMBSTONE_TIME, t));
}

/** Go's strconv.ParseBool. */
function parseBool(s: string): boolean | null {
  if (['1', 't', 'T', 'TRUE', 'true', 'True'].includes(s)) return true;
  if (['0', 'f', 'F', 'FALSE', 'false', 'False'].includes(s)) return false;
  return null;
}
