/**
 * DingTalk, Feishu/Lark and WeCom group robots against a stand-in that verifies the request signatures the
 * way the services document them and answers with their JSON error conventions.
 */
import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { after, before, test } from 'node:test';
import { DingTalkNotifier } from './dingtalk.ts';
import { FeishuNotifier } from './feishu.ts';
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
import { WeComRobotNotifier } from './wecom-robot.ts';

const DING_SECRET = 'SECd1ngt4lk';
const FEISHU_SECRET = 'f3ishu-secret';

/** DingTalk's check: HMAC-SHA256 keyed by the secret over "timestamp\nsecret", base64, URL-encoded. */
function dingtalkValid(req: RecordedRequest): boolean {
  const u = new URL(req.url, 'http://x');
  const ts = u.searchParams.get('timestamp');
  const sign = u.searchParams.get('sign');
  if (!ts || !sign) return false;
  const want = createHmac('sha256', DING_SECRET).update(`${ts}\n${DING_SECRET}`).digest('base64');
  return sign === want && Math.abs(Number(ts) - NOW) < 3600_000;
}

/** Feishu's check: HMAC-SHA256 keyed by "timestamp\nsecret" over the empty string, base64. */
function feishuValid(body: Record<string, unknown>): boolean {
  const ts = body.timestamp as string;
  const want = createHmac('sha256', `${ts}\n${FEISHU_SECRET}`).update('').digest('base64');
  return body.sign === want && Math.abs(Number(ts) - NOW / 1000) < 3600;
}

let srv: StandIn;
before(async () => {
  srv = await startStandIn((req) => {
    if (req.url.startsWith('/robot/send')) {
      if (new URL(req.url, 'http://x').searchParams.has('sign') && !dingtalkValid(req))
        return { status: 200, body: { errcode: 310000, errmsg: 'sign not match' } };
      return { status: 200, body: { errcode: 0, errmsg: 'ok' } };
    }
    if (req.url.startsWith('/open-apis/bot/v2/hook/')) {
      const body = req.json as Record<string, unknown>;
      if ('sign' in body && !feishuValid(body)) return { status: 200, body: { code: 19021, msg: 'sign match fail' } };
      return { status: 200, body: { code: 0, msg: 'success', data: {} } };
    }
    if (req.url.startsWith('/cgi-bin/webhook/send')) return { status: 200, body: { errcode: 0, errmsg: 'ok' } };
    return { status: 404 };
  });
});
after(() => srv.close());

const last = () => srv.requests[srv.requests.length - 1]!;
const alerts = () => [firingAlert('a:9100'), firingAlert('b:9100')];

test('dingtalk: signed markdown message accepted by the signature check', async () => {
  const n = new DingTalkNotifier(
    { webhook_url: `${srv.base}/robot/send?access_token=ding-token`, secret: DING_SECRET, at_mobiles: ['13800000000'] },
    deps(),
  );
  assert.deepEqual(await n.notify(context(), alerts()), { retry: false });
  const req = last();
  const u = new URL(req.url, 'http://x');
  assert.equal(u.searchParams.get('access_token'), 'ding-token');
  assert.equal(u.searchParams.get('timestamp'), String(NOW));
  assert.ok(dingtalkValid(req));
  const b = req.json as Record<string, any>;
  assert.equal(b.msgtype, 'markdown');
  assert.equal(b.markdown.title, '[FIRING:2] HighLatency (critical)');
  assert.match(b.markdown.text, /^### \[FIRING:2\] HighLatency \(critical\)\n/);
  assert.match(b.markdown.text, /# Alerts Firing:/);
  assert.deepEqual(b.at.atMobiles, ['13800000000']);
  assert.equal(b.at.isAtAll, false);
});

test('dingtalk: a wrong secret is reported as a permanent error without leaking the token', async () => {
  const n = new DingTalkNotifier(
    { webhook_url: `${srv.base}/robot/send?access_token=ding-token`, secret: 'SECwrong' },
    deps(),
  );
  const r = await n.notify(context(), alerts());
  assert.equal(r.retry, false);
  assert.match(r.error!.message, /310000: sign not match/);
  assert.doesNotMatch(r.error!.message, /ding-token|SECwrong/);
});

test('dingtalk: unsigned text message; rate limit errcode retries; 500 retries', async () => {
  const n = new DingTalkNotifier(
    { webhook_url: `${srv.base}/robot/send?access_token=t`, message_type: 'text' },
    deps(),
  );
  assert.deepEqual(await n.notify(context(), alerts()), { retry: false });
  assert.equal(new URL(last().url, 'http://x').searchParams.has('sign'), false);
  assert.equal((last().json as Record<string, any>).msgtype, 'text');
  srv.replies.push({ status: 200, body: { errcode: 130101, errmsg: 'send too fast' } });
  assert.equal((await n.notify(context(), alerts())).retry, true);
  srv.replies.push({ status: 500 });
  assert.equal((await n.notify(context(), alerts())).retry, true);
});

test('feishu: signed interactive card with status colour', async () => {
  const n = new FeishuNotifier(
    { webhook_url: `${srv.base}/open-apis/bot/v2/hook/abc-uuid`, secret: FEISHU_SECRET },
    deps(),
  );
  assert.deepEqual(await n.notify(context(), alerts()), { retry: false });
  const b = last().json as Record<string, any>;
  assert.equal(b.timestamp, String(Math.floor(NOW / 1000)));
  assert.ok(feishuValid(b));
  assert.equal(b.msg_type, 'interactive');
  assert.equal(b.card.header.title.content, '[FIRING:2] HighLatency (critical)');
  assert.equal(b.card.header.template, 'red');
  assert.match(b.card.elements[0].content, /Alerts Firing:/);
  await n.notify(context(), [resolvedAlert('a:9100')]);
  assert.equal((last().json as Record<string, any>).card.header.template, 'green');
});

test('feishu: post message; bad signature is permanent; frequency limit retries', async () => {
  const post = new FeishuNotifier(
    { webhook_url: `${srv.base}/open-apis/bot/v2/hook/abc`, message_type: 'post', title: 'T {{ .Status }}' },
    deps(),
  );
  assert.deepEqual(await post.notify(context(), alerts()), { retry: false });
  const b = last().json as Record<string, any>;
  assert.equal(b.msg_type, 'post');
  assert.equal(b.content.post.zh_cn.title, 'T firing');
  assert.equal(b.content.post.zh_cn.content[0][0].tag, 'text');
  assert.equal('sign' in b, false);

  const wrong = new FeishuNotifier({ webhook_url: `${srv.base}/open-apis/bot/v2/hook/abc`, secret: 'nope' }, deps());
  const r = await wrong.notify(context(), alerts());
  assert.equal(r.retry, false);
  assert.match(r.error!.message, /19021/);
  srv.replies.push({ status: 200, body: { code: 11232, msg: 'frequency limited' } });
  assert.equal((await post.notify(context(), alerts())).retry, true);
});

test('wecom robot: markdown message to the group webhook; errcode handling', async () => {
  const n = new WeComRobotNotifier({ webhook_url: `${srv.base}/cgi-bin/webhook/send?key=robot-key` }, deps());
  assert.deepEqual(await n.notify(context(), alerts()), { retry: false });
  const b = last().json as Record<string, any>;
  assert.equal(b.msgtype, 'markdown');
  assert.match(b.markdown.content, /^\[FIRING:2\] HighLatency \(critical\)\n/);
  srv.replies.push({ status: 200, body: { errcode: 45009, errmsg: 'api freq out of limit' } });
  assert.equal((await n.notify(context(), alerts())).retry, true);
  srv.replies.push({ status: 200, body: { errcode: 93000, errmsg: 'invalid webhook url' } });
  const bad = await n.notify(context(), alerts());
  assert.equal(bad.retry, false);
  assert.doesNotMatch(bad.error!.message, /robot-key/);
});
