/**
 * Alerts from the seed rule reach a real Debian prometheus-alertmanager (0.25) through AlertmanagerHTTPSender and
 * come back from its /api/v2/alerts with the same labels and annotations.
 */
import assert from 'node:assert/strict';
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import type { AlertmanagerConfig } from '../config/index.ts';
import { freePort } from '../testing/free-port.ts';
import { AlertmanagerHTTPSender } from './alertmanager-sender.ts';
import { appendSample, newTestManager, writeTempRules } from './test-helpers.ts';

const AM = '/usr/bin/prometheus-alertmanager';

async function waitReady(url: string, proc: ChildProcess): Promise<void> {
  for (let i = 0; i < 100; i++) {
    if (proc.exitCode !== null) throw new Error(`alertmanager exited with ${proc.exitCode}`);
    try {
      const r = await fetch(`${url}/-/ready`);
      if (r.ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error('alertmanager did not become ready');
}

test('seed alert reaches a real Alertmanager with the same labels and annotations', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'osprey-am-'));
  writeFileSync(join(dir, 'am.yml'), "route:\n  receiver: 'null'\nreceivers:\n  - name: 'null'\n");
  const port = await freePort();
  const proc = spawn(
    AM,
    [
      `--config.file=${join(dir, 'am.yml')}`,
      `--storage.path=${join(dir, 'data')}`,
      '--cluster.listen-address=',
      `--web.listen-address=127.0.0.1:${port}`,
    ],
    { stdio: 'ignore' },
  );
  const base = `http://127.0.0.1:${port}`;
  try {
    await waitReady(base, proc);
    const am: AlertmanagerConfig = {
      scheme: 'http',
      path_prefix: '',
      timeout: 5000,
      api_version: 'v2',
      static_configs: [{ targets: [`127.0.0.1:${port}`], labels: {} }],
      file_sd_configs: [],
      other_sd_configs: {},
      relabel_configs: [],
      alert_relabel_configs: [],
      tls_config: { insecure_skip_verify: false },
      proxy_from_environment: false,
      follow_redirects: true,
      enable_http2: true,
    };
    const sender = new AlertmanagerHTTPSender({
      alerting: { alert_relabel_configs: [], alertmanagers: [am] },
      externalLabels: { cluster: 'c1' },
    });
    const file = writeTempRules(`groups:
  - name: example
    rules:
      - alert: HighCPUUsage
        expr: cpu_usage_percentage > 80
        for: 5m
        labels:
          severity: critical
        annotations:
          summary: "CPU usage is too high"
          description: "CPU usage has been above 80% for more than 5 minutes."
`);
    // Real time: the Alertmanager drops alerts whose endsAt is in the past.
    const t0 = Date.now() - 6 * 60_000;
    const { head, manager, clock } = newTestManager({ sender, externalURL: 'http://osprey.test:9090' });
    manager.update([file], { evaluation_interval: 60_000 });
    for (let t = t0; t <= t0 + 10 * 60_000; t += 60_000)
      appendSample(head, { __name__: 'cpu_usage_percentage', instance: 'h1' }, t, 95);
    for (let t = t0; t <= t0 + 6 * 60_000; t += 60_000) {
      clock.t = t;
      manager.evaluateAll(t);
    }
    // Fired at t0+5m (a minute ago); endsAt = t0+5m+4m is in the future.
    await sender.flush();
    assert.equal(sender.errors, 0);
    const res = await fetch(`${base}/api/v2/alerts`);
    const alerts = (await res.json()) as {
      labels: Record<string, string>;
      annotations: Record<string, string>;
      generatorURL: string;
      status: { state: string };
    }[];
    assert.equal(alerts.length, 1);
    assert.deepEqual(alerts[0].labels, {
      alertname: 'HighCPUUsage',
      instance: 'h1',
      severity: 'critical',
      cluster: 'c1',
    });
    assert.deepEqual(alerts[0].annotations, {
      summary: 'CPU usage is too high',
      description: 'CPU usage has been above 80% for more than 5 minutes.',
    });
    assert.equal(alerts[0].generatorURL, 'http://osprey.test:9090/graph?g0.expr=cpu_usage_percentage+%3E+80&g0.tab=1');
    assert.equal(alerts[0].status.state, 'active');
  } finally {
    proc.kill('SIGTERM');
    await new Promise((r) => proc.once('exit', r));
  }
});
