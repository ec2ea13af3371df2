/**
 * alertmanager.yml receivers for Osprey's chat-robot integrations (dingtalk_configs, feishu_configs,
 * wecom_robot_configs) and the webhook `command`: each config loads, and the notifier the factory builds from it
 * posts to a local stand-in (or runs the command).
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { Alertmanager } from '../alertmanager/index.ts';
import { alertmanagerConfigToYaml, parseAlertmanagerConfig } from '../config/alertmanager-index.ts';
import { dingtalkSign } from './dingtalk.ts';
import { createNotifierFactory } from './factory.ts';
import { feishuSign } from './feishu.ts';
import { startStandIn } from './test-helpers.ts';

const NOW = Date.parse('2024-05-01T10:00:00Z');

async function waitFor(cond: () => boolean, what: string, ms = 5000): Promise<void> {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

function configText(base: string, secretFile: string, cmdOut: string): string {
  return `
route:
  receiver: ding
  group_by: [alertname]
  group_wait: 10ms
  routes:
    - { receiver: ding, continue: true, group_wait: 10ms }
    - { receiver: lark, continue: true, group_wait: 10ms }
    - { receiver: wecom, continue: true, group_wait: 10ms }
    - { receiver: fix, group_wait: 10ms }
receivers:
  - name: ding
    dingtalk_configs:
      - webhook_url: '${base}/robot/send?access_token=abc'
        secret: SECdingsecret
        message_type: text
        at_mobiles: ['13800000000']
        at_all: true
  - name: lark
    feishu_configs:
      - webhook_url: '${base}/open-apis/bot/v2/hook/xyz'
        secret_file: '${secretFile}'
        title: 'Lark {{ .CommonLabels.alertname }}'
  - name: wecom
    wecom_robot_configs:
      - webhook_url: '${base}/cgi-bin/webhook/send?key=k1'
        message_type: text
        message: 'robot {{ .CommonLabels.alertname }}'
        mentioned_list: ['@all']
  - name: fix
    webhook_configs:
      - command: ['${process.execPath}', '-e', 'require("fs").writeFileSync(${JSON.stringify(cmdOut)}, require("fs").readFileSync(0))']
`;
}

test('dingtalk, feishu and wecom_robot receivers and a command-only webhook load and deliver', async () => {
  const srv = await startStandIn((req) =>
    req.url.startsWith('/open-apis/') ? { body: { code: 0, msg: 'success' } } : { body: { errcode: 0, errmsg: 'ok' } },
  );
  const dir = mkdtempSync(join(tmpdir(), 'osprey-robots-'));
  const secretFile = join(dir, 'feishu-secret');
  writeFileSync(secretFile, 'larksecret\n');
  const cmdOut = join(dir, 'cmd-stdin.json');
  const cfg = parseAlertmanagerConfig(configText(srv.base, secretFile, cmdOut), 'alertmanager.yml');
  const ding = cfg.receivers.find((r) => r.name === 'ding')!.dingtalk_configs![0]!;
  assert.equal(ding.send_resolved, true);
  assert.equal(ding.title, '{{ template "dingtalk.default.title" . }}', 'defaults are applied');
  const printed = alertmanagerConfigToYaml(cfg);
  assert.ok(!printed.includes('SECdingsecret'), 'the DingTalk secret is redacted');
  assert.ok(!printed.includes('access_token=abc'), 'robot webhook URLs are redacted');
  assert.ok(printed.includes('secret: <secret>'));

  const am = new Alertmanager({
    config: cfg,
    notifierFactory: createNotifierFactory({ now: () => NOW }),
    externalURL: 'http://osprey:9093',
  });
  try {
    am.putAlerts([{ labels: { alertname: 'HighCPUUsage', instance: 'app:3000' }, annotations: { summary: 'hot' } }]);
    const at = (prefix: string) => srv.requests.find((r) => r.url.startsWith(prefix));
    await waitFor(
      () => !!at('/robot/') && !!at('/open-apis/') && !!at('/cgi-bin/') && existsNonEmpty(cmdOut),
      'all four deliveries',
    );

    const d = at('/robot/')!;
    const u = new URL(d.url, srv.base);
    assert.equal(u.searchParams.get('access_token'), 'abc');
    assert.equal(u.searchParams.get('timestamp'), String(NOW));
    assert.equal(u.searchParams.get('sign'), dingtalkSign(NOW, 'SECdingsecret'));
    const dj = d.json as { msgtype: string; text: { content: string }; at: Record<string, unknown> };
    assert.equal(dj.msgtype, 'text');
    assert.match(dj.text.content, /hot/);
    assert.deepEqual(dj.at, { atMobiles: ['13800000000'], atUserIds: [], isAtAll: true });

    const f = at('/open-apis/')!.json as { msg_type: string; sign: string; timestamp: string; card: any };
    assert.equal(f.msg_type, 'interactive');
    assert.equal(f.timestamp, String(NOW / 1000));
    assert.equal(f.sign, feishuSign(NOW / 1000, 'larksecret'), 'the secret is read from secret_file');
    assert.equal(f.card.header.title.content, 'Lark HighCPUUsage');

    const w = at('/cgi-bin/')!;
    assert.equal(new URL(w.url, srv.base).searchParams.get('key'), 'k1');
    assert.deepEqual(w.json, { msgtype: 'text', text: { content: 'robot HighCPUUsage', mentioned_list: ['@all'] } });

    const stdin = JSON.parse(readFileSync(cmdOut, 'utf8')) as { receiver: string; version: string; alerts: unknown[] };
    assert.equal(stdin.receiver, 'fix');
    assert.equal(stdin.version, '4');
    assert.equal(stdin.alerts.length, 1);
  } finally {
    am.stop();
    await srv.close();
  }
});

function existsNonEmpty(path: string): boolean {
  try {
    return readFileSync(path, 'utf8').length > 0;
  } catch {
    return false;
  }
}

test('robot receivers are checked like Alertmanager checks its integrations', () => {
  const bad = (receiver: string) => () =>
    parseAlertmanagerConfig(`route: { receiver: r }\nreceivers:\n  - name: r\n${receiver}`, 'alertmanager.yml');
  assert.throws(bad('    dingtalk_configs: [{}]'), /one of webhook_url or webhook_url_file must be configured/);
  assert.throws(
    bad('    feishu_configs: [{ webhook_url: "http://x/", secret: a, secret_file: b }]'),
    /at most one of secret & secret_file/,
  );
  assert.throws(bad('    wecom_robot_configs: [{ webhook_url: "ftp://x/" }]'), /unsupported scheme "ftp"/);
  assert.throws(
    bad('    dingtalk_configs: [{ webhook_url: "http://x/", message_type: card }]'),
    /dingtalk message_type "card" not allowed/,
  );
  assert.throws(bad('    feishu_configs: [{ webhook_url: "http://x/", at_all: true }]'), /at_all/);
  assert.throws(bad('    webhook_configs: [{}]'), /one of url or url_file must be configured/);
  assert.throws(bad('    webhook_configs: [{ command: [] }]'), /command must not be empty/);
  const ok = parseAlertmanagerConfig(
    'route: { receiver: r }\nreceivers:\n  - name: r\n    webhook_configs: [{ command: [/bin/true] }]',
    'alertmanager.yml',
  );
  assert.deepEqual(ok.receivers[0]!.webhook_configs![0]!.command, ['/bin/true']);
});
