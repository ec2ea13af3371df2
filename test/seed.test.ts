import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import client from 'prom-client';
import { getJSON, startHttp, startOsprey, tempDir, waitFor } from './helpers.ts';

// The seed scenario end to end: an app instrumented with prom-client, the seed's rule (with `for`
// shortened), and an alertmanager.yml beside prometheus.yml that delivers to a webhook stand-in.
const registry = new client.Registry();
const cpu = new client.Gauge({ name: 'cpu_usage_percentage', help: 'CPU usage.', registers: [registry] });
cpu.set(95);

let app: Awaited<ReturnType<typeof startHttp>>;
let hook: Awaited<ReturnType<typeof startHttp>>;
let osprey: Awaited<ReturnType<typeof startOsprey>>;
const received: any[] = [];

before(async () => {
  app = await startHttp(async (_req, res) => {
    res.setHeader('content-type', registry.contentType);
    res.end(await registry.metrics());
  });
  hook = await startHttp((req, res) => {
    let body = '';
    req.on('data', (d) => (body += d));
    req.on('end', () => {
      received.push(JSON.parse(body));
      res.end('ok');
    });
  });
  const dir = tempDir();
  writeFileSync(
    join(dir, 'rules.yml'),
    `groups:
  - name: example
    rules:
      - alert: HighCPUUsage
        expr: cpu_usage_percentage > 80
        for: 2s
        labels:
          severity: critical
        annotations:
          summary: "CPU usage is too high"
          description: "CPU usage is {{ $value }}% on {{ $labels.instance }}."
`,
  );
  writeFileSync(
    join(dir, 'alertmanager.yml'),
    `route:
  group_by: ['alertname']
  receiver: hook
  group_wait: 0s
  group_interval: 1s
receivers:
  - name: hook
    webhook_configs:
      - url: ${hook.url}/alert
`,
  );
  osprey = await startOsprey(
    `global:
  scrape_interval: 1s
  evaluation_interval: 1s
rule_files: [${join(dir, 'rules.yml')}]
scrape_configs:
  - job_name: app
    static_configs:
      - targets: ['${app.address}']
`,
    { 'alertmanager.config.file': join(dir, 'alertmanager.yml') },
  );
});
after(async () => {
  await osprey.server.stop();
  app.server.close();
  hook.server.close();
});

test('the seed rule goes pending, fires, and its notification reaches the receiver', async () => {
  const pending = await waitFor(
    async () => {
      const r = await getJSON(`${osprey.url}/api/v1/alerts`);
      return r.json.data.alerts.find((a: any) => a.labels.alertname === 'HighCPUUsage');
    },
    15_000,
    'pending alert',
  );
  assert.ok(['pending', 'firing'].includes(pending.state));
  const msg = await waitFor(async () => received.find((m) => m.status === 'firing'), 20_000, 'webhook notification');
  assert.equal(msg.version, '4');
  assert.equal(msg.receiver, 'hook');
  assert.deepEqual(msg.groupLabels, { alertname: 'HighCPUUsage' });
  const [alert] = msg.alerts;
  assert.equal(alert.labels.severity, 'critical');
  assert.equal(alert.labels.job, 'app');
  assert.equal(alert.annotations.summary, 'CPU usage is too high');
  assert.equal(alert.annotations.description, `CPU usage is 95% on ${app.address}.`);
  const rules = await getJSON(`${osprey.url}/api/v1/rules`);
  assert.equal(rules.json.data.groups[0].rules[0].state, 'firing');
  const metrics = await (await fetch(`${osprey.url}/metrics`)).text();
  assert.match(metrics, /^osprey_rule_evaluations_total\{rule_group="[^"]*;example"\} [1-9]\d*$/m);
  const series = await getJSON(`${osprey.url}/api/v1/query?query=ALERTS`);
  assert.equal(series.json.data.result[0].metric.alertstate, 'firing');
});

test('the alert resolves when the value drops, and the resolved notification is sent', async () => {
  cpu.set(10);
  const msg = await waitFor(async () => received.find((m) => m.status === 'resolved'), 30_000, 'resolved notification');
  assert.equal(msg.alerts[0].status, 'resolved');
});
