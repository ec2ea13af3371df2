/**
 * Webex, VictorOps, Mattermost and Rocket.Chat configured through alertmanager.yml, and Pushover, against a
 * local stand-in checking each service's documented request shape.
 */
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { after, before, test } from 'node:test';
import type { Notifier } from '../alertmanager/notifier.ts';
import { parseAlertmanagerConfig } from '../config/alertmanager-index.ts';
import { createNotifierFactory } from './factory.ts';
import { PushoverNotifier } from './pushover.ts';
import {
  context,
  deps,
  firingAlert,
  NOW,
  type RecordedRequest,
  resolvedAlert,
  type StandIn,
  startStandIn,
} from './test-helpers.ts';

let srv: StandIn;
let notifiers: Map<string, Notifier[]>;

function reply(req: RecordedRequest) {
  if (req.url.startsWith('/webex')) return { status: 200, body: { id: 'm1' } };
  if (req.url.startsWith('/vo/')) return { status: 200, body: { result: 'success', entity_id: 'x' } };
  if (req.url.startsWith('/mm/')) return { status: 200, body: 'ok' };
  if (req.url.startsWith('/rc/')) return { status: 200, body: { success: true } };
  if (req.url.startsWith('/po')) return { status: 200, body: { status: 1, request: 'r' } };
  return { status: 404 };
}

before(async () => {
  srv = await startStandIn(reply);
  const b = srv.base;
  const cfg = parseAlertmanagerConfig(
    `
global:
  victorops_api_url: '${b}/vo/'
  victorops_api_key: vo-key
  rocketchat_api_url: '${b}/rc/'
  rocketchat_token: rc-token
  rocketchat_token_id: rc-user
  webex_api_url: '${b}/webex/messages'
route:
  receiver: webex
receivers:
  - name: webex
    webex_configs:
      - room_id: room-1
        http_config:
          authorization:
            credentials: webex-bot-token
  - name: vo
    victorops_configs:
      - routing_key: team-db
        custom_fields:
          env: '{{ .CommonLabels.severity }}'
  - name: mm
    mattermost_configs:
      - webhook_url: '${b}/mm/hooks/abc'
        channel: town-square
        username: osprey
  - name: rc
    rocketchat_configs:
      - channel: '#alerts'
        fields:
          - title: instance
            value: '{{ (index .Alerts 0).Labels.instance }}'
`,
    'alertmanager.yml',
  );
  const factory = createNotifierFactory({ now: () => NOW });
  notifiers = new Map(cfg.receivers.map((r) => [r.name, factory(r, cfg.global, cfg.templates)]));
});
after(() => srv.close());

const last = () => srv.requests[srv.requests.length - 1]!;
const alerts = () => [firingAlert('a:9100'), firingAlert('b:9100')];

test('webex: markdown message to the room with the bot token from http_config', async () => {
  assert.deepEqual(await notifiers.get('webex')![0]!.notify(context(), alerts()), { retry: false });
  const req = last();
  assert.equal(req.url, '/webex/messages');
  assert.equal(req.headers.authorization, 'Bearer webex-bot-token');
  const b = req.json as Record<string, string>;
  assert.equal(b.roomId, 'room-1');
  assert.match(b.markdown!, /Alerts Firing:\nLabels:/);
});

test('victorops: CRITICAL then RECOVERY with the same entity_id; key and routing key in the path', async () => {
  const n = notifiers.get('vo')![0]!;
  assert.deepEqual(await n.notify(context(), alerts()), { retry: false });
  const trig = last();
  assert.equal(trig.url, '/vo/vo-key/team-db');
  const t = trig.json as Record<string, string>;
  assert.equal(t.message_type, 'CRITICAL');
  assert.equal(t.entity_id, createHash('sha256').update(context().groupKey).digest('hex'));
  assert.equal(t.entity_display_name, '[FIRING:2] HighLatency (critical)');
  assert.equal(t.monitoring_tool, 'Alertmanager');
  assert.equal(t.env, 'critical');
  await n.notify(context(), [resolvedAlert('a:9100')]);
  const r = last().json as Record<string, string>;
  assert.equal(r.message_type, 'RECOVERY');
  assert.equal(r.entity_id, t.entity_id);
});

test('mattermost: webhook payload with channel, username and the default text', async () => {
  assert.deepEqual(await notifiers.get('mm')![0]!.notify(context(), alerts()), { retry: false });
  const b = last().json as Record<string, string>;
  assert.equal(last().url, '/mm/hooks/abc');
  assert.equal(b.channel, 'town-square');
  assert.equal(b.username, 'osprey');
  assert.match(b.text!, /# Alerts Firing:/);
});

test('rocketchat: chat.postMessage with auth headers and one attachment', async () => {
  const n = notifiers.get('rc')![0]!;
  assert.deepEqual(await n.notify(context(), alerts()), { retry: false });
  const req = last();
  assert.equal(req.url, '/rc/api/v1/chat.postMessage');
  assert.equal(req.headers['x-auth-token'], 'rc-token');
  assert.equal(req.headers['x-user-id'], 'rc-user');
  const b = req.json as { channel: string; attachments: Record<string, unknown>[] };
  assert.equal(b.channel, '#alerts');
  assert.equal(b.attachments[0]!.title, '[FIRING:2] HighLatency (critical)');
  assert.equal(b.attachments[0]!.color, 'danger');
  assert.deepEqual(b.attachments[0]!.fields, [{ title: 'instance', value: 'a:9100', short: false }]);
  srv.replies.push({ status: 200, body: { success: false, error: 'error-invalid-channel' } });
  const bad = await n.notify(context(), alerts());
  assert.equal(bad.retry, false);
  assert.match(bad.error!.message, /error-invalid-channel/);
});

test('pushover: form-encoded message; emergency priority carries retry and expire', async () => {
  const n = new PushoverNotifier(
    {
      api_url: `${srv.base}/po/messages.json`,
      token: 'app-token',
      user_key: 'user-key',
      title: '{{ template "pushover.default.title" . }}',
      message: '{{ template "pushover.default.message" . }}',
      priority: '{{ if eq .Status "firing" }}2{{ else }}0{{ end }}',
      retry: 60_000,
      expire: 3_600_000,
    },
    deps(),
  );
  assert.deepEqual(await n.notify(context(), alerts()), { retry: false });
  const req = last();
  assert.equal(req.headers['content-type'], 'application/x-www-form-urlencoded');
  const f = new URLSearchParams(req.body);
  assert.equal(f.get('token'), 'app-token');
  assert.equal(f.get('user'), 'user-key');
  assert.equal(f.get('title'), '[FIRING:2] HighLatency (critical)');
  assert.equal(f.get('priority'), '2');
  assert.equal(f.get('retry'), '60');
  assert.equal(f.get('expire'), '3600');
  assert.match(f.get('message')!, /Alerts Firing:/);
  srv.replies.push({ status: 400, body: { status: 0, errors: ['user identifier is invalid'] } });
  const bad = await n.notify(context(), alerts());
  assert.equal(bad.retry, false);
  assert.match(bad.error!.message, /user identifier is invalid/);
});
