#!/usr/bin/env node
// Finds test files and runs them with node:test through tsx.
// Node 20's `node --test` takes no globs and finds no .ts files, so we pass an explicit list.
// unit:   *.test.ts under src/ and test/ (excluding *.compat.test.ts)
// compat: *.compat.test.ts — differential suites against real Prometheus peers
import { spawnSync } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

const kind = process.argv[2] ?? 'unit';
const files = [];
function walk(dir) {
  let entries;
  try {
    entries = readdirSync(dir);
  } catch {
    return;
  }
  for (const e of entries) {
    if (e === 'node_modules') continue;
    const p = join(dir, e);
    if (statSync(p).isDirectory()) walk(p);
    else if (e.endsWith('.test.ts')) {
      const isCompat = e.endsWith('.compat.test.ts');
      if ((kind === 'compat') === isCompat) files.push(p);
    }
  }
}
walk('src');
walk('test');
files.sort();
if (files.length === 0) {
  console.error(`no ${kind} test files found`);
  process.exit(1);
}
const extra = process.argv.slice(3);
const r = spawnSync(
  process.execPath,
  ['--import', 'tsx', '--test', ...extra, ...files],
  { stdio: 'inherit', env: { ...process.env, OSPREY_TEST_KIND: kind } },
);
process.exit(r.status ?? 1);
