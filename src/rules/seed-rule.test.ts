import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Engine } from '../promql/index.ts';
import { appendSample, newTestManager, querySeries, writeTempRules } from './test-helpers.ts';

const SEED = `groups:
  - name: example
    rules:
      - alert: HighCPUUsage
        expr: cpu_usage_percentage > 80
        for: 5m
        labels:
          severity: critical
        annotations:
          summary: "CPU usage is too high"
          description: "CPU usage has been above 80% for more than 5 minutes."
          value: "{{ $value }} on {{ $labels.instance }}"
`;

const MIN = 60_000;

test('seed rule: pending, firing after 5m, resolved; ALERTS series and sender', () => {
  const file = writeTempRules(SEED);
  const { head, sender, clock, manager } = newTestManager({ externalURL: 'http://osprey:9090' });
  manager.update([file], { evaluation_interval: 15_000 });
  const group = manager.groups()[0];
  assert.equal(group.interval, 15_000);
  const rule = manager.alertingRules()[0];
  const engine = new Engine();
  const series = { __name__: 'cpu_usage_percentage', instance: 'host1' };
  // 95% for 7 minutes, then 10%.
  for (let t = 0; t <= 12 * MIN; t += 15_000) appendSample(head, series, t, t <= 7 * MIN ? 95 : 10);

  clock.t = 0;
  manager.evaluateAll(0);
  assert.equal(rule.state(), 'pending');
  assert.equal(sender.batches.length, 0, 'pending alerts are not sent');

  for (let t = 15_000; t < 5 * MIN; t += 15_000) {
    clock.t = t;
    manager.evaluateAll(t);
  }
  assert.equal(rule.state(), 'pending');
  assert.deepEqual(querySeries(engine, head, 'ALERTS', 4 * MIN + 45_000), [
    {
      labels:
        '{__name__="ALERTS", alertname="HighCPUUsage", alertstate="pending", instance="host1", severity="critical"}',
      v: 1,
    },
  ]);

  clock.t = 5 * MIN;
  manager.evaluateAll(5 * MIN);
  assert.equal(rule.state(), 'firing');
  assert.equal(sender.batches.length, 1);
  const sent = sender.last[0];
  assert.deepEqual(sent.labels, { alertname: 'HighCPUUsage', instance: 'host1', severity: 'critical' });
  assert.equal(sent.annotations.summary, 'CPU usage is too high');
  assert.equal(sent.annotations.value, '95 on host1');
  assert.equal(sent.startsAt, '1970-01-01T00:05:00Z');
  // endsAt = now + 4 * max(resend delay 1m, interval 15s)
  assert.equal(sent.endsAt, '1970-01-01T00:09:00Z');
  assert.equal(sent.generatorURL, 'http://osprey:9090/graph?g0.expr=cpu_usage_percentage+%3E+80&g0.tab=1');
  assert.deepEqual(
    querySeries(engine, head, 'ALERTS_FOR_STATE', 5 * MIN).map((s) => s.v),
    [0],
  );
  assert.equal(querySeries(engine, head, 'ALERTS{alertstate="firing"}', 5 * MIN).length, 1);

  // No resend within the 1m resend delay; resent after it.
  clock.t = 5 * MIN + 15_000;
  manager.evaluateAll(clock.t);
  assert.equal(sender.batches.length, 1);
  for (let t = 5 * MIN + 30_000; t <= 6 * MIN + 15_000; t += 15_000) {
    clock.t = t;
    manager.evaluateAll(t);
  }
  assert.equal(sender.batches.length, 2);

  for (let t = 6 * MIN + 30_000; t <= 7 * MIN + 15_000; t += 15_000) {
    clock.t = t;
    manager.evaluateAll(t);
  }
  assert.equal(rule.state(), 'inactive');
  const resolved = sender.last[0];
  assert.equal(resolved.endsAt, '1970-01-01T00:07:15Z', 'resolved alerts are sent with endsAt = resolve time');
  // The ALERTS series went stale at the resolve time.
  assert.deepEqual(querySeries(engine, head, 'ALERTS', 7 * MIN + 15_000), []);
  assert.deepEqual(rule.activeAlerts(), []);
});

test('keep_firing_for keeps an alert firing after the condition clears', () => {
  const file = writeTempRules(`groups:
  - name: g
    interval: 1m
    rules:
      - alert: A
        expr: m > 0
        keep_firing_for: 2m
`);
  const { head, manager } = newTestManager();
  manager.update([file], { evaluation_interval: 60_000 });
  const rule = manager.alertingRules()[0];
  appendSample(head, { __name__: 'm' }, 0, 1);
  appendSample(head, { __name__: 'm' }, MIN, 0);
  manager.evaluateAll(0);
  assert.equal(rule.state(), 'firing');
  manager.evaluateAll(MIN);
  assert.equal(rule.state(), 'firing');
  manager.evaluateAll(2 * MIN);
  assert.equal(rule.state(), 'firing');
  manager.evaluateAll(3 * MIN);
  assert.equal(rule.state(), 'inactive');
});
