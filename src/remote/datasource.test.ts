import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { test } from 'node:test';
import { DatasourceClient, DatasourceError, datasourceConfigFrom, decodeVector } from './datasource.ts';

test('vmalert-style flags and osprey.datasource build the client config; flags win', () => {
  const cfg = datasourceConfigFrom(
    {
      'datasource.url': 'http://vm:8428/',
      'datasource.headers': 'X-Scope-OrgID: team-a^^X-Other:1',
      'datasource.bearerToken': 'tok',
    },
    { url: 'http://ignored', headers: { 'X-Yaml': 'y' }, params: { nocache: 1 }, basic_auth: { username: 'u' } },
    60_000,
  );
  assert.ok(cfg);
  assert.equal(cfg.url, 'http://vm:8428/');
  assert.deepEqual(cfg.headers, { 'X-Yaml': 'y', 'X-Scope-OrgID': 'team-a', 'X-Other': '1' });
  assert.deepEqual(cfg.extraParams, { nocache: '1' });
  assert.equal(cfg.basic_auth, undefined);
  assert.deepEqual(cfg.authorization, { type: 'Bearer', credentials: 'tok', credentials_file: undefined });
  assert.equal(datasourceConfigFrom({}, undefined, 1000), null);
  const fromYaml = datasourceConfigFrom({}, { url: 'http://prom:9090', timeout: '30s', query_step: '1m' }, 1000);
  assert.equal(fromYaml?.timeout, 30_000);
  assert.equal(fromYaml?.queryStep, '1m');
});

test('bad datasource settings are refused with the field named', () => {
  assert.throws(() => datasourceConfigFrom({ 'datasource.url': 'vm:8428' }, undefined, 1), /--datasource.url must be/);
  assert.throws(() => datasourceConfigFrom({}, { url: 'http://x', tiemout: '1s' }, 1), /unknown field "tiemout"/);
  assert.throws(() => datasourceConfigFrom({}, { url: 42 }, 1), /osprey.datasource.url: invalid value 42/);
  assert.throws(() => datasourceConfigFrom({}, { url: 'http://x', timeout: 'soon' }, 1), /timeout: invalid/);
  assert.throws(() => datasourceConfigFrom({}, ['x'], 1), /must be a mapping/);
});

test('the client sends auth, headers and form parameters, and decodes vectors and errors', async () => {
  const seen: { auth?: string; org?: string; body: string; url?: string }[] = [];
  const server = createServer((req, res) => {
    let body = '';
    req.on('data', (c) => (body += c));
    req.on('end', () => {
      seen.push({ auth: req.headers.authorization, org: req.headers['x-scope-orgid'] as string, body, url: req.url });
      res.setHeader('Content-Type', 'application/json');
      if (body.includes('bad')) {
        res.statusCode = 422;
        res.end(JSON.stringify({ status: 'error', errorType: '422', error: 'cannot parse' }));
        return;
      }
      res.end(
        JSON.stringify({
          status: 'success',
          warnings: ['partial'],
          data: { resultType: 'vector', result: [{ metric: { __name__: 'up', job: 'x' }, value: [12.5, '+Inf'] }] },
        }),
      );
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as AddressInfo).port;
  try {
    const cfg = datasourceConfigFrom(
      {
        'datasource.url': `http://127.0.0.1:${port}/prefix`,
        'datasource.basicAuth.username': 'me',
        'datasource.basicAuth.password': 'pw',
        'datasource.headers': 'X-Scope-OrgID:t1',
        'datasource.queryStep': '15s',
      },
      undefined,
      5000,
    );
    const c = new DatasourceClient(cfg!);
    const r = await c.queryVector('up', 12_500);
    assert.equal(r.vector.length, 1);
    assert.equal(r.vector[0].labels.toString(), '{__name__="up", job="x"}');
    assert.equal(r.vector[0].v, Number.POSITIVE_INFINITY);
    assert.equal(r.vector[0].t, 12_500);
    assert.deepEqual(r.warnings, ['partial']);
    assert.equal(seen[0].url, '/prefix/api/v1/query');
    assert.equal(seen[0].auth, `Basic ${Buffer.from('me:pw').toString('base64')}`);
    assert.equal(seen[0].org, 't1');
    assert.deepEqual(Object.fromEntries(new URLSearchParams(seen[0].body)), {
      query: 'up',
      time: '12.500',
      step: '15s',
    });
    await assert.rejects(c.queryVector('bad', 0), (e: unknown) => {
      assert.ok(e instanceof DatasourceError);
      assert.equal(e.type, 'execution');
      assert.equal(e.message, 'cannot parse');
      return true;
    });
    c.close();
  } finally {
    server.close();
  }
});

test('scalars become one unlabelled sample; matrices are refused', () => {
  assert.deepEqual(
    decodeVector({ resultType: 'scalar', result: [1, 'NaN'] }, 0).map((s) => [s.labels.toString(), s.t, s.v]),
    [['{}', 1000, Number.NaN]],
  );
  assert.throws(() => decodeVector({ resultType: 'matrix', result: [] }, 0), /not a vector or scalar/);
});
