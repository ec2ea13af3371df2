import assert from 'node:assert/strict';
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { freePort } from '../src/testing/free-port.ts';
import { getJSON, startHttp, startOsprey, tempDir, waitFor } from './helpers.ts';

// The HA recipe of docs/scaling-out.md: two Osprey replicas with the same rules (only a replica label differs, and
// it is dropped from alerts) send every alert to both members of a Debian Alertmanager cluster; the cluster
// notifies once.

const AM = '/usr/bin/prometheus-alertmanager';

test('HA pair: two Osprey replicas and a two-member Alertmanager cluster give one notification', {
  skip: existsSync(AM) ? false : `${AM} not installed`,
  timeout: 120_000,
}, async () => {
  const notifications: { alerts: { labels: Record<string, string> }[] }[] = [];
  const hook = await startHttp((req, res) => {
    let body = '';
    req.on('data', (c) => (body += c));
    req.on('end', () => {
      notifications.push(JSON.parse(body));
      res.end();
    });
  });
  const dir = tempDir('osprey-ha-');
  writeFileSync(
    join(dir, 'am.yml'),
    `route:\n  receiver: hook\n  group_by: [alertname]\n  group_wait: 1s\n  group_interval: 1h\n  repeat_interval: 4h\n` +
      `receivers:\n  - name: hook\n    webhook_configs:\n      - url: ${hook.url}/hook\n`,
  );
  const http = [await freePort(), await freePort()];
  const gossip = [await freePort(), await freePort()];
  const ams: ChildProcess[] = [0, 1].map((i) =>
    spawn(
      AM,
      [
        `--config.file=${join(dir, 'am.yml')}`,
        `--storage.path=${join(dir, `am${i}`)}`,
        `--web.listen-address=127.0.0.1:${http[i]}`,
        `--cluster.listen-address=127.0.0.1:${gossip[i]}`,
        `--cluster.peer=127.0.0.1:${gossip[1 - i]}`,
        '--cluster.peer-timeout=3s',
        '--cluster.gossip-interval=100ms',
        '--cluster.pushpull-interval=1s',
      ],
      { stdio: 'ignore' },
    ),
  );
  const ospreys: Awaited<ReturnType<typeof startOsprey>>[] = [];
  try {
    for (const p of http) {
      await waitFor(
        async () => (await getJSON(`http://127.0.0.1:${p}/api/v2/status`)).json.cluster?.peers?.length === 2,
        30_000,
        'alertmanager cluster formed',
      );
    }
    for (const replica of ['a', 'b']) {
      const rules = join(dir, `rules-${replica}.yml`);
      writeFileSync(
        rules,
        'groups:\n  - name: ha\n    interval: 1s\n    rules:\n      - alert: HAPairTest\n        expr: vector(1)\n        labels: { severity: page }\n',
      );
      ospreys.push(
        await startOsprey(
          `global:\n  evaluation_interval: 1s\n  external_labels: { cluster: prod, replica: ${replica} }\n` +
            `rule_files: [${rules}]\n` +
            `alerting:\n  alert_relabel_configs:\n    - action: labeldrop\n      regex: replica\n` +
            `  alertmanagers:\n    - static_configs:\n        - targets: ['127.0.0.1:${http[0]}', '127.0.0.1:${http[1]}']\n`,
        ),
      );
    }
    // Every member receives the alert (from both replicas; they are the same alert once the replica label is gone).
    for (const p of http) {
      const alerts = await waitFor(
        async () => {
          const j = (await getJSON(`http://127.0.0.1:${p}/api/v2/alerts`)).json as { labels: Record<string, string> }[];
          return Array.isArray(j) && j.length > 0 ? j : null;
        },
        30_000,
        `alert at alertmanager :${p}`,
      );
      assert.deepEqual(
        alerts.map((a) => a.labels),
        [{ alertname: 'HAPairTest', cluster: 'prod', severity: 'page' }],
      );
    }
    await waitFor(async () => notifications.length > 0, 30_000, 'a notification');
    // The second member waits peer-timeout (3 s) and then sees in the gossiped notification log that the group
    // was notified; give it well past that.
    await new Promise((r) => setTimeout(r, 10_000));
    assert.equal(notifications.length, 1, JSON.stringify(notifications));
    assert.deepEqual(
      notifications[0].alerts.map((a) => a.labels),
      [{ alertname: 'HAPairTest', cluster: 'prod', severity: 'page' }],
    );
  } finally {
    for (const o of ospreys) await o.server.stop();
    for (const p of ams) p.kill('SIGTERM');
    hook.server.close();
  }
});
