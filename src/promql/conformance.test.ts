/**
 * Runs every upstream PromQL test script in shared/conformance/promql against the engine.
 * Fails on any failing eval not listed in promql-known-failures.tsv and reports listed ones that pass.
 * OSPREY_WRITE_KNOWN_FAILURES=1 rewrites the list from the current failures.
 */
import assert from 'node:assert/strict';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { Engine } from './engine.ts';
import { type CaseResult, CONFORMANCE_ROOT, listScripts, runScriptText } from './test-script-runner.ts';

const here = dirname(fileURLToPath(import.meta.url));
const ROOT = CONFORMANCE_ROOT;
const KNOWN = join(here, 'promql-known-failures.tsv');

function loadKnown(): Map<string, string> {
  const m = new Map<string, string>();
  if (!existsSync(KNOWN)) return m;
  for (const line of readFileSync(KNOWN, 'utf8').split('\n')) {
    if (line.trim() === '' || line.startsWith('#')) continue;
    const [file, ln, reason] = line.split('\t');
    m.set(`${file}:${ln}`, reason ?? '');
  }
  return m;
}

/** A short reason for the known-failures list. */
function reasonFor(r: CaseResult, file: string): string {
  if (r.histograms || file.includes('native_histograms')) return 'native histograms not supported';
  if (file === 'start_timestamps.test') return 'start timestamps not supported by the storage interface';
  return r.error.replace(/\s+/g, ' ').slice(0, 160);
}

test('PromQL conformance scripts', { skip: !existsSync(ROOT) && 'conformance data not found' }, () => {
  const engine = new Engine({ lookbackDelta: 5 * 60 * 1000, maxSamples: 50e6, timeout: 100_000 });
  const known = loadKnown();
  let ran = 0;
  let passed = 0;
  let failed = 0;
  const unexpected: string[] = [];
  const nowPassing: string[] = [];
  const rows: string[] = [];
  for (const path of listScripts(ROOT)) {
    const file = relative(ROOT, path);
    const results = runScriptText(readFileSync(path, 'utf8'), engine);
    let p = 0;
    for (const r of results) {
      const key = `${file}:${r.line}`;
      ran++;
      if (r.ok) {
        passed++;
        p++;
        if (known.has(key)) nowPassing.push(`${key}\t${r.expr}`);
      } else {
        failed++;
        rows.push(`${file}\t${r.line}\t${reasonFor(r, file)}`);
        if (!known.has(key)) unexpected.push(`${key}: ${r.expr}\n    ${r.error}`);
      }
    }
    console.log(`${file}: ${results.length} ran, ${p} passed, ${results.length - p} failed`);
  }
  console.log(`total: ${ran} ran, ${passed} passed, ${failed} failed (${known.size} listed as known failures)`);
  const byReason = new Map<string, number>();
  for (const r of known.values()) byReason.set(r, (byReason.get(r) ?? 0) + 1);
  for (const [r, n] of byReason) console.log(`  known failures: ${n} x ${r}`);
  if (process.env.OSPREY_WRITE_KNOWN_FAILURES) {
    writeFileSync(KNOWN, `# file\tline\treason (generated from the conformance run)\n${rows.join('\n')}\n`);
    console.log(`wrote ${rows.length} known failures to ${KNOWN}`);
    return;
  }
  if (nowPassing.length > 0) {
    console.log(`${nowPassing.length} listed known failures now pass (remove them from the list):`);
    for (const x of nowPassing) console.log(`  ${x}`);
  }
  if (unexpected.length > 0) {
    console.log(`${unexpected.length} unexpected failures:`);
    for (const x of unexpected.slice(0, 200)) console.log(`  ${x}`);
  }
  assert.equal(
    unexpected.length,
    0,
    `${unexpected.length} conformance cases failed that are not in the known-failures list`,
  );
});
