import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { extname, join, normalize, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';

/**
 * Serves the built web UI (dist/web) at `/`.
 *
 * Only explicit paths are registered — the UI's client routes, `/assets/*` and the top-level files of the build —
 * so the UI can never shadow /api/*, /metrics, /-/*, /collectors/* or /probe. Hashed assets are cached for a year;
 * index.html is revalidated on every load so a new build is picked up at once. Compressible files are gzipped once
 * and kept in memory (the whole build is well under a megabyte).
 */

/** Where `npm run build:web` writes the UI: <repo>/dist/web. */
export const DEFAULT_UI_DIR = fileURLToPath(new URL('../../dist/web', import.meta.url));

/** Client-side routes answered with index.html (the app's router renders the page). */
export const UI_CLIENT_ROUTES = [
  '/overview',
  '/graph',
  '/query',
  '/alerts',
  '/silences',
  '/silences/*',
  '/notifications',
  '/rules',
  '/targets',
  '/status',
  '/dashboards',
  '/dashboards/*',
  // Prometheus UI paths, so old links and bookmarks still land somewhere useful.
  '/config',
  '/flags',
  '/tsdb-status',
  '/service-discovery',
];

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.webp': 'image/webp',
  '.woff2': 'font/woff2',
  '.woff': 'font/woff',
  '.txt': 'text/plain; charset=utf-8',
  '.webmanifest': 'application/manifest+json',
};
const COMPRESSIBLE = new Set(['.html', '.js', '.mjs', '.css', '.json', '.map', '.svg', '.txt', '.webmanifest']);

// The UI loads only its own scripts and talks only to this origin. CodeMirror injects <style> elements, hence
// 'unsafe-inline' for styles; scripts stay strict, which also blunts any HTML that slipped into the page.
const CSP =
  "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; connect-src 'self'; object-src 'none'; base-uri 'self'; frame-ancestors 'self'";

interface CachedFile {
  mtimeMs: number;
  size: number;
  body: Buffer;
  gzip?: Buffer;
  etag: string;
  type: string;
}

const NOT_BUILT = `<!doctype html><meta charset="utf-8"><title>Osprey</title>
<body style="font:15px system-ui;margin:40px">
<h1>Osprey</h1><p>The web UI has not been built. Run <code>npm run build:web</code> (done by <code>npm ci</code>) and reload.</p>
<p>The API is available: <a href="/api/v1/status/buildinfo">/api/v1/status/buildinfo</a>,
<a href="/api/v1/targets">/api/v1/targets</a>, <a href="/metrics">/metrics</a>.</p>`;

export function registerUiRoutes(app: FastifyInstance, distDir: string): void {
  const root = resolve(distDir);
  const cache = new Map<string, CachedFile>();

  /** Reads a file below root (cached, revalidated by mtime and size); undefined when absent. */
  function load(abs: string): CachedFile | undefined {
    let st: ReturnType<typeof statSync>;
    try {
      st = statSync(abs);
    } catch {
      return undefined;
    }
    if (!st.isFile()) return undefined;
    const hit = cache.get(abs);
    if (hit && hit.mtimeMs === st.mtimeMs && hit.size === st.size) return hit;
    const body = readFileSync(abs);
    const ext = extname(abs).toLowerCase();
    const f: CachedFile = {
      mtimeMs: st.mtimeMs,
      size: st.size,
      body,
      etag: `"${createHash('sha1').update(body).digest('base64url').slice(0, 22)}"`,
      type: TYPES[ext] ?? 'application/octet-stream',
    };
    if (COMPRESSIBLE.has(ext) && body.length > 1024) {
      const gz = gzipSync(body, { level: 9 });
      if (gz.length < body.length) f.gzip = gz;
    }
    cache.set(abs, f);
    return f;
  }

  function send(req: FastifyRequest, reply: FastifyReply, f: CachedFile, cacheControl: string): FastifyReply {
    reply.header('cache-control', cacheControl).header('etag', f.etag).header('x-content-type-options', 'nosniff');
    if (f.gzip) reply.header('vary', 'accept-encoding');
    if (req.headers['if-none-match'] === f.etag) return reply.code(304).send();
    reply.type(f.type);
    const accepts = String(req.headers['accept-encoding'] ?? '');
    if (f.gzip && /\bgzip\b/.test(accepts)) {
      return reply.header('content-encoding', 'gzip').send(f.gzip);
    }
    return reply.send(f.body);
  }

  const indexPath = join(root, 'index.html');
  async function sendIndex(req: FastifyRequest, reply: FastifyReply) {
    const f = load(indexPath);
    reply.header('content-security-policy', CSP).header('referrer-policy', 'same-origin');
    if (!f) return reply.code(503).type('text/html; charset=utf-8').header('cache-control', 'no-store').send(NOT_BUILT);
    return send(req, reply, f, 'no-cache');
  }

  app.get('/', sendIndex);
  for (const path of UI_CLIENT_ROUTES) app.get(path, sendIndex);

  // Hashed build output: immutable.
  const assetsDir = join(root, 'assets');
  app.get<{ Params: { '*': string } }>('/assets/*', async (req, reply) => {
    const rel = req.params['*'] ?? '';
    const abs = safeJoin(assetsDir, rel);
    const f = abs ? load(abs) : undefined;
    if (!f) return reply.code(404).type('text/plain; charset=utf-8').send('404 page not found\n');
    return send(req, reply, f, 'public, max-age=31536000, immutable');
  });

  // Top-level files of the build (favicon.svg, robots.txt, ...): short cache, revalidated by ETag.
  const topLevel = new Set(['favicon.svg', 'favicon.ico', 'robots.txt']);
  try {
    for (const name of readdirSync(root)) {
      if (name !== 'index.html' && !name.startsWith('.') && statSync(join(root, name)).isFile()) topLevel.add(name);
    }
  } catch {
    // not built yet: the defaults above still get a route and answer 404 until it is
  }
  for (const name of topLevel) {
    app.get(`/${name}`, async (req, reply) => {
      const f = load(join(root, name));
      if (!f) return reply.code(404).type('text/plain; charset=utf-8').send('404 page not found\n');
      return send(req, reply, f, 'public, max-age=3600');
    });
  }
}

/** Joins a URL path below dir, refusing anything that would leave it. */
function safeJoin(dir: string, rel: string): string | undefined {
  if (!rel || rel.includes('\0') || rel.includes('\\')) return undefined;
  let decoded: string;
  try {
    decoded = decodeURIComponent(rel);
  } catch {
    return undefined;
  }
  const norm = normalize(decoded);
  if (norm.startsWith('..') || norm.includes(`${sep}..`) || norm.startsWith(sep)) return undefined;
  const abs = resolve(dir, norm);
  return abs.startsWith(dir + sep) ? abs : undefined;
}
