/**
 * Limits on what a client controls. The first tests run the real server (limits that already hold in
 * createHttpServer and the API); the rest exercise src/api/request-limits.ts on a bare Fastify app,
 * until the lead wires those hooks into the server.
 */
import assert from 'node:assert/strict';
import { connect } from 'node:net';
import { after, test } from 'node:test';
import Fastify, { type FastifyInstance } from 'fastify';
import { applyRequestLimits, DEFAULT_REQUEST_LIMITS, serverTimeoutOptions } from '../src/api/request-limits.ts';
import { Labels } from '../src/model/index.ts';
import { encodeWriteRequestBody } from '../src/remote/index.ts';
import { getJSON, startOsprey } from './helpers.ts';

const stops: (() => Promise<unknown>)[] = [];
after(async () => {
  for (const s of stops) await s();
});

async function osprey() {
  const o = await startOsprey(null, { 'web.enable-remote-write-receiver': 'true' });
  stops.push(() => o.server.stop());
  return o.url;
}

test('server: a body over the global 32 MiB limit gets 413 with a message', async () => {
  const url = await osprey();
  const big = Buffer.alloc(33 * 1024 * 1024, 1);
  const r = await fetch(`${url}/api/v1/write`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-protobuf', 'content-encoding': 'snappy' },
    body: big,
  });
  assert.equal(r.status, 413);
  assert.match(await r.text(), /too large/);
});

test('server: query_range refuses more than 11,000 points per series', async () => {
  const url = await osprey();
  const r = await getJSON(`${url}/api/v1/query_range?query=1&start=0&end=11001&step=1`);
  assert.equal(r.status, 400);
  assert.equal(r.json.errorType, 'bad_data');
  assert.match(r.json.error, /11,000 points/);
});

test('server: /api/v1/series and /api/v1/labels honour limit= and say the result was truncated', async () => {
  const url = await osprey();
  const now = Date.now();
  const series = Array.from({ length: 5 }, (_, i) => ({
    labels: Labels.fromObject({ __name__: `limit_test_${i}`, [`l${i}`]: 'x' }),
    timestamps: [now],
    values: [i],
  }));
  const w = await fetch(`${url}/api/v1/write`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-protobuf', 'content-encoding': 'snappy' },
    body: Buffer.from(encodeWriteRequestBody(series)),
  });
  assert.equal(w.status, 204);
  const s = await getJSON(`${url}/api/v1/series?match[]=${encodeURIComponent('{__name__=~"limit_test_.*"}')}&limit=2`);
  assert.equal(s.json.data.length, 2);
  assert.deepEqual(s.json.warnings, ['results truncated due to limit']);
  const l = await getJSON(`${url}/api/v1/labels?limit=3`);
  assert.equal(l.json.data.length, 3);
  assert.deepEqual(l.json.warnings, ['results truncated due to limit']);
  const v = await getJSON(`${url}/api/v1/label/__name__/values?limit=4`);
  assert.equal(v.json.data.length, 4);
});

test('server: a query URL longer than Node accepts in headers is refused with 431, not a crash', async () => {
  const url = await osprey();
  const r = await fetch(`${url}/api/v1/query?query=${'a'.repeat(20_000)}`);
  assert.equal(r.status, 431);
  const ok = await getJSON(`${url}/api/v1/query?query=1`);
  assert.equal(ok.status, 200);
});

// --- request-limits.ts on a bare app ------------------------------------------------------------------

async function limitedApp(opts: object = {}) {
  const app = Fastify({ bodyLimit: 32 * 1024 * 1024, ...opts }) as FastifyInstance;
  applyRequestLimits(app, {
    ...DEFAULT_REQUEST_LIMITS,
    bodyBytesByPrefix: { ...DEFAULT_REQUEST_LIMITS.bodyBytesByPrefix, '/api/v2/silences': 1000 },
    maxQueryLength: 100,
  });
  app.setErrorHandler((err: { statusCode?: number; message: string }, _req, reply) =>
    reply.code(err.statusCode ?? 500).send(err.message),
  );
  app.post('/api/v2/silences', async (req) => ({ got: JSON.stringify(req.body).length }));
  app.post('/api/v2/alerts', async () => ({ ok: true }));
  app.get('/api/v1/query', async () => ({ status: 'success' }));
  app.post('/api/v1/query', async () => ({ status: 'success' }));
  await app.listen({ host: '127.0.0.1', port: 0 });
  stops.push(() => app.close());
  return `http://127.0.0.1:${(app.server.address() as { port: number }).port}`;
}

test('limits: silences bodies over their limit get 413 before being read, announced or chunked', async () => {
  const url = await limitedApp();
  const small = JSON.stringify({ comment: 'x'.repeat(100) });
  assert.equal(
    (
      await fetch(`${url}/api/v2/silences`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: small,
      })
    ).status,
    200,
  );
  const big = JSON.stringify({ comment: 'x'.repeat(5000) });
  const r = await fetch(`${url}/api/v2/silences`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: big,
  });
  assert.equal(r.status, 413);
  assert.match(await r.text(), /limit for this endpoint is 1000 bytes/);
  // No content-length: a streamed body is cut off at the limit.
  const stream = new ReadableStream({
    start(c) {
      for (let i = 0; i < 10; i++) c.enqueue(new TextEncoder().encode(i === 0 ? '{"comment":"' : 'y'.repeat(500)));
      c.enqueue(new TextEncoder().encode('"}'));
      c.close();
    },
  });
  const chunked = await fetch(`${url}/api/v2/silences`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: stream,
    duplex: 'half',
  } as RequestInit);
  assert.equal(chunked.status, 413);
  // Other endpoints keep their own, larger limit.
  assert.equal(
    (
      await fetch(`${url}/api/v2/alerts`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: big,
      })
    ).status,
    200,
  );
});

test('limits: a query longer than maxQueryLength is bad_data, GET or POST', async () => {
  const url = await limitedApp();
  const long = `sum(${'x'.repeat(200)})`;
  const g = await getJSON(`${url}/api/v1/query?query=${long}`);
  assert.equal(g.status, 400);
  assert.equal(g.json.errorType, 'bad_data');
  assert.match(g.json.error, /more than the limit of 100/);
  const p = await getJSON(`${url}/api/v1/query`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ query: long }),
  });
  assert.equal(p.status, 400);
  assert.equal((await getJSON(`${url}/api/v1/query?query=up`)).status, 200);
});

test('limits: a client that sends its request too slowly is cut off (slowloris)', async () => {
  const url = await limitedApp(
    serverTimeoutOptions({ requestTimeout: 300, connectionTimeout: 1000, keepAliveTimeout: 200 }),
  );
  const port = Number(new URL(url).port);
  const started = Date.now();
  const answer = await new Promise<string>((resolve) => {
    const sock = connect(port, '127.0.0.1', () => {
      sock.write('GET /api/v1/query?query=up HTTP/1.1\r\nHost: x\r\n');
      // ...and never finishes the headers.
    });
    let got = '';
    sock.on('data', (d) => (got += d));
    sock.on('close', () => resolve(got));
    sock.on('error', () => resolve(got));
  });
  const took = Date.now() - started;
  assert.ok(took < 3000, `connection held for ${took} ms`);
  // Node answers 408 when it can, or just closes the socket; either way the connection is gone.
  assert.ok(answer === '' || /^HTTP\/1\.1 408/.test(answer), answer);
});
