/**
 * Slack, PagerDuty, Opsgenie, Telegram, Discord, Teams (both) and WeChat, configured through a real
 * alertmanager.yml (so the loader's defaults and global inheritance apply), sending to a local stand-in
 * that answers like each service and records the requests for checks against the services' APIs.
 */
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { after, before, test } from 'node:test';
import type { Notifier } from '../alertmanager/notifier.ts';
import { parseAlertmanagerConfig } from '../config/alertmanager-index.ts';
import { createNotifierFactory } from './factory.ts';
import {
  context,
  firingAlert,
  NOW,
  type RecordedRequest,
  resolvedAlert,
  type StandIn,
  startStandIn,
} from './test-helpers.ts';

let srv: StandIn;
let notifiers: Map<string, Notifier[]>;

/** Answers like the real services do on success. */
function serviceReply(req: RecordedRequest) {
  if (req.url.startsWith('/slack-app')) return { status: 200, body: { ok: true, channel: 'C1', ts: '1.2' } };
  if (req.url.startsWith('/slack')) return { status: 200, body: 'ok' };
  if (req.url.startsWith('/pd')) return { status: 202, body: { status: 'success', message: 'Event processed' } };
  if (req.url.startsWith('/og')) return { status: 202, body: { result: 'Request will be processed', requestId: 'x' } };
  if (req.url.startsWith('/tg')) return { status: 200, body: { ok: true, result: { message_id: 1 } } };
  if (req.url.startsWith('/discord')) return { status: 204 };
  if (req.url.startsWith('/wechat/gettoken'))
    return { status: 200, body: { errcode: 0, access_token: 'wx-token', expires_in: 7200 } };
  if (req.url.startsWith('/wechat/message/send')) return { status: 200, body: { errcode: 0, errmsg: 'ok' } };
  return { status: 200, body: '1' };
}

before(async () => {
  srv = await startStandIn(serviceReply);
  const b = srv.base;
  const yaml = `
global:
  slack_api_url: '${b}/slack/T000/B000/XXXX'
  pagerduty_url: '${b}/pd/v2/enqueue'
  opsgenie_api_url: '${b}/og/'
  opsgenie_api_key: og-key-123
  telegram_api_url: '${b}/tg'
  wechat_api_url: '${b}/wechat/'
  wechat_api_secret: wx-secret
  wechat_api_corp_id: corp-1
route:
  receiver: slack
receivers:
  - name: slack
    slack_configs:
      - channel: '#alerts'
        send_resolved: true
        fields:
          - title: Severity
            value: '{{ .CommonLabels.severity }}'
            short: true
        actions:
          - type: button
            text: Runbook
            url: '{{ (index .Alerts 0).Annotations.runbook }}'
      - app_token: xoxb-bot-token
        app_url: '${b}/slack-app/chat.postMessage'
        channel: '#ops'
        title: 'custom {{ .Status }}'
        mrkdwn_in: [text]
  - name: pd
    pagerduty_configs:
      - routing_key: pd-routing-key
        severity: critical
        links:
          - href: 'http://grafana/d/1'
            text: Dashboard
        images:
          - src: 'http://grafana/render.png'
            alt: graph
      - service_key: pd-service-key
        url: '${b}/pd/v1'
  - name: og
    opsgenie_configs:
      - priority: P1
        tags: 'db, prod ,'
        responders:
          - name: sre
            type: team
        details:
          runbook: '{{ (index .Alerts 0).Annotations.runbook }}'
  - name: tg
    telegram_configs:
      - bot_token: '123:tg-secret'
        chat_id: -1001234
        message_thread_id: 42
        disable_notifications: true
  - name: chat
    discord_configs:
      - webhook_url: '${b}/discord/123/tok'
        username: osprey
    msteams_configs:
      - webhook_url: '${b}/teams/legacy'
    msteamsv2_configs:
      - webhook_url: '${b}/teams/workflow'
  - name: wx
    wechat_configs:
      - to_user: '@all'
        agent_id: '1000002'
        message_type: markdown
`;
  const cfg = parseAlertmanagerConfig(yaml, 'alertmanager.yml');
  const factory = createNotifierFactory({ now: () => NOW });
  notifiers = new Map(cfg.receivers.map((r) => [r.name, factory(r, cfg.global, cfg.templates)]));
});
after(() => srv.close());

function requestsSince(n: number, prefix: string): RecordedRequest[] {
  return srv.requests.slice(n).filter((r) => r.url.startsWith(prefix));
}

const alerts = () => [firingAlert('a:9100'), firingAlert('b:9100')];
const firingTitle = '[FIRING:2] HighLatency (critical)';

test('factory builds one notifier per integration entry with send_resolved from the config', () => {
  const kinds = (name: string) => notifiers.get(name)!.map((n) => `${n.integration}[${n.index}]:${n.sendResolved}`);
  assert.deepEqual(kinds('slack'), ['slack[0]:true', 'slack[1]:false']);
  assert.deepEqual(kinds('pd'), ['pagerduty[0]:true', 'pagerduty[1]:true']);
  assert.deepEqual(kinds('chat'), ['discord[0]:true', 'msteams[0]:true', 'msteamsv2[0]:true']);
  assert.deepEqual(kinds('wx'), ['wechat[0]:false']);
});

test('slack incoming webhook: attachment from the default templates, fields, actions', async () => {
  const n0 = srv.requests.length;
  const res = await notifiers.get('slack')![0]!.notify(context({ receiver: 'slack' }), alerts());
  assert.deepEqual(res, { retry: false });
  const [req] = requestsSince(n0, '/slack/');
  assert.equal(req!.url, '/slack/T000/B000/XXXX');
  assert.equal(req!.headers.authorization, undefined);
  const body = req!.json as Record<string, unknown>;
  assert.equal(body.channel, '#alerts');
  assert.equal(body.username, 'Alertmanager');
  const att = (body.attachments as Record<string, unknown>[])[0]!;
  assert.equal(att.title, firingTitle);
  assert.equal(att.title_link, 'http://osprey.example:9090/#/alerts?receiver=slack');
  assert.equal(att.color, 'danger');
  assert.equal(att.fallback, `${firingTitle} | http://osprey.example:9090/#/alerts?receiver=slack`);
  assert.deepEqual(att.mrkdwn_in, ['fallback', 'pretext', 'text']);
  assert.deepEqual(att.fields, [{ title: 'Severity', value: 'critical', short: true }]);
  assert.deepEqual(att.actions, [{ type: 'button', text: 'Runbook', url: 'http://runbooks/latency' }]);
  assert.equal(att.text, undefined, 'empty fields are omitted');
});

test('slack resolved notification is green', async () => {
  const n0 = srv.requests.length;
  await notifiers.get('slack')![0]!.notify(context({ receiver: 'slack' }), [resolvedAlert('a:9100')]);
  const att = (
    (requestsSince(n0, '/slack/')[0]!.json as Record<string, unknown>).attachments as Record<string, unknown>[]
  )[0]!;
  assert.equal(att.color, 'good');
  assert.match(att.title as string, /^\[RESOLVED\] HighLatency/);
});

test('slack app token: chat.postMessage with Bearer auth; {"ok":false} is a permanent error', async () => {
  const n = notifiers.get('slack')![1]!;
  const n0 = srv.requests.length;
  assert.deepEqual(await n.notify(context(), alerts()), { retry: false });
  const [req] = requestsSince(n0, '/slack-app');
  assert.equal(req!.url, '/slack-app/chat.postMessage');
  assert.equal(req!.headers.authorization, 'Bearer xoxb-bot-token');
  assert.match(String(req!.headers['content-type']), /^application\/json/);
  const body = req!.json as { channel: string; attachments: { title: string; mrkdwn_in: string[] }[] };
  assert.equal(body.channel, '#ops');
  assert.equal(body.attachments[0]!.title, 'custom firing');
  assert.deepEqual(body.attachments[0]!.mrkdwn_in, ['text']);

  srv.replies.push({ status: 200, body: { ok: false, error: 'channel_not_found' } });
  const bad = await n.notify(context(), alerts());
  assert.equal(bad.retry, false);
  assert.match(bad.error!.message, /channel_not_found/);
  assert.doesNotMatch(bad.error!.message, /xoxb/);
});

test('slack webhook: a non-"ok" body is an error; 500 retries; 429 Retry-After retries', async () => {
  const n = notifiers.get('slack')![0]!;
  srv.replies.push({ status: 200, body: 'invalid_payload' });
  const r1 = await n.notify(context(), alerts());
  assert.equal(r1.retry, false);
  assert.match(r1.error!.message, /invalid_payload/);
  srv.replies.push({ status: 500, body: 'rollup_error' });
  assert.equal((await n.notify(context(), alerts())).retry, true);
  srv.replies.push({ status: 429, headers: { 'retry-after': '1' } });
  const started = Date.now();
  const r3 = await n.notify(context(), alerts());
  assert.ok(Date.now() - started >= 900, 'waited for Retry-After before returning');
  assert.equal(r3.retry, true);
  assert.doesNotMatch(r3.error!.message, /XXXX/, 'the webhook URL is secret');
});

test('pagerduty Events API v2: trigger with payload, links, images; resolve with the same dedup_key', async () => {
  const n = notifiers.get('pd')![0]!;
  const n0 = srv.requests.length;
  assert.deepEqual(await n.notify(context(), alerts()), { retry: false });
  assert.deepEqual(await n.notify(context(), [resolvedAlert('a:9100'), resolvedAlert('b:9100')]), { retry: false });
  const [trigger, resolve] = requestsSince(n0, '/pd/');
  assert.equal(trigger!.url, '/pd/v2/enqueue');
  const t = trigger!.json as Record<string, any>;
  const dedup = createHash('sha256').update(context().groupKey).digest('hex');
  assert.equal(t.routing_key, 'pd-routing-key');
  assert.equal(t.event_action, 'trigger');
  assert.equal(t.dedup_key, dedup);
  assert.equal(t.client, 'Alertmanager');
  assert.equal(t.client_url, 'http://osprey.example:9090/#/alerts?receiver=team-ops');
  assert.equal(t.payload.summary, firingTitle);
  assert.equal(t.payload.severity, 'critical');
  assert.equal(t.payload.source, 'Alertmanager');
  assert.equal(t.payload.custom_details.num_firing, '2');
  assert.match(t.payload.custom_details.firing, /Labels:\n - alertname = HighLatency\n/);
  assert.deepEqual(t.links, [{ href: 'http://grafana/d/1', text: 'Dashboard' }]);
  assert.deepEqual(t.images, [{ src: 'http://grafana/render.png', alt: 'graph' }]);
  const r = resolve!.json as Record<string, any>;
  assert.equal(r.event_action, 'resolve');
  assert.equal(r.dedup_key, dedup);
  assert.equal(r.payload, undefined);
});

test('pagerduty legacy service_key uses the v1 generic API', async () => {
  const n0 = srv.requests.length;
  await notifiers.get('pd')![1]!.notify(context(), alerts());
  const [req] = requestsSince(n0, '/pd/v1');
  const b = req!.json as Record<string, unknown>;
  assert.equal(b.service_key, 'pd-service-key');
  assert.equal(b.event_type, 'trigger');
  assert.equal(b.incident_key, createHash('sha256').update(context().groupKey).digest('hex'));
  assert.equal(b.description, firingTitle);
});

test('pagerduty 400 is permanent with the API error; 429 retries', async () => {
  const n = notifiers.get('pd')![0]!;
  srv.replies.push({ status: 400, body: { status: 'invalid event', errors: ['Event object is invalid'] } });
  const r = await n.notify(context(), alerts());
  assert.equal(r.retry, false);
  assert.match(r.error!.message, /Event object is invalid/);
  srv.replies.push({ status: 429, headers: { 'retry-after': '30' } });
  const started = Date.now();
  assert.equal((await n.notify(context({ signal: AbortSignal.timeout(300) }), alerts())).retry, true);
  assert.ok(Date.now() - started < 5000, 'the Retry-After wait ends with the flush deadline');
});

test('opsgenie: create with GenieKey auth, then close by alias', async () => {
  const n = notifiers.get('og')![0]!;
  const n0 = srv.requests.length;
  assert.deepEqual(await n.notify(context(), alerts()), { retry: false });
  assert.deepEqual(await n.notify(context(), [resolvedAlert('a:9100')]), { retry: false });
  const [create, close] = requestsSince(n0, '/og/');
  const alias = createHash('sha256').update(context().groupKey).digest('hex');
  assert.equal(create!.url, '/og/v2/alerts');
  assert.equal(create!.headers.authorization, 'GenieKey og-key-123');
  const c = create!.json as Record<string, any>;
  assert.equal(c.alias, alias);
  assert.equal(c.message, firingTitle);
  assert.match(c.description, /^http:\/\/runbooks\/latency\nAlerts Firing:\nLabels:\n - alertname = HighLatency\n/);
  assert.equal(c.source, 'http://osprey.example:9090/#/alerts?receiver=team-ops');
  assert.equal(c.priority, 'P1');
  assert.deepEqual(c.tags, ['db', 'prod']);
  assert.deepEqual(c.responders, [{ type: 'team', name: 'sre' }]);
  assert.equal(c.details.alertname, 'HighLatency', 'common labels are details');
  assert.equal(c.details.runbook, 'http://runbooks/latency');
  assert.equal(close!.url, `/og/v2/alerts/${alias}/close?identifierType=alias`);
  assert.equal(close!.headers.authorization, 'GenieKey og-key-123');
});

test('telegram sendMessage: token in the path, HTML message, thread and silent flags', async () => {
  const n = notifiers.get('tg')![0]!;
  const n0 = srv.requests.length;
  assert.deepEqual(await n.notify(context(), [firingAlert('a:9100', { note: '<b>&' })]), { retry: false });
  const [req] = requestsSince(n0, '/tg/');
  assert.equal(req!.url, '/tg/bot123:tg-secret/sendMessage');
  const b = req!.json as Record<string, any>;
  assert.equal(b.chat_id, -1001234);
  assert.equal(b.parse_mode, 'HTML');
  assert.equal(b.disable_notification, true);
  assert.equal(b.message_thread_id, 42);
  assert.match(b.text, /Alerts Firing:/);
  assert.match(b.text, /note = &lt;b&gt;&amp;/, 'HTML parse mode escapes values');

  srv.replies.push({ status: 400, body: { ok: false, error_code: 400, description: 'Bad Request: chat not found' } });
  const bad = await n.notify(context(), alerts());
  assert.equal(bad.retry, false);
  assert.match(bad.error!.message, /chat not found/);
  assert.doesNotMatch(bad.error!.message, /tg-secret/);
  srv.replies.push({
    status: 429,
    body: { ok: false, error_code: 429, description: 'Too Many', parameters: { retry_after: 5 } },
  });
  const slow = await n.notify(context({ signal: AbortSignal.timeout(200) }), alerts());
  assert.equal(slow.retry, true);
  assert.equal((slow.error as { retryAfterMs?: number }).retryAfterMs, 5000);
});

test('discord webhook: one embed with title, description and status colour', async () => {
  const n = notifiers.get('chat')![0]!;
  const n0 = srv.requests.length;
  assert.deepEqual(await n.notify(context(), alerts()), { retry: false });
  await n.notify(context(), [resolvedAlert('a:9100')]);
  const [f, r] = requestsSince(n0, '/discord/');
  const fb = f!.json as Record<string, any>;
  assert.equal(fb.username, 'osprey');
  assert.equal(fb.embeds.length, 1);
  assert.equal(fb.embeds[0].title, firingTitle);
  assert.match(fb.embeds[0].description, /Alerts Firing:\nLabels:/);
  assert.equal(fb.embeds[0].color, 0x992d22);
  assert.equal((r!.json as Record<string, any>).embeds[0].color, 0x2ecc71);
});

test('msteams MessageCard and msteamsv2 Adaptive Card', async () => {
  const [, legacy, v2] = notifiers.get('chat')!;
  const n0 = srv.requests.length;
  assert.deepEqual(await legacy!.notify(context(), alerts()), { retry: false });
  assert.deepEqual(await v2!.notify(context(), alerts()), { retry: false });
  const [l] = requestsSince(n0, '/teams/legacy');
  const card = l!.json as Record<string, any>;
  assert.equal(card['@context'], 'http://schema.org/extensions');
  assert.equal(card.type, 'MessageCard');
  assert.equal(card.title, firingTitle);
  assert.equal(card.summary, firingTitle);
  assert.equal(card.themeColor, '8C1A1A');
  assert.match(card.text, /# Alerts Firing:/);
  const [w] = requestsSince(n0, '/teams/workflow');
  const msg = w!.json as Record<string, any>;
  assert.equal(msg.type, 'message');
  const att = msg.attachments[0];
  assert.equal(att.contentType, 'application/vnd.microsoft.card.adaptive');
  assert.equal(att.content.type, 'AdaptiveCard');
  assert.equal(att.content.body[0].text, firingTitle);
  assert.equal(att.content.body[0].color, 'Attention');
  assert.match(att.content.body[1].text, /# Alerts Firing:/);
});

test('wechat: gettoken once (cached), then message/send with the token; expired token retries', async () => {
  const n = notifiers.get('wx')![0]!;
  const n0 = srv.requests.length;
  assert.deepEqual(await n.notify(context(), alerts()), { retry: false });
  assert.deepEqual(await n.notify(context(), alerts()), { retry: false });
  const tokens = requestsSince(n0, '/wechat/gettoken');
  assert.equal(tokens.length, 1);
  assert.equal(tokens[0]!.method, 'GET');
  assert.equal(tokens[0]!.url, '/wechat/gettoken?corpid=corp-1&corpsecret=wx-secret');
  const sends = requestsSince(n0, '/wechat/message/send');
  assert.equal(sends.length, 2);
  assert.equal(sends[0]!.url, '/wechat/message/send?access_token=wx-token');
  const b = sends[0]!.json as Record<string, any>;
  assert.equal(b.msgtype, 'markdown');
  assert.equal(b.touser, '@all');
  assert.equal(b.agentid, '1000002');
  assert.match(b.markdown.content, /^\[FIRING:2\] HighLatency \(critical\)\n/);
  assert.match(b.markdown.content, /AlertmanagerUrl:\nhttp:\/\/osprey\.example:9090/);

  srv.replies.push({ status: 200, body: { errcode: 42001, errmsg: 'access_token expired' } });
  const expired = await n.notify(context(), alerts());
  assert.equal(expired.retry, true);
  assert.doesNotMatch(expired.error!.message, /wx-token|wx-secret/);
  const n1 = srv.requests.length;
  assert.deepEqual(await n.notify(context(), alerts()), { retry: false });
  assert.equal(requestsSince(n1, '/wechat/gettoken').length, 1, 'a new token is fetched');
});
