import assert from 'node:assert/strict';
import { test } from 'node:test';
import { checkRuleFiles } from './check-rules.ts';
import { writeTempRules } from './test-helpers.ts';

test('check rules prints promtool output and exit codes', () => {
  const good = writeTempRules(
    'groups:\n  - name: g\n    rules:\n      - record: a\n        expr: vector(1)\n      - alert: B\n        expr: up == 0\n',
  );
  const ok = checkRuleFiles([good]);
  assert.equal(ok.exitCode, 0);
  assert.equal(ok.stdout, `Checking ${good}\n  SUCCESS: 2 rules found\n\n`);

  const bad = writeTempRules('groups:\n  - name: g\n    rules:\n      - record: a\n        expr: sum(\n');
  const fail = checkRuleFiles([good, bad]);
  assert.equal(fail.exitCode, 1);
  assert.match(fail.stderr, /^ {2}FAILED:\n.*rules\.yml:5:15: group "g", rule 1, "a": could not parse expression: /);

  const dup = writeTempRules(
    'groups:\n  - name: g\n    rules:\n      - record: a\n        expr: vector(1)\n      - record: a\n        expr: vector(2)\n',
  );
  const lint = checkRuleFiles([dup]);
  assert.equal(lint.exitCode, 0);
  assert.match(lint.stdout, /1 duplicate rule\(s\) found\.\nMetric: a\nLabel\(s\):\nMight cause inconsistency/);
  assert.equal(checkRuleFiles([dup], { lintFatal: true }).exitCode, 3);
  assert.equal(checkRuleFiles([dup], { lint: ['none'], lintFatal: true }).exitCode, 0);
});
