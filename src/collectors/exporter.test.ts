import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { appendFileSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { parseListenAddress, startExporter } from './index.ts';
import { parseTextFamilies, seriesValue } from './test-util.ts';

const dir = mkdtempSync(join(tmpdir(), 'osprey-exporter-'));
after(() => rmSync(dir, { recursive: true, force: true }));

test('parseListenAddress', () => {
  assert.deepEqual(parseListenAddress(':9100'), { host: '::', port: 9100 });
  assert.deepEqual(parseListenAddress('127.0.0.1:0'), { host: '127.0.0.1', port: 0 });
  assert.deepEqual(parseListenAddress('[::1]:9100'), { host: '::1', port: 9100 });
  assert.throws(() => parseListenAddress('9100'), /invalid listen address/);
});

test('osprey exporter serves host, process and log metrics and probes on one port', async () => {
  const log = join(dir, 'app.log');
  writeFileSync(log, '');
  const cfg = join(dir, 'osprey.yml');
  writeFileSync(
    cfg,
    `osprey:
  logs:
    - path: ${log}
      metrics:
        - name: app_errors_total
          match: 'ERROR (?P<c>\\w+)'
          labels: {c: '$c'}
  processes:
    - name: self
      cmdline: ['osprey-exporter-test-marker']
`,
  );
  const modules = join(dir, 'blackbox.yml');
  writeFileSync(modules, 'modules:\n  http_2xx:\n    prober: http\n    timeout: 2s\n');
  const target = http.createServer((_q, r) => r.end('ok'));
  await new Promise<void>((r) => target.listen(0, '127.0.0.1', r));
  const targetURL = `http://127.0.0.1:${(target.address() as { port: number }).port}/`;
  const child = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 10000)', 'osprey-exporter-test-marker'], {
    stdio: 'ignore',
  });
  const ex = await startExporter({
    listenAddress: '127.0.0.1:0',
    configFile: cfg,
    modulesFile: modules,
    logPollIntervalMs: 0,
  });
  try {
    appendFileSync(log, 'ERROR disk\n');
    const res = await fetch(`${ex.url}/metrics`);
    assert.equal(res.status, 200);
    assert.match(res.headers.get('content-type') ?? '', /^text\/plain; version=0\.0\.4/);
    const f = parseTextFamilies(await res.text());
    assert.ok(f.has('node_load1'), 'host metrics');
    assert.equal(seriesValue(f, 'osprey_process_num_procs', '{groupname="self"}'), 1, 'process metrics');
    assert.equal(seriesValue(f, 'app_errors_total', '{c="disk"}'), 1, 'log metrics');

    const hostOnly = parseTextFamilies(await (await fetch(`${ex.url}/collectors/host/metrics`)).text());
    assert.ok(hostOnly.has('node_load1'));
    assert.equal(hostOnly.has('app_errors_total'), false);
    assert.equal((await fetch(`${ex.url}/collectors/nope/metrics`)).status, 404);

    const p = await fetch(`${ex.url}/probe?target=${encodeURIComponent(targetURL)}&module=http_2xx`);
    assert.equal(p.status, 200);
    assert.equal(seriesValue(parseTextFamilies(await p.text()), 'probe_success'), 1);
    const bad = await fetch(`${ex.url}/probe?target=x&module=nope`);
    assert.equal(bad.status, 400);
    assert.equal(await bad.text(), 'Unknown module "nope"\n');
    assert.equal((await fetch(`${ex.url}/-/healthy`)).status, 200);

    // Reload picks up a new module; a broken module file keeps the old modules.
    writeFileSync(modules, 'modules:\n  tcp:\n    prober: tcp\n');
    await ex.reload();
    assert.equal((await fetch(`${ex.url}/probe?target=x&module=http_2xx`)).status, 400);
    writeFileSync(modules, 'modules:\n  tcp:\n    prober: tcpx\n');
    await assert.rejects(ex.reload(), /unknown prober "tcpx"/);
    const tcp = await fetch(`${ex.url}/probe?target=${encodeURIComponent(targetURL.slice(7, -1))}&module=tcp`);
    assert.equal(seriesValue(parseTextFamilies(await tcp.text()), 'probe_success'), 1);
  } finally {
    await ex.close();
    target.close();
    child.kill();
  }
});

test('an unknown collector name is refused', async () => {
  await assert.rejects(
    startExporter({ listenAddress: '127.0.0.1:0', collectors: ['gpu' as 'host'] }),
    /unknown collector "gpu"/,
  );
});
