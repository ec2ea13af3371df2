import assert from 'node:assert/strict';
import { test } from 'node:test';
import Fastify from 'fastify';
import { registerRulesRoutes } from './api.ts';
import { appendSample, newTestManager, writeTempRules } from './test-helpers.ts';

test('GET /api/v1/rules and /api/v1/alerts answer in Prometheus JSON with filters', async () => {
  const file = writeTempRules(`groups:
  - name: g1
    rules:
      - alert: A
        expr: m > 0
        annotations: {summary: "value {{ $value }}"}
  - name: g2
    rules:
      - record: r
        expr: sum(m)
`);
  const { head, manager } = newTestManager();
  manager.update([file], { evaluation_interval: 60_000 });
  appendSample(head, { __name__: 'm' }, 0, 2);
  manager.evaluateAll(0);
  const app = Fastify();
  registerRulesRoutes(app, manager);
  try {
    const all = (await app.inject({ method: 'GET', url: '/api/v1/rules' })).json();
    assert.equal(all.status, 'success');
    assert.deepEqual(
      all.data.groups.map((g: { name: string }) => g.name),
      ['g1', 'g2'],
    );
    const alertsOnly = (await app.inject({ method: 'GET', url: '/api/v1/rules?type=alert' })).json();
    assert.deepEqual(
      alertsOnly.data.groups.map((g: { name: string }) => g.name),
      ['g1'],
    );
    const byName = (await app.inject({ method: 'GET', url: '/api/v1/rules?rule_name[]=r&rule_name[]=x' })).json();
    assert.equal(byName.data.groups[0].rules[0].name, 'r');
    const bad = await app.inject({ method: 'GET', url: '/api/v1/rules?type=foo' });
    assert.equal(bad.statusCode, 400);
    assert.equal(bad.json().errorType, 'bad_data');
    const alerts = (await app.inject({ method: 'GET', url: '/api/v1/alerts' })).json();
    assert.deepEqual(alerts.data.alerts, [
      {
        labels: { alertname: 'A' },
        annotations: { summary: 'value 2' },
        state: 'firing',
        activeAt: '1970-01-01T00:00:00Z',
        value: '2e+00',
      },
    ]);
  } finally {
    await app.close();
  }
});
