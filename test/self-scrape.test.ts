import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import bcrypt from 'bcryptjs';
import { fetchInProcess } from '../src/scrape/index.ts';
import { createSelfScrapeResolver, selfHostNames } from '../src/self-scrape.ts';
import { freePort } from '../src/testing/free-port.ts';
import { getJSON, startHttp, startOsprey, tempDir, waitFor } from './helpers.ts';

function namesOf(text: string): Set<string> {
  const out = new Set<string>();
  for (const line of text.split('\n')) {
    if (line === '' || line.startsWith('#')) continue;
    out.add(/^[^{ ]+/.exec(line)![0]);
  }
  return out;
}

const SCRAPE_SERIES = new Set([
  'up',
  'scrape_duration_seconds',
  'scrape_samples_scraped',
  'scrape_samples_post_metric_relabeling',
  'scrape_series_added',
]);

test('built-in collectors on Osprey’s own address are scraped in-process through the normal pipeline', async () => {
  const dir = tempDir();
  const webConfig = join(dir, 'web.yml');
  // Basic auth on the listener: an HTTP self-scrape without credentials would get 401, so targets that are up
  // prove the in-process path (and show that auth does not apply to it).
  writeFileSync(webConfig, `basic_auth_users:\n  alice: ${bcrypt.hashSync('pw', 4)}\n`);
  const probed = await startHttp((_req, res) => res.end('ok'));
  const port = await freePort();
  const self = `127.0.0.1:${port}`;
  const job = (name: string, path: string, extra = '') =>
    `  - job_name: ${name}\n    scrape_interval: 1s\n    scrape_timeout: 1s\n    metrics_path: ${path}\n    static_configs:\n      - targets: ['${self}']\n${extra}`;
  const cfg = `scrape_configs:
${job(
  'node',
  '/collectors/host/metrics',
  `    relabel_configs:
      - target_label: env
        replacement: test
    metric_relabel_configs:
      - source_labels: [__name__]
        regex: node_cpu_seconds_total
        action: drop
`,
)}${job('osprey', '/metrics')}${job('limited', '/collectors/host/metrics', '    sample_limit: 10\n')}${job(
  'bodylimit',
  '/collectors/host/metrics',
  '    body_size_limit: 1KB\n',
)}${job('overhttp', '/api/v1/status/buildinfo')}${job(
  'probe',
  '/probe',
  `    params:
      module: [http_2xx]
      target: ['${probed.url}/']
`,
)}${job('badmodule', '/probe', '    params:\n      module: [nope]\n')}`;
  const o = await startOsprey(cfg, { 'web.listen-address': self, 'web.config.file': webConfig });
  const auth = { authorization: `Basic ${Buffer.from('alice:pw').toString('base64')}` };
  const query = async (q: string) => {
    const r = await getJSON(`${o.url}/api/v1/query?query=${encodeURIComponent(q)}`, { headers: auth });
    assert.equal(r.status, 200, JSON.stringify(r.json));
    return r.json.data.result as { metric: Record<string, string>; value: [number, string] }[];
  };
  const target = (job: string) => o.server.scrape.targets().activeTargets.find((t) => t.labels.job === job)!;
  try {
    await waitFor(
      async () => o.server.scrape.targets().activeTargets.every((t) => t.health !== 'unknown'),
      15_000,
      'every target scraped once',
    );
    assert.equal(target('node').health, 'up', target('node').lastError);
    assert.equal(target('osprey').health, 'up', target('osprey').lastError);
    assert.equal(target('probe').health, 'up', target('probe').lastError);
    // Limits apply as to any target.
    assert.equal(target('limited').health, 'down');
    assert.equal(target('limited').lastError, 'sample limit exceeded');
    assert.equal(target('bodylimit').health, 'down');
    assert.equal(target('bodylimit').lastError, 'body size limit exceeded');
    // Non-2xx answers look as they would over HTTP.
    assert.equal(target('badmodule').lastError, 'server returned HTTP status 400 Bad Request');
    // Paths that are not built-in collectors still go over HTTP (and meet the listener's basic auth).
    assert.equal(target('overhttp').lastError, 'server returned HTTP status 401 Unauthorized');

    // Same families as the HTTP endpoint, minus what metric_relabel_configs dropped; target labels attached.
    const http = await (await fetch(`${o.url}/collectors/host/metrics`, { headers: auth })).text();
    const want = namesOf(http);
    assert.ok(want.has('node_cpu_seconds_total') && want.has('node_memory_MemTotal_bytes'));
    want.delete('node_cpu_seconds_total');
    const got = new Set(
      (await query('group by (__name__) ({job="node"})'))
        .map((r) => r.metric.__name__)
        .filter((n) => !SCRAPE_SERIES.has(n)),
    );
    assert.deepEqual([...got].sort(), [...want].sort());
    const mem = await query('node_memory_MemTotal_bytes{job="node"}');
    assert.equal(mem.length, 1);
    assert.equal(mem[0].metric.env, 'test');
    assert.equal(mem[0].metric.instance, self);
    assert.equal(Number(mem[0].value[1]), Number(/\nnode_memory_MemTotal_bytes (\S+)/.exec(http)![1]));
    const ok = await query('probe_success{job="probe"}');
    assert.equal(ok[0].value[1], '1');
    const dur = await query('scrape_duration_seconds{job="node"}');
    assert.ok(Number(dur[0].value[1]) > 0 && Number(dur[0].value[1]) < 1);
    const samples = await query('scrape_samples_scraped{job="node"}');
    assert.equal(Number(samples[0].value[1]), http.split('\n').filter((l) => l !== '' && !l.startsWith('#')).length);
  } finally {
    await o.server.stop();
    probed.server.close();
  }
});

test('the built-in default config scrapes host, self and the probe in-process', async () => {
  const o = await startOsprey(null);
  try {
    await waitFor(
      async () => o.server.scrape.targets().activeTargets.every((t) => t.health === 'up'),
      20_000,
      'default targets up',
    );
    assert.deepEqual(
      o.server.scrape
        .targets()
        .activeTargets.map((t) => t.labels.job)
        .sort(),
      ['node', 'osprey', 'probe'],
    );
  } finally {
    await o.server.stop();
  }
});

test('the resolver matches only the own scheme, port, host names and built-in paths', async () => {
  let port = 0;
  let scheme: 'http' | 'https' = 'http';
  const r = createSelfScrapeResolver({
    listenHost: '::',
    port: () => port,
    scheme: () => scheme,
    routes: { '/metrics': async (q) => ({ body: `x{q="${q.get('a') ?? ''}"} 1\n`, contentType: 'text/plain' }) },
  });
  assert.equal(r('http://localhost:9090/metrics'), undefined, 'not before the server listens');
  port = 9090;
  assert.ok(r('http://localhost:9090/metrics'));
  assert.ok(r('http://127.0.0.1:9090/metrics'));
  assert.ok(r('http://[::1]:9090/metrics?a=b'));
  assert.equal(r('http://localhost:9091/metrics'), undefined);
  assert.equal(r('http://localhost:9090/other'), undefined);
  assert.equal(r('http://example.com:9090/metrics'), undefined);
  assert.equal(
    r('https://localhost:9090/metrics'),
    undefined,
    'a TLS scrape of a plain listener stays HTTP (and fails)',
  );
  scheme = 'https';
  assert.ok(r('https://localhost:9090/metrics'));
  const page = await fetchInProcess(r('https://localhost:9090/metrics?a=b')!, 'u', 1000, undefined, 0);
  assert.equal(page.body, 'x{q="b"} 1\n');
  assert.ok(selfHostNames('127.0.0.1').has('localhost'));
  assert.ok(!selfHostNames('127.0.0.1').has('[::1]'));
  assert.ok(selfHostNames('[::1]').has('[::1]'));
  assert.ok(selfHostNames('0.0.0.0').has('127.0.0.1'));
  assert.ok(!selfHostNames('0.0.0.0').has('[::1]'), 'an IPv4 wildcard listener is not reached over ::1');
});

test('fetchInProcess keeps HTTP’s timeout, cancellation, status and size-limit errors', async () => {
  const slow = () => new Promise<never>(() => {});
  await assert.rejects(fetchInProcess(slow, 'http://h/m', 50, undefined, 0), {
    message: 'Get "http://h/m": context deadline exceeded',
  });
  const ac = new AbortController();
  const p = fetchInProcess(slow, 'http://h/m', 5000, ac.signal, 0);
  ac.abort();
  await assert.rejects(p, { message: 'Get "http://h/m": context canceled' });
  const page = async () => ({ body: 'a 1\n', contentType: 'text/plain' });
  await assert.rejects(fetchInProcess(page, 'u', 1000, undefined, 4), { message: 'body size limit exceeded' });
  assert.equal((await fetchInProcess(page, 'u', 1000, undefined, 5)).body, 'a 1\n');
  const fail = async () => {
    throw new Error('boom');
  };
  await assert.rejects(fetchInProcess(fail, 'u', 1000, undefined, 0), {
    message: 'server returned HTTP status 500 Internal Server Error',
  });
  const notFound = async () => ({ status: 404, body: '', contentType: 'text/plain' });
  await assert.rejects(fetchInProcess(notFound, 'u', 1000, undefined, 0), {
    message: 'server returned HTTP status 404 Not Found',
  });
});
