import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { parseAlertmanagerConfig } from '../config/alertmanager-index.ts';
import { intervalContains } from './time-interval.ts';

function interval(spec: string) {
  const cfg = parseAlertmanagerConfig(
    `route: {receiver: a}\nreceivers: [{name: a}]\ntime_intervals:\n  - name: t\n    time_intervals:\n${spec}`,
    'am.yml',
  );
  return cfg.time_intervals[0];
}
const at = (iso: string) => Date.parse(iso);

describe('time intervals', () => {
  test('times are [start, end) in minutes of the day, UTC by default', () => {
    const t = interval("      - times: [{start_time: '09:00', end_time: '17:00'}]\n");
    assert.equal(intervalContains(t, at('2026-03-02T08:59:59Z')), false);
    assert.equal(intervalContains(t, at('2026-03-02T09:00:00Z')), true);
    assert.equal(intervalContains(t, at('2026-03-02T16:59:00Z')), true);
    assert.equal(intervalContains(t, at('2026-03-02T17:00:00Z')), false);
  });

  test('weekdays ranges and every field must hold', () => {
    const t = interval(
      "      - weekdays: ['monday:friday']\n        times: [{start_time: '00:00', end_time: '24:00'}]\n        months: ['march']\n        years: ['2026:2027']\n",
    );
    assert.equal(intervalContains(t, at('2026-03-02T12:00:00Z')), true, 'Monday');
    assert.equal(intervalContains(t, at('2026-03-07T12:00:00Z')), false, 'Saturday');
    assert.equal(intervalContains(t, at('2026-04-06T12:00:00Z')), false, 'April');
    assert.equal(intervalContains(t, at('2028-03-06T12:00:00Z')), false, '2028');
  });

  test('negative days_of_month count from the end of the month', () => {
    const t = interval("      - days_of_month: ['-3:-1']\n");
    assert.equal(intervalContains(t, at('2026-02-26T00:00:00Z')), true, 'Feb 26 is third-last of 28');
    assert.equal(intervalContains(t, at('2026-02-25T23:59:00Z')), false);
    assert.equal(intervalContains(t, at('2026-01-29T00:00:00Z')), true);
    assert.equal(intervalContains(t, at('2026-01-28T00:00:00Z')), false);
    const first = interval("      - days_of_month: ['1:5', '30']\n");
    assert.equal(intervalContains(first, at('2026-02-03T00:00:00Z')), true);
    assert.equal(intervalContains(first, at('2026-02-28T00:00:00Z')), false);
  });

  test('location shifts the evaluation into the zone, including DST', () => {
    const t = interval(
      "      - times: [{start_time: '09:00', end_time: '10:00'}]\n        weekdays: [monday]\n        location: Europe/Berlin\n",
    );
    // Winter: UTC+1. 08:30Z is 09:30 in Berlin.
    assert.equal(intervalContains(t, at('2026-01-05T08:30:00Z')), true);
    assert.equal(intervalContains(t, at('2026-01-05T09:30:00Z')), false);
    // Summer: UTC+2. 07:30Z is 09:30 in Berlin.
    assert.equal(intervalContains(t, at('2026-07-06T07:30:00Z')), true);
    assert.equal(intervalContains(t, at('2026-07-06T08:30:00Z')), false);
    // Sunday 23:30Z is Monday 01:30 in Berlin (not in 09-10).
    const day = interval('      - weekdays: [monday]\n        location: Asia/Tokyo\n');
    assert.equal(intervalContains(day, at('2026-01-04T16:00:00Z')), true, 'Sunday 16:00Z is Monday 01:00 in Tokyo');
  });

  test('an empty spec always matches', () => {
    assert.equal(intervalContains(interval('      - {}\n'), Date.now()), true);
  });
});
