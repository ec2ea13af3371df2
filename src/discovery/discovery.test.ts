import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, renameSync, rmSync, unlinkSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { parseFileSD } from '../config/index.ts';
import type { TargetGroup } from '../config/types.ts';
import { DiscoveryManager, FileDiscoverer, globFiles, StaticDiscoverer, type TargetSets } from './index.ts';

const FIXTURES = fileURLToPath(new URL('../../../shared/conformance/prometheus-config/file_sd', import.meta.url));

function waitFor<T>(get: () => T | undefined, timeoutMs = 3000): Promise<T> {
  const start = Date.now();
  return new Promise((resolve, reject) => {
    const tick = () => {
      const v = get();
      if (v !== undefined) return resolve(v);
      if (Date.now() - start > timeoutMs) return reject(new Error('timed out waiting'));
      setTimeout(tick, 10);
    };
    tick();
  });
}

test('static discoverer: one group per static config, sources "0", "1"', () => {
  let got: TargetGroup[] = [];
  const d = new StaticDiscoverer([
    { targets: ['a:1', 'b:2'], labels: { env: 'x' } },
    { targets: ['c:3'], labels: {} },
  ]);
  d.start((g) => {
    got = g;
  });
  assert.deepEqual(got, [
    { targets: ['a:1', 'b:2'], labels: { env: 'x' }, source: '0' },
    { targets: ['c:3'], labels: {}, source: '1' },
  ]);
});

test('file_sd parser: upstream fixtures (valid JSON and YAML agree, null groups rejected)', () => {
  const read = (f: string) =>
    parseFileSD(readFileSync(join(FIXTURES, f), 'utf8'), f).map((g) => ({ targets: g.targets, labels: g.labels }));
  const expected = [
    { targets: ['localhost:9090', 'example.org:443'], labels: { foo: 'bar' } },
    { targets: ['my.domain'], labels: {} },
  ];
  assert.deepEqual(read('valid.json'), expected);
  assert.deepEqual(read('valid.yml'), expected);
  assert.deepEqual(read('valid3.yml'), expected);
  assert.equal(read('valid2.yml').length, 3);
  assert.deepEqual(read('valid2.yml')[2], { targets: ['example.org:443'], labels: { scheme: 'https' } });
  assert.throws(() => read('invalid_nil.json'), /nil/);
  assert.throws(() => read('invalid_nil.yml'), /nil/);
  assert.throws(() => parseFileSD('- targets: [a]\n  lables: {}\n', 'x.yml'), /lables/);
});

test('glob: matches files in sorted order, skipping non-matching', () => {
  const dir = mkdtempSync(join(tmpdir(), 'osprey-glob-'));
  try {
    for (const f of ['b.json', 'a.json', 'c.yml', 'x.txt']) writeFileSync(join(dir, f), '[]');
    assert.deepEqual(globFiles(join(dir, '*.json')), [join(dir, 'a.json'), join(dir, 'b.json')]);
    assert.deepEqual(globFiles(join(dir, '[bc].*')), [join(dir, 'b.json'), join(dir, 'c.yml')]);
    assert.deepEqual(globFiles(join(dir, 'c.yml')), [join(dir, 'c.yml')]);
    assert.deepEqual(globFiles(join(dir, 'nope/*.json')), []);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('file discoverer: picks up changes, keeps last good content on invalid file, drops deleted files', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'osprey-filesd-'));
  const errors: string[] = [];
  const logger = { info() {}, warn() {}, error: (o: object) => errors.push(JSON.stringify(o)) };
  const d = new FileDiscoverer(
    { files: [join(dir, '*.json')], refresh_interval: 60_000 },
    { parse: parseFileSD, logger, watchDebounceMs: 5 },
  );
  let latest = null as TargetGroup[] | null;
  let updates = 0;
  try {
    const f = join(dir, 'targets.json');
    writeFileSync(f, JSON.stringify([{ targets: ['a:1'], labels: { env: 'one' } }]));
    d.start((g) => {
      latest = g;
      updates++;
    });
    assert.equal(updates, 1, 'initial content is reported synchronously');
    assert.deepEqual(latest, [{ targets: ['a:1'], labels: { env: 'one', __meta_filepath: f }, source: `${f}:0` }]);

    // Atomic replace (write + rename), as config management tools do.
    writeFileSync(`${f}.tmp`, JSON.stringify([{ targets: ['b:2'] }, { targets: ['c:3'] }]));
    renameSync(`${f}.tmp`, f);
    const two = await waitFor(() => (latest && latest.length === 2 ? latest : undefined));
    assert.deepEqual(
      two.map((g) => g.targets[0]),
      ['b:2', 'c:3'],
    );

    const before = updates;
    writeFileSync(f, '[{"targets": ');
    await waitFor(() => (errors.length > 0 ? true : undefined));
    assert.equal(updates, before, 'invalid content does not change the targets');
    assert.equal(latest!.length, 2);
    assert.match(errors[0], /targets\.json/);

    unlinkSync(f);
    await waitFor(() => (latest && latest.length === 0 ? true : undefined));
  } finally {
    d.stop();
    rmSync(dir, { recursive: true, force: true });
  }
});

test('discovery manager: merges groups per job, throttles updates, keeps unchanged providers on reload', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'osprey-dm-'));
  const f = join(dir, 'sd.yml');
  writeFileSync(f, '- targets: ["file:1"]\n');
  const m = new DiscoveryManager({ updateIntervalMs: 100 });
  const sent: TargetSets[] = [];
  m.start((s) => sent.push(s));
  try {
    const file = { files: [join(dir, '*.yml')], refresh_interval: 60_000 };
    m.applyConfig({
      a: { static_configs: [{ targets: ['s:1'], labels: {} }], file_sd_configs: [file] },
      b: { static_configs: [{ targets: ['s:2'], labels: {} }], file_sd_configs: [] },
    });
    assert.equal(sent.length, 1, 'first update is immediate');
    assert.deepEqual(
      sent[0].get('a')!.flatMap((g) => g.targets),
      ['s:1', 'file:1'],
    );
    assert.deepEqual(
      sent[0].get('b')!.flatMap((g) => g.targets),
      ['s:2'],
    );

    writeFileSync(f, '- targets: ["file:2"]\n');
    writeFileSync(f, '- targets: ["file:3"]\n');
    const s = await waitFor(() => sent.find((x) => x.get('a')!.some((g) => g.targets.includes('file:3'))));
    assert.ok(s);
    assert.ok(sent.length <= 3, `updates are coalesced (got ${sent.length})`);

    // Reload: job a unchanged (keeps its current groups), job b removed, job c added.
    const n = sent.length;
    m.applyConfig({
      a: { static_configs: [{ targets: ['s:1'], labels: {} }], file_sd_configs: [file] },
      c: { static_configs: [{ targets: ['s:3'], labels: {} }], file_sd_configs: [] },
    });
    assert.equal(sent.length, n + 1);
    const last = sent[sent.length - 1];
    assert.deepEqual([...last.keys()].sort(), ['a', 'c']);
    assert.ok(last.get('a')!.some((g) => g.targets.includes('file:3')));
  } finally {
    m.stop();
    rmSync(dir, { recursive: true, force: true });
  }
});

test('http_sd: fetches JSON target groups, keeps the last good ones on failure, adds __meta_url', async () => {
  let status = 200;
  let contentType = 'application/json';
  let body = JSON.stringify([{ targets: ['a:1'], labels: { env: 'x' } }]);
  const seen: Record<string, string | string[] | undefined>[] = [];
  const server = createServer((req, res) => {
    seen.push(req.headers);
    res.writeHead(status, { 'content-type': contentType });
    res.end(body);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/sd`;
  const errors: string[] = [];
  const logger = { info() {}, warn() {}, error: (o: object) => errors.push(JSON.stringify(o)) };
  const m = new DiscoveryManager({ updateIntervalMs: 10, logger });
  let latest: TargetSets | null = null;
  m.start((s) => {
    latest = s;
  });
  try {
    m.applyConfig({
      j: {
        static_configs: [],
        file_sd_configs: [],
        other_sd_configs: {
          http_sd_configs: [
            {
              url,
              refresh_interval: 50,
              authorization: { type: 'Bearer', credentials: 'tok' },
              tls_config: { insecure_skip_verify: false },
              proxy_from_environment: false,
              follow_redirects: true,
              enable_http2: true,
            },
          ],
        },
      },
    });
    const first = await waitFor(() => {
      const g = latest?.get('j');
      return g && g.length > 0 ? g : undefined;
    });
    assert.deepEqual(first, [{ targets: ['a:1'], labels: { env: 'x', __meta_url: url }, source: `${url}:0` }]);
    assert.equal(seen[0].authorization, 'Bearer tok');
    assert.equal(seen[0].accept, 'application/json');
    assert.equal(seen[0]['x-prometheus-refresh-interval-seconds'], '0.05');

    status = 500;
    await waitFor(() => (errors.some((e) => e.includes('500 Internal Server Error')) ? true : undefined));
    contentType = 'text/plain';
    status = 200;
    await waitFor(() => (errors.some((e) => e.includes('unsupported content type')) ? true : undefined));
    assert.deepEqual(
      latest!.get('j')!.flatMap((g) => g.targets),
      ['a:1'],
      'failures keep the last groups',
    );

    contentType = 'application/json; charset=utf-8';
    body = JSON.stringify([{ targets: ['b:2'] }, { targets: ['c:3'], labels: {} }]);
    await waitFor(() => (latest!.get('j')!.length === 2 ? true : undefined));
    assert.deepEqual(
      latest!.get('j')!.flatMap((g) => g.targets),
      ['b:2', 'c:3'],
    );
  } finally {
    m.stop();
    server.closeAllConnections();
    await new Promise((r) => server.close(r));
  }
});
