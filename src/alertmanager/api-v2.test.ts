import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import Fastify, { type FastifyInstance } from 'fastify';
import { parseAlertmanagerConfig } from '../config/alertmanager-index.ts';
import { Alertmanager } from './alertmanager.ts';
import { registerAlertmanagerRoutes } from './api-v2.ts';
import { notifierFromFunction } from './notifier.ts';

const CONFIG = `global:
  slack_api_url: 'https://hooks.slack.com/services/SECRET'
route:
  receiver: default
  group_by: [alertname]
  group_wait: 10ms
  group_interval: 1s
  routes:
    - matchers: ['team="db"']
      receiver: db
inhibit_rules:
  - source_matchers: ['severity="critical"']
    target_matchers: ['severity="warning"']
    equal: [alertname]
receivers:
  - name: default
    webhook_configs: [{url: 'http://127.0.0.1:9/'}]
  - name: db
    slack_configs: [{channel: '#db'}]
`;

describe('API v2', () => {
  let app: FastifyInstance;
  let am: Alertmanager;

  before(async () => {
    am = new Alertmanager({
      config: parseAlertmanagerConfig(CONFIG, 'am.yml'),
      notifierFactory: (r) =>
        [notifierFromFunction('webhook', 0, true, async () => ({ retry: false }))].slice(
          0,
          r.name === 'default' ? 1 : 0,
        ),
    });
    app = Fastify();
    registerAlertmanagerRoutes(app, am);
    await app.ready();
  });
  after(async () => {
    am.stop();
    await app.close();
  });

  const post = (url: string, payload: unknown) => app.inject({ method: 'POST', url, payload: payload as object });
  const get = async (url: string) => {
    const r = await app.inject({ method: 'GET', url });
    return { code: r.statusCode, body: r.body ? JSON.parse(r.body) : undefined };
  };

  test('POST /api/v2/alerts validates', async () => {
    let r = await post('/api/v2/alerts', [{ annotations: { a: 'b' } }]);
    assert.equal(r.statusCode, 400);
    assert.equal(JSON.parse(r.body), '0.labels in body is required');
    r = await post('/api/v2/alerts', [{ labels: {} }]);
    assert.equal(r.statusCode, 400);
    assert.match(JSON.parse(r.body), /at least one label pair required/);
    r = await post('/api/v2/alerts', [{ labels: { '': 'x' } }]);
    assert.equal(r.statusCode, 400);
    assert.match(JSON.parse(r.body), /invalid label name/);
    r = await post('/api/v2/alerts', [
      { labels: { alertname: 'Bad' }, startsAt: '2026-01-02T00:00:00Z', endsAt: '2026-01-01T00:00:00Z' },
    ]);
    assert.equal(r.statusCode, 400);
    assert.match(JSON.parse(r.body), /start time must be before end time/);
    r = await post('/api/v2/alerts', [{ labels: { alertname: 'X' }, startsAt: 'yesterday' }]);
    assert.equal(r.statusCode, 400);
    r = await post('/api/v2/alerts', { labels: { a: 'b' } });
    assert.equal(r.statusCode, 400);
    r = await app.inject({
      method: 'POST',
      url: '/api/v2/alerts',
      headers: { 'content-type': 'application/json' },
      payload: '[{',
    });
    assert.equal(r.statusCode, 400);
    assert.equal(typeof JSON.parse(r.body), 'string');
    r = await post('/api/v2/alerts', [{ labels: { a: '' } }]);
    assert.equal(r.statusCode, 400, 'only empty label values');
    assert.equal((await get('/api/v2/alerts')).body.length, 0, 'nothing stored from invalid posts');
  });

  test('POST then GET /api/v2/alerts with filters', async () => {
    const r = await post('/api/v2/alerts', [
      {
        labels: { alertname: 'Disk', severity: 'critical', team: 'db' },
        annotations: { summary: 's' },
        generatorURL: 'http://prom/graph',
      },
      { labels: { alertname: 'Disk', severity: 'warning', team: 'db' } },
      { labels: { alertname: 'Cpu', severity: 'warning' } },
    ]);
    assert.equal(r.statusCode, 200);
    const all = (await get('/api/v2/alerts')).body;
    assert.equal(all.length, 3);
    const crit = all.find((a: { labels: Record<string, string> }) => a.labels.severity === 'critical');
    assert.deepEqual(Object.keys(crit).sort(), [
      'annotations',
      'endsAt',
      'fingerprint',
      'generatorURL',
      'labels',
      'receivers',
      'startsAt',
      'status',
      'updatedAt',
    ]);
    assert.deepEqual(crit.receivers, [{ name: 'db' }]);
    assert.deepEqual(crit.status, { inhibitedBy: [], mutedBy: [], silencedBy: [], state: 'active' });
    assert.match(crit.startsAt, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
    const warnDb = all.find(
      (a: { labels: Record<string, string> }) => a.labels.severity === 'warning' && a.labels.team,
    );
    assert.equal(warnDb.status.state, 'suppressed');
    assert.deepEqual(warnDb.status.inhibitedBy, [crit.fingerprint]);

    assert.equal((await get('/api/v2/alerts?filter=team%3D%22db%22')).body.length, 2);
    assert.equal((await get('/api/v2/alerts?filter=team%3D%22db%22&filter=severity%3Dwarning')).body.length, 1);
    assert.equal((await get('/api/v2/alerts?inhibited=false')).body.length, 2);
    assert.equal((await get('/api/v2/alerts?active=false')).body.length, 1);
    assert.equal((await get('/api/v2/alerts?receiver=d.*')).body.length, 3);
    assert.equal((await get('/api/v2/alerts?receiver=db')).body.length, 2);
    assert.equal((await get('/api/v2/alerts?filter=%7Bfoo')).code, 400);
    assert.equal((await get('/api/v2/alerts?active=maybe')).code, 400);
  });

  test('GET /api/v2/alerts/groups', async () => {
    const groups = (await get('/api/v2/alerts/groups')).body;
    assert.deepEqual(
      groups.map((g: { labels: object; receiver: { name: string }; alerts: unknown[] }) => [
        g.labels,
        g.receiver.name,
        g.alerts.length,
      ]),
      [
        [{ alertname: 'Cpu' }, 'default', 1],
        [{ alertname: 'Disk' }, 'db', 2],
      ],
    );
  });

  test('silences: create, get, list, filter, update, expire, errors', async () => {
    const now = Date.now();
    const body = {
      matchers: [{ name: 'alertname', value: 'Cpu', isRegex: false, isEqual: true }],
      startsAt: new Date(now).toISOString(),
      endsAt: new Date(now + 3600_000).toISOString(),
      createdBy: 'tester',
      comment: 'maintenance',
    };
    let r = await post('/api/v2/silences', body);
    assert.equal(r.statusCode, 200);
    const id = JSON.parse(r.body).silenceID;
    assert.match(id, /^[0-9a-f-]{36}$/);
    const s = (await get(`/api/v2/silence/${id}`)).body;
    assert.equal(s.status.state, 'active');
    assert.equal(s.comment, 'maintenance');
    assert.deepEqual(s.matchers, body.matchers);
    const cpu = (await get('/api/v2/alerts?filter=alertname%3DCpu')).body[0];
    assert.deepEqual(cpu.status.silencedBy, [id]);
    assert.equal((await get('/api/v2/alerts?silenced=false')).body.length, 2);

    // In-place update keeps the id.
    r = await post('/api/v2/silences', { ...body, id, startsAt: s.startsAt, comment: 'longer' });
    assert.equal(JSON.parse(r.body).silenceID, id);
    assert.equal((await get(`/api/v2/silence/${id}`)).body.comment, 'longer');
    // Changing matchers creates a new silence and expires the old one.
    r = await post('/api/v2/silences', { ...body, id, matchers: [{ name: 'alertname', value: 'C.*', isRegex: true }] });
    const id2 = JSON.parse(r.body).silenceID;
    assert.notEqual(id2, id);
    assert.equal((await get(`/api/v2/silence/${id}`)).body.status.state, 'expired');

    assert.equal((await get('/api/v2/silences')).body.length, 2);
    assert.deepEqual(
      (await get('/api/v2/silences')).body.map((x: { status: { state: string } }) => x.status.state),
      ['active', 'expired'],
    );
    // The filter applies to the silences' matcher values as a label set.
    assert.equal((await get('/api/v2/silences?filter=alertname%3DCpu')).body.length, 1);
    assert.equal((await get('/api/v2/silences?filter=alertname%3D~%22C.%2A%22')).body.length, 2);

    assert.equal((await app.inject({ method: 'DELETE', url: `/api/v2/silence/${id2}` })).statusCode, 200);
    assert.equal((await get(`/api/v2/silence/${id2}`)).body.status.state, 'expired');
    assert.equal((await app.inject({ method: 'DELETE', url: `/api/v2/silence/${id2}` })).statusCode, 500);
    assert.equal((await app.inject({ method: 'DELETE', url: '/api/v2/silence/nope' })).statusCode, 404);
    assert.equal((await get('/api/v2/silence/nope')).code, 404);

    const bad = async (patch: object, re: RegExp) => {
      const res = await post('/api/v2/silences', { ...body, ...patch });
      assert.equal(res.statusCode, 400, JSON.stringify(patch));
      assert.match(JSON.parse(res.body), re);
    };
    await bad({ matchers: [] }, /at least 1 items/);
    await bad({ endsAt: body.startsAt }, /start time must be before end time/);
    await bad(
      { startsAt: new Date(now - 7200_000).toISOString(), endsAt: new Date(now - 3600_000).toISOString() },
      /in the past/,
    );
    await bad({ matchers: [{ name: 'a', value: '', isRegex: false }] }, /must not match the empty string/);
    await bad({ matchers: [{ name: 'a', value: '(', isRegex: true }] }, /error parsing regexp/);
    await bad({ createdBy: undefined }, /createdBy in body is required/);
    const nf = await post('/api/v2/silences', { ...body, id: '00000000-0000-0000-0000-000000000000' });
    assert.equal(nf.statusCode, 404);
  });

  test('status and receivers', async () => {
    const st = (await get('/api/v2/status')).body;
    assert.equal(st.cluster.status, 'disabled');
    assert.ok(st.versionInfo.version);
    assert.match(st.config.original, /receiver: default/);
    assert.ok(!st.config.original.includes('SECRET'), 'secrets are not shown');
    assert.match(st.config.original, /<secret>/);
    assert.deepEqual((await get('/api/v2/receivers')).body, [{ name: 'default' }, { name: 'db' }]);
  });

  test('GET /api/v1/notifications lists the history', async () => {
    await new Promise((r) => setTimeout(r, 60));
    const h = (await get('/api/v1/notifications?receiver=default')).body;
    assert.equal(h.status, 'success');
    assert.ok(h.data.length >= 1);
    assert.equal(h.data[0].receiver, 'default');
    assert.equal(h.data[0].status, 'success');
    assert.match(h.data[0].time, /Z$/);
    assert.equal((await get('/api/v1/notifications?status=weird')).code, 400);
  });
});
