/**
 * Conformance with ../shared/conformance/promtool-unittest/expected-results.tsv (README section 5): every
 * `test rules` and `check rules` row gives the stated exit code. Known failures with reasons are in
 * promtool-conformance-known-failures.tsv.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { checkRuleFiles } from './check-rules.ts';
import { runUnitTestFiles } from './unittest.ts';

const DIR = new URL('../../../shared/conformance/promtool-unittest/', import.meta.url).pathname;

export interface Row {
  command: string;
  file: string;
  options: string;
  expectedExit: number | null;
  note: string;
  id: string;
}

export function promtoolRows(): Row[] {
  const lines = readFileSync(join(DIR, 'expected-results.tsv'), 'utf8').split('\n').slice(1).filter(Boolean);
  return lines
    .map((l) => {
      const [command, file, options, exit, , note] = l.split('\t');
      return {
        command,
        file,
        options,
        expectedExit: exit === '' ? null : Number(exit),
        note,
        id: `${command}\t${file}\t${options}`,
      };
    })
    .filter((r) => r.command === 'test rules' || r.command === 'check rules');
}

/** The options column as CLI-like settings. */
export function rowArgs(r: Row): string[] {
  if (r.options === '' || r.options.endsWith('enabled')) return [];
  return r.options
    .split(/[\s,]+/)
    .filter((x) => x.startsWith('--') || !x.startsWith('-'))
    .reduce<string[]>((acc, x) => {
      if (x.startsWith('--')) acc.push(x);
      else if (acc.length > 0 && !acc[acc.length - 1].includes('=')) acc[acc.length - 1] += `=${x}`;
      return acc;
    }, []);
}

function runRow(r: Row): { exit: number; output: string } {
  const args = rowArgs(r);
  const file = join(DIR, r.file);
  if (r.command === 'test rules') {
    const run = args.filter((a) => a.startsWith('--run=')).map((a) => a.slice(6));
    const res = runUnitTestFiles([file], { run, ignoreUnknownFields: args.includes('--ignore-unknown-fields') });
    return { exit: res.exitCode, output: res.output };
  }
  const lintArg = args.find((a) => a.startsWith('--lint='));
  const res = checkRuleFiles([file], {
    lint: lintArg ? lintArg.slice(7).split(',') : undefined,
    lintFatal: args.includes('--lint-fatal'),
  });
  return { exit: res.exitCode, output: res.stdout + res.stderr };
}

const KNOWN = new Map(
  readFileSync(new URL('./promtool-conformance-known-failures.tsv', import.meta.url), 'utf8')
    .split('\n')
    .filter((l) => l && !l.startsWith('#'))
    .map((l) => {
      const parts = l.split('\t');
      return [parts.slice(0, 3).join('\t'), parts[3]] as [string, string];
    }),
);

test('promtool test/check rules conformance (expected-results.tsv)', () => {
  const rows = promtoolRows();
  let passed = 0;
  const unexpected: string[] = [];
  const nowPassing: string[] = [];
  for (const r of rows) {
    const { exit, output } = runRow(r);
    let ok = exit === (r.expectedExit ?? 0);
    if (ok && r.file === 'rules_duplicates.yml') ok = output.includes('1 duplicate rule(s) found.');
    if (ok) {
      passed++;
      if (KNOWN.has(r.id)) nowPassing.push(r.id);
    } else if (!KNOWN.has(r.id)) unexpected.push(`${r.id}: exit ${exit}, expected ${r.expectedExit}\n${output}`);
  }
  console.log(`promtool conformance: ran ${rows.length}, passed ${passed}, failed ${rows.length - passed}`);
  for (const [id, why] of KNOWN) console.log(`known failure: ${id.replace(/\t/g, ' | ')}: ${why}`);
  if (nowPassing.length) console.log(`known failures that now pass: ${nowPassing.join('; ')}`);
  assert.deepEqual(unexpected, []);
});
