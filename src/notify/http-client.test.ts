/** http_config on the notifier HTTP client: TLS (CA, insecure_skip_verify) and proxy_url. */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { createServer as createHttpServer } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import { type AddressInfo, connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import type { HTTPClientConfig } from '../config/alertmanager-index.ts';
import { parseRetryAfter, redactURL } from './http.ts';
import { context, deps, firingAlert, type StandIn, startStandIn } from './test-helpers.ts';
import { WebhookNotifier } from './webhook.ts';

const httpConfig = (extra: Partial<HTTPClientConfig>): HTTPClientConfig => ({
  tls_config: { insecure_skip_verify: false },
  follow_redirects: true,
  enable_http2: true,
  proxy_from_environment: false,
  ...extra,
});

let cert = '';
let key = '';
let httpsBase = '';
const httpsServer = createHttpsServer();
before(async () => {
  const dir = mkdtempSync(join(tmpdir(), 'osprey-tls-'));
  execFileSync(
    'openssl',
    [
      'req',
      '-x509',
      '-newkey',
      'rsa:2048',
      '-nodes',
      '-days',
      '1',
      '-subj',
      '/CN=localhost',
      '-addext',
      'subjectAltName=IP:127.0.0.1,DNS:localhost',
      '-keyout',
      join(dir, 'key.pem'),
      '-out',
      join(dir, 'cert.pem'),
    ],
    { stdio: 'ignore' },
  );
  cert = readFileSync(join(dir, 'cert.pem'), 'utf8');
  key = readFileSync(join(dir, 'key.pem'), 'utf8');
  httpsServer.setSecureContext({ cert, key });
  httpsServer.on('request', (req, res) => {
    req.resume();
    req.on('end', () => res.end('ok'));
  });
  await new Promise<void>((resolve) => httpsServer.listen(0, '127.0.0.1', resolve));
  httpsBase = `https://127.0.0.1:${(httpsServer.address() as AddressInfo).port}`;
});
after(() => {
  httpsServer.closeAllConnections();
  httpsServer.close();
});

test('https with an unknown CA fails (retried); with tls_config.ca or insecure_skip_verify it works', async () => {
  const alerts = [firingAlert('a:9100')];
  const bad = await new WebhookNotifier({ url: `${httpsBase}/hook` }, deps()).notify(context(), alerts);
  assert.equal(bad.retry, true);
  assert.ok(bad.error);
  const withCA = new WebhookNotifier(
    { url: `${httpsBase}/hook`, http_config: httpConfig({ tls_config: { ca: cert, insecure_skip_verify: false } }) },
    deps(),
  );
  assert.deepEqual(await withCA.notify(context(), alerts), { retry: false });
  const skip = new WebhookNotifier(
    { url: `${httpsBase}/hook`, http_config: httpConfig({ tls_config: { insecure_skip_verify: true } }) },
    deps(),
  );
  assert.deepEqual(await skip.notify(context(), alerts), { retry: false });
});

test('proxy_url: requests tunnel through the proxy', async () => {
  const target: StandIn = await startStandIn();
  const tunnels: string[] = [];
  const proxy = createHttpServer();
  proxy.on('connect', (req, socket, head) => {
    tunnels.push(req.url ?? '');
    const [host, port] = (req.url ?? '').split(':');
    const upstream = connect(Number(port), host, () => {
      socket.write('HTTP/1.1 200 Connection Established\r\n\r\n');
      upstream.write(head);
      upstream.pipe(socket);
      socket.pipe(upstream);
    });
    upstream.on('error', () => socket.destroy());
    socket.on('error', () => upstream.destroy());
  });
  await new Promise<void>((resolve) => proxy.listen(0, '127.0.0.1', resolve));
  try {
    const proxyURL = `http://127.0.0.1:${(proxy.address() as AddressInfo).port}`;
    const n = new WebhookNotifier(
      { url: `${target.base}/via-proxy`, http_config: httpConfig({ proxy_url: proxyURL }) },
      deps(),
    );
    assert.deepEqual(await n.notify(context(), [firingAlert('a:9100')]), { retry: false });
    assert.deepEqual(tunnels, [new URL(target.base).host]);
    assert.equal(target.requests[0]!.url, '/via-proxy');
  } finally {
    proxy.closeAllConnections();
    proxy.close();
    await target.close();
  }
});

test('redactURL keeps only the origin; Retry-After parses seconds and dates', () => {
  assert.equal(redactURL('https://hooks.slack.com/services/T/B/secret'), 'https://hooks.slack.com/<redacted>');
  assert.equal(
    redactURL('https://oapi.dingtalk.com/robot/send?access_token=abc'),
    'https://oapi.dingtalk.com/<redacted>',
  );
  assert.equal(redactURL('http://example.com'), 'http://example.com');
  assert.equal(parseRetryAfter('120'), 120_000);
  const now = Date.parse('2024-05-01T10:00:00Z');
  assert.equal(parseRetryAfter('Wed, 01 May 2024 10:00:30 GMT', now), 30_000);
  assert.equal(parseRetryAfter('soon'), undefined);
  assert.equal(parseRetryAfter(null), undefined);
});

test('follow_redirects: a 307 is followed by default and returned as is when false', async () => {
  const target = await startStandIn((req) =>
    req.url === '/old' ? { status: 307, headers: { location: '/new' } } : { status: 200, body: 'ok' },
  );
  try {
    const send = (follow: boolean) =>
      new WebhookNotifier(
        { url: `${target.base}/old`, send_resolved: true, http_config: httpConfig({ follow_redirects: follow }) },
        deps(),
      ).notify(context(), [firingAlert('a:9100')]);
    const followed = await send(true);
    assert.equal(followed.error, undefined);
    const reqs = target.requests.map((r) => `${r.method} ${r.url}`);
    assert.deepEqual(reqs, ['POST /old', 'POST /new'], 'a 307 keeps the method and body');
    assert.equal(target.requests[1]!.body, target.requests[0]!.body);
    const notFollowed = await send(false);
    assert.match(String(notFollowed.error?.message), /unexpected status code 307/);
    assert.equal(target.requests.length, 3);
  } finally {
    await target.close();
  }
});

test('redirects as Go follows them: a 303 becomes a GET without body; credentials stay on their host', async () => {
  const other = await startStandIn(() => ({ status: 200, body: 'elsewhere' }));
  const target = await startStandIn((req) => {
    if (req.url === '/see-other') return { status: 303, headers: { location: '/result' } };
    if (req.url === '/moved') return { status: 308, headers: { location: `${other.base}/landed` } };
    return { status: 200, body: 'ok' };
  });
  try {
    const send = (path: string) =>
      new WebhookNotifier(
        {
          url: `${target.base}${path}`,
          http_config: httpConfig({ authorization: { type: 'Bearer', credentials: 'sekret' } }),
        },
        deps(),
      ).notify(context(), [firingAlert('a:9100')]);
    assert.equal((await send('/see-other')).error, undefined);
    const [post, get] = target.requests;
    assert.deepEqual([post?.method, get?.method, get?.url], ['POST', 'GET', '/result']);
    assert.equal(get?.body, '');
    assert.equal(get?.headers['content-type'], undefined);
    assert.equal(get?.headers.authorization, 'Bearer sekret', 'the same host still gets the credentials');
    assert.equal((await send('/moved')).error, undefined);
    const landed = other.requests[0];
    assert.deepEqual([landed?.method, landed?.url], ['POST', '/landed']);
    assert.equal(landed?.body, target.requests[2]?.body, 'a 308 repeats the body');
    assert.equal(landed?.headers.authorization, undefined, 'another host does not get the credentials');
  } finally {
    await target.close();
    await other.close();
  }
});

test('a redirect loop stops after 10 redirects with a retryable error', async () => {
  const target = await startStandIn(() => ({ status: 302, headers: { location: '/again' } }));
  try {
    const res = await new WebhookNotifier({ url: `${target.base}/start` }, deps()).notify(context(), [
      firingAlert('a:9100'),
    ]);
    assert.match(String(res.error?.message), /stopped after 10 redirects/);
    assert.equal(target.requests.length, 11);
  } finally {
    await target.close();
  }
});
