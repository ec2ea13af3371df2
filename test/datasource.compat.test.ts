import assert from 'node:assert/strict';
import { type ChildProcess, spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { Labels } from '../src/model/index.ts';
import { encodeWriteRequestBody } from '../src/remote/index.ts';
import { freePort } from '../src/testing/free-port.ts';
import { spawnPrometheus } from '../src/testing/prometheus.ts';
import { getJSON, startHttp, startOsprey, tempDir, waitFor } from './helpers.ts';

// Osprey against real engines holding data it does not have: Debian's Prometheus 2.42 through remote_read, and
// Debian's Prometheus and VictoriaMetrics as the datasource of its rules and query API.

const children: ChildProcess[] = [];
const cleanups: (() => Promise<void>)[] = [];
after(async () => {
  for (const c of cleanups) await c().catch(() => {});
  for (const c of children) c.kill('SIGKILL');
});

async function prometheus(config: string): Promise<string> {
  const dir = tempDir('osprey-ds-prom-');
  writeFileSync(join(dir, 'prometheus.yml'), config);
  const port = await freePort();
  children.push(spawnPrometheus(dir, port, ['--web.enable-remote-write-receiver']));
  const url = `http://127.0.0.1:${port}`;
  await waitFor(async () => (await fetch(`${url}/-/ready`)).ok, 30_000, 'prometheus ready');
  return url;
}

async function victoriaMetrics(): Promise<string> {
  const dir = tempDir('osprey-ds-vm-');
  const port = await freePort();
  children.push(
    spawn(
      'victoria-metrics',
      [
        `-storageDataPath=${join(dir, 'data')}`,
        `-httpListenAddr=127.0.0.1:${port}`,
        '-search.latencyOffset=1s',
        '-search.disableCache',
      ],
      { stdio: 'ignore' },
    ),
  );
  const url = `http://127.0.0.1:${port}`;
  await waitFor(async () => (await fetch(`${url}/health`)).ok, 30_000, 'victoria-metrics ready');
  return url;
}

async function osprey(yaml: string, flags: Record<string, string> = {}) {
  const o = await startOsprey(yaml, flags);
  cleanups.push(() => o.server.stop());
  return o;
}

const query = (base: string, q: string, time?: number) =>
  getJSON(`${base}/api/v1/query?query=${encodeURIComponent(q)}${time ? `&time=${time / 1000}` : ''}`);

function rulesFile(): string {
  const file = join(tempDir('osprey-ds-rules-'), 'rules.yml');
  writeFileSync(
    file,
    `groups:
  - name: rooms
    interval: 1s
    rules:
      - record: room:temp:doubled
        expr: temp * 2
      - alert: RoomTooHot
        expr: temp > 25
        labels: { severity: page }
        annotations:
          summary: '{{ $labels.room }} is at {{ $value }}, {{ query "count(temp)" | first | value }} rooms measured'
`,
  );
  return file;
}

/** What must hold for Osprey in datasource mode against `engine`, which holds temp{room="a"}=30, temp{room="b"}=10. */
async function checkDatasourceMode(engine: string) {
  const ds = await osprey(
    `global:
  scrape_interval: 1h
remote_write:
  - url: ${engine}/api/v1/write
    queue_config: { batch_send_deadline: 1s }
rule_files: [${rulesFile()}]
`,
    { 'datasource.url': engine },
  );
  // The alert fires on the engine's data and reaches Osprey's alert manager, template query included.
  const alert = await waitFor(
    async () => {
      const r = await getJSON(`${ds.url}/api/v2/alerts`);
      return Array.isArray(r.json) && r.json.length > 0 ? r.json[0] : null;
    },
    30_000,
    'RoomTooHot in the alert manager',
  );
  assert.deepEqual(alert.labels, { alertname: 'RoomTooHot', room: 'a', severity: 'page' });
  assert.equal(alert.annotations.summary, 'a is at 30, 2 rooms measured');
  const rules = await getJSON(`${ds.url}/api/v1/rules`);
  for (const r of rules.json.data.groups[0].rules) assert.equal(r.health, 'ok', JSON.stringify(r));
  // Recording rule results are stored locally and remote-written to the engine, so the query API (answered by
  // the engine) returns them, and so does the engine itself.
  const recorded = await waitFor(
    async () => {
      const r = await query(ds.url, 'room:temp:doubled');
      return r.json.data?.result?.length === 2 ? r.json.data.result : null;
    },
    30_000,
    'room:temp:doubled through Osprey',
  );
  assert.deepEqual(
    recorded
      .map((s: { metric: Record<string, string>; value: [number, string] }) => [s.metric.room, s.value[1]])
      .sort(),
    [
      ['a', '60'],
      ['b', '20'],
    ],
  );
  // ALERTS too, as vmalert writes it.
  await waitFor(
    async () => (await query(engine, 'ALERTS{alertname="RoomTooHot",alertstate="firing"}')).json.data?.result?.length,
    30_000,
    'ALERTS in the engine',
  );
  // /api/v1/query through Osprey is the engine's answer.
  const t = Date.now() - 2000;
  const expr = 'sort(sum by (room) (temp))';
  assert.deepEqual((await query(ds.url, expr, t)).json, (await query(engine, expr, t)).json);
  const values = await getJSON(`${ds.url}/api/v1/label/room/values?match[]=temp`);
  assert.deepEqual(values.json.data, ['a', 'b']);
  // An error keeps the engine's status (Prometheus: 400 bad_data; VictoriaMetrics: 422) and message.
  const bad = await query(ds.url, 'sum(', t);
  const direct = await query(engine, 'sum(', t);
  assert.equal(bad.status, direct.status);
  assert.equal(bad.json.status, 'error');
  assert.equal(bad.json.error, direct.json.error);
}

test('remote_read from Debian Prometheus: its series merged into Osprey queries', async () => {
  const prom = await prometheus('global:\n  scrape_interval: 1h\n');
  const now = Math.floor(Date.now() / 10_000) * 10_000;
  const ts = Float64Array.from({ length: 30 }, (_, i) => now - 290_000 + i * 10_000);
  const body = encodeWriteRequestBody([
    { labels: Labels.fromObject({ __name__: 'prom_only', k: 'p' }), timestamps: ts, values: ts.map(() => 5) },
    { labels: Labels.fromObject({ __name__: 'shared', k: 's' }), timestamps: ts, values: ts.map(() => 1) },
  ]);
  const w = await fetch(`${prom}/api/v1/write`, {
    method: 'POST',
    body,
    headers: { 'Content-Encoding': 'snappy', 'Content-Type': 'application/x-protobuf' },
  });
  assert.equal(w.status, 204);
  // read_recent left at its default (false): Osprey has no blocks yet, so like Prometheus it still reads remote.
  const o = await osprey(`global:\n  scrape_interval: 1h\nremote_read:\n  - url: ${prom}/api/v1/read\n`);
  const app = o.server.db.appender();
  for (let i = 0; i < 15; i++) {
    app.append(0, Labels.fromObject({ __name__: 'osprey_only', k: 'o' }), now - 140_000 + i * 10_000, 2);
    app.append(0, Labels.fromObject({ __name__: 'shared', k: 's' }), now - 140_000 + i * 10_000, 1);
  }
  app.commit();
  const r = await query(o.url, 'prom_only * on() group_left osprey_only', now);
  assert.equal(r.json.status, 'success', JSON.stringify(r.json));
  assert.deepEqual(r.json.data.result[0].metric, { k: 'p' });
  assert.equal(r.json.data.result[0].value[1], '10');
  // 30 remote + 15 local samples of the same series, the 15 local ones at remote timestamps: 30 in all.
  const c = await query(o.url, 'count_over_time(shared[10m])', now);
  assert.equal(c.json.data.result[0].value[1], '30');
  const range = await getJSON(
    `${o.url}/api/v1/query_range?query=prom_only&start=${(now - 100_000) / 1000}&end=${now / 1000}&step=10`,
  );
  assert.equal(range.json.data.result[0].values.length, 11);
  const series = await getJSON(`${o.url}/api/v1/series?match[]={k=~"p|o"}`);
  assert.deepEqual(series.json.data, [
    { __name__: 'osprey_only', k: 'o' },
    { __name__: 'prom_only', k: 'p' },
  ]);
  // required_matchers keeps a selector without them local.
  const o2 = await osprey(
    `global:\n  scrape_interval: 1h\nremote_read:\n  - url: ${prom}/api/v1/read\n    required_matchers: { k: p }\n`,
  );
  assert.equal((await query(o2.url, 'prom_only', now)).json.data.result.length, 0);
  assert.equal((await query(o2.url, 'prom_only{k="p"}', now)).json.data.result.length, 1);
});

test('datasource mode against Debian Prometheus scraping a stand-in target', async () => {
  const target = await startHttp((_req, res) => {
    res.setHeader('Content-Type', 'text/plain; version=0.0.4');
    res.end('# TYPE temp gauge\ntemp{room="a"} 30\ntemp{room="b"} 10\n');
  });
  cleanups.push(() => new Promise((r) => target.server.close(() => r())));
  const prom = await prometheus(
    `global:\n  scrape_interval: 1s\nscrape_configs:\n  - job_name: rooms\n    static_configs: [{ targets: ['${target.address}'] }]\n    metric_relabel_configs:\n      - { regex: 'instance|job', action: labeldrop }\n`,
  );
  await waitFor(async () => (await query(prom, 'temp')).json.data?.result?.length === 2, 30_000, 'scraped');
  await checkDatasourceMode(prom);
});

test('datasource mode against Debian VictoriaMetrics holding imported data', async () => {
  const vm = await victoriaMetrics();
  const now = Date.now();
  const lines: string[] = [];
  for (let t = now - 600_000; t <= now + 600_000; t += 10_000) {
    lines.push(`temp{room="a"} 30 ${t}`, `temp{room="b"} 10 ${t}`);
  }
  const r = await fetch(`${vm}/api/v1/import/prometheus`, { method: 'POST', body: `${lines.join('\n')}\n` });
  assert.equal(r.status, 204);
  await waitFor(async () => (await query(vm, 'temp')).json.data?.result?.length === 2, 30_000, 'imported');
  await checkDatasourceMode(vm);
});
