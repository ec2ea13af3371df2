import assert from 'node:assert/strict';
import type { ChildProcess } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import Fastify from 'fastify';
import { registerRemoteReadRoute } from '../src/api/v1-read.ts';
import type { RemoteReadConfig } from '../src/config/types.ts';
import { Labels, Matcher, MatchType } from '../src/model/index.ts';
import { createRemoteReadQuerier, encodeWriteRequestBody, RemoteReadClient } from '../src/remote/index.ts';
import { remoteReadConfig } from '../src/remote/test-helpers.ts';
import { freePort } from '../src/testing/free-port.ts';
import { spawnPrometheus } from '../src/testing/prometheus.ts';
import { DB } from '../src/tsdb/index.ts';
import { getJSON, tempDir, waitFor } from './helpers.ts';

// Remote read both ways with Debian's Prometheus 2.42: it reads Osprey's /api/v1/read, and Osprey's
// remote_read client reads Prometheus's /api/v1/read.

const readConfig = (url: string, over: Partial<RemoteReadConfig> = {}): RemoteReadConfig =>
  remoteReadConfig(url, { remote_timeout: 10_000, read_recent: true, ...over });

test('remote read both ways with Debian Prometheus', async () => {
  const now = Date.now();
  const db = DB.open(tempDir('osprey-rr-'));
  const app = db.appender();
  for (let i = 0; i < 10; i++) {
    app.append(0, Labels.fromObject({ __name__: 'osprey_local', k: 'a' }), now - 60_000 + i * 5000, i);
  }
  app.commit();
  const fastify = Fastify();
  registerRemoteReadRoute(fastify, { storage: db, externalLabels: () => Labels.fromObject({ site: 'osprey' }) });
  const ospreyAddr = await fastify.listen({ host: '127.0.0.1', port: 0 });

  const dir = tempDir('osprey-rr-prom-');
  writeFileSync(
    join(dir, 'prometheus.yml'),
    `global:\n  scrape_interval: 1m\nremote_read:\n  - url: ${ospreyAddr}/api/v1/read\n    read_recent: true\n`,
  );
  const port = await freePort();
  const promUrl = `http://127.0.0.1:${port}`;
  const prom: ChildProcess = spawnPrometheus(dir, port, ['--web.enable-remote-write-receiver']);
  try {
    await waitFor(async () => (await fetch(`${promUrl}/-/ready`)).ok, 30_000, 'prometheus ready');
    // 1. Prometheus queries Osprey's data through its remote_read.
    const q = `${promUrl}/api/v1/query?query=${encodeURIComponent('sum_over_time(osprey_local[5m])')}&time=${now / 1000}`;
    const r = (await getJSON(q)).json;
    assert.equal(r.status, 'success', JSON.stringify(r));
    assert.equal(r.data.result.length, 1);
    assert.deepEqual(r.data.result[0].metric, { k: 'a', site: 'osprey' });
    assert.equal(r.data.result[0].value[1], '45');

    // 2. Osprey reads Prometheus: push samples into Prometheus, then read them back through remote read.
    const labels = Labels.fromObject({ __name__: 'prom_side', dc: 'x', k: 'a' });
    const ts = Float64Array.from({ length: 5 }, (_, i) => now - 50_000 + i * 10_000);
    const vs = Float64Array.from({ length: 5 }, (_, i) => i * 1.5);
    const w = await fetch(`${promUrl}/api/v1/write`, {
      method: 'POST',
      body: encodeWriteRequestBody([{ labels, timestamps: ts, values: vs }]),
      headers: { 'Content-Encoding': 'snappy', 'Content-Type': 'application/x-protobuf' },
    });
    assert.equal(w.status, 204);
    const client = new RemoteReadClient(readConfig(`${promUrl}/api/v1/read`), Labels.fromObject({ dc: 'x' }));
    const got = await client.read([new Matcher(MatchType.Equal, '__name__', 'prom_side')], now - 120_000, now);
    assert.equal(got.length, 1);
    // The external label dc="x" was sent as a matcher and stripped from the answer.
    assert.equal(got[0].labels.toString(), '{__name__="prom_side", k="a"}');
    assert.deepEqual(Array.from(got[0].timestamps), Array.from(ts));
    assert.deepEqual(Array.from(got[0].values), Array.from(vs));

    // required_matchers: the endpoint is skipped unless the selector has them.
    const rq = createRemoteReadQuerier([readConfig(`${promUrl}/api/v1/read`, { required_matchers: { k: 'a' } })], {
      localStartTime: () => now - 60_000,
    });
    const sel = [new Matcher(MatchType.Regex, '__name__', 'prom_side|osprey_local')];
    const skipped = await rq.prepare(db, [{ matchers: sel, mint: now - 120_000, maxt: now }]);
    assert.equal(skipped.queryable, db);
    // site!="osprey" keeps out Osprey's own series that Prometheus would hand back through its remote_read.
    const selK = [...sel, new Matcher(MatchType.Equal, 'k', 'a'), new Matcher(MatchType.NotEqual, 'site', 'osprey')];
    const merged = await rq.prepare(db, [{ matchers: selK, mint: now - 120_000, maxt: now }]);
    assert.deepEqual(merged.warnings, []);
    const series = merged.queryable.querier().select(selK, now - 120_000, now);
    assert.deepEqual(
      series.map((s) => s.labels.toString()),
      ['{__name__="osprey_local", k="a"}', '{__name__="prom_side", dc="x", k="a"}'],
    );
  } finally {
    prom.kill('SIGKILL');
    await fastify.close();
    db.close();
  }
});
