import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { GoTime } from '../template/index.ts';
import { notificationData } from './templates.ts';
import { context } from './test-helpers.ts';
import { rfc3339Ms, rfc3339Nano, webhookMessageFromAlerts, webhookMessageFromData } from './webhook.ts';

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

test('webhook times from ms agree with the Go layout formatter; 0 is Go zero time', () => {
  assert.equal(rfc3339Ms(0), '0001-01-01T00:00:00Z');
  fc.assert(
    fc.property(fc.integer({ min: -62135596800000 - 1000, max: 253402300800000 + 1000 }), (ms) => {
      fc.pre(ms !== 0);
      assert.equal(rfc3339Ms(ms), new GoTime(ms).toJSON());
    }),
    { numRuns: 2000 },
  );
});

test('the webhook JSON built straight from the alerts equals the one built from the template data', () => {
  const name = fc.constantFrom('alertname', 'job', 'instance', 'severity', 'zone', 'a', 'B_c');
  const value = fc.constantFrom('', 'x', 'y', 'node', 'ünï', '1');
  const record = fc.dictionary(name, value, { maxKeys: 5 });
  const alert = fc.record({
    labels: record,
    annotations: record,
    startsAt: fc.integer({ min: 0, max: 2e12 }),
    endsAt: fc.oneof(fc.constant(0), fc.integer({ min: 1, max: 2e12 })),
    generatorURL: fc.constantFrom('', 'http://prom/graph'),
    fingerprint: fc.constantFrom('0123456789abcdef', 'fedcba9876543210'),
    status: fc.constantFrom('firing' as const, 'resolved' as const),
  });
  fc.assert(
    fc.property(
      fc.array(alert, { minLength: 1, maxLength: 4 }),
      fc.constantFrom('team-ops', 'a.b(c)'),
      (alerts, receiver) => {
        const ctx = context({ receiver });
        const direct = webhookMessageFromAlerts(ctx, alerts, 0);
        const viaData = webhookMessageFromData(notificationData(ctx, alerts), ctx.groupKey, 0);
        assert.equal(JSON.stringify(direct), JSON.stringify(viaData));
      },
    ),
    { numRuns: 500 },
  );
});
