import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import { connect as http2Connect } from 'node:http2';
import { request as httpsRequest } from 'node:https';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import bcrypt from 'bcryptjs';
import Fastify, { type FastifyInstance } from 'fastify';
import { parseWebConfig, type WebConfig } from '../config/web-config-index.ts';
import { makeTestCerts, read, type TestCerts } from './tls-test-certs.ts';
import { applyWebConfig, fastifyTlsOptions, parseBasicAuth, readOnlyGuard, reloadTls } from './web-config.ts';

let certs: TestCerts;
let aliceHash: string;
before(() => {
  certs = makeTestCerts();
  aliceHash = bcrypt.hashSync('wonderland', 4);
});

function webConfig(yaml: string): WebConfig {
  const file = join(certs.dir, `web-${Math.random().toString(36).slice(2)}.yml`);
  writeFileSync(file, yaml);
  return parseWebConfig(yaml, file);
}

const apps: FastifyInstance<any, any, any, any>[] = [];
after(async () => {
  for (const a of apps) await a.close();
});

async function serve(cfg: WebConfig | (() => WebConfig), opts: { readOnly?: boolean } = {}) {
  const initial = typeof cfg === 'function' ? cfg() : cfg;
  const app = Fastify({ ...fastifyTlsOptions(initial) } as object) as FastifyInstance<any, any, any, any>;
  applyWebConfig(app, cfg);
  if (opts.readOnly) readOnlyGuard(app, true);
  app.get('/api/v1/query', async () => ({ status: 'success' }));
  app.post('/api/v1/query', async () => ({ status: 'success' }));
  app.post('/api/v2/silences', async () => ({ silenceID: 'x' }));
  app.post('/-/reload', async () => 'ok');
  await app.listen({ host: '127.0.0.1', port: 0 });
  apps.push(app);
  return { app, port: (app.server.address() as { port: number }).port };
}

interface Res {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

function get(
  port: number,
  o: { path?: string; method?: string; auth?: string; ca?: boolean; cert?: string; key?: string; tls?: boolean } = {},
): Promise<Res> {
  const tls = o.tls ?? true;
  return new Promise((resolve, reject) => {
    const headers: Record<string, string> = {};
    if (o.auth) headers.authorization = `Basic ${Buffer.from(o.auth).toString('base64')}`;
    const req = (tls ? httpsRequest : httpRequest)(
      {
        host: '127.0.0.1',
        port,
        path: o.path ?? '/api/v1/query',
        method: o.method ?? 'GET',
        headers,
        ...(tls ? { ca: o.ca === false ? undefined : read(certs.caCert), servername: undefined } : {}),
        ...(o.cert ? { cert: read(o.cert), key: read(o.key!) } : {}),
      },
      (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (c) => (body += c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
      },
    );
    req.on('error', reject);
    req.end();
  });
}

test('parseBasicAuth splits at the first colon and rejects other schemes', () => {
  assert.deepEqual(parseBasicAuth(`Basic ${Buffer.from('a:b:c').toString('base64')}`), { user: 'a', password: 'b:c' });
  assert.equal(parseBasicAuth('Bearer abc'), null);
  assert.equal(parseBasicAuth(`Basic ${Buffer.from('nocolon').toString('base64')}`), null);
  assert.equal(parseBasicAuth(undefined), null);
});

test('TLS: a client trusting the CA gets through; one that does not is refused in the handshake', async () => {
  const { port } = await serve(
    webConfig(
      `tls_server_config:\n  cert_file: ${certs.serverCert}\n  key_file: ${certs.serverKey}\nhttp_server_config:\n  http2: false\n`,
    ),
  );
  const ok = await get(port);
  assert.equal(ok.status, 200);
  await assert.rejects(get(port, { ca: false }), /self-signed|unable to verify|certificate/i);
  // Plain HTTP to a TLS port is not answered as HTTP.
  await assert.rejects(get(port, { tls: false }));
});

test('TLS with http2 on still serves HTTP/1.1 clients, and HTTP/2 clients', async () => {
  const { port } = await serve(
    webConfig(`tls_server_config:\n  cert_file: ${certs.serverCert}\n  key_file: ${certs.serverKey}\n`),
  );
  assert.equal((await get(port)).status, 200);
  const client = http2Connect(`https://127.0.0.1:${port}`, { ca: read(certs.caCert) });
  try {
    const status = await new Promise<number>((resolve, reject) => {
      const s = client.request({ ':path': '/api/v1/query' });
      s.on('response', (h) => resolve(Number(h[':status'])));
      s.on('error', reject);
      s.resume();
      s.end();
    });
    assert.equal(status, 200);
  } finally {
    client.close();
  }
});

test('TLS min_version TLS13 refuses a TLS 1.2-only client', async () => {
  const { port } = await serve(
    webConfig(
      `tls_server_config:\n  cert_file: ${certs.serverCert}\n  key_file: ${certs.serverKey}\n  min_version: TLS13\nhttp_server_config:\n  http2: false\n`,
    ),
  );
  const tls12 = new Promise<number>((resolve, reject) => {
    const req = httpsRequest(
      { host: '127.0.0.1', port, path: '/api/v1/query', ca: read(certs.caCert), maxVersion: 'TLSv1.2' },
      (res) => resolve(res.statusCode ?? 0),
    );
    req.on('error', reject);
    req.end();
  });
  await assert.rejects(tls12, /protocol version|alert|handshake/i);
  assert.equal((await get(port)).status, 200);
});

test('client certificates: RequireAndVerifyClientCert refuses missing and untrusted certificates', async () => {
  const { port } = await serve(
    webConfig(
      `tls_server_config:\n  cert_file: ${certs.serverCert}\n  key_file: ${certs.serverKey}\n  client_ca_file: ${certs.caCert}\nhttp_server_config:\n  http2: false\n`,
    ),
  );
  assert.equal((await get(port, { cert: certs.clientCert, key: certs.clientKey })).status, 200);
  await assert.rejects(get(port), /certificate|socket hang up|ECONNRESET|alert/i);
  await assert.rejects(
    get(port, { cert: certs.rogueCert, key: certs.rogueKey }),
    /certificate|hang up|ECONNRESET|alert/i,
  );
});

test('client certificates: VerifyClientCertIfGiven, RequireAnyClientCert and allowed SANs', async () => {
  const base = `tls_server_config:\n  cert_file: ${certs.serverCert}\n  key_file: ${certs.serverKey}\n`;
  const ifGiven = await serve(
    webConfig(
      `${base}  client_ca_file: ${certs.caCert}\n  client_auth_type: VerifyClientCertIfGiven\nhttp_server_config:\n  http2: false\n`,
    ),
  );
  assert.equal((await get(ifGiven.port)).status, 200);
  assert.equal((await get(ifGiven.port, { cert: certs.clientCert, key: certs.clientKey })).status, 200);
  const rogue = await get(ifGiven.port, { cert: certs.rogueCert, key: certs.rogueKey });
  assert.equal(rogue.status, 401);
  assert.match(rogue.body, /not trusted/);

  const any = await serve(
    webConfig(`${base}  client_auth_type: RequireAnyClientCert\nhttp_server_config:\n  http2: false\n`),
  );
  assert.equal((await get(any.port)).status, 401);
  assert.equal((await get(any.port, { cert: certs.rogueCert, key: certs.rogueKey })).status, 200);

  const sans = await serve(
    webConfig(
      `${base}  client_ca_file: ${certs.caCert}\n  client_allowed_sans: [other.example]\nhttp_server_config:\n  http2: false\n`,
    ),
  );
  const denied = await get(sans.port, { cert: certs.clientCert, key: certs.clientKey });
  assert.equal(denied.status, 401);
  assert.match(denied.body, /SAN not allowed/);
});

test('basic auth: 401 with WWW-Authenticate without or with wrong credentials, 200 with the right ones', async () => {
  const cfg = webConfig(`basic_auth_users:\n  alice: ${aliceHash}\n`);
  const { port } = await serve(cfg);
  const none = await get(port, { tls: false });
  assert.equal(none.status, 401);
  assert.equal(none.headers['www-authenticate'], 'Basic');
  assert.equal((await get(port, { tls: false, auth: 'alice:wrong' })).status, 401);
  assert.equal((await get(port, { tls: false, auth: 'bob:wonderland' })).status, 401);
  assert.equal((await get(port, { tls: false, auth: 'alice:wonderland' })).status, 200);
});

test('basic auth results are cached: repeated requests do not pay bcrypt again', async () => {
  const slowHash = bcrypt.hashSync('pw', 12); // ~250 ms per compare
  const app = Fastify();
  const cache = applyWebConfig(app, webConfig(`basic_auth_users:\n  carol: ${slowHash}\n`));
  app.get('/x', async () => 'ok');
  await app.listen({ host: '127.0.0.1', port: 0 });
  apps.push(app);
  const port = (app.server.address() as { port: number }).port;
  const first = Date.now();
  assert.equal((await get(port, { tls: false, path: '/x', auth: 'carol:pw' })).status, 200);
  const firstMs = Date.now() - first;
  const t = Date.now();
  for (let i = 0; i < 20; i++)
    assert.equal((await get(port, { tls: false, path: '/x', auth: 'carol:pw' })).status, 200);
  const perRequest = (Date.now() - t) / 20;
  assert.ok(perRequest < firstMs / 4, `cached ${perRequest} ms vs first ${firstMs} ms`);
  assert.equal(cache.size, 1);
});

test('configured headers are on every answer, including 401s; a reload swaps them', async () => {
  let cfg = webConfig(
    `http_server_config:\n  headers:\n    Strict-Transport-Security: max-age=63072000\n    Content-Security-Policy: default-src 'self'\n    X-Frame-Options: Deny\n    X-Content-Type-Options: NoSniff\n    X-XSS-Protection: '1; mode=block'\nbasic_auth_users:\n  alice: ${aliceHash}\n`,
  );
  const { port } = await serve(() => cfg);
  const r = await get(port, { tls: false });
  assert.equal(r.status, 401);
  assert.equal(r.headers['strict-transport-security'], 'max-age=63072000');
  assert.equal(r.headers['content-security-policy'], "default-src 'self'");
  assert.equal(r.headers['x-frame-options'], 'Deny');
  assert.equal(r.headers['x-content-type-options'], 'NoSniff');
  assert.equal(r.headers['x-xss-protection'], '1; mode=block');
  cfg = webConfig('http_server_config:\n  headers:\n    X-Frame-Options: SameOrigin\n');
  const after = await get(port, { tls: false });
  assert.equal(after.status, 200);
  assert.equal(after.headers['x-frame-options'], 'SameOrigin');
  assert.equal(after.headers['strict-transport-security'], undefined);
});

test('reloadTls installs a new certificate on a running server', async () => {
  const cfg = webConfig(
    `tls_server_config:\n  cert_file: ${certs.serverCert}\n  key_file: ${certs.serverKey}\nhttp_server_config:\n  http2: false\n`,
  );
  const { app, port } = await serve(cfg);
  const rogueServer = webConfig(
    `tls_server_config:\n  cert_file: ${certs.rogueCert}\n  key_file: ${certs.rogueKey}\nhttp_server_config:\n  http2: false\n`,
  );
  assert.equal(reloadTls(app.server, rogueServer), true);
  // The new certificate is not issued by the CA the client trusts.
  await assert.rejects(get(port), /certificate|verify/i);
});

test('read-only mode: queries pass, writes get 403 with a reason', async () => {
  const { port } = await serve(webConfig(''), { readOnly: true });
  assert.equal((await get(port, { tls: false })).status, 200);
  assert.equal((await get(port, { tls: false, method: 'POST' })).status, 200);
  const sil = await get(port, { tls: false, method: 'POST', path: '/api/v2/silences' });
  assert.equal(sil.status, 403);
  assert.match(JSON.parse(sil.body).error, /read-only/);
  const reload = await get(port, { tls: false, method: 'POST', path: '/-/reload' });
  assert.equal(reload.status, 403);
  assert.match(reload.body, /read-only mode/);
});
