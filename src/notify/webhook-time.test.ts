import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { GoTime } from '../template/index.ts';
import { rfc3339Nano } from './webhook.ts';

test("webhook times print as Go's time.Time JSON (the fast path agrees with the Go layout formatter)", () => {
  assert.equal(rfc3339Nano(new GoTime(Date.parse('2024-05-01T10:00:00Z'))), '2024-05-01T10:00:00Z');
  assert.equal(rfc3339Nano(new GoTime(Date.parse('2024-05-01T10:00:00.120Z'))), '2024-05-01T10:00:00.12Z');
  assert.equal(rfc3339Nano(new GoTime(-62135596800000)), '0001-01-01T00:00:00Z', "Go's zero time");
  fc.assert(
    fc.property(fc.integer({ min: -62135596800000, max: 253402300799999 }), (ms) => {
      const t = new GoTime(ms);
      assert.equal(rfc3339Nano(t), t.toJSON());
    }),
    { numRuns: 2000 },
  );
  const withNs = new GoTime(Date.parse('2024-05-01T10:00:00.001Z'), undefined, 500);
  assert.equal(rfc3339Nano(withNs), '2024-05-01T10:00:00.0010005Z');
});
