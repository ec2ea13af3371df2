import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { Labels } from '../model/index.ts';
import { fingerprintLabels } from './fingerprint.ts';
import { NotificationLog } from './nflog.ts';
import { dedupStage, type FlushContext, multiStage, setNotifiesStage } from './pipeline.ts';
import type { Alert } from './types.ts';

function alert(name: string, endsAt = 0): Alert {
  const labels = Labels.fromObject({ alertname: name });
  return {
    labels,
    fingerprint: fingerprintLabels(labels),
    annotations: {},
    startsAt: 1,
    endsAt,
    generatorURL: '',
    updatedAt: 1,
    timeout: false,
  };
}

describe('dedup stage (notification log)', () => {
  let now = 10_000;
  const nflog = new NotificationLog({ now: () => now });
  const ctx = (): FlushContext => ({
    receiver: 'r',
    groupKey: 'g',
    groupLabels: Labels.EMPTY,
    now,
    repeatInterval: 1000,
    muteTimeIntervals: [],
    activeTimeIntervals: [],
    signal: new AbortController().signal,
    externalURL: '',
  });
  const withResolved = multiStage(dedupStage(nflog, 'k', true), setNotifiesStage(nflog, 'k'));
  const run = async (alerts: Alert[]) => (await withResolved(ctx(), alerts)).length > 0;

  test('Alertmanager needsUpdate rules', async () => {
    assert.equal(await run([alert('A', 5)]), false, 'only resolved and never notified: nothing');
    assert.equal(await run([alert('A')]), true, 'first firing');
    now += 100;
    assert.equal(await run([alert('A')]), false, 'same firing set within repeat_interval');
    assert.equal(await run([alert('A'), alert('B')]), true, 'a new firing alert');
    now += 100;
    assert.equal(await run([alert('A')]), false, 'firing subset of the last notification');
    assert.equal(await run([alert('A'), alert('B', 5)]), true, 'newly resolved with send_resolved');
    now += 1000;
    assert.equal(await run([alert('A'), alert('B', 5)]), true, 'repeat_interval passed');
    now += 10;
    assert.equal(await run([alert('A', 5), alert('B', 5)]), true, 'all resolved clears the log');
    now += 10;
    assert.equal(await run([alert('A', 5), alert('B', 5)]), false, 'already cleared');
  });

  test('without send_resolved a new resolution alone does not notify', async () => {
    const log = new NotificationLog({ now: () => now });
    const st = multiStage(dedupStage(log, 'k', false), setNotifiesStage(log, 'k'));
    assert.equal((await st(ctx(), [alert('A'), alert('B')])).length, 2);
    now += 10;
    assert.equal((await st(ctx(), [alert('A'), alert('B', 5)])).length, 0);
  });
});
