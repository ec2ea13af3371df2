/**
 * Differential test against Debian's /usr/bin/prometheus (2.42): the same rule file is evaluated by Prometheus and
 * by Osprey; /api/v1/rules, /api/v1/alerts and the ALERTS series must have the same shape and content (timestamps
 * and durations aside).
 */
import assert from 'node:assert/strict';
import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { Labels } from '../model/index.ts';
import { Engine } from '../promql/index.ts';
import { freePort } from '../testing/free-port.ts';
import { spawnPrometheus } from '../testing/prometheus.ts';
import { alertsData, rulesData } from './api-data.ts';
import { newTestManager, querySeries } from './test-helpers.ts';

const RULES = `groups:
  - name: diff
    interval: 1s
    rules:
      - alert: AlwaysFiring
        expr: vector(42) > 0
        labels:
          severity: page
          tmpl: "v{{ $value }}"
        annotations:
          summary: "value is {{ $value | humanize }}"
          ext: "{{ $externalLabels.site }} {{ $externalURL }}"
      - alert: Pending
        expr: label_replace(vector(1), "instance", "h1", "", "")
        for: 1h
      - record: job:answer
        expr: vector(42)
        labels:
          source: rule
      - record: plain
        expr: vector(1)
`;

async function getJSON(url: string): Promise<{ data: unknown }> {
  const r = await fetch(url);
  return (await r.json()) as { data: unknown };
}

/** Drops the fields that legitimately differ between two processes (times). */
function normalize(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(normalize);
  if (v && typeof v === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, x] of Object.entries(v)) {
      if (k === 'evaluationTime' || k === 'lastEvaluation' || k === 'activeAt' || k === 'file') {
        out[k] = typeof x;
        continue;
      }
      out[k] = normalize(x);
    }
    return out;
  }
  return v;
}

async function waitEvaluated(base: string, proc: ChildProcess): Promise<void> {
  for (let i = 0; i < 150; i++) {
    if (proc.exitCode !== null) throw new Error(`prometheus exited with ${proc.exitCode}`);
    try {
      const d = (await getJSON(`${base}/api/v1/rules`)).data as { groups: { lastEvaluation: string }[] };
      if (d.groups.length > 0 && !d.groups[0].lastEvaluation.startsWith('0001')) {
        // Let a second evaluation happen so ALERTS is written (after the for-state restore).
        await new Promise((r) => setTimeout(r, 2500));
        return;
      }
    } catch {
      // not up yet
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error('prometheus did not evaluate the rules');
}

test('rules API and ALERTS agree with Prometheus 2.42', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'osprey-prom-rules-'));
  writeFileSync(join(dir, 'rules.yml'), RULES);
  writeFileSync(
    join(dir, 'prometheus.yml'),
    `global:\n  evaluation_interval: 1s\n  external_labels: {site: s1}\nrule_files: [rules.yml]\n`,
  );
  const port = await freePort();
  const proc = spawnPrometheus(dir, port, ['--web.external-url=http://prom.example:9090']);
  const base = `http://127.0.0.1:${port}`;
  try {
    await waitEvaluated(base, proc);
    const promRules = (await getJSON(`${base}/api/v1/rules`)).data;
    const promAlerts = (await getJSON(`${base}/api/v1/alerts`)).data as {
      alerts: { labels: Record<string, string> }[];
    };
    const promALERTS = (await getJSON(`${base}/api/v1/query?query=ALERTS`)).data as {
      result: { metric: Record<string, string> }[];
    };

    const file = join(dir, 'rules.yml');
    const { manager, clock, head } = newTestManager({
      externalLabels: { site: 's1' },
      externalURL: 'http://prom.example:9090',
    });
    manager.update([file], { evaluation_interval: 1000 });
    for (let t = 1_000_000; t <= 1_003_000; t += 1000) {
      clock.t = t;
      manager.evaluateAll(t);
    }
    console.log(JSON.stringify(normalize(rulesData(manager.groups()))), JSON.stringify(normalize(promRules)));
    assert.deepEqual(normalize(rulesData(manager.groups())), normalize(promRules));
    const byName = (a: { labels: Record<string, string> }, b: { labels: Record<string, string> }) =>
      a.labels.alertname.localeCompare(b.labels.alertname);
    assert.deepEqual(
      normalize(alertsData(manager.groups()).alerts.sort(byName)),
      normalize(promAlerts.alerts.sort(byName)),
    );
    const promSeries = promALERTS.result.map((r) => Labels.fromObject(r.metric).toString()).sort();
    assert.deepEqual(promSeries, [
      '{__name__="ALERTS", alertname="AlwaysFiring", alertstate="firing", severity="page", tmpl="v42"}',
      '{__name__="ALERTS", alertname="Pending", alertstate="pending", instance="h1"}',
    ]);
    const ours = querySeries(new Engine(), head, 'ALERTS', 1_003_000)
      .map((x) => x.labels)
      .sort();
    assert.deepEqual(ours, promSeries);
  } finally {
    proc.kill('SIGTERM');
    await new Promise((r) => proc.once('exit', r));
  }
});
