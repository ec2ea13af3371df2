import assert from 'node:assert/strict';
import { test } from 'node:test';
import { goTime } from './manager.ts';
import { scrapeOffset } from './scrape-loop.ts';

test('scrape offsets: a fixed phase per target, spread over the interval', () => {
  const interval = 5000;
  const phases = new Set<number>();
  for (let h = 0; h < 100; h++) {
    const hash = (h * 2654435761) % 2 ** 53;
    const a = scrapeOffset(hash, 0, interval, 1_700_000_000_123);
    const b = scrapeOffset(hash, 0, interval, 1_700_000_003_456);
    assert.ok(a >= 0 && a <= interval);
    // The scrape happens at the same phase of the interval whenever the loop starts.
    assert.equal((1_700_000_000_123 + a) % interval, (1_700_000_003_456 + b) % interval);
    phases.add((1_700_000_000_123 + a) % interval);
  }
  assert.ok(phases.size > 90, 'targets do not all scrape at once');
  // A different seed (another server's external labels) shifts the phases.
  assert.notEqual(scrapeOffset(12345, 0, interval, 0), scrapeOffset(12345, 777, interval, 0));
});

test('lastScrape is printed like Go marshals time.Time', () => {
  assert.equal(goTime(0), '0001-01-01T00:00:00Z');
  assert.equal(goTime(Date.UTC(2026, 0, 2, 3, 4, 5, 120)), '2026-01-02T03:04:05.12Z');
  assert.equal(goTime(Date.UTC(2026, 0, 2, 3, 4, 5, 0)), '2026-01-02T03:04:05Z');
});
