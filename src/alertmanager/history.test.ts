import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { NotificationHistory } from './history.ts';

const dir = mkdtempSync(join(tmpdir(), 'osprey-hist-'));
after(() => rmSync(dir, { recursive: true, force: true }));

const attempt = (time: number, receiver: string, status: 'success' | 'failed', alerts = ['aa']) => ({
  time,
  durationMs: 5,
  receiver,
  integration: 'webhook',
  index: 0,
  groupKey: `{}:{alertname="${receiver}"}`,
  groupLabels: { alertname: receiver },
  alerts,
  firing: alerts.length,
  resolved: 0,
  attempt: 1,
  status,
  willRetry: status === 'failed',
  ...(status === 'failed' ? { error: 'HTTP 500' } : {}),
});

describe('notification history', () => {
  test('query filters, newest first, limit', () => {
    const h = new NotificationHistory({ now: () => 1000 });
    h.record(attempt(100, 'a', 'failed'));
    h.record(attempt(200, 'a', 'success'));
    h.record(attempt(300, 'b', 'success', ['bb']));
    assert.deepEqual(
      h.query().map((x) => x.time),
      [300, 200, 100],
    );
    assert.deepEqual(
      h.query({ receiver: 'a' }).map((x) => x.status),
      ['success', 'failed'],
    );
    assert.equal(h.query({ status: 'failed' })[0].error, 'HTTP 500');
    assert.equal(h.query({ fingerprint: 'bb' }).length, 1);
    assert.equal(h.query({ since: 150, until: 250 }).length, 1);
    assert.equal(h.query({ limit: 1 }).length, 1);
    assert.equal(h.query({ groupKey: '{}:{alertname="b"}' }).length, 1);
  });

  test('persisted across restarts, retention and size bound', () => {
    let now = 10_000;
    const opts = { dataDir: dir, now: () => now, retention: 5000, maxEntries: 3 };
    const h = new NotificationHistory(opts);
    for (let i = 0; i < 5; i++) h.record(attempt(now + i, 'r', 'success'));
    h.flush();
    const h2 = new NotificationHistory(opts);
    assert.deepEqual(
      h2.query().map((x) => x.time),
      [10_004, 10_003, 10_002],
      'reloaded, bounded to the newest maxEntries',
    );
    const ids = h2.query().map((x) => x.id);
    h2.record(attempt(now + 10, 'r', 'success'));
    assert.ok(h2.query()[0].id > Math.max(...ids), 'ids keep increasing after a restart');
    now += 6000;
    h2.gc();
    assert.deepEqual(
      h2.query().map((x) => x.time),
      [],
      'older than the retention',
    );
    h2.flush();
    assert.equal(new NotificationHistory(opts).size, 0);
  });
});
