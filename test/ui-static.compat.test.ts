// Serving the built UI (registerUiRoutes) and the dashboards API (registerDashboardRoutes), without a browser.
import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { after, before, test } from 'node:test';
import Fastify, { type FastifyInstance } from 'fastify';
import { registerDashboardRoutes } from '../src/api/dashboards.ts';
import { registerUiRoutes } from '../src/api/ui-static.ts';
import { tempDir } from './helpers.ts';

let app: FastifyInstance;
let dist: string;
let userDir: string;
const bigJs = `console.log(${JSON.stringify('x'.repeat(5000))});\n`;

before(async () => {
  dist = join(tempDir('osprey-ui-static-'), 'web');
  mkdirSync(join(dist, 'assets'), { recursive: true });
  writeFileSync(
    join(dist, 'index.html'),
    '<!doctype html><div id="app"></div><script src="/assets/index-abc.js"></script>',
  );
  writeFileSync(join(dist, 'assets', 'index-abc.js'), bigJs);
  writeFileSync(join(dist, 'assets', 'index-abc.css'), 'body{}');
  writeFileSync(join(dist, 'favicon.svg'), '<svg xmlns="http://www.w3.org/2000/svg"/>');
  writeFileSync(join(tempDir(), 'secret.txt'), 'secret');
  userDir = tempDir('osprey-dash-');
  writeFileSync(
    join(userDir, 'mine.yaml'),
    'title: Mine\nrows:\n  - title: r\n    panels:\n      - {title: p, type: stat, expr: up}\n',
  );
  writeFileSync(join(userDir, 'osprey.json'), JSON.stringify({ uid: 'osprey', title: 'Osprey (mine)', rows: [] }));
  writeFileSync(join(userDir, 'broken.yml'), 'title: Broken\nrows:\n  - panels:\n      - {type: pie, expr: up}\n');
  app = Fastify({ exposeHeadRoutes: true });
  // Routes the real server has: the UI must not take them over.
  app.get('/metrics', async () => 'metrics\n');
  app.get('/-/healthy', async () => 'healthy\n');
  app.get('/api/v1/status/buildinfo', async () => ({ status: 'success', data: {} }));
  registerUiRoutes(app, dist);
  registerDashboardRoutes(app, { builtinDir: join(process.cwd(), 'web', 'dashboards'), userDir });
  await app.ready();
});
after(() => app.close());

test('index.html for / and client routes, revalidated, with a CSP', async () => {
  for (const url of ['/', '/graph?g0.expr=up', '/alerts', '/silences/abc/edit', '/dashboards/osprey', '/targets']) {
    const r = await app.inject({ url });
    assert.equal(r.statusCode, 200, url);
    assert.equal(r.headers['content-type'], 'text/html; charset=utf-8');
    assert.equal(r.headers['cache-control'], 'no-cache');
    assert.match(String(r.headers['content-security-policy']), /script-src 'self'/);
    assert.match(r.body, /<div id="app">/);
  }
  const first = await app.inject({ url: '/' });
  const again = await app.inject({ url: '/', headers: { 'if-none-match': String(first.headers.etag) } });
  assert.equal(again.statusCode, 304);
});

test('hashed assets are immutable, typed, and gzipped when asked', async () => {
  const plain = await app.inject({ url: '/assets/index-abc.js' });
  assert.equal(plain.statusCode, 200);
  assert.equal(plain.headers['content-type'], 'text/javascript; charset=utf-8');
  assert.equal(plain.headers['cache-control'], 'public, max-age=31536000, immutable');
  assert.equal(plain.body, bigJs);
  const gz = await app.inject({ url: '/assets/index-abc.js', headers: { 'accept-encoding': 'gzip, br' } });
  assert.equal(gz.headers['content-encoding'], 'gzip');
  assert.equal(gz.headers.vary, 'accept-encoding');
  assert.ok(gz.rawPayload.length < bigJs.length / 10);
  assert.equal(gunzipSync(gz.rawPayload).toString(), bigJs);
  const css = await app.inject({ url: '/assets/index-abc.css' });
  assert.equal(css.headers['content-type'], 'text/css; charset=utf-8');
  const svg = await app.inject({ url: '/favicon.svg' });
  assert.equal(svg.headers['content-type'], 'image/svg+xml');
  const head = await app.inject({ method: 'HEAD', url: '/assets/index-abc.js' });
  assert.equal(head.statusCode, 200);
});

test('missing assets and path traversal get 404', async () => {
  for (const url of [
    '/assets/nope.js',
    '/assets/../index.html',
    '/assets/..%2f..%2fsecret.txt',
    '/assets/%2e%2e/%2e%2e/secret.txt',
    '/assets/..%5c..%5csecret.txt',
  ]) {
    const r = await app.inject({ url });
    assert.equal(r.statusCode, 404, url);
    assert.notEqual(r.body, 'secret', url);
    assert.doesNotMatch(r.body, /<div id="app">/, url);
  }
});

test('API, metrics and lifecycle paths are not shadowed', async () => {
  assert.equal((await app.inject({ url: '/metrics' })).body, 'metrics\n');
  assert.equal((await app.inject({ url: '/-/healthy' })).body, 'healthy\n');
  assert.equal((await app.inject({ url: '/api/v1/status/buildinfo' })).json().status, 'success');
  for (const url of ['/api/v1/nope', '/api/v2/alerts', '/collectors/host/metrics', '/probe', '/-/ready', '/federate']) {
    const r = await app.inject({ url });
    assert.equal(r.statusCode, 404, url);
    assert.doesNotMatch(r.body, /<div id="app">/, url);
  }
});

test('without a build, / explains how to build the UI', async () => {
  const bare = Fastify();
  registerUiRoutes(bare, join(tempDir(), 'missing'));
  const r = await bare.inject({ url: '/graph' });
  assert.equal(r.statusCode, 503);
  assert.match(r.body, /npm run build:web/);
  await bare.close();
});

test('dashboards API lists built-in and user dashboards; user files replace built-ins by uid', async () => {
  const r = await app.inject({ url: '/api/v1/dashboards' });
  assert.equal(r.statusCode, 200);
  const body = r.json();
  assert.equal(body.status, 'success');
  const byUid = Object.fromEntries(body.data.map((d: { uid: string }) => [d.uid, d]));
  assert.equal(byUid['host-overview'].title, 'Host overview');
  assert.equal(byUid['host-overview'].source, 'builtin');
  assert.equal(byUid.osprey.title, 'Osprey (mine)');
  assert.equal(byUid.osprey.source, 'user');
  assert.equal(byUid.mine.title, 'Mine');
  assert.equal(byUid.broken, undefined);
  assert.ok(body.warnings.some((w: string) => w.startsWith('broken.yml:') && w.includes('"type"')));

  const one = await app.inject({ url: '/api/v1/dashboards/host-overview' });
  const d = one.json().data;
  assert.equal(d.variables[0].query, 'label_values(node_uname_info, instance)');
  const types = new Set(d.rows.flatMap((x: { panels: { type: string }[] }) => x.panels.map((p) => p.type)));
  assert.deepEqual([...types].sort(), ['gauge', 'stat', 'table', 'timeseries']);
  const mine = await app.inject({ url: '/api/v1/dashboards/mine' });
  assert.equal(mine.json().data.rows[0].panels[0].expr, 'up');
  const missing = await app.inject({ url: '/api/v1/dashboards/nope' });
  assert.equal(missing.statusCode, 404);
  assert.deepEqual(missing.json(), { status: 'error', errorType: 'not_found', error: 'dashboard "nope" not found' });
});
