import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { Labels } from '../model/index.ts';
import { AlertStore } from './alert-store.ts';
import { fingerprintLabels } from './fingerprint.ts';
import type { Alert } from './types.ts';

const labels = Labels.fromObject({ alertname: 'A' });
const fp = fingerprintLabels(labels);
const mk = (p: Partial<Alert>): Alert => ({
  labels,
  fingerprint: fp,
  annotations: {},
  startsAt: 0,
  endsAt: 0,
  generatorURL: '',
  updatedAt: 0,
  timeout: false,
  ...p,
});

describe('alert store', () => {
  test('updates merge as Alertmanager merges them', () => {
    let now = 1000;
    const s = new AlertStore(() => now);
    s.put(mk({ startsAt: 100, endsAt: 2000, updatedAt: 900, annotations: { v: '1' } }));
    // A later update with a later start keeps the earliest start and takes the new annotations.
    s.put(mk({ startsAt: 500, endsAt: 2500, updatedAt: 1000, annotations: { v: '2' } }));
    assert.deepEqual([s.get(fp)?.startsAt, s.get(fp)?.endsAt, s.get(fp)?.annotations.v], [100, 2500, '2']);
    // While the update is not resolved, an older explicit (non-timeout) later endsAt wins.
    s.put(mk({ startsAt: 500, endsAt: 1500, updatedAt: 1100 }));
    assert.equal(s.get(fp)?.endsAt, 2500);
    // A resolving update (endsAt reached) resolves it.
    s.put(mk({ startsAt: 500, endsAt: 1000, updatedAt: 1200 }));
    assert.equal(s.get(fp)?.endsAt, 1000);
    now = 3000;
    assert.equal(s.gc(), 1, 'resolved alerts are collected');
    assert.equal(s.size, 0);
  });

  test('an alert that fires again after resolving starts anew', () => {
    const now = 10_000;
    const s = new AlertStore(() => now);
    s.put(mk({ startsAt: 100, endsAt: 200, updatedAt: 300 }));
    s.put(mk({ startsAt: 5000, endsAt: 20_000, updatedAt: 9000 }));
    assert.equal(s.get(fp)?.startsAt, 5000);
  });

  test('listeners see every stored update, GC listeners every removal', () => {
    const now = 100;
    const s = new AlertStore(() => now);
    const seen: number[] = [];
    const gone: string[] = [];
    s.subscribe((a) => seen.push(a.updatedAt));
    s.onGC((a) => gone.push(a.fingerprint));
    s.put(mk({ startsAt: 1, endsAt: 50, updatedAt: 1 }));
    s.put(mk({ startsAt: 1, endsAt: 60, updatedAt: 2 }));
    assert.deepEqual(seen, [1, 2]);
    s.gc();
    assert.deepEqual(gone, [fp]);
  });
});
