import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { createServer as createHttpServer } from 'node:http';
import { createServer } from 'node:https';
import { type AddressInfo, connect, type Socket } from 'node:net';
import { join } from 'node:path';
import { test } from 'node:test';
import { gzipSync } from 'node:zlib';
import { ScrapeManager } from './index.ts';
import { prometheusConfig, RecordingAppendable, scrapeConfig, waitFor } from './test-helpers.ts';

const TESTDATA = join(import.meta.dirname, 'testdata');

test('https targets: CA file and server_name, insecure_skip_verify, untrusted certificate', async () => {
  const server = createServer(
    { cert: readFileSync(join(TESTDATA, 'server.crt')), key: readFileSync(join(TESTDATA, 'server.key')) },
    (_req, res) => {
      res.writeHead(200, { 'content-type': 'text/plain' });
      res.end('tls_metric 1\n');
    },
  );
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const addr = `127.0.0.1:${(server.address() as AddressInfo).port}`;
  const app = new RecordingAppendable();
  const m = new ScrapeManager({ appendable: app });
  const job = (name: string, tls: { ca_file?: string; server_name?: string; insecure_skip_verify: boolean }) =>
    scrapeConfig({
      job_name: name,
      scheme: 'https',
      scrape_interval: 500,
      scrape_timeout: 450,
      tls_config: tls,
      static_configs: [{ targets: [addr], labels: {} }],
    });
  try {
    m.applyConfig(
      prometheusConfig([
        job('ca', { ca_file: join(TESTDATA, 'ca.crt'), server_name: 'target.test', insecure_skip_verify: false }),
        job('insecure', { insecure_skip_verify: true }),
        job('untrusted', { insecure_skip_verify: false }),
      ]),
    );
    await waitFor(() => m.targets().activeTargets.every((t) => t.health !== 'unknown'), 3000, 'scraped');
    const byPool = new Map(m.targets().activeTargets.map((t) => [t.scrapePool, t]));
    assert.equal(byPool.get('ca')!.health, 'up', byPool.get('ca')!.lastError);
    assert.equal(byPool.get('ca')!.scrapeUrl, `https://${addr}/metrics`);
    assert.equal(byPool.get('insecure')!.health, 'up', byPool.get('insecure')!.lastError);
    assert.equal(byPool.get('untrusted')!.health, 'down');
    assert.match(
      byPool.get('untrusted')!.lastError,
      /^Get "https:\/\/127\.0\.0\.1:\d+\/metrics": tls: failed to verify certificate: x509: certificate signed by unknown authority$/,
    );
    assert.ok(app.samples({ __name__: 'tls_metric', job: 'ca' }).length > 0);
  } finally {
    await m.stop();
    server.closeAllConnections();
    await new Promise((r) => server.close(r));
  }
});

test('redirects are followed unless follow_redirects is false; body_size_limit applies after gunzip', async () => {
  const server = createHttpServer((req, res) => {
    if (req.url === '/old') {
      res.writeHead(302, { location: '/new' });
      res.end();
      return;
    }
    if (req.url === '/zipbomb') {
      res.writeHead(200, { 'content-type': 'text/plain', 'content-encoding': 'gzip' });
      res.end(gzipSync(`zb 1\n${'#'.repeat(100_000)}\n`));
      return;
    }
    res.writeHead(200, { 'content-type': 'text/plain' });
    res.end('moved_metric 1\n');
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const addr = `127.0.0.1:${(server.address() as AddressInfo).port}`;
  const app = new RecordingAppendable();
  const m = new ScrapeManager({ appendable: app });
  const base = { scrape_interval: 500, scrape_timeout: 450, static_configs: [{ targets: [addr], labels: {} }] };
  try {
    m.applyConfig(
      prometheusConfig([
        scrapeConfig({ job_name: 'follow', metrics_path: '/old', ...base }),
        scrapeConfig({ job_name: 'nofollow', metrics_path: '/old', follow_redirects: false, ...base }),
        scrapeConfig({ job_name: 'bomb', metrics_path: '/zipbomb', body_size_limit: 10_000, ...base }),
      ]),
    );
    await waitFor(() => m.targets().activeTargets.every((t) => t.health !== 'unknown'), 3000, 'scraped');
    const byPool = new Map(m.targets().activeTargets.map((t) => [t.scrapePool, t]));
    assert.equal(byPool.get('follow')!.health, 'up', byPool.get('follow')!.lastError);
    assert.ok(app.samples({ __name__: 'moved_metric', job: 'follow' }).length > 0);
    assert.equal(byPool.get('nofollow')!.lastError, 'server returned HTTP status 302 Found');
    assert.equal(byPool.get('bomb')!.lastError, 'body size limit exceeded');
  } finally {
    await m.stop();
    server.closeAllConnections();
    await new Promise((r) => server.close(r));
  }
});

test('proxy_url: scrapes go through the HTTP proxy', async () => {
  const target = createHttpServer((_req, res) => {
    res.writeHead(200, { 'content-type': 'text/plain' });
    res.end('proxied_metric 1\n');
  });
  await new Promise<void>((r) => target.listen(0, '127.0.0.1', r));
  const addr = `127.0.0.1:${(target.address() as AddressInfo).port}`;
  const tunnels: string[] = [];
  const sockets = new Set<Socket>();
  const proxy = createHttpServer();
  proxy.on('connect', (req, client: Socket) => {
    tunnels.push(String(req.url));
    const [host, port] = String(req.url).split(':');
    const upstream = connect(Number(port), host, () => {
      client.write('HTTP/1.1 200 Connection Established\r\n\r\n');
      upstream.pipe(client);
      client.pipe(upstream);
    });
    sockets.add(upstream).add(client);
    upstream.on('error', () => client.destroy());
    client.on('error', () => upstream.destroy());
  });
  await new Promise<void>((r) => proxy.listen(0, '127.0.0.1', r));
  const proxyUrl = `http://127.0.0.1:${(proxy.address() as AddressInfo).port}`;
  const app = new RecordingAppendable();
  const m = new ScrapeManager({ appendable: app });
  try {
    m.applyConfig(
      prometheusConfig([
        scrapeConfig({
          job_name: 'proxied',
          scrape_interval: 500,
          scrape_timeout: 450,
          proxy_url: proxyUrl,
          static_configs: [{ targets: [addr], labels: {} }],
        }),
      ]),
    );
    await waitFor(() => app.samples({ __name__: 'proxied_metric' }).length > 0, 3000, 'scraped through proxy');
    assert.deepEqual(tunnels.slice(0, 1), [addr]);
  } finally {
    await m.stop();
    for (const s of sockets) s.destroy();
    proxy.closeAllConnections();
    target.closeAllConnections();
    await new Promise((r) => proxy.close(r));
    await new Promise((r) => target.close(r));
  }
});
