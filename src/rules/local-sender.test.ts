import assert from 'node:assert/strict';
import { test } from 'node:test';
import { type LocalAlertTarget, localAlertSender } from './local-sender.ts';

test('local sender hands alerts to an in-process alert manager with external labels and relabeling', () => {
  const got: Parameters<LocalAlertTarget['putAlerts']>[0][] = [];
  const sender = localAlertSender({ putAlerts: (a) => got.push(a) }, { dc: 'eu1' }, [
    {
      source_labels: ['severity'],
      separator: ';',
      regex: 'debug',
      modulus: 0,
      target_label: '',
      replacement: '$1',
      action: 'drop',
    },
  ]);
  sender.send([
    {
      labels: { alertname: 'A', severity: 'page' },
      annotations: { summary: 's' },
      startsAt: '2026-01-01T00:00:00Z',
      endsAt: '2026-01-01T00:04:00.5Z',
      generatorURL: 'http://x/graph',
    },
    {
      labels: { alertname: 'B', severity: 'debug' },
      annotations: {},
      startsAt: '2026-01-01T00:00:00Z',
      endsAt: '2026-01-01T00:04:00Z',
      generatorURL: '',
    },
  ]);
  assert.deepEqual(got, [
    [
      {
        labels: { alertname: 'A', dc: 'eu1', severity: 'page' },
        annotations: { summary: 's' },
        startsAt: Date.UTC(2026, 0, 1),
        endsAt: Date.UTC(2026, 0, 1, 0, 4, 0, 500),
        generatorURL: 'http://x/graph',
      },
    ],
  ]);
});
