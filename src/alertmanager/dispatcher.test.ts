import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseAlertmanagerConfig } from '../config/alertmanager-index.ts';
import { Labels } from '../model/index.ts';
import { AlertStore } from './alert-store.ts';
import { Dispatcher, FLUSHES_PER_RECEIVER, FlushSlots } from './dispatcher.ts';
import { fingerprintLabels } from './fingerprint.ts';
import { Route } from './route.ts';

test('flush slots: at most `limit` run at once, the rest start in order as others finish', async () => {
  const slots = new FlushSlots(2);
  const started: number[] = [];
  const finish: (() => void)[] = [];
  for (let i = 0; i < 5; i++)
    slots.run(() => {
      started.push(i);
      return new Promise<void>((r) => finish.push(r));
    });
  assert.deepEqual(started, [0, 1]);
  assert.equal(slots.pending, 5);
  finish[1]?.();
  await new Promise((r) => setImmediate(r));
  assert.deepEqual(started, [0, 1, 2]);
  for (const f of finish) f();
  await new Promise((r) => setImmediate(r));
  for (const f of finish) f();
  await new Promise((r) => setImmediate(r));
  assert.deepEqual(started, [0, 1, 2, 3, 4]);
  assert.equal(slots.pending, 0);
});

test('a burst of new groups flushes every group, with at most FLUSHES_PER_RECEIVER flushes in flight', async () => {
  const cfg = parseAlertmanagerConfig(
    "route:\n  receiver: hook\n  group_by: ['alertname']\n  group_wait: 0s\nreceivers: [{name: hook}]\n",
    'am.yml',
  );
  const store = new AlertStore(Date.now);
  let inFlight = 0;
  let peak = 0;
  const flushed = new Set<string>();
  const d = new Dispatcher({
    route: new Route(cfg.route),
    store,
    now: Date.now,
    notify: async (ctx) => {
      peak = Math.max(peak, ++inFlight);
      await new Promise((r) => setTimeout(r, 1));
      flushed.add(ctx.groupKey);
      inFlight--;
      return true;
    },
  });
  d.start();
  const groups = FLUSHES_PER_RECEIVER * 3;
  const now = Date.now();
  for (let i = 0; i < groups; i++) {
    const labels = Labels.fromObject({ alertname: `Burst${i}` });
    store.put({
      labels,
      fingerprint: fingerprintLabels(labels),
      annotations: {},
      startsAt: now,
      endsAt: now + 60_000,
      generatorURL: '',
      updatedAt: now,
      timeout: false,
    });
  }
  const deadline = Date.now() + 10_000;
  while (flushed.size < groups && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
  d.stop();
  assert.equal(flushed.size, groups);
  assert.ok(peak <= FLUSHES_PER_RECEIVER, `peak ${peak}`);
  assert.ok(peak > 1, 'flushes ran concurrently');
});
