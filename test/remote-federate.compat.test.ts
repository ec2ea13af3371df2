import assert from 'node:assert/strict';
import type { ChildProcess } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import Fastify from 'fastify';
import { registerFederateRoute } from '../src/api/federate.ts';
import { Labels, STALE_NAN } from '../src/model/index.ts';
import { parseSelectorForApi } from '../src/query-service.ts';
import { freePort } from '../src/testing/free-port.ts';
import { spawnPrometheus } from '../src/testing/prometheus.ts';
import { DB } from '../src/tsdb/index.ts';
import { getJSON, startHttp, startOsprey, tempDir, waitFor } from './helpers.ts';

// Osprey's /federate in Prometheus's format; Debian's Prometheus scrapes it hierarchically with honor_labels.

test('/federate serves the latest samples with external labels; Prometheus federates them', async () => {
  const db = DB.open(tempDir('osprey-fed-'));
  const now = Date.now();
  const app = db.appender();
  const up1 = Labels.fromObject({ __name__: 'up', job: 'node', instance: 'a:9100' });
  const up2 = Labels.fromObject({ __name__: 'up', job: 'node', instance: 'b:9100', region: 'own' });
  const temp = Labels.fromObject({ __name__: 'temp_celsius', job: 'node', room: 'x"y' });
  const gone = Labels.fromObject({ __name__: 'up', job: 'node', instance: 'gone:1' });
  const old = Labels.fromObject({ __name__: 'up', job: 'node', instance: 'old:1' });
  app.append(0, up1, now - 30_000, 0);
  app.append(0, up1, now - 15_000, 1);
  app.append(0, up2, now - 15_000, 1);
  app.append(0, temp, now - 15_000, 21.5);
  app.append(0, gone, now - 30_000, 1);
  app.append(0, gone, now - 15_000, STALE_NAN);
  app.append(0, old, now - 10 * 60_000, 1);
  app.commit();
  const fastify = Fastify();
  registerFederateRoute(fastify, {
    storage: db,
    parseSelector: parseSelectorForApi,
    externalLabels: () => Labels.fromObject({ region: 'eu' }),
  });
  const addr = await fastify.listen({ host: '127.0.0.1', port: 0 });
  let prom: ChildProcess | undefined;
  try {
    const r = await fetch(`${addr}/federate?match[]=${encodeURIComponent('{job="node"}')}`);
    assert.equal(r.status, 200);
    assert.match(String(r.headers.get('content-type')), /^text\/plain; version=0\.0\.4/);
    const body = await r.text();
    assert.equal(
      body,
      [
        '# TYPE temp_celsius untyped',
        `temp_celsius{job="node",region="eu",room="x\\"y"} 21.5 ${now - 15_000}`,
        '# TYPE up untyped',
        `up{instance="a:9100",job="node",region="eu"} 1 ${now - 15_000}`,
        `up{instance="b:9100",job="node",region="own"} 1 ${now - 15_000}`,
        '',
      ].join('\n'),
    );
    assert.equal((await fetch(`${addr}/federate`)).status, 400);
    assert.equal((await fetch(`${addr}/federate?match[]=${encodeURIComponent('{')}`)).status, 400);

    const dir = tempDir('osprey-fed-prom-');
    const hostPort = addr.replace('http://', '');
    writeFileSync(
      join(dir, 'prometheus.yml'),
      `global:\n  scrape_interval: 1s\nscrape_configs:\n  - job_name: federate\n    honor_labels: true\n    metrics_path: /federate\n    params:\n      'match[]': ['{job="node"}']\n    static_configs:\n      - targets: ['${hostPort}']\n`,
    );
    const port = await freePort();
    prom = spawnPrometheus(dir, port);
    const q = `http://127.0.0.1:${port}/api/v1/query?query=${encodeURIComponent('up{job="node"}')}&time=${(now - 15_000) / 1000}`;
    const res = await waitFor(
      async () => {
        const j = (await getJSON(q)).json;
        return j.data?.result?.length === 2 ? j.data.result : null;
      },
      30_000,
      'prometheus federated up',
    );
    const got = (res as { metric: Record<string, string>; value: [number, string] }[])
      .map((s) => `${s.metric.instance} ${s.metric.region} ${s.metric.job} ${s.value[1]}`)
      .sort();
    assert.deepEqual(got, ['a:9100 eu node 1', 'b:9100 own node 1']);
  } finally {
    prom?.kill('SIGKILL');
    await fastify.close();
    db.close();
  }
});

test('federation the other way: Osprey scrapes Prometheus /federate (honor_labels), and a second Osprey scrapes the first', async () => {
  // target → Debian Prometheus (external label region=us) → Osprey A via /federate → Osprey B via A's /federate.
  const target = await startHttp((_req, res) => {
    res.setHeader('content-type', 'text/plain; version=0.0.4');
    res.end('# TYPE app_requests_total counter\napp_requests_total{path="/a"} 42\napp_requests_total{path="/b"} 7.5\n');
  });
  const dir = tempDir('osprey-fed-rev-');
  writeFileSync(
    join(dir, 'prometheus.yml'),
    `global:\n  scrape_interval: 1s\n  external_labels: { region: us }\nscrape_configs:\n  - job_name: app\n    static_configs:\n      - targets: ['${target.address}']\n`,
  );
  const port = await freePort();
  const prom = spawnPrometheus(dir, port);
  const fedJob = (name: string, honor: boolean, addr: string) =>
    `  - job_name: ${name}\n    honor_labels: ${honor}\n    metrics_path: /federate\n    params:\n      'match[]': ['{job="app"}']\n    static_configs:\n      - targets: ['${addr}']\n`;
  let a: Awaited<ReturnType<typeof startOsprey>> | undefined;
  let b: Awaited<ReturnType<typeof startOsprey>> | undefined;
  try {
    a = await startOsprey(
      `global:\n  scrape_interval: 1s\n  external_labels: { tier: regional }\nscrape_configs:\n${fedJob('federate', true, `127.0.0.1:${port}`)}${fedJob('federate_plain', false, `127.0.0.1:${port}`)}`,
    );
    const aUrl = a.url;
    const query = async (url: string, q: string) =>
      ((await getJSON(`${url}/api/v1/query?query=${encodeURIComponent(q)}`)).json.data?.result ?? []) as {
        metric: Record<string, string>;
        value: [number, string];
      }[];
    // honor_labels: true keeps Prometheus's job/instance and its external label.
    const honored = await waitFor(
      async () => {
        const r = await query(aUrl, 'app_requests_total{job="app"}');
        return r.length === 2 ? r : null;
      },
      30_000,
      'Osprey A federated from Prometheus',
    );
    assert.deepEqual(
      honored.map((s) => `${s.metric.path} ${s.metric.instance} ${s.metric.region} ${s.value[1]}`).sort(),
      [`/a ${target.address} us 42`, `/b ${target.address} us 7.5`],
    );
    // honor_labels: false: the scrape's own job/instance win and the federated ones become exported_*.
    const plain = await waitFor(
      async () => {
        const r = await query(aUrl, 'app_requests_total{job="federate_plain"}');
        return r.length === 2 ? r : null;
      },
      30_000,
      'plain federation',
    );
    for (const s of plain) {
      assert.equal(s.metric.exported_job, 'app');
      assert.equal(s.metric.exported_instance, target.address);
      assert.equal(s.metric.instance, `127.0.0.1:${port}`);
    }
    // Osprey B federates from Osprey A: labels survive a second hop and A's external label is added.
    b = await startOsprey(
      `global:\n  scrape_interval: 1s\nscrape_configs:\n${fedJob('federate', true, aUrl.replace('http://', ''))}`,
    );
    const bUrl = b.url;
    const second = await waitFor(
      async () => {
        const r = await query(bUrl, 'app_requests_total{job="app"}');
        return r.length === 2 ? r : null;
      },
      30_000,
      'Osprey B federated from Osprey A',
    );
    assert.deepEqual(second.map((s) => `${s.metric.path} ${s.metric.region} ${s.metric.tier} ${s.value[1]}`).sort(), [
      '/a us regional 42',
      '/b us regional 7.5',
    ]);
  } finally {
    await b?.server.stop();
    await a?.server.stop();
    prom.kill('SIGKILL');
    target.server.close();
  }
});
