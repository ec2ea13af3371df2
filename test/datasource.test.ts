import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { Labels } from '../src/model/index.ts';
import { getJSON, startOsprey, tempDir, waitFor } from './helpers.ts';

// Two Ospreys: one holds the data; the other reads it through remote_read (merged with its own data) or uses it
// as its datasource (rules and the query API against the first one's HTTP API).

const NO_SCRAPES = 'global:\n  scrape_interval: 1h\n  evaluation_interval: 1s\n';
const started: { server: { stop(): Promise<void> } }[] = [];
after(async () => {
  for (const s of started) await s.server.stop();
});

async function osprey(yaml: string, flags: Record<string, string> = {}) {
  const o = await startOsprey(yaml, flags);
  started.push(o);
  return o;
}

function fill(
  db: { appender(): { append(r: number, l: Labels, t: number, v: number): number; commit(): void } },
  labels: Record<string, string>,
  from: number,
  to: number,
  v: (t: number) => number,
) {
  const app = db.appender();
  for (let t = from; t <= to; t += 15_000) app.append(0, Labels.fromObject(labels), t, v(t));
  app.commit();
}

const q = (base: string, query: string, time: number) =>
  getJSON(`${base}/api/v1/query?query=${encodeURIComponent(query)}&time=${time / 1000}`);

test('remote_read: queries see remote series merged with local ones, duplicates once', async () => {
  const now = Math.floor(Date.now() / 15_000) * 15_000;
  const remote = await osprey(NO_SCRAPES);
  fill(remote.server.db, { __name__: 'only_remote', k: 'r' }, now - 600_000, now, () => 7);
  fill(remote.server.db, { __name__: 'shared', k: 's' }, now - 600_000, now, () => 1);
  const local = await osprey(
    `${NO_SCRAPES}remote_read:\n  - url: ${remote.url}/api/v1/read\n    read_recent: true\n  - url: ${remote.url}/api/v1/read\n    required_matchers: { k: nope }\n`,
  );
  fill(local.server.db, { __name__: 'only_local', k: 'l' }, now - 600_000, now, () => 3);
  // The same series locally for the last 5 minutes: the merged series has each timestamp once.
  fill(local.server.db, { __name__: 'shared', k: 's' }, now - 300_000, now, () => 1);

  const r = await q(local.url, 'only_remote + on() group_left only_local', now);
  assert.equal(r.json.status, 'success', JSON.stringify(r.json));
  assert.deepEqual(
    r.json.data.result.map((s: { metric: unknown; value: [number, string] }) => [s.metric, s.value[1]]),
    [[{ k: 'r' }, '10']],
  );
  // 41 samples over 10 minutes every 15s: 21 local + 21 remote overlap in 21 timestamps.
  const c = await q(local.url, 'count_over_time(shared[10m])', now);
  assert.equal(c.json.data.result[0].value[1], '40');

  const series = await getJSON(`${local.url}/api/v1/series?match[]={k=~"r|l"}`);
  assert.deepEqual(series.json.data, [
    { __name__: 'only_local', k: 'l' },
    { __name__: 'only_remote', k: 'r' },
  ]);
  const values = await getJSON(`${local.url}/api/v1/label/k/values?match[]={__name__=~"only_.*"}`);
  assert.deepEqual(values.json.data, ['l', 'r']);
});

test('remote_read: an unreachable endpoint is a warning, not a failed query', async () => {
  const local = await osprey(
    `${NO_SCRAPES}remote_read:\n  - url: http://127.0.0.1:1/api/v1/read\n    read_recent: true\n`,
  );
  const now = Date.now();
  fill(local.server.db, { __name__: 'here', k: 'l' }, now - 60_000, now, () => 2);
  const r = await q(local.url, 'here', now);
  assert.equal(r.status, 200);
  assert.equal(r.json.data.result[0].value[1], '2');
  assert.equal(r.json.warnings.length, 1);
  assert.match(r.json.warnings[0], /remote_read http:\/\/127\.0\.0\.1:1\/api\/v1\/read/);
});

test('datasource mode: rules evaluate against the external engine, alerts reach the built-in alert manager', async () => {
  const now = Date.now();
  const ext = await osprey(NO_SCRAPES);
  // Data from 10 minutes ago to 10 minutes ahead, so rules evaluated during the test see it.
  fill(ext.server.db, { __name__: 'temp', room: 'a' }, now - 600_000, now + 600_000, () => 30);
  fill(ext.server.db, { __name__: 'temp', room: 'b' }, now - 600_000, now + 600_000, () => 10);

  const dir = tempDir('osprey-ds-');
  const rules = join(dir, 'rules.yml');
  writeFileSync(
    rules,
    `groups:
  - name: g
    interval: 1s
    rules:
      - record: room:temp:x2
        expr: temp * 2
      - alert: Hot
        expr: temp > 20
        labels: { severity: page }
        annotations:
          summary: '{{ $labels.room }} is {{ $value }} of {{ query "sum(temp)" | first | value }}'
`,
  );
  const ds = await osprey(`${NO_SCRAPES}rule_files: [${rules}]\n`, { 'datasource.url': ext.url });

  // The alert fires on the external data, with the template query answered by the external engine too.
  const alert = await waitFor(
    async () => {
      const r = await getJSON(`${ds.url}/api/v1/alerts`);
      return r.json.data.alerts.find((a: { state: string }) => a.state === 'firing');
    },
    15_000,
    'Hot firing',
  );
  assert.deepEqual(alert.labels, { alertname: 'Hot', room: 'a', severity: 'page' });
  assert.equal(alert.annotations.summary, 'a is 30 of 40');
  const am = await waitFor(
    async () => {
      const r = await getJSON(`${ds.url}/api/v2/alerts`);
      return r.json.length > 0 ? r.json : null;
    },
    15_000,
    'alert in the alert manager',
  );
  assert.equal(am[0].labels.alertname, 'Hot');

  // Recording rule results are written locally (here read back through /federate, which serves local data).
  // ALERTS is written from the evaluation after the `for` state restore.
  const body = await waitFor(
    async () => {
      const fed = await fetch(`${ds.url}/federate?match[]=${encodeURIComponent('{__name__=~"room:temp:x2|ALERTS"}')}`);
      const text = await fed.text();
      return text.includes('ALERTS{') ? text : null;
    },
    10_000,
    'ALERTS in local storage',
  );
  assert.match(body, /room:temp:x2\{room="a"\} 60 /);
  assert.match(body, /room:temp:x2\{room="b"\} 20 /);
  assert.match(body, /ALERTS\{alertname="Hot",alertstate="firing",room="a",severity="page"\} 1 /);

  // The query API, series and labels are the external engine's answers.
  const r = await q(ds.url, 'sum by (room) (temp)', now);
  assert.deepEqual(r.json, (await q(ext.url, 'sum by (room) (temp)', now)).json);
  const lv = await getJSON(`${ds.url}/api/v1/label/room/values`);
  assert.deepEqual(lv.json.data, ['a', 'b']);
  const series = await getJSON(`${ds.url}/api/v1/series?match[]=temp`);
  assert.equal(series.json.data.length, 2);
  const range = await getJSON(
    `${ds.url}/api/v1/query_range?query=temp&start=${(now - 60_000) / 1000}&end=${now / 1000}&step=15`,
  );
  assert.equal(range.json.data.result.length, 2);
  // Errors keep the external engine's type and message.
  const bad = await q(ds.url, 'sum(', now);
  assert.equal(bad.status, 400);
  assert.equal(bad.json.errorType, 'bad_data');
  // Secrets given as flags are not shown.
  const flags = await getJSON(`${ds.url}/api/v1/status/flags`);
  assert.equal(flags.json.data['datasource.url'], ext.url);
});

test('datasource mode: an unreachable datasource fails the rules (health err) and the query API (503)', async () => {
  const dir = tempDir('osprey-ds-');
  const rules = join(dir, 'rules.yml');
  writeFileSync(rules, 'groups:\n  - name: g\n    interval: 1s\n    rules:\n      - alert: A\n        expr: up == 0\n');
  const ds = await osprey(`${NO_SCRAPES}rule_files: [${rules}]\n`, {
    'datasource.url': 'http://127.0.0.1:1',
    'datasource.bearerToken': 'sekrit',
  });
  const rule = await waitFor(
    async () => {
      const r = await getJSON(`${ds.url}/api/v1/rules`);
      const x = r.json.data.groups[0].rules[0];
      return x.health === 'err' ? x : null;
    },
    15_000,
    'rule health err',
  );
  assert.match(rule.lastError, /datasource http:\/\/127\.0\.0\.1:1/);
  const r = await q(ds.url, 'up', Date.now());
  assert.equal(r.status, 503);
  assert.equal(r.json.errorType, 'unavailable');
  const flags = await getJSON(`${ds.url}/api/v1/status/flags`);
  assert.equal(flags.json.data['datasource.bearerToken'], '<secret>');
});

test('datasource mode from osprey.datasource, switched by reload; a bad setting leaves the running config', async () => {
  const ext = await osprey(NO_SCRAPES);
  const now = Date.now();
  fill(ext.server.db, { __name__: 'ext_only' }, now - 60_000, now, () => 4);
  const o = await osprey(NO_SCRAPES);
  assert.equal((await q(o.url, 'ext_only', now)).json.data.result.length, 0);
  writeFileSync(o.configFile, `${NO_SCRAPES}osprey:\n  datasource:\n    url: ${ext.url}\n`);
  assert.equal((await fetch(`${o.url}/-/reload`, { method: 'POST' })).status, 200);
  assert.equal((await q(o.url, 'ext_only', now)).json.data.result[0].value[1], '4');
  writeFileSync(o.configFile, `${NO_SCRAPES}osprey:\n  datasource:\n    url: ${ext.url}\n    timeuot: 1s\n`);
  const bad = await fetch(`${o.url}/-/reload`, { method: 'POST' });
  assert.notEqual(bad.status, 200);
  assert.match(await bad.text(), /unknown field "timeuot"/);
  assert.equal((await q(o.url, 'ext_only', now)).json.data.result[0].value[1], '4');
  writeFileSync(o.configFile, NO_SCRAPES);
  assert.equal((await fetch(`${o.url}/-/reload`, { method: 'POST' })).status, 200);
  assert.equal((await q(o.url, 'ext_only', now)).json.data.result.length, 0);
});

test('remote_read: rules evaluate over local and remote data', async () => {
  const now = Date.now();
  const remote = await osprey(NO_SCRAPES);
  fill(remote.server.db, { __name__: 'disk_free', host: 'r' }, now - 600_000, now + 600_000, () => 1);
  const dir = tempDir('osprey-rr-rules-');
  const rules = join(dir, 'rules.yml');
  writeFileSync(
    rules,
    'groups:\n  - name: g\n    interval: 1s\n    rules:\n      - alert: DiskFull\n        expr: disk_free < 5\n        annotations: { hosts: \'{{ query "count(disk_free)" | first | value }}\' }\n',
  );
  const local = await osprey(
    `${NO_SCRAPES}rule_files: [${rules}]\nremote_read:\n  - url: ${remote.url}/api/v1/read\n    read_recent: true\n`,
  );
  fill(local.server.db, { __name__: 'disk_free', host: 'l' }, now - 600_000, now + 600_000, () => 50);
  const alert = await waitFor(
    async () => (await getJSON(`${local.url}/api/v1/alerts`)).json.data.alerts[0],
    15_000,
    'DiskFull from remote data',
  );
  assert.deepEqual(alert.labels, { alertname: 'DiskFull', host: 'r' });
  assert.equal(alert.annotations.hosts, '2');
});
