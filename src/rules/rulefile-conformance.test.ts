/**
 * Conformance of the rule file loader with ../shared/conformance/rules (README section 4): good files load,
 * every rulefmt/*.bad.yaml fails with the expected first error, manager/ files load except invalid_rules.yaml.
 */
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { ConfigError } from '../config/index.ts';
import { loadRules } from './rule-files.ts';

const DIR = new URL('../../../shared/conformance/rules/', import.meta.url).pathname;
const KNOWN = new Map(
  readFileSync(new URL('./rulefile-conformance-known-failures.tsv', import.meta.url), 'utf8')
    .split('\n')
    .filter((l) => l && !l.startsWith('#'))
    .map((l) => l.split('\t') as [string, string]),
);

interface Case {
  file: string;
  legacy: boolean;
  /** null: must load; '' : must fail with any error; else the first error must contain this. */
  expected: string | null;
}

function cases(): Case[] {
  const out: Case[] = [];
  const tsv = readFileSync(join(DIR, 'expected-errors.tsv'), 'utf8').split('\n').slice(1).filter(Boolean);
  for (const row of tsv) {
    const [file, substr, context] = row.split('\t');
    out.push({ file, legacy: context.includes('legacy'), expected: substr });
  }
  for (const f of ['test.yaml', 'test_aliases.yaml', 'utf-8_lname.good.yaml', 'utf-8_annotation.good.yaml'])
    out.push({ file: `rulefmt/${f}`, legacy: false, expected: null });
  out.push({ file: 'rulefmt/legacy_validation_annotation.good.yaml', legacy: true, expected: null });
  for (const f of readdirSync(join(DIR, 'manager')).sort())
    out.push({ file: `manager/${f}`, legacy: false, expected: f === 'invalid_rules.yaml' ? 'unexpected_field' : null });
  return out;
}

function runCase(c: Case): string | null {
  try {
    loadRules(join(DIR, c.file), { nameValidation: c.legacy ? 'legacy' : 'utf8' });
    return c.expected === null ? null : `loaded, expected error containing ${JSON.stringify(c.expected)}`;
  } catch (e) {
    if (!(e instanceof ConfigError)) return `unexpected exception ${(e as Error).stack}`;
    if (c.expected === null) return `unexpected error: ${e.message}`;
    if (!e.message.includes(c.expected))
      return `first error ${JSON.stringify(e.message)} lacks ${JSON.stringify(c.expected)}`;
    if (!/:\d+:\d+: /.test(e.message)) return `error without file:line:col: ${e.message}`;
    return null;
  }
}

test('rule file conformance (shared/conformance/rules)', () => {
  let passed = 0;
  const unexpected: string[] = [];
  const nowPassing: string[] = [];
  const all = cases();
  for (const c of all) {
    const err = runCase(c);
    if (err === null) {
      passed++;
      if (KNOWN.has(c.file)) nowPassing.push(c.file);
    } else if (!KNOWN.has(c.file)) unexpected.push(`${c.file}: ${err}`);
  }
  console.log(`rule file conformance: ran ${all.length}, passed ${passed}, failed ${all.length - passed}`);
  if (nowPassing.length) console.log(`known failures that now pass: ${nowPassing.join(', ')}`);
  assert.deepEqual(unexpected, []);
});

test('rule file errors name file:line:col and use Prometheus wording', () => {
  try {
    loadRules(join(DIR, 'rulefmt/bad_expr.bad.yaml'));
    assert.fail('should fail');
  } catch (e) {
    assert.match(
      (e as Error).message,
      /bad_expr\.bad\.yaml:5:15: group "yolo", rule 1, "yolo": could not parse expression: 1:6: parse error/,
    );
  }
});
