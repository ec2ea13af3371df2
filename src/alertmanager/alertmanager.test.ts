import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { parseAlertmanagerConfig } from '../config/alertmanager-index.ts';
import { Matcher, MatchType } from '../model/index.ts';
import { Alertmanager, type AlertmanagerOptions } from './alertmanager.ts';
import type { AlertForNotify, Notifier, NotifierFactory, NotifyContext, NotifyResult } from './notifier.ts';

interface Sent {
  at: number;
  receiver: string;
  groupKey: string;
  alerts: string[];
}

/** A factory whose notifiers record what they get; `behaviour` can make a receiver fail or stall. */
function recorder(behaviour: Record<string, (n: number) => Promise<NotifyResult>> = {}) {
  const sent: Sent[] = [];
  const t0 = Date.now();
  let calls = 0;
  const factory: NotifierFactory = (r) =>
    (r.webhook_configs ?? []).map(
      (c, i): Notifier => ({
        integration: 'webhook',
        index: i,
        sendResolved: c.send_resolved,
        async notify(ctx: NotifyContext, alerts: AlertForNotify[]) {
          const b = behaviour[ctx.receiver];
          if (b) {
            const res = await b(++calls);
            if (res.error) return res;
          }
          sent.push({
            at: Date.now() - t0,
            receiver: ctx.receiver,
            groupKey: ctx.groupKey,
            alerts: alerts.map((a) => `${a.labels.alertname}${a.labels.sev ? `/${a.labels.sev}` : ''}:${a.status}`),
          });
          return { retry: false };
        },
      }),
    );
  return { sent, factory };
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Polls until cond() holds (robust against timer delays on a loaded machine); fails after `ms`. */
async function waitFor(cond: () => boolean, what: string, ms = 2000): Promise<void> {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) assert.fail(`timed out waiting for: ${what}`);
    await sleep(10);
  }
}
const dirs: string[] = [];
after(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

function tmp(): string {
  const d = mkdtempSync(join(tmpdir(), 'osprey-am-'));
  dirs.push(d);
  return d;
}

function config(extra = '', route = '') {
  return parseAlertmanagerConfig(
    `route:
  receiver: a
  group_by: [alertname]
  group_wait: 100ms
  group_interval: 250ms
  repeat_interval: 700ms
${route}
receivers:
  - name: a
    webhook_configs: [{url: 'http://127.0.0.1:1/'}]
  - name: b
    webhook_configs: [{url: 'http://127.0.0.1:1/', send_resolved: false}]
${extra}`,
    'am.yml',
  );
}

function start(opts: Partial<AlertmanagerOptions> & { factory: NotifierFactory }, cfg = config()) {
  const am = new Alertmanager({
    config: cfg,
    notifierFactory: opts.factory,
    minFlushTimeoutMs: 2000,
    backoff: { initialMs: 20, multiplier: 1.5, maxMs: 100, randomization: 0 },
    ...opts,
  });
  return am;
}

describe('alert manager engine', { concurrency: true }, () => {
  test('group_wait, group_interval batching, dedup and repeat_interval', async () => {
    const { sent, factory } = recorder();
    // Wider timings than the other tests: this one asserts on what has NOT happened yet.
    const cfg = config();
    cfg.route.group_wait = 300;
    cfg.route.group_interval = 500;
    cfg.route.repeat_interval = 1400;
    const am = start({ factory }, cfg);
    try {
      am.putAlerts([{ labels: { alertname: 'A', sev: '1' } }]);
      await sleep(100);
      assert.equal(sent.length, 0, 'nothing before group_wait');
      await waitFor(() => sent.length === 1, 'first flush after group_wait');
      assert.deepEqual(sent[0].alerts, ['A/1:firing']);
      assert.equal(sent[0].groupKey, '{}:{alertname="A"}');
      am.putAlerts([{ labels: { alertname: 'A', sev: '2' } }]);
      await sleep(150);
      assert.equal(sent.length, 1, 'a new alert waits for group_interval');
      await waitFor(() => sent.length === 2, 'second flush after group_interval');
      assert.deepEqual(sent[1].alerts, ['A/1:firing', 'A/2:firing']);
      await sleep(250);
      assert.equal(sent.length, 2, 'no change, no notification');
      await waitFor(() => sent.length === 3, 'repeat after repeat_interval', 3000);
      assert.deepEqual(sent[2].alerts, sent[1].alerts);
    } finally {
      am.stop();
    }
  });

  test('an alert that started long ago is flushed without waiting', async () => {
    const { sent, factory } = recorder();
    const cfg = config();
    cfg.route.group_wait = 5000;
    const am = start({ factory }, cfg);
    try {
      am.putAlerts([{ labels: { alertname: 'Old' }, startsAt: Date.now() - 60_000 }]);
      await waitFor(() => sent.length === 1, 'flushed long before group_wait', 1000);
    } finally {
      am.stop();
    }
  });

  test('resolved alerts are sent when send_resolved, logged otherwise', async () => {
    const { sent, factory } = recorder();
    const cfg = config('', '  routes:\n    - matchers: [\'team="b"\']\n      receiver: b\n');
    const am = start({ factory }, cfg);
    try {
      am.putAlerts([{ labels: { alertname: 'R' } }, { labels: { alertname: 'S', team: 'b' } }]);
      await waitFor(() => sent.length === 2, 'both groups notified');
      const now = Date.now();
      am.putAlerts([
        { labels: { alertname: 'R' }, endsAt: now },
        { labels: { alertname: 'S', team: 'b' }, endsAt: now },
      ]);
      await waitFor(() => sent.length === 3, 'resolution');
      await sleep(50);
      assert.deepEqual(
        sent.slice(2).map((s) => `${s.receiver}:${s.alerts}`),
        ['a:R:resolved'],
        'only the receiver with send_resolved gets the resolution',
      );
      // The resolved alerts left their groups after the successful flush.
      assert.equal(am.listGroups().length, 0);
      await sleep(300);
      assert.equal(sent.length, 3, 'a resolution is sent once');
    } finally {
      am.stop();
    }
  });

  test('inhibition: critical mutes warning with equal labels, never itself', async () => {
    const { sent, factory } = recorder();
    const cfg = config(`inhibit_rules:
  - source_matchers: ['sev="critical"']
    target_matchers: ['sev=~"warning|critical"']
    equal: [cluster]
`);
    const am = start({ factory }, cfg);
    try {
      am.putAlerts([
        { labels: { alertname: 'Crit', sev: 'critical', cluster: 'c1' } },
        { labels: { alertname: 'Warn', sev: 'warning', cluster: 'c1' } },
        { labels: { alertname: 'Warn', sev: 'warning', cluster: 'c2' } },
      ]);
      await waitFor(() => sent.length >= 2, 'two notifications');
      await sleep(30);
      const got = sent.flatMap((s) => s.alerts).sort();
      assert.deepEqual(got, ['Crit/critical:firing', 'Warn/warning:firing']);
      const views = am.listAlerts();
      const warnC1 = views.find(
        (v) => v.alert.labels.get('cluster') === 'c1' && v.alert.labels.get('sev') === 'warning',
      );
      const crit = views.find((v) => v.alert.labels.get('sev') === 'critical');
      assert.equal(warnC1?.status.state, 'suppressed');
      assert.deepEqual(warnC1?.status.inhibitedBy, [crit?.alert.fingerprint]);
      assert.equal(crit?.status.state, 'active', 'an alert matching both sides does not inhibit itself');
      assert.equal(am.listAlerts({ inhibited: false }).length, 2);
    } finally {
      am.stop();
    }
  });

  test('silences mute alerts; expiring lets them through', async () => {
    const { sent, factory } = recorder();
    const am = start({ factory });
    try {
      const now = Date.now();
      const id = am.silences.set({
        matchers: [new Matcher(MatchType.Regex, 'alertname', 'Sil.*'), new Matcher(MatchType.NotEqual, 'env', 'dev')],
        startsAt: now,
        endsAt: now + 3600_000,
        createdBy: 'me',
        comment: 'test',
      });
      am.putAlerts([{ labels: { alertname: 'Silly' } }, { labels: { alertname: 'Silly2', env: 'dev' } }]);
      await waitFor(() => sent.length >= 1, 'the unsilenced alert');
      await sleep(30);
      assert.deepEqual(
        sent.flatMap((s) => s.alerts),
        ['Silly2:firing'],
      );
      const silenced = am.listAlerts().find((v) => v.alert.labels.get('alertname') === 'Silly');
      assert.deepEqual(silenced?.status.silencedBy, [id]);
      assert.equal(am.listAlerts({ silenced: false }).length, 1);
      am.silences.expire(id);
      await sleep(260);
      assert.ok(sent.flatMap((s) => s.alerts).includes('Silly:firing'));
    } finally {
      am.stop();
    }
  });

  test('retries with backoff, records every attempt in the history', async () => {
    const { sent, factory } = recorder({
      a: async (n) => (n <= 2 ? { retry: true, error: new Error(`boom ${n}`) } : { retry: false }),
    });
    const am = start({ factory });
    try {
      am.putAlerts([{ labels: { alertname: 'Retry' } }]);
      await waitFor(() => sent.length === 1, 'delivered after retries');
      const h = am.history.query();
      assert.deepEqual(
        h.map((x) => [x.attempt, x.status, x.error ?? '']),
        [
          [3, 'success', ''],
          [2, 'failed', 'boom 2'],
          [1, 'failed', 'boom 1'],
        ],
      );
      assert.equal(h[0].receiver, 'a');
      assert.equal(h[0].groupKey, '{}:{alertname="Retry"}');
      assert.equal(am.history.query({ status: 'failed' }).length, 2);
    } finally {
      am.stop();
    }
  });

  test('a permanent failure is not retried', async () => {
    const { factory } = recorder({ a: async () => ({ retry: false, error: new Error('400 bad request') }) });
    const cfg = config();
    // The failed flush is tried again at the next group_interval; keep that out of the observed window.
    cfg.route.group_interval = 5000;
    const am = start({ factory }, cfg);
    try {
      am.putAlerts([{ labels: { alertname: 'Perm' } }]);
      await waitFor(() => am.history.query().length === 1, 'one attempt');
      await sleep(100);
      assert.equal(am.history.query().length, 1);
      assert.equal(am.history.query()[0].willRetry, false);
    } finally {
      am.stop();
    }
  });

  test('one stalled receiver does not delay another group', async () => {
    const { sent, factory } = recorder({ b: () => sleep(600).then(() => ({ retry: false })) });
    const cfg = config('', '  routes:\n    - matchers: [\'team="b"\']\n      receiver: b\n');
    const am = start({ factory }, cfg);
    try {
      am.putAlerts([{ labels: { alertname: 'Slow', team: 'b' } }, { labels: { alertname: 'Fast' } }]);
      await waitFor(() => sent.length >= 1, 'the fast receiver');
      assert.deepEqual(
        sent.map((s) => s.receiver),
        ['a'],
      );
    } finally {
      am.stop();
    }
  });

  test('a notifier that ignores its abort signal is cut off at the flush deadline', async () => {
    const { factory } = recorder({ a: () => new Promise(() => {}) });
    const am = start({ factory, minFlushTimeoutMs: 100 });
    try {
      am.putAlerts([{ labels: { alertname: 'Hang' } }]);
      await waitFor(() => am.history.query().length === 1, 'the attempt is recorded as failed');
      const h = am.history.query()[0];
      assert.equal(h.status, 'failed');
      assert.match(h.error ?? '', /deadline/);
    } finally {
      am.stop();
    }
  });

  test('mute_time_intervals and active_time_intervals', async () => {
    const { sent, factory } = recorder();
    const cfg = config(
      `time_intervals:
  - name: always
    time_intervals: [{}]
  - name: never
    time_intervals: [{years: ['1999']}]
`,
      `  routes:
    - matchers: ['kind="muted"']
      mute_time_intervals: [always]
    - matchers: ['kind="inactive"']
      active_time_intervals: [never]
    - matchers: ['kind="active"']
      active_time_intervals: [always]
      mute_time_intervals: [never]
`,
    );
    const am = start({ factory }, cfg);
    try {
      am.putAlerts([
        { labels: { alertname: 'M', kind: 'muted' } },
        { labels: { alertname: 'I', kind: 'inactive' } },
        { labels: { alertname: 'A', kind: 'active' } },
      ]);
      await waitFor(() => sent.length >= 1, 'the active route');
      await sleep(30);
      assert.deepEqual(
        sent.flatMap((s) => s.alerts),
        ['A:firing'],
      );
      const byName = new Map(am.listAlerts().map((v) => [v.alert.labels.get('alertname'), v.status]));
      assert.deepEqual(byName.get('M'), { state: 'suppressed', silencedBy: [], inhibitedBy: [], mutedBy: ['always'] });
      assert.deepEqual(byName.get('I')?.mutedBy, ['never']);
      assert.deepEqual(byName.get('A')?.state, 'active');
    } finally {
      am.stop();
    }
  });

  test('a restart neither repeats nor drops: the notification log and silences persist', async () => {
    const dataDir = tmp();
    const r1 = recorder();
    const am1 = start({ factory: r1.factory, dataDir });
    const now = Date.now();
    am1.putAlerts([{ labels: { alertname: 'P1' } }]);
    const silId = am1.silences.set({
      matchers: [new Matcher(MatchType.Equal, 'alertname', 'Quiet')],
      startsAt: now,
      endsAt: now + 3600_000,
      createdBy: 'me',
      comment: 'kept',
    });
    await waitFor(() => r1.sent.length === 1, 'first notification');
    am1.stop();

    const r2 = recorder();
    const am2 = start({ factory: r2.factory, dataDir });
    try {
      assert.equal(am2.silences.get(silId)?.comment, 'kept');
      assert.equal(am2.history.query().length, 1, 'history survives');
      // Prometheus re-sends its alerts after the restart.
      am2.putAlerts([{ labels: { alertname: 'P1' }, startsAt: now }, { labels: { alertname: 'Quiet' } }]);
      await sleep(150);
      assert.equal(r2.sent.length, 0, 'already notified: no duplicate; Quiet is silenced');
      // A resolution after the restart still goes out.
      am2.putAlerts([{ labels: { alertname: 'P1' }, startsAt: now, endsAt: Date.now() }]);
      await waitFor(() => r2.sent.length === 1, 'resolution after restart');
      assert.deepEqual(
        r2.sent.flatMap((s) => s.alerts),
        ['P1:resolved'],
      );
    } finally {
      am2.stop();
    }
  });

  test('applyConfig keeps alerts and silences and re-routes', async () => {
    const { sent, factory } = recorder();
    const am = start({ factory });
    try {
      am.putAlerts([{ labels: { alertname: 'X', team: 'b' } }]);
      am.applyConfig(config('', '  routes:\n    - matchers: [\'team="b"\']\n      receiver: b\n'));
      assert.equal(am.listAlerts().length, 1);
      await waitFor(() => sent.length > 0, 'notification after reload');
      await sleep(30);
      assert.deepEqual(
        sent.map((s) => s.receiver),
        ['b'],
      );
    } finally {
      am.stop();
    }
  });

  test('putAlerts validation', () => {
    const am = start({ factory: recorder().factory });
    try {
      const res = am.putAlerts([
        { labels: {} },
        { labels: { '': 'x' } },
        { labels: { a: 'b' }, startsAt: 2000, endsAt: 1000 },
        { labels: { ok: 'yes' } },
      ]);
      assert.equal(res.accepted, 1);
      assert.equal(res.errors.length, 3);
      assert.match(res.errors[0], /at least one label pair required/);
      assert.match(res.errors[1], /invalid label name/);
      assert.match(res.errors[2], /start time must be before end time/);
      const a = am.listAlerts()[0].alert;
      assert.equal(a.timeout, true);
      assert.equal(a.endsAt - a.updatedAt, 5 * 60_000, 'resolve_timeout applies to alerts without endsAt');
      assert.match(a.fingerprint, /^[0-9a-f]{16}$/);
    } finally {
      am.stop();
    }
  });
});
