/**
 * Debian's Prometheus (/usr/bin/prometheus) configured with Osprey as its Alertmanager: an always-firing
 * rule reaches Osprey's POST /api/v2/alerts, is routed and grouped, and notified.
 */
import assert from 'node:assert/strict';
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import Fastify from 'fastify';
import { parseAlertmanagerConfig } from '../config/alertmanager-index.ts';
import { Alertmanager } from './alertmanager.ts';
import { registerAlertmanagerRoutes } from './api-v2.ts';
import type { AlertForNotify, NotifierFactory } from './notifier.ts';

const PROMETHEUS = '/usr/bin/prometheus';

describe('Prometheus delivers alerts to Osprey', {
  skip: !existsSync(PROMETHEUS) && 'prometheus not installed',
}, () => {
  const dir = mkdtempSync(join(tmpdir(), 'osprey-prom-am-'));
  let prom: ChildProcess | undefined;
  after(() => {
    prom?.kill('SIGKILL');
    rmSync(dir, { recursive: true, force: true });
  });

  test('an always-firing rule is notified with its labels and annotations', { timeout: 60_000 }, async () => {
    const received: { receiver: string; groupKey: string; alerts: AlertForNotify[] }[] = [];
    const factory: NotifierFactory = (r) => [
      {
        integration: 'webhook',
        index: 0,
        sendResolved: true,
        async notify(ctx, alerts) {
          received.push({ receiver: r.name, groupKey: ctx.groupKey, alerts });
          return { retry: false };
        },
      },
    ];
    const am = new Alertmanager({
      config: parseAlertmanagerConfig(
        `route:
  receiver: default
  group_by: [alertname]
  group_wait: 200ms
  routes:
    - matchers: ['severity="page"']
      receiver: pager
receivers: [{name: default}, {name: pager}]
`,
        'am.yml',
      ),
      notifierFactory: factory,
    });
    const app = Fastify();
    registerAlertmanagerRoutes(app, am);
    await app.listen({ host: '127.0.0.1', port: 0 });
    const port = (app.server.address() as AddressInfo).port;
    try {
      writeFileSync(
        join(dir, 'rules.yml'),
        `groups:
  - name: g
    interval: 1s
    rules:
      - alert: AlwaysFiring
        expr: vector(1)
        labels: {severity: page}
        annotations: {summary: 'value is {{ $value }}'}
`,
      );
      writeFileSync(
        join(dir, 'prometheus.yml'),
        `global: {evaluation_interval: 1s, scrape_interval: 1m}
rule_files: [rules.yml]
alerting:
  alertmanagers:
    - api_version: v2
      static_configs: [{targets: ['127.0.0.1:${port}']}]
`,
      );
      prom = spawn(
        PROMETHEUS,
        [
          `--config.file=${join(dir, 'prometheus.yml')}`,
          `--storage.tsdb.path=${join(dir, 'data')}`,
          '--web.listen-address=127.0.0.1:0',
          // The first send can come before the Alertmanager is discovered (and is dropped); resend soon.
          '--rules.alert.resend-delay=1s',
        ],
        { stdio: 'ignore' },
      );
      const deadline = Date.now() + 30_000;
      while (received.length === 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 200));
      assert.equal(received.length, 1, 'a notification arrived');
      const n = received[0];
      assert.equal(n.receiver, 'pager');
      assert.equal(n.groupKey, '{}/{severity="page"}:{alertname="AlwaysFiring"}');
      assert.equal(n.alerts.length, 1);
      assert.deepEqual(n.alerts[0].labels, { alertname: 'AlwaysFiring', severity: 'page' });
      assert.equal(n.alerts[0].annotations.summary, 'value is 1');
      assert.equal(n.alerts[0].status, 'firing');
      assert.match(n.alerts[0].generatorURL, /graph\?g0\.expr=/);
      const listed = am.listAlerts();
      assert.equal(listed.length, 1);
      assert.ok(listed[0].alert.endsAt > Date.now(), 'Prometheus sends endsAt in the future while firing');
    } finally {
      prom?.kill('SIGKILL');
      am.stop();
      await app.close();
    }
  });
});
