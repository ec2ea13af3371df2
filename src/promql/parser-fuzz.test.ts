/**
 * Property tests: the parser only ever throws PromQLParseError, finishes quickly on any input, and
 * what it accepts prints back (one line or prettified) to text that parses to the same tree.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { exprToJSON } from './parse-json.ts';
import { PromQLParseError, parseExpr } from './parser.ts';
import { astKey } from './parser-test-util.ts';
import { exprToString, prettify } from './printer.ts';

const TOKENS = [
  'foo',
  'bar:baz',
  'sum',
  'rate',
  'by',
  'without',
  'on',
  'ignoring',
  'group_left',
  'group_right',
  'bool',
  'offset',
  'and',
  'or',
  'unless',
  'atan2',
  'topk',
  'count_values',
  'start',
  'end',
  'step',
  'range',
  'anchored',
  'smoothed',
  'fill',
  'min_of',
  'Inf',
  'NaN',
  '1',
  '0x1f',
  '1.5e3',
  '5m',
  '1h30m',
  '"str"',
  "'s\\'q'",
  '`raw`',
  '"\\xff"',
  '(',
  ')',
  '{',
  '}',
  '[',
  ']',
  ',',
  ':',
  '@',
  '=',
  '==',
  '!=',
  '=~',
  '!~',
  '<',
  '>=',
  '</',
  '+',
  '-',
  '*',
  '/',
  '%',
  '^',
  '#',
  '\n',
  ' ',
  '.',
  '\\',
  'é',
];

function parsesOrFailsCleanly(input: string): void {
  try {
    parseExpr(input);
  } catch (e) {
    if (!(e instanceof PromQLParseError))
      throw new Error(`non-parse error for ${JSON.stringify(input)}: ${(e as Error).stack}`);
    assert.match(e.message, /^\d+:\d+: parse error: ./);
    assert.ok(
      e.positionRange.start >= 0 && e.positionRange.start <= input.length,
      `position out of range for ${JSON.stringify(input)}`,
    );
  }
}

test('random token soup: only PromQLParseError, never a hang', () => {
  fc.assert(
    fc.property(fc.array(fc.constantFrom(...TOKENS), { maxLength: 40 }), (toks) => {
      parsesOrFailsCleanly(toks.join(''));
      parsesOrFailsCleanly(toks.join(' '));
    }),
    { numRuns: 3000 },
  );
});

test('random strings: only PromQLParseError, never a hang', () => {
  fc.assert(
    fc.property(fc.string({ maxLength: 60, unit: 'binary' }), (s) => parsesOrFailsCleanly(s)),
    { numRuns: 2000 },
  );
});

/** Generates mostly valid PromQL text. */
const exprArb = fc.letrec<{ vector: string; scalar: string; any: string }>((tie) => ({
  scalar: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    fc.constantFrom('1', '-2.5', '0x10', 'Inf', 'NaN', '1e-3', '5m', 'time()', 'pi()'),
    fc
      .tuple(tie('scalar'), fc.constantFrom('+', '-', '*', '/', '%', '^', '== bool', 'atan2'), tie('scalar'))
      .map(([a, op, b]) => `${a} ${op} ${b}`),
    tie('scalar').map((s) => `(${s})`),
    tie('scalar').map((s) => `-${s}`),
    tie('vector').map((v) => `scalar(${v})`),
  ),
  vector: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    fc.constantFrom(
      'foo',
      'bar{a="b"}',
      '{__name__=~"x.*", job!="a"}',
      '{"my.metric", "a.b"="c"}',
      'foo offset 5m',
      'foo @ 100',
      'foo @ start()',
    ),
    fc
      .tuple(
        fc.constantFrom('rate', 'sum_over_time', 'changes'),
        fc.constantFrom('foo', 'bar{a="b"}'),
        fc.constantFrom('5m', '1h', '30s', '5m+1m', 'step()'),
      )
      .map(([f, s, r]) => `${f}(${s}[${r}])`),
    fc
      .tuple(
        fc.constantFrom('sum', 'avg', 'max', 'group'),
        fc.constantFrom('', ' by (job)', ' without (a, "b.c")'),
        tie('vector'),
      )
      .map(([op, g, v]) => `${op}${g} (${v})`),
    fc.tuple(tie('scalar'), tie('vector')).map(([k, v]) => `topk(${k}, ${v})`),
    fc
      .tuple(
        tie('vector'),
        fc.constantFrom(
          '+',
          '-',
          '*',
          '/',
          '>',
          '== bool',
          'and',
          'or',
          'unless',
          '+ on (a)',
          '* ignoring (b) group_left (c)',
          '+ fill (0)',
        ),
        tie('vector'),
      )
      .map(([a, op, b]) => `${a} ${op} ${b}`),
    fc.tuple(tie('vector'), fc.constantFrom('+', '*', '>', '^'), tie('scalar')).map(([a, op, b]) => `${a} ${op} ${b}`),
    tie('vector').map((v) => `(${v})`),
    tie('vector').map((v) => `-${v}`),
    tie('vector').map((v) => `abs(${v})`),
    tie('vector').map((v) => `max_over_time((${v})[10m:1m])`),
    tie('vector').map((v) => `label_replace(${v}, "dst", "$1", "src", "(.*)")`),
  ),
  any: fc.oneof(tie('vector'), tie('scalar')),
}));

test('generated expressions print and prettify back to the same tree', () => {
  fc.assert(
    fc.property(exprArb.any, fc.integer({ min: 10, max: 120 }), (q, width) => {
      let e: ReturnType<typeof parseExpr>;
      try {
        e = parseExpr(q);
      } catch (err) {
        // Some combinations are invalid on purpose (e.g. a scalar comparison); they must fail cleanly.
        assert.ok(err instanceof PromQLParseError, String(err));
        return;
      }
      const key = astKey(e);
      assert.equal(astKey(parseExpr(exprToString(e))), key, `print: ${exprToString(e)}`);
      assert.equal(astKey(parseExpr(prettify(e, width))), key, `prettify: ${prettify(e, width)}`);
      // An expression that fits the line width stays on one line.
      const flat = exprToString(e);
      assert.equal(prettify(e, flat.length), flat);
      JSON.stringify(exprToJSON(e));
    }),
    { numRuns: 1500 },
  );
});
