import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { test } from 'node:test';
import { equalMatcher as eq, isStaleNaN } from '../model/index.ts';
import { Engine } from '../promql/index.ts';
import { Head } from '../tsdb/index.ts';
import { alertsData, rulesData } from './api-data.ts';
import { appendSample, newTestManager, querySeries, writeTempRules } from './test-helpers.ts';

const MIN = 60_000;

test('recording rules append results with rule labels and staleness markers when a series disappears', () => {
  const file = writeTempRules(`groups:
  - name: rec
    interval: 1m
    labels: {team: infra}
    rules:
      - record: job:up:sum
        expr: sum by (job) (up)
        labels: {source: rule}
`);
  const { head, manager } = newTestManager();
  manager.update([file], { evaluation_interval: MIN });
  appendSample(head, { __name__: 'up', job: 'a' }, 0, 1);
  appendSample(head, { __name__: 'up', job: 'b' }, 0, 1);
  appendSample(head, { __name__: 'up', job: 'a' }, MIN, 1);
  manager.evaluateAll(0);
  const engine = new Engine();
  assert.deepEqual(querySeries(engine, head, 'job:up:sum', 0), [
    { labels: '{__name__="job:up:sum", job="a", source="rule", team="infra"}', v: 1 },
    { labels: '{__name__="job:up:sum", job="b", source="rule", team="infra"}', v: 1 },
  ]);
  // At 6m job b's input is beyond the lookback, so its recorded series gets a staleness marker.
  manager.evaluateAll(6 * MIN);
  const q = head.querier();
  const b = q.select([eq('__name__', 'job:up:sum'), eq('job', 'b')], 0, 1e12)[0];
  const it = b.iterator();
  const ts: number[] = [];
  const stale: boolean[] = [];
  while (it.next()) {
    ts.push(it.t);
    stale.push(isStaleNaN(it.v));
  }
  assert.deepEqual(ts, [0, 6 * MIN]);
  assert.deepEqual(stale, [false, true]);
  assert.equal(manager.groups()[0].rules[0].health, 'ok');
});

test('group limit and duplicate-labelset errors mark the rule unhealthy without stopping the group', () => {
  const file = writeTempRules(`groups:
  - name: lim
    limit: 1
    rules:
      - record: r
        expr: up
      - alert: A
        expr: up
      - record: ok_rule
        expr: vector(1)
`);
  const { head, manager } = newTestManager();
  manager.update([file], { evaluation_interval: MIN });
  appendSample(head, { __name__: 'up', job: 'a' }, 0, 1);
  appendSample(head, { __name__: 'up', job: 'b' }, 0, 1);
  manager.evaluateAll(0);
  const [r, a, ok] = manager.groups()[0].rules;
  assert.equal(r.health, 'err');
  assert.equal(r.lastError, 'exceeded limit of 1 with 2 series');
  assert.equal(a.lastError, 'exceeded limit of 1 with 2 alerts');
  assert.equal(ok.health, 'ok');
  assert.equal(manager.groups()[0].failures, 2);
});

test('template errors become the annotation text', () => {
  const file = writeTempRules(`groups:
  - name: t
    rules:
      - alert: T
        expr: vector(3)
        annotations:
          bad: '{{ 1 | humanizeDuration | toUpper | index 3 }}'
          good: 'v={{ $value }} ext={{ $externalLabels.dc }}'
`);
  const { manager, sender } = newTestManager({ externalLabels: { dc: 'eu' } });
  manager.update([file], { evaluation_interval: MIN });
  manager.evaluateAll(0);
  assert.equal(manager.groups()[0].rules[0].lastError, '');
  const sent = sender.last[0];
  assert.equal(sent.annotations.good, 'v=3 ext=eu');
  assert.match(sent.annotations.bad, /^<error expanding template: error executing template __alert_T: /);
});

test('evaluation timestamps are aligned to the interval with a per-group offset', () => {
  const file = writeTempRules(`groups:
  - name: a
    interval: 30s
    rules: [{record: x, expr: vector(1)}]
`);
  const { manager } = newTestManager();
  manager.update([file], { evaluation_interval: MIN });
  const g = manager.groups()[0];
  const off = g.offset();
  assert.ok(off >= 0 && off < 30_000);
  for (const t of [0, 12_345, 1_700_000_000_123]) {
    const e = g.evalTimestamp(t);
    assert.ok(e <= t && t - e < 30_000);
    assert.equal((((e - off) % 30_000) + 30_000) % 30_000, 0);
  }
});

test('reload keeps the alert state of unchanged rules and drops removed groups with stale markers', () => {
  const rules = `groups:
  - name: g
    rules:
      - alert: Up
        expr: up > 0
        for: 10m
      - record: rec
        expr: up
`;
  const file = writeTempRules(rules);
  const { head, manager, clock } = newTestManager();
  manager.update([file], { evaluation_interval: MIN });
  for (let t = 0; t <= 20 * MIN; t += MIN) appendSample(head, { __name__: 'up' }, t, 1);
  manager.evaluateAll(0);
  manager.evaluateAll(MIN);
  const before = manager.alertingRules()[0];
  assert.equal(before.activeAlerts()[0].activeAt, 0);
  // Unchanged file: the same group object keeps running.
  const g0 = manager.groups()[0];
  manager.update([file], { evaluation_interval: MIN });
  assert.equal(manager.groups()[0], g0);
  // A changed group (new rule) takes over the state of the rules that did not change.
  writeFileSync(file, `${rules}      - record: another\n        expr: vector(2)\n`);
  manager.update([file], { evaluation_interval: MIN });
  const after = manager.alertingRules()[0];
  assert.notEqual(after, before);
  assert.equal(after.activeAlerts()[0].activeAt, 0, 'activeAt carried over');
  manager.evaluateAll(10 * MIN);
  assert.equal(after.state(), 'firing');
  // Removing the file's groups writes staleness markers for their series.
  clock.t = 10 * MIN + 1;
  writeFileSync(file, 'groups: []\n');
  manager.update([file], { evaluation_interval: MIN });
  assert.equal(manager.groups().length, 0);
  assert.deepEqual(querySeries(new Engine(), head, 'rec', 10 * MIN + 1), []);
});

test('a broken rule file on reload throws and leaves the running groups alone', () => {
  const file = writeTempRules('groups:\n  - name: g\n    rules: [{record: x, expr: vector(1)}]\n');
  const { manager } = newTestManager();
  manager.update([file], { evaluation_interval: MIN });
  writeFileSync(file, 'groups:\n  - name: g\n    rules: [{record: x, expr: "sum("}]\n');
  assert.throws(() => manager.update([file], { evaluation_interval: MIN }), /could not parse expression/);
  assert.equal(manager.groups().length, 1);
});

test('for state is restored from ALERTS_FOR_STATE after a restart', () => {
  const rules = writeTempRules(`groups:
  - name: g
    interval: 1m
    rules:
      - alert: Long
        expr: up > 0
        for: 30m
`);
  const head = new Head();
  for (let t = 0; t <= 60 * MIN; t += MIN) appendSample(head, { __name__: 'up' }, t, 1);
  // First process: pending since t=0, evaluated until 10m, then "crashes".
  const first = newTestManager({ queryable: head, appendable: head });
  first.manager.update([rules], { evaluation_interval: MIN });
  for (let t = 0; t <= 10 * MIN; t += MIN) {
    first.clock.t = t;
    first.manager.evaluateAll(t);
  }
  // Second process starts at 15m: 5m down, so the alert is pending since 5m and fires at 35m (not 45m).
  const second = newTestManager({ queryable: head, appendable: head });
  second.manager.update([rules], { evaluation_interval: MIN });
  second.clock.t = 15 * MIN;
  second.manager.evaluateAll(15 * MIN);
  const rule = second.manager.alertingRules()[0];
  assert.equal(rule.activeAlerts()[0].activeAt, 5 * MIN);
  second.manager.evaluateAll(34 * MIN);
  assert.equal(rule.state(), 'pending');
  second.manager.evaluateAll(35 * MIN);
  assert.equal(rule.state(), 'firing');
});

test('/api/v1/rules and /api/v1/alerts data in Prometheus shapes with filters', () => {
  const file = writeTempRules(`groups:
  - name: g
    interval: 30s
    rules:
      - alert: HighCPUUsage
        expr: cpu > 80
        for: 5m
        labels: {severity: critical}
        annotations: {summary: high}
      - record: cpu:max
        expr: max(cpu)
`);
  const { head, manager } = newTestManager();
  manager.update([file], { evaluation_interval: MIN });
  appendSample(head, { __name__: 'cpu', instance: 'h' }, 0, 95);
  manager.evaluateAll(90_000);
  const data = rulesData(manager.groups()) as { groups: Record<string, unknown>[] };
  const g = data.groups[0];
  assert.equal(g.name, 'g');
  assert.equal(g.file, file);
  assert.equal(g.interval, 30);
  assert.equal(g.lastEvaluation, '1970-01-01T00:01:30Z');
  const [alert, rec] = g.rules as Record<string, unknown>[];
  assert.equal(alert.type, 'alerting');
  assert.equal(alert.state, 'pending');
  assert.equal(alert.query, 'cpu > 80');
  assert.equal(alert.duration, 300);
  assert.equal(alert.health, 'ok');
  assert.deepEqual(alert.alerts, [
    {
      labels: { alertname: 'HighCPUUsage', instance: 'h', severity: 'critical' },
      annotations: { summary: 'high' },
      state: 'pending',
      activeAt: '1970-01-01T00:01:30Z',
      value: '9.5e+01',
    },
  ]);
  assert.equal(rec.type, 'recording');
  assert.equal(rec.query, 'max(cpu)');
  assert.equal('labels' in rec, false);
  assert.equal(rulesData(manager.groups(), { type: 'record' }).groups.length, 1);
  assert.equal((rulesData(manager.groups(), { type: 'record' }).groups[0] as { rules: unknown[] }).rules.length, 1);
  assert.equal(rulesData(manager.groups(), { ruleName: ['nope'] }).groups.length, 0);
  assert.equal(rulesData(manager.groups(), { ruleGroup: ['g'] }).groups.length, 1);
  assert.equal(alertsData(manager.groups()).alerts.length, 1);
});

test('start() runs groups on their interval with real timers; stop() ends the loop', async () => {
  const file = writeTempRules(`groups:
  - name: fast
    interval: 40ms
    rules: [{record: x, expr: vector(1)}]
`);
  const { manager } = newTestManager({ now: Date.now });
  manager.update([file], { evaluation_interval: MIN });
  manager.start();
  await new Promise((r) => setTimeout(r, 300));
  manager.stop();
  const g = manager.groups()[0];
  const n = g.evaluations;
  assert.ok(n >= 3, `evaluated ${n} times`);
  assert.equal((((g.lastEvaluation - g.offset()) % 40) + 40) % 40, 0, 'aligned evaluation timestamp');
  await new Promise((r) => setTimeout(r, 100));
  assert.equal(g.evaluations, n);
});

test('query_offset shifts the query and sample time back; group metrics are exposed', () => {
  const file = writeTempRules(`groups:
  - name: off
    query_offset: 1m
    rules: [{record: up_copy, expr: up}]
`);
  const { head, manager } = newTestManager();
  manager.update([file], { evaluation_interval: MIN, rule_query_offset: 30_000 });
  appendSample(head, { __name__: 'up' }, 0, 1);
  appendSample(head, { __name__: 'up' }, 2 * MIN, 2);
  manager.evaluateAll(2 * MIN);
  const q = head.querier();
  const s = q.select([eq('__name__', 'up_copy')], 0, 1e12)[0];
  const it = s.iterator();
  assert.ok(it.next());
  assert.deepEqual([it.t, it.v], [MIN, 1]);
  const [m] = manager.groupMetrics();
  assert.equal(m.group, `${file};off`);
  assert.equal(m.evaluations, 1);
  assert.equal(m.lastEvaluation, 120);
  assert.equal(m.lastSamples, 1);
  assert.equal(m.failures, 0);
});

test('series of a rule removed by a reload go stale at the next evaluation', () => {
  const file = writeTempRules(
    'groups:\n  - name: g\n    rules:\n      - record: keep\n        expr: vector(1)\n      - record: gone\n        expr: vector(2)\n',
  );
  const { manager, head } = newTestManager();
  manager.update([file], { evaluation_interval: MIN });
  manager.evaluateAll(0);
  writeFileSync(file, 'groups:\n  - name: g\n    rules:\n      - record: keep\n        expr: vector(1)\n');
  manager.update([file], { evaluation_interval: MIN });
  manager.evaluateAll(MIN);
  const engine = new Engine();
  assert.deepEqual(querySeries(engine, head, 'gone', MIN), []);
  assert.equal(querySeries(engine, head, 'keep', MIN).length, 1);
});

test('for state is not restored after an outage longer than the tolerance', () => {
  const rules = writeTempRules(`groups:
  - name: g
    interval: 1m
    rules:
      - alert: Long
        expr: up > 0
        for: 30m
`);
  const head = new Head();
  for (let t = 0; t <= 200 * MIN; t += MIN) appendSample(head, { __name__: 'up' }, t, 1);
  const first = newTestManager({ queryable: head, appendable: head });
  first.manager.update([rules], { evaluation_interval: MIN });
  for (let t = 0; t <= 10 * MIN; t += MIN) {
    first.clock.t = t;
    first.manager.evaluateAll(t);
  }
  const second = newTestManager({ queryable: head, appendable: head, outageTolerance: 60 * MIN });
  second.manager.update([rules], { evaluation_interval: MIN });
  second.clock.t = 100 * MIN;
  second.manager.evaluateAll(100 * MIN);
  assert.equal(second.manager.alertingRules()[0].activeAlerts()[0].activeAt, 100 * MIN);
});

test('restored alerts close to firing get the for-grace-period before they fire', () => {
  const rules = writeTempRules(`groups:
  - name: g
    interval: 1m
    rules:
      - alert: Long
        expr: up > 0
        for: 30m
`);
  const head = new Head();
  for (let t = 0; t <= 60 * MIN; t += MIN) appendSample(head, { __name__: 'up' }, t, 1);
  const first = newTestManager({ queryable: head, appendable: head });
  first.manager.update([rules], { evaluation_interval: MIN });
  for (let t = 0; t <= 25 * MIN; t += MIN) {
    first.clock.t = t;
    first.manager.evaluateAll(t);
  }
  // 25m of 30m spent; back at 27m: 5m remain < 10m grace, so it fires 10m after the restart.
  const second = newTestManager({ queryable: head, appendable: head });
  second.manager.update([rules], { evaluation_interval: MIN });
  second.clock.t = 27 * MIN;
  second.manager.evaluateAll(27 * MIN);
  const rule = second.manager.alertingRules()[0];
  assert.equal(rule.activeAlerts()[0].activeAt, 7 * MIN);
  second.manager.evaluateAll(36 * MIN);
  assert.equal(rule.state(), 'pending');
  second.manager.evaluateAll(37 * MIN);
  assert.equal(rule.state(), 'firing');
});
