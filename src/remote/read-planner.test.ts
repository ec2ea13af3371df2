import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseExpr } from '../promql/index.ts';
import { selectorRanges } from './read-planner.ts';

const M = 60_000;
const plan = (q: string, start: number, end: number, step = 0) =>
  selectorRanges(parseExpr(q), start, end, { lookbackDelta: 5 * M, step }).map((r) => ({
    sel: r.matchers.map((m) => m.toString()).join(','),
    mint: r.mint,
    maxt: r.maxt,
  }));

test('instant selectors read one lookback before the query range', () => {
  assert.deepEqual(plan('up', 100 * M, 110 * M), [{ sel: '__name__="up"', mint: 95 * M, maxt: 110 * M }]);
});

test('range selectors, offsets and @ move the range like Prometheus', () => {
  assert.deepEqual(plan('rate(x[10m] offset 1h)', 100 * M, 100 * M), [
    { sel: '__name__="x"', mint: 30 * M, maxt: 40 * M },
  ]);
  assert.deepEqual(plan('x @ 50', 100 * M, 200 * M), [{ sel: '__name__="x"', mint: 50_000 - 5 * M, maxt: 50_000 }]);
  assert.deepEqual(plan('x @ end()', 100 * M, 200 * M, M), [{ sel: '__name__="x"', mint: 195 * M, maxt: 200 * M }]);
});

test('subqueries widen the range of the selectors inside them', () => {
  assert.deepEqual(plan('max_over_time(rate(x[5m])[1h:1m] offset 10m)', 100 * M, 100 * M), [
    { sel: '__name__="x"', mint: 100 * M - 10 * M - 60 * M - 5 * M, maxt: 90 * M },
  ]);
});

test('every selector of a binary expression is listed with its own range', () => {
  const p = plan('a / on(k) b offset 5m', 100 * M, 100 * M);
  assert.deepEqual(p, [
    { sel: '__name__="a"', mint: 95 * M, maxt: 100 * M },
    { sel: '__name__="b"', mint: 90 * M, maxt: 95 * M },
  ]);
});
