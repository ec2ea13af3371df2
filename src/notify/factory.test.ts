/** The notifier factory: user template files, template errors, unsupported and Osprey-only integrations. */
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import type { AlertmanagerGlobalConfig, AlertmanagerReceiver } from '../config/alertmanager-index.ts';
import { parseAlertmanagerConfig } from '../config/alertmanager-index.ts';
import { createNotifierFactory } from './factory.ts';
import { context, firingAlert, NOW, type StandIn, startStandIn } from './test-helpers.ts';

let srv: StandIn;
let global: AlertmanagerGlobalConfig;
before(async () => {
  srv = await startStandIn(() => ({ status: 200, body: 'ok' }));
  global = parseAlertmanagerConfig('route: {receiver: x}\nreceivers: [{name: x}]\n', 'am.yml').global;
});
after(() => srv.close());

const last = () => srv.requests[srv.requests.length - 1]!;

test('user template files can redefine defaults and add templates; edits are picked up on reload', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'osprey-tmpl-'));
  const file = join(dir, 'custom.tmpl');
  writeFileSync(
    file,
    '{{ define "slack.default.title" }}Custom: {{ .CommonLabels.alertname }}{{ end }}' +
      '{{ define "my.text" }}{{ range .Alerts }}{{ .Labels.instance }};{{ end }}{{ end }}',
  );
  const receiver = {
    name: 'slack',
    slack_configs: [
      {
        send_resolved: false,
        api_url: `${srv.base}/slack`,
        title: '{{ template "slack.default.title" . }}',
        text: '{{ template "my.text" . }}',
      },
    ],
  } as AlertmanagerReceiver;
  const factory = createNotifierFactory({ now: () => NOW });
  const [n] = factory(receiver, global, [join(dir, '*.tmpl')]);
  assert.deepEqual(await n!.notify(context(), [firingAlert('a:9100'), firingAlert('b:9100')]), { retry: false });
  const att = (last().json as { attachments: { title: string; text: string }[] }).attachments[0]!;
  assert.equal(att.title, 'Custom: HighLatency');
  assert.equal(att.text, 'a:9100;b:9100;');

  writeFileSync(file, '{{ define "slack.default.title" }}Edited{{ end }}{{ define "my.text" }}x{{ end }}');
  const [n2] = factory(receiver, global, [join(dir, '*.tmpl')]);
  await n2!.notify(context(), [firingAlert('a:9100')]);
  assert.equal((last().json as { attachments: { title: string }[] }).attachments[0]!.title, 'Edited');
});

test('a template file that does not parse makes the factory throw', () => {
  const dir = mkdtempSync(join(tmpdir(), 'osprey-tmpl-'));
  writeFileSync(join(dir, 'bad.tmpl'), '{{ define "x" }}{{ if }}{{ end }}');
  const factory = createNotifierFactory();
  assert.throws(() => factory({ name: 'r' } as AlertmanagerReceiver, global, [join(dir, '*.tmpl')]));
});

test('a failing template is a permanent error', async () => {
  const factory = createNotifierFactory();
  const [n] = factory(
    {
      name: 'r',
      webhook_configs: [],
      slack_configs: [{ send_resolved: false, api_url: `${srv.base}/s`, title: '{{ template "nope" . }}' }],
    } as AlertmanagerReceiver,
    global,
    [],
  );
  const before = srv.requests.length;
  const r = await n!.notify(context(), [firingAlert('a:9100')]);
  assert.equal(r.retry, false);
  assert.match(r.error!.message, /nope/);
  assert.equal(srv.requests.length, before, 'nothing was sent');
});

test('integrations Osprey does not implement fail permanently instead of vanishing', async () => {
  const warnings: unknown[] = [];
  const factory = createNotifierFactory({ logger: { debug() {}, warn: (o) => warnings.push(o) } });
  const ns = factory({ name: 'r', sns_configs: [{ send_resolved: true }] } as AlertmanagerReceiver, global, []);
  assert.equal(ns.length, 1);
  assert.equal(ns[0]!.integration, 'sns');
  const r = await ns[0]!.notify(context(), [firingAlert('a:9100')]);
  assert.equal(r.retry, false);
  assert.match(r.error!.message, /not supported/);
  assert.equal(warnings.length, 1);
});

test('dingtalk_configs / feishu_configs / wecom_robot_configs on a receiver build Osprey notifiers', () => {
  const receiver = {
    name: 'cn',
    dingtalk_configs: [{ webhook_url: `${srv.base}/robot/send?access_token=t` }],
    feishu_configs: [{ webhook_url: `${srv.base}/open-apis/bot/v2/hook/x`, send_resolved: false }],
    wecom_robot_configs: [{ webhook_url: `${srv.base}/cgi-bin/webhook/send?key=k` }],
  } as unknown as AlertmanagerReceiver;
  const ns = createNotifierFactory()(receiver, global, []);
  assert.deepEqual(
    ns.map((n) => `${n.integration}:${n.sendResolved}`),
    ['dingtalk:true', 'feishu:false', 'wecom_robot:true'],
  );
});
