import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import type { AlertingConfig, AlertmanagerConfig, RelabelConfig } from '../config/index.ts';
import { compileRelabelConfigs } from '../scrape/index.ts';
import { AlertmanagerHTTPSender, alertmanagerURLs } from './alertmanager-sender.ts';
import type { SentAlert } from './types.ts';

function amConfig(target: string, extra: Partial<AlertmanagerConfig> = {}): AlertmanagerConfig {
  return {
    scheme: 'http',
    path_prefix: '/am',
    timeout: 2000,
    api_version: 'v2',
    static_configs: [{ targets: [target], labels: {} }],
    file_sd_configs: [],
    other_sd_configs: {},
    relabel_configs: [],
    alert_relabel_configs: [],
    tls_config: { insecure_skip_verify: false },
    proxy_from_environment: false,
    follow_redirects: true,
    enable_http2: true,
    ...extra,
  } as AlertmanagerConfig;
}

function relabelCfg(c: Partial<RelabelConfig>): RelabelConfig {
  return {
    source_labels: [],
    separator: ';',
    regex: '(.*)',
    modulus: 0,
    target_label: '',
    replacement: '$1',
    action: 'replace',
    ...c,
  };
}

function alert(name: string, extra: Record<string, string> = {}): SentAlert {
  return {
    labels: { alertname: name, ...extra },
    annotations: { summary: `about ${name}` },
    startsAt: '2026-01-01T00:00:00Z',
    endsAt: '2026-01-01T00:04:00Z',
    generatorURL: 'http://osprey/graph?g0.expr=up&g0.tab=1',
  };
}

async function body(req: IncomingMessage): Promise<string> {
  let s = '';
  for await (const c of req) s += c;
  return s;
}

test('posts batches to {path_prefix}/api/v2/alerts with auth, external labels and alert relabeling', async () => {
  const received: { url: string; auth: string; alerts: SentAlert[] }[] = [];
  const server = createServer(async (req, res) => {
    received.push({ url: req.url ?? '', auth: req.headers.authorization ?? '', alerts: JSON.parse(await body(req)) });
    res.writeHead(200).end();
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const target = `127.0.0.1:${(server.address() as AddressInfo).port}`;
  try {
    const alerting: AlertingConfig = {
      alert_relabel_configs: [relabelCfg({ source_labels: ['alertname'], regex: 'Drop.*', action: 'drop' })],
      alertmanagers: [
        amConfig(target, {
          basic_auth: { username: 'u', password: 'p' },
          alert_relabel_configs: [relabelCfg({ target_label: 'via', replacement: 'osprey' })],
        }),
      ],
    };
    const sender = new AlertmanagerHTTPSender({
      alerting,
      externalLabels: { dc: 'eu1', alertname: 'ignored' },
      maxBatchSize: 2,
    });
    assert.deepEqual(sender.activeAlertmanagers(), [`http://${target}/am/api/v2/alerts`]);
    sender.send([alert('A'), alert('DropMe'), alert('B'), alert('C', { dc: 'us1' })]);
    await sender.flush();
    assert.equal(received.length, 2, 'three alerts in batches of two');
    assert.equal(received[0].url, '/am/api/v2/alerts');
    assert.equal(received[0].auth, `Basic ${Buffer.from('u:p').toString('base64')}`);
    const all = received.flatMap((r) => r.alerts);
    assert.deepEqual(
      all.map((a) => a.labels),
      [
        { alertname: 'A', dc: 'eu1', via: 'osprey' },
        { alertname: 'B', dc: 'eu1', via: 'osprey' },
        { alertname: 'C', dc: 'us1', via: 'osprey' },
      ],
    );
    assert.equal(all[0].annotations.summary, 'about A');
    assert.equal(all[0].endsAt, '2026-01-01T00:04:00Z');
    assert.equal(sender.sent, 3);
  } finally {
    server.close();
  }
});

test('a full queue drops the oldest alerts; errors are counted, never thrown', async () => {
  const sender = new AlertmanagerHTTPSender({
    alerting: { alert_relabel_configs: [], alertmanagers: [amConfig('127.0.0.1:1', { timeout: 500 })] },
    capacity: 2,
  });
  sender.send([alert('A'), alert('B'), alert('C')]);
  assert.equal(sender.dropped, 1);
  await sender.flush();
  assert.equal(sender.errors, 2);
  assert.equal(sender.queueLength, 0);
});

test('Alertmanager targets come from static and file SD configs, filtered by relabel_configs', () => {
  const dir = mkdtempSync(join(tmpdir(), 'osprey-amsd-'));
  writeFileSync(join(dir, 'am.yml'), '- targets: [am1:9093, am2:9093]\n  labels: {env: prod}\n');
  const cfg = amConfig('static:9093', {
    path_prefix: '/x/',
    file_sd_configs: [{ files: [join(dir, '*.yml')], refresh_interval: 60_000 }],
  });
  const drop = compileRelabelConfigs([relabelCfg({ source_labels: ['__address__'], regex: 'am2:.*', action: 'drop' })]);
  assert.deepEqual(alertmanagerURLs(cfg, drop), [
    'http://static:9093/x/api/v2/alerts',
    'http://am1:9093/x/api/v2/alerts',
  ]);
});
