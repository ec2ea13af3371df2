import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Labels, STALE_NAN } from '../model/index.ts';
import { Head } from '../tsdb/index.ts';
import { Engine, QueryError, resultToJSON } from './index.ts';
import { formatValue } from './value.ts';

function headWith(series: Record<string, [number, number][]>, extra: Record<string, string> = {}): Head {
  const head = new Head();
  const app = head.appender();
  for (const [name, samples] of Object.entries(series)) {
    const [metric, inst] = name.split('/');
    const labels = Labels.fromObject({ __name__: metric, instance: inst ?? 'a', ...extra });
    for (const [t, v] of samples) app.append(0, labels, t, v);
  }
  app.commit();
  return head;
}

const ramp = (n: number, step: number, f: (i: number) => number): [number, number][] =>
  Array.from({ length: n }, (_, i) => [i * step, f(i)] as [number, number]);

test('formatValue matches Go FormatFloat(f, -1) with Prometheus spellings', () => {
  assert.equal(formatValue(1), '1');
  assert.equal(formatValue(0.1), '0.1');
  assert.equal(formatValue(1e21), '1000000000000000000000');
  assert.equal(formatValue(1.5e-7), '0.00000015');
  assert.equal(formatValue(-2.5e22), '-25000000000000000000000');
  assert.equal(formatValue(Number.POSITIVE_INFINITY), '+Inf');
  assert.equal(formatValue(Number.NEGATIVE_INFINITY), '-Inf');
  assert.equal(formatValue(Number.NaN), 'NaN');
});

test('instant query: rate with extrapolation and JSON shape', () => {
  const head = headWith({ http_requests_total: ramp(11, 60_000, (i) => i * 60) });
  const res = new Engine().instantQuery(head, 'rate(http_requests_total[5m])', 600_000);
  const json = resultToJSON(res.value);
  assert.deepEqual(json, { resultType: 'vector', result: [{ metric: { instance: 'a' }, value: [600, '1'] }] });
  assert.deepEqual(res.warnings, []);
});

test('range query returns a sorted matrix with points only where present', () => {
  const head = headWith({
    m: [
      [0, 1],
      [60_000, 2],
    ],
    'm/b': [[0, 5]],
  });
  // Appended directly: plain JS double arrays may canonicalize the staleness NaN.
  const app = head.appender();
  app.append(0, Labels.fromObject({ __name__: 'm', instance: 'a' }), 120_000, STALE_NAN);
  app.commit();
  const res = new Engine().rangeQuery(head, 'm', 0, 180_000, 60_000);
  const json = resultToJSON(res.value);
  assert.deepEqual(json, {
    resultType: 'matrix',
    result: [
      {
        metric: { __name__: 'm', instance: 'a' },
        values: [
          [0, '1'],
          [60, '2'],
        ],
      },
      {
        metric: { __name__: 'm', instance: 'b' },
        values: [
          [0, '5'],
          [60, '5'],
          [120, '5'],
          [180, '5'],
        ],
      },
    ],
  });
});

test('scalar results and step-invariant @ in range queries', () => {
  const head = headWith({ m: ramp(10, 60_000, (i) => i) });
  const e = new Engine();
  assert.deepEqual(resultToJSON(e.instantQuery(head, '1 + 2 * 3', 5000).value), {
    resultType: 'scalar',
    result: [5, '7'],
  });
  const res = e.rangeQuery(head, 'sum(m @ 120)', 0, 300_000, 60_000);
  assert.equal(res.value.type, 'matrix');
  if (res.value.type === 'matrix') assert.deepEqual(Array.from(res.value.matrix[0].vs), [2, 2, 2, 2, 2, 2]);
});

test('vector matching errors are execution errors with Prometheus messages', () => {
  const head = new Head();
  const app = head.appender();
  app.append(0, Labels.fromObject({ __name__: 'a', job: 'x', i: '1' }), 0, 1);
  app.append(0, Labels.fromObject({ __name__: 'a', job: 'x', i: '2' }), 0, 1);
  app.append(0, Labels.fromObject({ __name__: 'b', job: 'x' }), 0, 1);
  app.commit();
  const e = new Engine();
  assert.throws(
    () => e.instantQuery(head, 'a + on(job) b', 0),
    (err: unknown) =>
      err instanceof QueryError &&
      err.type === 'execution' &&
      err.message === 'multiple matches for labels: many-to-one matching must be explicit (group_left/group_right)',
  );
  const ok = e.instantQuery(head, 'a + on(job) group_left b', 0);
  assert.equal(ok.value.type === 'vector' && ok.value.vector.length, 2);
  assert.throws(
    () => e.instantQuery(head, 'b + on(job) a', 0),
    (err: unknown) => err instanceof QueryError && /found duplicate series for the match group/.test(err.message),
  );
});

test('parse errors are bad_data; sample limit and range-vector range queries are rejected', () => {
  const head = headWith({ m: ramp(100, 1000, (i) => i) });
  assert.throws(
    () => new Engine().instantQuery(head, 'sum(', 0),
    (err: unknown) => err instanceof QueryError && err.type === 'bad_data',
  );
  assert.throws(
    () => new Engine({ maxSamples: 10 }).instantQuery(head, 'm[1m]', 99_000),
    (err: unknown) =>
      err instanceof QueryError &&
      err.message === 'query processing would load too many samples into memory in query execution',
  );
  assert.throws(
    () => new Engine().rangeQuery(head, 'm[1m]', 0, 10_000, 1000),
    (err: unknown) => err instanceof QueryError && err.type === 'bad_data',
  );
});

test('delayed name removal: duplicate label sets after rate fail', () => {
  const head = new Head();
  const app = head.appender();
  for (const n of ['x_total', 'y_total']) {
    for (let i = 0; i < 5; i++) app.append(0, Labels.fromObject({ __name__: n, env: '1' }), i * 60_000, i);
  }
  app.commit();
  assert.throws(
    () => new Engine().instantQuery(head, 'rate({env="1"}[5m])', 240_000),
    (err: unknown) =>
      err instanceof QueryError && err.message === 'vector cannot contain metrics with the same labelset',
  );
  const res = new Engine().instantQuery(head, 'sum(rate({env="1"}[5m]))', 240_000);
  assert.equal(res.value.type === 'vector' && res.value.vector.length, 1);
});

test('a range query over many series and steps stays fast', () => {
  const head = new Head();
  const app = head.appender();
  for (let s = 0; s < 200; s++) {
    const l = Labels.fromObject({ __name__: 'req_total', pod: `p${s}`, job: `j${s % 5}` });
    for (let i = 0; i < 720; i++) app.append(0, l, i * 15_000, i * (s + 1));
  }
  app.commit();
  const t0 = performance.now();
  const res = new Engine().rangeQuery(head, 'sum by (job) (rate(req_total[1m]))', 0, 720 * 15_000, 15_000);
  const ms = performance.now() - t0;
  assert.equal(res.value.type === 'matrix' && res.value.matrix.length, 5);
  assert.ok(ms < 3000, `took ${ms} ms`);
});
