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
