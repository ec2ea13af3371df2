import assert from 'node:assert/strict';
import { test } from 'node:test';
import { isStaleNaN, Labels, Matcher, MatchType, STALE_NAN } from '../model/index.ts';
import {
  decodeReadRequestBody,
  decodeReadResponseBody,
  encodeReadRequestBody,
  encodeReadResponseBody,
} from './read-request.ts';
import { ArraySeries, mergeSeries } from './remote-read.ts';

test('read request round-trips queries with all matcher types and negative times', () => {
  const ms = [
    new Matcher(MatchType.Equal, '__name__', 'up'),
    new Matcher(MatchType.NotEqual, 'job', 'x'),
    new Matcher(MatchType.Regex, 'i', 'a.*'),
    new Matcher(MatchType.NotRegex, 'z', 'é|b'),
  ];
  const body = encodeReadRequestBody([{ start: -5000, end: 1_700_000_000_123, matchers: ms }]);
  const { queries, acceptedResponseTypes } = decodeReadRequestBody(body);
  assert.deepEqual(acceptedResponseTypes, [0]);
  assert.equal(queries.length, 1);
  assert.equal(queries[0].start, -5000);
  assert.equal(queries[0].end, 1_700_000_000_123);
  assert.deepEqual(
    queries[0].matchers.map((m) => `${m.name}${m.type}${m.value}`),
    ['__name__=up', 'job!=x', 'i=~a.*', 'z!~é|b'],
  );
  assert.throws(() => decodeReadRequestBody(new Uint8Array([1, 2, 3])));
});

test('read response round-trips series per query, keeping stale NaN bits', () => {
  const values = new Float64Array(2);
  values[0] = 1.5;
  values[1] = STALE_NAN; // a plain array would canonicalise the NaN payload
  const body = encodeReadResponseBody([
    [{ labels: Labels.fromObject({ __name__: 'a', x: '1' }), timestamps: [1, 2], values: values }],
    [],
  ]);
  const res = decodeReadResponseBody(body);
  assert.equal(res.length, 2);
  assert.equal(res[0][0].labels.toString(), '{__name__="a", x="1"}');
  assert.deepEqual(Array.from(res[0][0].timestamps), [1, 2]);
  assert.equal(res[0][0].values[0], 1.5);
  assert.ok(isStaleNaN(res[0][0].values[1]));
  assert.equal(res[1].length, 0);
});

test('mergeSeries merges equal series by time, first list winning ties, sorted by labels', () => {
  const a = Labels.fromObject({ __name__: 'm', k: 'a' });
  const b = Labels.fromObject({ __name__: 'm', k: 'b' });
  const merged = mergeSeries(
    [new ArraySeries(b, [10, 30], [1, 3])],
    [new ArraySeries(a, [5], [9]), new ArraySeries(b, [20, 30], [2, 99])],
  );
  assert.deepEqual(
    merged.map((s) => s.labels.get('k')),
    ['a', 'b'],
  );
  const it = merged[1].iterator();
  const got: number[][] = [];
  while (it.next()) got.push([it.t, it.v]);
  assert.deepEqual(got, [
    [10, 1],
    [20, 2],
    [30, 3],
  ]);
});
