/**
 * Differential test: the same alertmanager.yml and the same timeline of alerts and silences go to Debian's
 * Alertmanager (/usr/bin/prometheus-alertmanager, with webhook receivers pointing at a local capture server)
 * and to Osprey (recording notifiers). Per receiver and group key, both must send the same sequence of
 * notifications (alert label sets with firing/resolved). Timings are short (100ms..1s), compared by order.
 */
import assert from 'node:assert/strict';
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import Fastify from 'fastify';
import { parseAlertmanagerConfig } from '../config/alertmanager-index.ts';
import { Labels } from '../model/index.ts';
import { freePort } from '../testing/free-port.ts';
import { Alertmanager, type PostableAlert } from './alertmanager.ts';
import { registerAlertmanagerRoutes } from './api-v2.ts';
import { fingerprintLabels } from './fingerprint.ts';
import { type ApiMatcher, matcherFromApi } from './matchers.ts';
import type { NotifierFactory } from './notifier.ts';

const AM_BIN = '/usr/bin/prometheus-alertmanager';

type Step =
  | { at: number; alerts: { labels: Record<string, string>; resolve?: boolean; startedAgoMs?: number }[] }
  | { at: number; silence: ApiMatcher[] };

interface Scenario {
  name: string;
  /** route/inhibit/time interval sections; receivers are generated from `receivers`. */
  config: string;
  receivers: { name: string; sendResolved?: boolean }[];
  steps: Step[];
  durationMs: number;
}

const TIMING = 'group_wait: 200ms\n  group_interval: 600ms\n  repeat_interval: 1h';

const SCENARIOS: Scenario[] = [
  {
    name: 'alerts of one group are batched',
    config: `route:\n  receiver: r\n  group_by: [alertname]\n  ${TIMING}\n`,
    receivers: [{ name: 'r' }],
    steps: [
      { at: 0, alerts: [{ labels: { alertname: 'A', instance: '1' } }] },
      { at: 50, alerts: [{ labels: { alertname: 'A', instance: '2' } }, { labels: { alertname: 'B' } }] },
    ],
    durationMs: 700,
  },
  {
    name: 'group_by two labels',
    config: `route:\n  receiver: r\n  group_by: [alertname, cluster]\n  ${TIMING}\n`,
    receivers: [{ name: 'r' }],
    steps: [
      {
        at: 0,
        alerts: [
          { labels: { alertname: 'A', cluster: 'x', i: '1' } },
          { labels: { alertname: 'A', cluster: 'y' } },
          { labels: { alertname: 'A', cluster: 'x', i: '2' } },
        ],
      },
    ],
    durationMs: 700,
  },
  {
    name: 'nested routes with continue',
    config: `route:
  receiver: default
  group_by: [alertname]
  ${TIMING}
  routes:
    - matchers: ['team="db"']
      receiver: db
      continue: true
    - matchers: ['severity=~"critical|page"']
      receiver: pager
      routes:
        - matchers: ['team="db"']
          receiver: db-pager
`,
    receivers: [{ name: 'default' }, { name: 'db' }, { name: 'pager' }, { name: 'db-pager' }],
    steps: [
      {
        at: 0,
        alerts: [
          { labels: { alertname: 'A', team: 'db', severity: 'critical' } },
          { labels: { alertname: 'B', team: 'db' } },
          { labels: { alertname: 'C', severity: 'page' } },
          { labels: { alertname: 'D' } },
        ],
      },
    ],
    durationMs: 700,
  },
  {
    name: 'inhibition',
    config: `route:\n  receiver: r\n  group_by: [alertname]\n  ${TIMING}
inhibit_rules:
  - source_matchers: ['severity="critical"']
    target_matchers: ['severity="warning"']
    equal: [cluster]
`,
    receivers: [{ name: 'r' }],
    steps: [
      { at: 0, alerts: [{ labels: { alertname: 'Crit', severity: 'critical', cluster: 'a' } }] },
      {
        at: 20,
        alerts: [
          { labels: { alertname: 'Warn', severity: 'warning', cluster: 'a' } },
          { labels: { alertname: 'Warn', severity: 'warning', cluster: 'b' } },
        ],
      },
    ],
    durationMs: 700,
  },
  {
    name: 'silences',
    config: `route:\n  receiver: r\n  group_by: [alertname]\n  ${TIMING}\n`,
    receivers: [{ name: 'r' }],
    steps: [
      { at: 0, silence: [{ name: 'env', value: 'te.*', isRegex: true, isEqual: true }] },
      {
        at: 30,
        alerts: [
          { labels: { alertname: 'A', env: 'test' } },
          { labels: { alertname: 'A', env: 'prod' } },
          { labels: { alertname: 'B', env: 'temp' } },
        ],
      },
    ],
    durationMs: 700,
  },
  {
    name: 'resolution is notified with send_resolved',
    config: `route:\n  receiver: r\n  group_by: [alertname]\n  ${TIMING}\n`,
    receivers: [{ name: 'r' }],
    steps: [
      { at: 0, alerts: [{ labels: { alertname: 'A', i: '1' } }, { labels: { alertname: 'A', i: '2' } }] },
      { at: 400, alerts: [{ labels: { alertname: 'A', i: '1' }, resolve: true }] },
      { at: 1000, alerts: [{ labels: { alertname: 'A', i: '2' }, resolve: true }] },
    ],
    durationMs: 1700,
  },
  {
    name: 'no resolution without send_resolved',
    config: `route:\n  receiver: r\n  group_by: [alertname]\n  ${TIMING}\n`,
    receivers: [{ name: 'r', sendResolved: false }],
    steps: [
      { at: 0, alerts: [{ labels: { alertname: 'A', i: '1' } }, { labels: { alertname: 'A', i: '2' } }] },
      { at: 400, alerts: [{ labels: { alertname: 'A', i: '1' }, resolve: true }] },
    ],
    durationMs: 1100,
  },
  {
    name: 'repeat_interval',
    config:
      'route:\n  receiver: r\n  group_by: [alertname]\n  group_wait: 100ms\n  group_interval: 300ms\n  repeat_interval: 700ms\n',
    receivers: [{ name: 'r' }],
    steps: [{ at: 0, alerts: [{ labels: { alertname: 'A' } }] }],
    durationMs: 1750,
  },
  {
    name: "group_by ['...']",
    config: `route:\n  receiver: r\n  group_by: ['...']\n  ${TIMING}\n`,
    receivers: [{ name: 'r' }],
    steps: [{ at: 0, alerts: [{ labels: { alertname: 'A', i: '1' } }, { labels: { alertname: 'A', i: '2' } }] }],
    durationMs: 700,
  },
  {
    name: 'a late alert waits for group_interval',
    config: `route:\n  receiver: r\n  group_by: [alertname]\n  ${TIMING}\n`,
    receivers: [{ name: 'r' }],
    steps: [
      { at: 0, alerts: [{ labels: { alertname: 'A', i: '1' } }] },
      { at: 450, alerts: [{ labels: { alertname: 'A', i: '2' } }] },
    ],
    durationMs: 1200,
  },
  {
    name: 'time intervals mute and activate',
    config: `route:
  receiver: r
  group_by: [alertname]
  ${TIMING}
  routes:
    - matchers: ['kind="muted"']
      mute_time_intervals: [always]
    - matchers: ['kind="inactive"']
      active_time_intervals: [never]
    - matchers: ['kind="active"']
      active_time_intervals: [always]
time_intervals:
  - name: always
    time_intervals: [{weekdays: ['sunday:saturday']}]
  - name: never
    time_intervals: [{years: ['1999']}]
`,
    receivers: [{ name: 'r' }],
    steps: [
      {
        at: 0,
        alerts: [
          { labels: { alertname: 'M', kind: 'muted' } },
          { labels: { alertname: 'I', kind: 'inactive' } },
          { labels: { alertname: 'X', kind: 'active' } },
        ],
      },
    ],
    durationMs: 700,
  },
  {
    name: 'legacy match, match_re and source_match inhibition',
    config: `route:
  receiver: r
  group_by: [alertname, service]
  ${TIMING}
  routes:
    - match_re: {service: '^(foo1|foo2)$'}
      receiver: foo
      routes:
        - match: {severity: critical}
          receiver: foo-pager
inhibit_rules:
  - source_match: {severity: critical}
    target_match_re: {severity: 'warn.*'}
    equal: [service]
`,
    receivers: [{ name: 'r' }, { name: 'foo' }, { name: 'foo-pager' }],
    steps: [
      {
        at: 0,
        alerts: [
          { labels: { alertname: 'A', service: 'foo1', severity: 'critical' } },
          { labels: { alertname: 'A', service: 'foo1', severity: 'warning' } },
          { labels: { alertname: 'A', service: 'foo2', severity: 'warning' } },
          { labels: { alertname: 'A', service: 'bar' } },
        ],
      },
    ],
    durationMs: 700,
  },
  {
    name: 'alert order in a notification: job, instance, then labels',
    config: `route:\n  receiver: r\n  group_by: [alertname]\n  ${TIMING}\n`,
    receivers: [{ name: 'r' }],
    steps: [
      {
        at: 0,
        alerts: [
          { labels: { alertname: 'O', z: '1' } },
          { labels: { alertname: 'O', instance: 'b', job: 'x' } },
          { labels: { alertname: 'O', instance: 'a' } },
          { labels: { alertname: 'O', job: 'a', instance: 'z' } },
          { labels: { alertname: 'O', job: 'x', instance: 'a' } },
          { labels: { alertname: 'O', a: '1' } },
        ],
      },
    ],
    durationMs: 600,
  },
  {
    name: 'an old alert is flushed at once and grouped with later ones',
    config: `route:\n  receiver: r\n  group_by: [alertname]\n  group_wait: 500ms\n  group_interval: 600ms\n  repeat_interval: 1h\n`,
    receivers: [{ name: 'r' }],
    steps: [
      { at: 0, alerts: [{ labels: { alertname: 'Old', i: '1' }, startedAgoMs: 60_000 }] },
      { at: 200, alerts: [{ labels: { alertname: 'Old', i: '2' } }] },
    ],
    durationMs: 1000,
  },
];

interface Captured {
  receiver: string;
  groupKey: string;
  alerts: string[];
}

const alertKey = (labels: Record<string, string>, status: string) =>
  `${Object.entries(labels)
    .sort(([a], [b]) => (a < b ? -1 : 1))
    .map(([k, v]) => `${k}=${v}`)
    .join(',')}:${status}`;

/** Per receiver and group key: the notifications in order. */
function bySeries(list: Captured[]): Record<string, string[][]> {
  const out: Record<string, string[][]> = {};
  for (const c of list) {
    const k = `${c.receiver} ${c.groupKey}`;
    // Unsorted: the order of alerts in a notification must match too.
    (out[k] ??= []).push(c.alerts);
  }
  return out;
}

function receiversYaml(s: Scenario, capturePort: number): string {
  return `receivers:\n${s.receivers
    .map(
      (r) =>
        `  - name: ${r.name}\n    webhook_configs:\n      - url: http://127.0.0.1:${capturePort}/${r.name}\n        send_resolved: ${r.sendResolved ?? true}\n`,
    )
    .join('')}`;
}

describe('differential: Debian Alertmanager vs Osprey', {
  skip: !existsSync(AM_BIN) && 'prometheus-alertmanager not installed',
}, () => {
  const dir = mkdtempSync(join(tmpdir(), 'osprey-am-diff-'));
  let capture: Server;
  let capturePort = 0;
  const captured = new Map<string, Captured[]>();
  const children: ChildProcess[] = [];

  before(async () => {
    capture = createServer((req, res) => {
      let body = '';
      req.on('data', (c) => {
        body += c;
      });
      req.on('end', () => {
        const msg = JSON.parse(body) as {
          receiver: string;
          groupKey: string;
          alerts: { labels: Record<string, string>; status: string }[];
          externalURL: string;
        };
        const scenario = new URL(msg.externalURL).searchParams.get('s') ?? '';
        const list = captured.get(scenario) ?? [];
        list.push({
          receiver: msg.receiver,
          groupKey: msg.groupKey,
          alerts: msg.alerts.map((a) => alertKey(a.labels, a.status)),
        });
        captured.set(scenario, list);
        res.end();
      });
    });
    await new Promise<void>((r) => capture.listen(0, '127.0.0.1', r));
    capturePort = (capture.address() as AddressInfo).port;
  });

  after(async () => {
    for (const c of children) c.kill('SIGKILL');
    await new Promise((r) => capture.close(r));
    rmSync(dir, { recursive: true, force: true });
  });

  async function runScenario(
    s: Scenario,
    idx: number,
  ): Promise<{ real: Record<string, string[][]>; ours: Record<string, string[][]> }> {
    const yaml = s.config + receiversYaml(s, capturePort);
    const sdir = join(dir, String(idx));
    const cfgPath = join(dir, `am-${idx}.yml`);
    writeFileSync(cfgPath, yaml);
    const port = await freePort();
    const child = spawn(
      AM_BIN,
      [
        `--config.file=${cfgPath}`,
        `--storage.path=${sdir}`,
        `--web.listen-address=127.0.0.1:${port}`,
        '--cluster.listen-address=',
        `--web.external-url=http://osprey.test/?s=${idx}`,
      ],
      { stdio: 'ignore' },
    );
    children.push(child);
    const base = `http://127.0.0.1:${port}`;
    const deadline = Date.now() + 20_000;
    for (;;) {
      try {
        if ((await fetch(`${base}/-/ready`)).ok) break;
      } catch {
        // not up yet
      }
      if (Date.now() > deadline) throw new Error(`${s.name}: alertmanager did not start`);
      await new Promise((r) => setTimeout(r, 100));
    }

    const ours: Captured[] = [];
    const factory: NotifierFactory = (r) =>
      (r.webhook_configs ?? []).map((c, i) => ({
        integration: 'webhook',
        index: i,
        sendResolved: c.send_resolved,
        async notify(ctx, alerts) {
          ours.push({
            receiver: ctx.receiver,
            groupKey: ctx.groupKey,
            alerts: alerts.map((a) => alertKey(a.labels, a.status)),
          });
          return { retry: false };
        },
      }));
    const am = new Alertmanager({ config: parseAlertmanagerConfig(yaml, cfgPath), notifierFactory: factory });
    const t0 = Date.now();
    try {
      for (const step of s.steps) {
        const wait = t0 + step.at - Date.now();
        if (wait > 0) await new Promise((r) => setTimeout(r, wait));
        const now = Date.now();
        if ('silence' in step) {
          const body = {
            matchers: step.silence,
            startsAt: new Date(now).toISOString(),
            endsAt: new Date(now + 3600_000).toISOString(),
            createdBy: 'diff',
            comment: 'diff',
          };
          const res = await fetch(`${base}/api/v2/silences`, {
            method: 'POST',
            headers: { 'content-type': 'application/json' },
            body: JSON.stringify(body),
          });
          assert.equal(res.status, 200, await res.text());
          am.silences.set({
            matchers: step.silence.map(matcherFromApi),
            startsAt: now,
            endsAt: now + 3600_000,
            createdBy: 'diff',
            comment: 'diff',
          });
          continue;
        }
        const posted: PostableAlert[] = step.alerts.map((a) => ({
          labels: a.labels,
          startsAt: a.startedAgoMs ? now - a.startedAgoMs : undefined,
          endsAt: a.resolve ? now : undefined,
        }));
        const res = await fetch(`${base}/api/v2/alerts`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify(
            posted.map((p) => ({
              labels: p.labels,
              ...(p.startsAt ? { startsAt: new Date(p.startsAt).toISOString() } : {}),
              ...(p.endsAt ? { endsAt: new Date(p.endsAt).toISOString() } : {}),
            })),
          ),
        });
        assert.equal(res.status, 200, await res.text());
        am.putAlerts(posted);
      }
      const rest = t0 + s.durationMs - Date.now();
      if (rest > 0) await new Promise((r) => setTimeout(r, rest));
    } finally {
      am.stop();
      child.kill('SIGKILL');
    }
    return { real: bySeries(captured.get(String(idx)) ?? []), ours: bySeries(ours) };
  }

  test("alert fingerprints are the same as Alertmanager's", { timeout: 30_000 }, async () => {
    const cfgPath = join(dir, 'fp.yml');
    writeFileSync(cfgPath, 'route: {receiver: r}\nreceivers: [{name: r}]\n');
    const port = await freePort();
    const child = spawn(
      AM_BIN,
      [
        `--config.file=${cfgPath}`,
        `--storage.path=${join(dir, 'fp')}`,
        `--web.listen-address=127.0.0.1:${port}`,
        '--cluster.listen-address=',
      ],
      { stdio: 'ignore' },
    );
    children.push(child);
    const base = `http://127.0.0.1:${port}`;
    const deadline = Date.now() + 20_000;
    for (;;) {
      try {
        if ((await fetch(`${base}/-/ready`)).ok) break;
      } catch {
        // not up yet
      }
      if (Date.now() > deadline) throw new Error('alertmanager did not start');
      await new Promise((r) => setTimeout(r, 100));
    }
    const sets = [
      { alertname: 'A' },
      { alertname: 'HighLatency', cluster: 'eu-1', instance: '10.0.0.1:9100', job: 'node' },
      { alertname: 'Ünïcode', summary_label: 'déjà vu 😀', z: 'last' },
    ];
    const res = await fetch(`${base}/api/v2/alerts`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(sets.map((labels) => ({ labels }))),
    });
    assert.equal(res.status, 200);
    const got = (await (await fetch(`${base}/api/v2/alerts`)).json()) as {
      labels: Record<string, string>;
      fingerprint: string;
    }[];
    child.kill('SIGKILL');
    assert.equal(got.length, sets.length);
    for (const a of got)
      assert.equal(fingerprintLabels(Labels.fromObject(a.labels)), a.fingerprint, JSON.stringify(a.labels));
  });

  test("API v2 responses have the same content as Alertmanager's", { timeout: 30_000 }, async () => {
    const yaml = `route:
  receiver: default
  group_by: [alertname]
  group_wait: 1h
  routes:
    - matchers: ['team="db"']
      receiver: db
      continue: true
    - matchers: ['severity="critical"']
      receiver: pager
inhibit_rules:
  - source_matchers: ['severity="critical"']
    target_matchers: ['severity="warning"']
    equal: [alertname]
receivers: [{name: default}, {name: db}, {name: pager}]
`;
    const cfgPath = join(dir, 'api.yml');
    writeFileSync(cfgPath, yaml);
    const port = await freePort();
    const child = spawn(
      AM_BIN,
      [
        `--config.file=${cfgPath}`,
        `--storage.path=${join(dir, 'api')}`,
        `--web.listen-address=127.0.0.1:${port}`,
        '--cluster.listen-address=',
      ],
      { stdio: 'ignore' },
    );
    children.push(child);
    const real = `http://127.0.0.1:${port}`;
    const deadline = Date.now() + 20_000;
    for (;;) {
      try {
        if ((await fetch(`${real}/-/ready`)).ok) break;
      } catch {
        // not up yet
      }
      if (Date.now() > deadline) throw new Error('alertmanager did not start');
      await new Promise((r) => setTimeout(r, 100));
    }
    const am = new Alertmanager({ config: parseAlertmanagerConfig(yaml, cfgPath) });
    const app = Fastify();
    registerAlertmanagerRoutes(app, am);
    await app.listen({ host: '127.0.0.1', port: 0 });
    const ours = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
    try {
      const now = Date.now();
      const alerts = [
        {
          labels: { alertname: 'Disk', severity: 'critical', team: 'db' },
          annotations: { summary: 'full' },
          generatorURL: 'http://prom/graph',
        },
        { labels: { alertname: 'Disk', severity: 'warning', team: 'db', instance: 'x' } },
        { labels: { alertname: 'Cpu', severity: 'warning' } },
        {
          labels: { alertname: 'Mem', z: 'ü' },
          startsAt: new Date(now - 60_000).toISOString(),
          endsAt: new Date(now + 3600_000).toISOString(),
        },
        {
          labels: { alertname: 'Gone' },
          startsAt: new Date(now - 60_000).toISOString(),
          endsAt: new Date(now - 1000).toISOString(),
        },
      ];
      const silence = {
        matchers: [{ name: 'alertname', value: 'Cpu', isRegex: false, isEqual: true }],
        startsAt: new Date(now).toISOString(),
        endsAt: new Date(now + 3600_000).toISOString(),
        createdBy: 'diff',
        comment: 'api shapes',
      };
      const both = async (path: string, init?: RequestInit) => {
        const [a, b] = await Promise.all([fetch(real + path, init), fetch(ours + path, init)]);
        return { real: { status: a.status, body: await a.text() }, ours: { status: b.status, body: await b.text() } };
      };
      const json = { method: 'POST', headers: { 'content-type': 'application/json' } };
      const posted = await both('/api/v2/alerts', { ...json, body: JSON.stringify(alerts) });
      assert.deepEqual(posted.ours.status, posted.real.status);
      const sil = await both('/api/v2/silences', { ...json, body: JSON.stringify(silence) });
      assert.equal(sil.ours.status, sil.real.status);
      const realSil = JSON.parse(sil.real.body).silenceID as string;
      const ourSil = JSON.parse(sil.ours.body).silenceID as string;
      // Times and silence ids differ by nature; everything else must be equal.
      const norm = (body: string, silId: string) =>
        JSON.parse(body, (k, v) => {
          if (k === 'startsAt' || k === 'endsAt' || k === 'updatedAt') return typeof v;
          if (v === silId) return '<silence id>';
          return v;
        });
      const cases = [
        '/api/v2/alerts',
        '/api/v2/alerts?silenced=false&inhibited=false',
        '/api/v2/alerts?filter=team%3D%22db%22&receiver=db',
        '/api/v2/alerts/groups',
        '/api/v2/alerts/groups?active=false',
        '/api/v2/receivers',
        '/api/v2/silences',
        `/api/v2/silence/SIL`,
      ];
      const diffs: string[] = [];
      for (const c of cases) {
        const [a, b] = await Promise.all([
          fetch(real + c.replace('SIL', realSil)),
          fetch(ours + c.replace('SIL', ourSil)),
        ]);
        const ra = norm(await a.text(), realSil);
        const rb = norm(await b.text(), ourSil);
        // Alertmanager 0.25 has no mutedBy yet.
        const strip = (x: unknown): unknown =>
          JSON.parse(JSON.stringify(x), (k, v) => (k === 'mutedBy' ? undefined : v));
        try {
          assert.equal(b.status, a.status);
          assert.deepEqual(strip(rb), strip(ra));
        } catch {
          diffs.push(`${c}\n  alertmanager: ${JSON.stringify(ra)}\n  osprey:       ${JSON.stringify(rb)}`);
        }
      }
      assert.deepEqual(diffs, []);
    } finally {
      child.kill('SIGKILL');
      am.stop();
      await app.close();
    }
  });

  test(`${SCENARIOS.length} scenarios produce the same notifications`, { timeout: 120_000 }, async () => {
    const results: { name: string; ok: boolean; detail: string; notifications: number }[] = [];
    // A few at a time: each runs its own Alertmanager process.
    const queue = SCENARIOS.map((s, i) => ({ s, i }));
    const workers = Array.from({ length: 4 }, async () => {
      for (let job = queue.shift(); job; job = queue.shift()) {
        const { real, ours } = await runScenario(job.s, job.i);
        let ok = true;
        let detail = '';
        try {
          assert.deepEqual(ours, real);
          assert.ok(Object.keys(real).length > 0 || job.s.name.includes('mute'), 'Alertmanager sent something');
        } catch {
          ok = false;
          detail = `\n  alertmanager: ${JSON.stringify(real)}\n  osprey:       ${JSON.stringify(ours)}`;
        }
        const notifications = Object.values(real).reduce((n, l) => n + l.length, 0);
        results.push({ name: job.s.name, ok, detail, notifications });
      }
    });
    await Promise.all(workers);
    const failed = results.filter((r) => !r.ok);
    console.log(
      `alertmanager differential: ran ${results.length}, passed ${results.length - failed.length}, failed ${failed.length}; ` +
        `notifications compared: ${results.map((r) => `${r.name}=${r.notifications}`).join(', ')}`,
    );
    assert.deepEqual(
      failed.map((f) => `${f.name}${f.detail}`),
      [],
    );
  });
});
