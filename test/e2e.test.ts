import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { after, before, test } from 'node:test';
import client from 'prom-client';
import { getJSON, startHttp, startOsprey, waitFor } from './helpers.ts';

// An application instrumented with prom-client, scraped by Osprey as a user's prometheus.yml says.
const registry = new client.Registry();
const requests = new client.Counter({
  name: 'http_requests_total',
  help: 'Requests.',
  labelNames: ['code'],
  registers: [registry],
});
const cpu = new client.Gauge({ name: 'cpu_usage_percentage', help: 'CPU usage.', registers: [registry] });
requests.inc({ code: '200' }, 5);
cpu.set(42);

let app: Awaited<ReturnType<typeof startHttp>>;
let osprey: Awaited<ReturnType<typeof startOsprey>>;
const config = (target: string) => `
global:
  scrape_interval: 1s
  scrape_timeout: 500ms
scrape_configs:
  - job_name: app
    static_configs:
      - targets: ['${target}']
        labels:
          env: test
`;

before(async () => {
  app = await startHttp(async (_req, res) => {
    res.setHeader('content-type', registry.contentType);
    res.end(await registry.metrics());
  });
  osprey = await startOsprey(config(app.address), { 'web.enable-remote-write-receiver': 'true' });
});
after(async () => {
  await osprey.server.stop();
  app.server.close();
});

const query = (q: string) => getJSON(`${osprey.url}/api/v1/query?query=${encodeURIComponent(q)}`);

test('scrapes a prom-client app and answers PromQL over the stored samples', async () => {
  const r = await waitFor(
    async () => {
      const x = await query('cpu_usage_percentage');
      return x.json.data?.result?.length === 1 ? x : null;
    },
    15_000,
    'first scrape',
  );
  const [s] = r.json.data.result;
  assert.deepEqual(s.metric, { __name__: 'cpu_usage_percentage', instance: app.address, job: 'app', env: 'test' });
  assert.equal(s.value[1], '42');
  const up = await query('up{job="app"}');
  assert.equal(up.json.data.result[0].value[1], '1');
  const sum = await query('sum by (job) (http_requests_total)');
  assert.deepEqual(sum.json.data.result[0].metric, { job: 'app' });
  assert.equal(sum.json.data.result[0].value[1], '5');
  const targets = await getJSON(`${osprey.url}/api/v1/targets`);
  const t = targets.json.data.activeTargets.find((x: any) => x.labels.job === 'app');
  assert.equal(t.health, 'up');
  assert.equal(t.scrapeUrl, `http://${app.address}/metrics`);
});

test('a malformed page marks the target down with the error visible, and keeps stored data', async () => {
  app.setHandler((_req, res) => {
    res.setHeader('content-type', 'text/plain');
    res.end('cpu_usage_percentage{ 12\n');
  });
  const t = await waitFor(
    async () => {
      const r = await getJSON(`${osprey.url}/api/v1/targets`);
      const x = r.json.data.activeTargets.find((y: any) => y.labels.job === 'app');
      return x?.health === 'down' ? x : null;
    },
    10_000,
    'target down',
  );
  assert.notEqual(t.lastError, '');
  const up = await query('up{job="app"}');
  assert.equal(up.json.data.result[0].value[1], '0');
  // Earlier samples stay queryable at their time (a fine step: the series goes stale one scrape interval later).
  const old = await getJSON(
    `${osprey.url}/api/v1/query_range?query=cpu_usage_percentage&start=${(Date.now() - 300_000) / 1000}&end=${Date.now() / 1000}&step=0.2`,
  );
  assert.ok(old.json.data.result.length === 1);
  assert.ok(old.json.data.result[0].values.some((v: [number, string]) => v[1] === '42'));
});

test('an invalid reload keeps the old config and reports failure in /metrics', async () => {
  writeFileSync(osprey.configFile, 'global:\n  scrape_intervl: 1s\n');
  const r = await fetch(`${osprey.url}/-/reload`, { method: 'POST' });
  assert.equal(r.status, 500);
  assert.match(await r.text(), /prometheus\.yml:2:3: .*scrape_intervl/);
  const m = await (await fetch(`${osprey.url}/metrics`)).text();
  assert.match(m, /^osprey_config_last_reload_successful 0$/m);
  const targets = await getJSON(`${osprey.url}/api/v1/targets`);
  assert.ok(targets.json.data.activeTargets.some((x: any) => x.labels.job === 'app'));
  // A good reload swaps the config in.
  writeFileSync(osprey.configFile, config(app.address).replace('job_name: app', 'job_name: app2'));
  const good = await fetch(`${osprey.url}/-/reload`, { method: 'POST' });
  assert.equal(good.status, 200, await good.text());
  const m2 = await (await fetch(`${osprey.url}/metrics`)).text();
  assert.match(m2, /^osprey_config_last_reload_successful 1$/m);
  const t2 = await getJSON(`${osprey.url}/api/v1/targets`);
  assert.deepEqual(
    t2.json.data.activeTargets.map((x: any) => x.labels.job),
    ['app2'],
  );
});

test('a malformed query gets a 400 with Prometheus error JSON', async () => {
  const r = await query('sum(rate(x[5m])');
  assert.equal(r.status, 400);
  assert.equal(r.json.status, 'error');
  assert.equal(r.json.errorType, 'bad_data');
  assert.match(r.json.error, /^invalid parameter "query": 1:\d+: parse error: /);
});

test('query limit, stats and the query log behave like Prometheus', async () => {
  const { readFileSync, writeFileSync: write } = await import('node:fs');
  const { join } = await import('node:path');
  const logFile = join(osprey.dir, 'queries.log');
  write(osprey.configFile, `global:\n  query_log_file: ${logFile}\n${config(app.address).replace('global:\n', '')}`);
  assert.equal((await fetch(`${osprey.url}/-/reload`, { method: 'POST' })).status, 200);
  const r = await getJSON(
    `${osprey.url}/api/v1/query?query=${encodeURIComponent('up or vector(1)')}&limit=1&stats=all`,
  );
  assert.equal(r.json.data.result.length, 1);
  assert.deepEqual(r.json.warnings, ['results truncated due to limit']);
  assert.equal(typeof r.json.data.stats.timings.evalTotalTime, 'number');
  assert.equal(typeof r.json.data.stats.samples.totalQueryableSamples, 'number');
  const lines = readFileSync(logFile, 'utf8').trim().split('\n');
  const last = JSON.parse(lines[lines.length - 1]);
  assert.equal(last.params.query, 'up or vector(1)');
  assert.equal(last.httpRequest.path, '/api/v1/query');
});

test('the built-in alert manager accepts alerts on the Alertmanager API v2 and lists them', async () => {
  const post = await fetch(`${osprey.url}/api/v2/alerts`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify([
      { labels: { alertname: 'HighCPUUsage', severity: 'critical' }, annotations: { summary: 'hot' } },
    ]),
  });
  assert.equal(post.status, 200);
  const list = await getJSON(`${osprey.url}/api/v2/alerts`);
  assert.equal(list.json.length, 1);
  assert.equal(list.json[0].labels.alertname, 'HighCPUUsage');
  assert.equal(list.json[0].status.state, 'active');
  const bad = await fetch(`${osprey.url}/api/v2/alerts`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify([{ labels: {} }]),
  });
  assert.equal(bad.status, 400);
});

test('the built-in default config scrapes Osprey, its host and a probe of its UI', async () => {
  const d = await startOsprey(null);
  try {
    // The first scrapes are jittered across the 15s interval; trigger them by waiting for all three jobs.
    const jobs = await waitFor(
      async () => {
        const r = await getJSON(`${d.url}/api/v1/query?query=up`);
        const up = (r.json.data?.result ?? []).filter((s: any) => s.value[1] === '1').map((s: any) => s.metric.job);
        return up.length === 3 ? up.sort() : null;
      },
      25_000,
      'three healthy default targets',
    );
    assert.deepEqual(jobs, ['node', 'osprey', 'probe']);
    const probe = await getJSON(`${d.url}/api/v1/query?query=probe_success`);
    assert.equal(probe.json.data.result[0].value[1], '1');
    const cpu = await getJSON(`${d.url}/api/v1/query?query=count(node_cpu_seconds_total)`);
    assert.ok(Number(cpu.json.data.result[0].value[1]) > 0);
  } finally {
    await d.server.stop();
  }
});
