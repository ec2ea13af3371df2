/**
 * Property: a range query's point at step t equals the instant query at t (Prometheus defines
 * range queries that way). Random data with gaps, resets and staleness; a fixed set of query shapes.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { Labels, STALE_NAN } from '../model/index.ts';
import { Head } from '../tsdb/index.ts';
import { Engine } from './engine.ts';
import { almostEqual } from './test-script-runner.ts';

const QUERIES = [
  'm',
  'm offset 1m',
  'rate(m[2m])',
  'increase(m[3m])',
  'delta(m[90s])',
  'irate(m[2m])',
  'resets(m[5m])',
  'changes(m[5m])',
  'deriv(m[3m])',
  'avg_over_time(m[2m])',
  'max_over_time(m[2m]) - min_over_time(m[2m])',
  'quantile_over_time(0.3, m[4m])',
  'sum by (g) (m)',
  'avg without (i) (m)',
  'count(m) by (g)',
  'topk(2, m)',
  'bottomk by (g) (1, m)',
  'quantile(0.5, m)',
  'stddev(m)',
  'm > 5',
  'm + on(i) group_left n',
  'm / ignoring(g) n',
  'm and n',
  'm or n',
  'm unless on(g) n',
  'max_over_time(rate(m[2m])[5m:30s])',
  'absent(m{g="zzz"})',
  'absent_over_time(m[1m])',
  'sum(m) + scalar(sum(n))',
  'label_replace(m, "x", "$1", "i", "(.*)")',
  'timestamp(m)',
  'histogram_quantile(0.9, sum by (le) (rate(b[5m])))',
];

const sampleArb = fc.oneof(
  { weight: 8, arbitrary: fc.double({ min: -100, max: 1000, noNaN: true }) },
  { weight: 1, arbitrary: fc.constant(Number.NaN) },
  { weight: 1, arbitrary: fc.constant(STALE_NAN) },
);

test('range query points equal instant queries at each step', () => {
  fc.assert(
    fc.property(
      fc.array(fc.array(fc.option(sampleArb, { nil: undefined, freq: 4 }), { minLength: 5, maxLength: 25 }), {
        minLength: 1,
        maxLength: 4,
      }),
      fc.constantFrom(...QUERIES),
      fc.integer({ min: 0, max: 10 }),
      fc.integer({ min: 1, max: 4 }),
      (series, query, startStep, stepMul) => {
        const head = new Head();
        const app = head.appender();
        series.forEach((vals, k) => {
          const m = Labels.fromObject({ __name__: 'm', i: String(k), g: String(k % 2) });
          const n = Labels.fromObject({ __name__: 'n', i: String(k), g: String(k % 2) });
          const b = Labels.fromObject({ __name__: 'b', le: ['1', '5', '+Inf'][k % 3], g: String(k % 2) });
          for (let j = 0; j < vals.length; j++) {
            const v = vals[j];
            if (v === undefined) continue;
            app.append(0, m, j * 30_000, v);
            app.append(0, n, j * 30_000 + 7000, v * 2);
            app.append(0, b, j * 30_000, Math.abs(v) * (k + 1));
          }
        });
        app.commit();
        const engine = new Engine();
        const start = startStep * 30_000;
        const step = stepMul * 20_000;
        const end = start + 8 * step;
        let range: ReturnType<Engine['rangeQuery']>;
        try {
          range = engine.rangeQuery(head, query, start, end, step);
        } catch (e) {
          // An error in range mode must also show up at some instant.
          let failed = false;
          for (let t = start; t <= end; t += step) {
            try {
              engine.instantQuery(head, query, t);
            } catch {
              failed = true;
            }
          }
          assert.ok(failed, `range query failed but no instant query did: ${(e as Error).message}`);
          return;
        }
        assert.equal(range.value.type, 'matrix');
        if (range.value.type !== 'matrix') return;
        for (let t = start; t <= end; t += step) {
          const inst = engine.instantQuery(head, query, t);
          const got = new Map<string, number>();
          if (inst.value.type === 'vector') for (const s of inst.value.vector) got.set(s.labels.toString(), s.v);
          else if (inst.value.type === 'scalar') got.set('{}', inst.value.v);
          const fromRange = new Map<string, number>();
          for (const s of range.value.matrix) {
            const i = s.ts.indexOf(t);
            if (i >= 0) fromRange.set(s.labels.toString(), s.vs[i]);
          }
          assert.deepEqual([...fromRange.keys()].sort(), [...got.keys()].sort(), `${query} at ${t}`);
          for (const [k, v] of got) {
            assert.ok(
              almostEqual(v, fromRange.get(k)!),
              `${query} at ${t} ${k}: instant ${v}, range ${fromRange.get(k)}`,
            );
          }
        }
      },
    ),
    { numRuns: 300 },
  );
});
