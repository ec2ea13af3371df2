/** The webhook notifier against a local receiver, the shared HTTP failure policy, and the command hook. */
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { NotifyError } from './http.ts';
import { context, deps, firingAlert, NOW, resolvedAlert, type StandIn, startStandIn } from './test-helpers.ts';
import { type WebhookMessage, WebhookNotifier } from './webhook.ts';

let srv: StandIn;
before(async () => {
  srv = await startStandIn();
});
after(() => srv.close());

const last = () => srv.requests[srv.requests.length - 1]!;

test('webhook posts Alertmanager JSON version 4', async () => {
  const n = new WebhookNotifier({ url: `${srv.base}/hook` }, deps());
  const res = await n.notify(context(), [firingAlert('a:9100'), resolvedAlert('b:9100')]);
  assert.deepEqual(res, { retry: false });
  const req = last();
  assert.equal(req.method, 'POST');
  assert.equal(req.url, '/hook');
  assert.equal(req.headers['content-type'], 'application/json');
  const msg = req.json as WebhookMessage;
  assert.deepEqual(Object.keys(msg), [
    'receiver',
    'status',
    'alerts',
    'groupLabels',
    'commonLabels',
    'commonAnnotations',
    'externalURL',
    'version',
    'groupKey',
    'truncatedAlerts',
  ]);
  assert.equal(msg.version, '4');
  assert.equal(msg.receiver, 'team-ops');
  assert.equal(msg.status, 'firing');
  assert.equal(msg.groupKey, '{}/{severity="critical"}:{alertname="HighLatency"}');
  assert.equal(msg.truncatedAlerts, 0);
  assert.deepEqual(msg.groupLabels, { alertname: 'HighLatency' });
  assert.deepEqual(msg.commonLabels, { alertname: 'HighLatency', severity: 'critical' });
  assert.equal(msg.externalURL, 'http://osprey.example:9090');
  assert.deepEqual(msg.alerts[0], {
    status: 'firing',
    labels: { alertname: 'HighLatency', instance: 'a:9100', severity: 'critical' },
    annotations: { runbook: 'http://runbooks/latency', summary: 'latency high on a:9100' },
    startsAt: new Date(NOW - 300_000).toISOString().replace('.000', ''),
    endsAt: '0001-01-01T00:00:00Z',
    generatorURL: 'http://prom:9090/graph?g0.expr=latency',
    fingerprint: '0123456789abcdef',
  });
  assert.equal(msg.alerts[1]!.status, 'resolved');
  assert.equal(msg.alerts[1]!.endsAt, new Date(NOW - 1000).toISOString().replace('.000', ''));
});

test('max_alerts truncates and reports truncatedAlerts', async () => {
  const n = new WebhookNotifier({ url: `${srv.base}/hook`, max_alerts: 1 }, deps());
  await n.notify(context(), [firingAlert('a:9100'), firingAlert('b:9100'), firingAlert('c:9100')]);
  const msg = last().json as WebhookMessage;
  assert.equal(msg.alerts.length, 1);
  assert.equal(msg.truncatedAlerts, 2);
});

test('url_file is read at send time', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'osprey-notify-'));
  const file = join(dir, 'url');
  writeFileSync(file, `${srv.base}/from-file\n`);
  const n = new WebhookNotifier({ url_file: file }, deps());
  assert.deepEqual(await n.notify(context(), [firingAlert('a:9100')]), { retry: false });
  assert.equal(last().url, '/from-file');
});

test('http_config basic_auth and authorization headers are sent', async () => {
  const tls = { insecure_skip_verify: false };
  const base = { tls_config: tls, follow_redirects: true, enable_http2: true, proxy_from_environment: false };
  await new WebhookNotifier(
    { url: `${srv.base}/a`, http_config: { ...base, basic_auth: { username: 'u', password: 'p' } } },
    deps(),
  ).notify(context(), [firingAlert('a:9100')]);
  assert.equal(last().headers.authorization, `Basic ${Buffer.from('u:p').toString('base64')}`);
  await new WebhookNotifier(
    { url: `${srv.base}/b`, http_config: { ...base, authorization: { type: 'Bearer', credentials: 'tok' } } },
    deps(),
  ).notify(context(), [firingAlert('a:9100')]);
  assert.equal(last().headers.authorization, 'Bearer tok');
});

test('status policy: 500 and 429 retry (Retry-After kept), 400 is permanent with the body', async () => {
  const n = new WebhookNotifier({ url: `${srv.base}/hook?token=s3cr3t` }, deps());
  srv.replies.push({ status: 500, body: 'boom' });
  const r500 = await n.notify(context(), [firingAlert('a:9100')]);
  assert.equal(r500.retry, true);
  assert.match(r500.error!.message, /500: boom/);

  srv.replies.push({ status: 429, headers: { 'retry-after': '7' }, body: 'slow down' });
  const r429 = await n.notify(context({ signal: AbortSignal.timeout(200) }), [firingAlert('a:9100')]);
  assert.equal(r429.retry, true);
  assert.ok(r429.error instanceof NotifyError);
  assert.equal((r429.error as NotifyError).retryAfterMs, 7000);

  srv.replies.push({ status: 400, body: '{"error":"bad field"}' });
  const r400 = await n.notify(context(), [firingAlert('a:9100')]);
  assert.equal(r400.retry, false);
  assert.match(r400.error!.message, /400: \{"error":"bad field"\}/);
});

test('follow_redirects: false does not follow and fails permanently', async () => {
  const http_config = {
    tls_config: { insecure_skip_verify: false },
    follow_redirects: false,
    enable_http2: true,
    proxy_from_environment: false,
  };
  srv.replies.push({ status: 302, headers: { location: '/elsewhere' } });
  const before = srv.requests.length;
  const r = await new WebhookNotifier({ url: `${srv.base}/redir`, http_config }, deps()).notify(context(), [
    firingAlert('a:9100'),
  ]);
  assert.equal(r.retry, false);
  assert.match(r.error!.message, /302/);
  assert.equal(srv.requests.length, before + 1);
});

test('a slow receiver is cut by the context signal and retried; errors hide the secret URL', async () => {
  srv.replies.push({ status: 200, delayMs: 2000 });
  const n = new WebhookNotifier({ url: `${srv.base}/hook/s3cr3t-token` }, deps());
  const started = Date.now();
  const r = await n.notify(context({ signal: AbortSignal.timeout(200) }), [firingAlert('a:9100')]);
  assert.ok(Date.now() - started < 1500);
  assert.equal(r.retry, true);
  assert.doesNotMatch(r.error!.message, /s3cr3t/);
  assert.match(r.error!.message, /<redacted>/);
});

test('the timeout option cuts a slow receiver', async () => {
  srv.replies.push({ status: 200, delayMs: 2000 });
  const r = await new WebhookNotifier({ url: `${srv.base}/hook`, timeout: 150 }, deps()).notify(context(), [
    firingAlert('a:9100'),
  ]);
  assert.equal(r.retry, true);
  assert.match(r.error!.message, /timed out/);
});

test('connection refused is retried', async () => {
  const closed = await startStandIn();
  const url = `${closed.base}/hook?key=abc123`;
  await closed.close();
  const r = await new WebhookNotifier({ url }, deps()).notify(context(), [firingAlert('a:9100')]);
  assert.equal(r.retry, true);
  assert.match(r.error!.message, /ECONNREFUSED/);
  assert.doesNotMatch(r.error!.message, /abc123/);
});

test('command hook gets the webhook JSON on stdin and OSPREY_* environment', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'osprey-cmd-'));
  const out = join(dir, 'out.json');
  const script = `let s='';process.stdin.on('data',d=>s+=d).on('end',()=>{require('fs').writeFileSync(${JSON.stringify(out)},JSON.stringify({stdin:JSON.parse(s),receiver:process.env.OSPREY_RECEIVER,status:process.env.OSPREY_STATUS}))})`;
  const n = new WebhookNotifier({ command: [process.execPath, '-e', script], timeout: 10_000 }, deps());
  const r = await n.notify(context(), [firingAlert('a:9100')]);
  assert.deepEqual(r, { retry: false });
  const got = JSON.parse(readFileSync(out, 'utf8'));
  assert.equal(got.receiver, 'team-ops');
  assert.equal(got.status, 'firing');
  assert.equal(got.stdin.version, '4');
  assert.equal(got.stdin.alerts[0].labels.instance, 'a:9100');
});

test('command hook: non-zero exit is a permanent error with stderr; timeout kills it', async () => {
  const fail = new WebhookNotifier(
    { command: [process.execPath, '-e', 'console.error("disk not found"); process.exit(3)'] },
    deps(),
  );
  const r = await fail.notify(context(), [firingAlert('a:9100')]);
  assert.equal(r.retry, false);
  assert.match(r.error!.message, /exit status 3: disk not found/);

  const slow = new WebhookNotifier(
    { command: [process.execPath, '-e', 'setTimeout(() => {}, 10000)'], timeout: 200 },
    deps(),
  );
  const started = Date.now();
  const t = await slow.notify(context(), [firingAlert('a:9100')]);
  assert.ok(Date.now() - started < 5000);
  assert.equal(t.retry, false);
  assert.match(t.error!.message, /timed out/);

  const missing = new WebhookNotifier({ command: ['/nonexistent/osprey-remediate'] }, deps());
  const m = await missing.notify(context(), [firingAlert('a:9100')]);
  assert.equal(m.retry, false);
  assert.match(m.error!.message, /could not run/);
});

test('command and URL together: an HTTP retry does not re-run the command', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'osprey-cmd-'));
  const count = join(dir, 'count');
  writeFileSync(count, '');
  const script = `require('fs').appendFileSync(${JSON.stringify(count)}, 'x')`;
  const n = new WebhookNotifier({ url: `${srv.base}/both`, command: [process.execPath, '-e', script] }, deps());
  srv.replies.push({ status: 503 });
  const ctx = context();
  const first = await n.notify(ctx, [firingAlert('a:9100')]);
  assert.equal(first.retry, true);
  const second = await n.notify(ctx, [firingAlert('a:9100')]);
  assert.deepEqual(second, { retry: false });
  assert.equal(readFileSync(count, 'utf8'), 'x');
});
