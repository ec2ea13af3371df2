import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Engine } from './engine.ts';
import { HISTOGRAM, parseScript, parseValues, STALE } from './test-script.ts';
import { almostEqual, runScriptText } from './test-script-runner.ts';

test('value sequences expand like upstream (xK gives K+1, _xK gives K)', () => {
  assert.deepEqual(parseValues('1 _ 3+1x2', 1), [1, undefined, 3, 4, 5]);
  assert.deepEqual(parseValues('_x3 0x2', 1), [undefined, undefined, undefined, 0, 0, 0]);
  assert.deepEqual(parseValues('10-2.5x2 Inf -Inf', 1), [
    10,
    7.5,
    5,
    Number.POSITIVE_INFINITY,
    Number.NEGATIVE_INFINITY,
  ]);
  // 0x10 is not hexadecimal: 0 repeated 11 times.
  assert.equal(parseValues('0x10', 1).length, 11);
  // repeated addition, not multiplication
  const v = parseValues('0.1+0.1x2', 1) as number[];
  assert.equal(v[2], 0.1 + 0.1 + 0.1);
  assert.deepEqual(parseValues('stale {{schema:0 count:1}}x1', 1), [STALE, HISTOGRAM, HISTOGRAM]);
});

test('script commands: comments end blocks, clear has no body, bare numbers are scalars', () => {
  const cmds = parseScript(
    [
      'load 1m',
      '  m{a="x y"} 1 2',
      '',
      'clear',
      'load 5m',
      '  n 1',
      '',
      'eval instant at 1m m',
      '# empty',
      '',
      'eval range from 0 to 2m step 1m scalar(m)',
      '  expect warn msg: PromQL warning: x',
      '  {} 1 2 _',
      '',
      'eval instant at 0 1',
      '  1',
    ].join('\n'),
  );
  assert.deepEqual(
    cmds.map((c) => c.kind),
    ['load', 'clear', 'load', 'eval', 'eval', 'eval'],
  );
  const e1 = cmds[3];
  assert.ok(e1.kind === 'eval' && e1.series.length === 0 && e1.time === 60_000);
  const e2 = cmds[4];
  assert.ok(e2.kind === 'eval' && !e2.instant && e2.warn[0].text === 'PromQL warning: x');
  assert.ok(e2.kind === 'eval' && e2.series[0].values.length === 3);
  const e3 = cmds[5];
  assert.ok(e3.kind === 'eval' && e3.scalar === 1);
});

test('float comparison: relative 1e-6, zero only equals zero', () => {
  assert.ok(almostEqual(3.249615, 3.249615361854384));
  assert.ok(!almostEqual(0, 1e-17));
  assert.ok(almostEqual(Number.NaN, Number.NaN));
  assert.ok(almostEqual(Number.POSITIVE_INFINITY, Number.POSITIVE_INFINITY));
  assert.ok(!almostEqual(1, 1.001));
});

test('staleness markers loaded by scripts end series', () => {
  const results = runScriptText(['load 1m', '  m 0 1 stale', '', 'eval instant at 2m m', ''].join('\n'), new Engine());
  assert.equal(results[0].ok, true, results[0].error);
});

test('runner reports passing and failing evals', () => {
  const results = runScriptText(
    ['load 1m', '  m 1+1x5', '', 'eval instant at 2m m', '  m 3', '', 'eval instant at 2m m', '  m 4'].join('\n'),
    new Engine(),
  );
  assert.deepEqual(
    results.map((r) => r.ok),
    [true, false],
  );
  assert.match(results[1].error, /expected 4, got 3/);
});
