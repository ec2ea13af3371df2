import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { tempDir } from './helpers.ts';

const osprey = (...args: string[]) =>
  spawnSync(process.execPath, ['bin/osprey.js', ...args], { encoding: 'utf8', timeout: 30_000 });

test('osprey --help lists the commands', () => {
  const r = osprey('--help');
  assert.equal(r.status, 0);
  assert.match(r.stdout, /run \[options\]/);
  assert.match(r.stdout, /check/);
});

test('osprey check config exits 0 for a valid file and 1 with file:line:col for an invalid one', () => {
  const dir = tempDir();
  const good = join(dir, 'good.yml');
  const bad = join(dir, 'bad.yml');
  writeFileSync(good, 'scrape_configs:\n  - job_name: a\n    static_configs:\n      - targets: [localhost:9100]\n');
  writeFileSync(bad, 'scrape_configs:\n  - job_name: a\n    scrape_interval: 1.5h\n');
  const ok = osprey('check', 'config', good);
  assert.equal(ok.status, 0, ok.stdout + ok.stderr);
  assert.match(ok.stdout, /SUCCESS/);
  const ko = osprey('check', 'config', bad);
  assert.equal(ko.status, 1);
  assert.match(ko.stdout + ko.stderr, /bad\.yml:3:22: .*scrape_interval/);
});

test('osprey run rejects an invalid flag value with a clear error', () => {
  const r = osprey('run', '--query.lookback-delta=5x');
  assert.equal(r.status, 1);
  assert.match(r.stderr, /invalid value "5x" for flag --query.lookback-delta/);
});

test('osprey query instant/series/labels print like promtool query', async () => {
  const { startOsprey } = await import('./helpers.ts');
  const { encodeWriteRequestBody } = await import('../src/remote/index.ts');
  const { Labels } = await import('../src/model/index.ts');
  const o = await startOsprey('scrape_configs: []\n', { 'web.enable-remote-write-receiver': 'true' });
  try {
    const now = Date.now();
    const body = encodeWriteRequestBody([
      { labels: Labels.fromObject({ __name__: 'm', a: 'x' }), timestamps: [now - 1000], values: [7] },
    ]);
    const w = await fetch(`${o.url}/api/v1/write`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-protobuf', 'content-encoding': 'snappy' },
      body,
    });
    assert.equal(w.status, 204);
    const run = (...a: string[]) =>
      new Promise<{ code: number; out: string; err: string }>((resolve) => {
        import('node:child_process').then(({ execFile }) =>
          execFile(process.execPath, ['bin/osprey.js', 'query', ...a], (e, out, err) =>
            resolve({ code: e ? ((e as any).code ?? 1) : 0, out, err }),
          ),
        );
      });
    const inst = await run('instant', o.url, 'm');
    assert.match(inst.out, /^m\{a="x"\} => 7 @\[\d+(\.\d+)?\]\n$/);
    assert.equal((await run('series', o.url, '--match', 'm')).out, 'm{a="x"}\n');
    assert.equal((await run('labels', o.url, 'a')).out, 'x\n');
    const bad = await run('instant', o.url, 'sum(');
    assert.equal(bad.code, 1);
    assert.match(bad.err, /parse error/);
  } finally {
    await o.server.stop();
  }
});
