import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseAlertmanagerConfig } from '../config/alertmanager-index.ts';
import { Labels } from '../model/index.ts';
import { AlertStore } from './alert-store.ts';
import { Dispatcher } from './dispatcher.ts';
import { fingerprintLabels } from './fingerprint.ts';
import { FLUSH_SLOTS } from './flush-slots.ts';
import { Route } from './route.ts';

test('a burst of new groups flushes every group, with at most the flush-slot limit in flight', async () => {
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
  const groups = FLUSH_SLOTS.limit * 3;
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
  assert.ok(peak <= FLUSH_SLOTS.limit, `peak ${peak}`);
  assert.ok(peak > 1, 'flushes ran concurrently');
});
