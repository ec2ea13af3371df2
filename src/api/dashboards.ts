import { readdirSync, readFileSync } from 'node:fs';
import { basename, extname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { FastifyInstance } from 'fastify';
import { parse as parseYaml } from 'yaml';
import { sendError, sendSuccess } from './respond.ts';

/**
 * Dashboards for the web UI, defined as JSON or YAML files:
 *   GET /api/v1/dashboards       -> [{uid, title, description?, tags?, source}]   (Prometheus envelope)
 *   GET /api/v1/dashboards/:uid  -> {uid, title, refresh?, time?, variables?, rows: [{title, panels: [...]}]}
 *
 * Built-in definitions (web/dashboards) come first; a file in the user folder with the same uid replaces one.
 * Folders are read on every request, so edits show up without a restart (the files are small and few).
 */
/** The built-in dashboards shipped with the UI sources: <repo>/web/dashboards. */
export const BUILTIN_DASHBOARDS_DIR = fileURLToPath(new URL('../../web/dashboards', import.meta.url));

export interface DashboardRouteOptions {
  builtinDir: string;
  /** --web.dashboards.dir; optional. */
  userDir?: string;
}

const PANEL_TYPES = new Set(['timeseries', 'stat', 'gauge', 'table']);
const EXTS = new Set(['.json', '.yaml', '.yml']);

interface Loaded {
  dashboards: Map<string, { def: Record<string, unknown>; source: string }>;
  warnings: string[];
}

/** Checks the parts the UI relies on; returns an error text or null. */
export function validateDashboard(d: unknown): string | null {
  if (!d || typeof d !== 'object' || Array.isArray(d)) return 'not an object';
  const o = d as Record<string, unknown>;
  if (typeof o.title !== 'string' || !o.title) return 'missing "title"';
  if (!Array.isArray(o.rows)) return 'missing "rows" (a list)';
  for (const [i, row] of (o.rows as unknown[]).entries()) {
    const r = row as Record<string, unknown>;
    if (!r || typeof r !== 'object' || !Array.isArray(r.panels)) return `rows[${i}]: missing "panels" (a list)`;
    for (const [j, p] of (r.panels as Record<string, unknown>[]).entries()) {
      if (!p || typeof p !== 'object') return `rows[${i}].panels[${j}]: not an object`;
      if (typeof p.expr !== 'string' || !p.expr) return `rows[${i}].panels[${j}]: missing "expr"`;
      if (typeof p.type !== 'string' || !PANEL_TYPES.has(p.type)) {
        return `rows[${i}].panels[${j}]: "type" must be one of timeseries, stat, gauge, table`;
      }
    }
  }
  if (o.variables !== undefined) {
    if (!Array.isArray(o.variables)) return '"variables" must be a list';
    for (const [i, v] of (o.variables as Record<string, unknown>[]).entries()) {
      if (!v || typeof v.name !== 'string' || typeof v.query !== 'string') {
        return `variables[${i}]: needs "name" and "query"`;
      }
    }
  }
  return null;
}

function loadDir(dir: string, source: string, into: Loaded): void {
  let names: string[];
  try {
    names = readdirSync(dir).sort();
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'ENOENT') into.warnings.push(`${dir}: ${(e as Error).message}`);
    return;
  }
  for (const name of names) {
    const ext = extname(name).toLowerCase();
    if (!EXTS.has(ext)) continue;
    const file = join(dir, name);
    try {
      const text = readFileSync(file, 'utf8');
      const def = ext === '.json' ? JSON.parse(text) : parseYaml(text);
      const err = validateDashboard(def);
      if (err) {
        into.warnings.push(`${name}: ${err}`);
        continue;
      }
      const uid = typeof def.uid === 'string' && def.uid ? def.uid : basename(name, ext);
      into.dashboards.set(uid, { def: { ...def, uid }, source });
    } catch (e) {
      into.warnings.push(`${name}: ${(e as Error).message}`);
    }
  }
}

export function loadDashboards(opts: DashboardRouteOptions): Loaded {
  const out: Loaded = { dashboards: new Map(), warnings: [] };
  loadDir(opts.builtinDir, 'builtin', out);
  if (opts.userDir) loadDir(opts.userDir, 'user', out);
  return out;
}

export function registerDashboardRoutes(app: FastifyInstance, opts: DashboardRouteOptions): void {
  app.get('/api/v1/dashboards', async (_req, reply) => {
    const { dashboards, warnings } = loadDashboards(opts);
    const list = [...dashboards.values()]
      .map(({ def, source }) => ({
        uid: def.uid,
        title: def.title,
        ...(def.description ? { description: def.description } : {}),
        ...(Array.isArray(def.tags) ? { tags: def.tags } : {}),
        source,
      }))
      .sort((a, b) => String(a.title).localeCompare(String(b.title)));
    return sendSuccess(reply, list, warnings);
  });
  app.get<{ Params: { uid: string } }>('/api/v1/dashboards/:uid', async (req, reply) => {
    const { dashboards, warnings } = loadDashboards(opts);
    const d = dashboards.get(req.params.uid);
    if (!d) return sendError(reply, 'not_found', `dashboard "${req.params.uid}" not found`);
    return sendSuccess(reply, d.def, warnings);
  });
}
