/**
 * Hostile-query fuzzing of the PromQL parser: only PromQLParseError escapes, every query is parsed within
 * a time budget (no catastrophic backtracking, no deep-recursion crash), and error messages are short.
 * parser-fuzz.test.ts covers round-trips; this file covers what an attacker sends. FUZZ_RUNS=<n> for longer.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { mutatedText } from '../model/fuzz-test-helpers.ts';
import { PromQLParseError, parseExpr } from './parser.ts';

const RUNS = Number(process.env.FUZZ_RUNS ?? 300);
// Long runs (npm run fuzz) have no per-test timeout; the short default must finish in seconds.
// Generous under a loaded CI machine; a hang still fails.
const TIMEOUT = process.env.FUZZ_RUNS ? Number.POSITIVE_INFINITY : 60_000;
// A hang guard, not a performance target: loose enough for a loaded CI machine.
const BUDGET_MS = 5000; // catches super-linear blow-ups (minutes), not slowness on a loaded machine

const PIECES = [
  'sum',
  'rate',
  '(',
  ')',
  '[',
  ']',
  '{',
  '}',
  '5m',
  ':1m',
  'by',
  'on',
  'group_left',
  'offset',
  '@',
  'start()',
  '=~',
  '!~',
  '"',
  "'",
  '`',
  '\\',
  '.*',
  '(a|b)*',
  '+',
  '-',
  '/',
  '^',
  'and',
  'or',
  'unless',
  'bool',
  '0x1f',
  '1e400',
  'NaN',
  'Inf',
  'foo',
  '__name__',
  ',',
  ' ',
  '\n',
  '#',
  'histogram_quantile',
  'label_replace',
  '\u00e9',
];

const SEEDS = [
  'sum by (job) (rate(http_requests_total{code=~"5.."}[5m])) / on(job) group_left sum(x)',
  'histogram_quantile(0.9, sum by (le) (rate(b_bucket[1m] offset 1h @ 1609746000)))',
  'max_over_time(deriv(rate(distance_covered_total[5s])[30s:5s])[10m:])',
  'label_replace(up{job="api-server"}, "foo", "$1", "service", "(.*):.*")',
];

const mutated = mutatedText(SEEDS, PIECES, { maxDelete: 3, maxInsert: 2, maxEdits: 6 });

const query = fc.oneof(
  mutated,
  fc.array(fc.constantFrom(...PIECES), { maxLength: 40 }).map((a) => a.join('')),
  fc.string({ maxLength: 120 }),
);

test('promql: hostile queries give PromQLParseError or a tree, quickly', { timeout: TIMEOUT }, () => {
  let ok = 0;
  let bad = 0;
  fc.assert(
    fc.property(query, (q) => {
      const t = performance.now();
      try {
        parseExpr(q);
        ok++;
      } catch (e) {
        if (!(e instanceof PromQLParseError)) throw e;
        assert.ok(e.message.length < 4 * q.length + 500, 'error message does not blow up');
        bad++;
      }
      assert.ok(performance.now() - t < BUDGET_MS, `${q}: took ${performance.now() - t} ms`);
    }),
    { numRuns: RUNS },
  );
  assert.ok(ok > 0 && bad > 0, `accepted ${ok}, rejected ${bad}`);
});

test('promql: deep nesting is an error or a tree, never a stack overflow', { timeout: TIMEOUT }, () => {
  for (const depth of [100, 5_000, 50_000]) {
    for (const q of [
      '('.repeat(depth) + '1' + ')'.repeat(depth),
      `${'-'.repeat(depth)}1`,
      `${'sum('.repeat(depth)}x${')'.repeat(depth)}`,
    ]) {
      try {
        parseExpr(q);
      } catch (e) {
        assert.ok(
          e instanceof PromQLParseError,
          `depth ${depth}: ${(e as Error).name}: ${(e as Error).message.slice(0, 200)}`,
        );
      }
    }
  }
});

test('promql: pathological regex matchers parse in linear time (RE2)', { timeout: TIMEOUT }, () => {
  const t = performance.now();
  parseExpr(`x{a=~"${'(a*)*'.repeat(2000)}b"}`);
  parseExpr(`x{a=~"${'(a|aa)*'.repeat(200)}"}`);
  // Perl-only syntax is refused by RE2 as a parse error, not evaluated by JavaScript's RegExp.
  assert.throws(() => parseExpr('x{a=~"(?<=x)y"}'), PromQLParseError);
  assert.throws(() => parseExpr('x{a=~"(a)\\1"}'), PromQLParseError);
  assert.ok(performance.now() - t < 5000);
});
