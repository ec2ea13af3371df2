import assert from 'node:assert/strict';
import { test } from 'node:test';
import { formatDuration, isStaleNaN, Labels, Matcher, MatchType, parseDuration, STALE_NAN } from './index.ts';

test('durations parse and print as Prometheus does', () => {
  assert.equal(parseDuration('1h30m'), 5400_000);
  assert.equal(parseDuration('90s'), 90_000);
  assert.equal(parseDuration('1d'), 86_400_000);
  assert.equal(parseDuration('1w'), 7 * 86_400_000);
  assert.equal(parseDuration('1y'), 365 * 86_400_000);
  assert.equal(parseDuration('500ms'), 500);
  assert.throws(() => parseDuration('1.5h'), /not a valid duration/);
  assert.throws(() => parseDuration('1m1h'), /not a valid duration/);
  assert.equal(formatDuration(90_000), '1m30s');
  assert.equal(formatDuration(5400_000), '1h30m');
  assert.equal(formatDuration(7 * 86_400_000), '1w');
  assert.equal(formatDuration(8 * 86_400_000), '8d');
  assert.equal(formatDuration(0), '0s');
  assert.equal(formatDuration(1500), '1s500ms');
});

test('labels are sorted, hashed consistently and printed like Prometheus', () => {
  const a = Labels.fromObject({ job: 'x', __name__: 'up', instance: 'h:1' });
  const b = Labels.fromPairs(['instance', 'h:1', '__name__', 'up', 'job', 'x']);
  assert.ok(a.equals(b));
  assert.equal(a.hash(), b.hash());
  assert.notEqual(a.hash(), Labels.fromObject({ job: 'y', __name__: 'up', instance: 'h:1' }).hash());
  assert.equal(a.toString(), '{__name__="up", instance="h:1", job="x"}');
  assert.equal(a.get('job'), 'x');
  assert.equal(a.get('nope'), '');
});

test('regex matchers are fully anchored RE2', () => {
  const m = new Matcher(MatchType.Regex, 'a', 'fo+');
  assert.ok(m.matches('foo'));
  assert.ok(!m.matches('xfoo'));
  assert.ok(!m.matches('foox'));
  assert.ok(new Matcher(MatchType.Regex, 'a', 'a|b').matches('b'));
  assert.ok(new Matcher(MatchType.Regex, 'a', 'a.*').matches('a\nb'));
  assert.ok(new Matcher(MatchType.NotRegex, 'a', 'x.*').matches(''));
  assert.throws(() => new Matcher(MatchType.Regex, 'a', '(a'), /missing closing \)/);
  // pathological for backtracking engines: linear in RE2
  const slow = new Matcher(MatchType.Regex, 'a', '(a+)+b');
  assert.ok(!slow.matches('a'.repeat(5000)));
});

test('stale NaN is distinguishable from a normal NaN', () => {
  assert.ok(isStaleNaN(STALE_NAN));
  assert.ok(!isStaleNaN(Number.NaN));
  const arr = new Float64Array(1);
  arr[0] = STALE_NAN;
  assert.ok(isStaleNaN(arr[0]));
});
