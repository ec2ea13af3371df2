import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseSeriesLabels, parseSeriesValues, SeriesNotationError } from './series-notation.ts';
import { valuesEqual } from './unittest.ts';

test('expanding series notation', () => {
  assert.deepEqual(parseSeriesValues('1+2x3 _ stale 5x2 _x2 -2-1x2 Inf'), [
    1,
    3,
    5,
    7,
    null,
    'stale',
    5,
    5,
    5,
    null,
    null,
    -2,
    -3,
    -4,
    Number.POSITIVE_INFINITY,
  ]);
  assert.deepEqual(parseSeriesValues('0x3'), [0, 0, 0, 0]);
  assert.throws(() => parseSeriesValues('1 abc'), SeriesNotationError);
  assert.throws(() => parseSeriesValues('{{sum:1 count:1}}'), /native histogram/);
  assert.equal(parseSeriesLabels('up{job="a", instance="b"}').toString(), '{__name__="up", instance="b", job="a"}');
  assert.throws(() => parseSeriesLabels('up{job="a"'), SeriesNotationError);
});

test('fuzzy comparison allows one ULP, exact does not', () => {
  assert.ok(valuesEqual(3, 3.0000000000000004, true));
  assert.ok(valuesEqual(3, 2.9999999999999996, true));
  assert.ok(!valuesEqual(3, 2.9999999999999987, true));
  assert.ok(!valuesEqual(3, 3.0000000000000004, false));
  assert.ok(valuesEqual(Number.NaN, Number.NaN, false));
});
