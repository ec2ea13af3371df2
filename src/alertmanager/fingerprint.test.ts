import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import { Labels } from '../model/index.ts';
import { fingerprintLabels } from './fingerprint.ts';

/** Straightforward FNV-1a 64 with BigInt, as Prometheus's model.LabelSet.Fingerprint defines it. */
function reference(l: Labels): string {
  let h = 0xcbf29ce484222325n;
  const enc = new TextEncoder();
  for (const s of l.flat) {
    for (const b of [...enc.encode(s), 0xff]) {
      h ^= BigInt(b);
      h = BigInt.asUintN(64, h * 0x100000001b3n);
    }
  }
  return h.toString(16).padStart(16, '0');
}

describe('alert fingerprints', () => {
  test('empty label set is the FNV offset basis', () => {
    assert.equal(fingerprintLabels(Labels.EMPTY), 'cbf29ce484222325');
  });

  test('equals the 64-bit FNV-1a definition for any label set', () => {
    fc.assert(
      fc.property(
        fc.dictionary(
          fc.string({ minLength: 1, maxLength: 12 }),
          fc.string({ minLength: 1, maxLength: 24, unit: 'binary' }),
          { maxKeys: 6 },
        ),
        (o) => {
          const l = Labels.fromObject(o);
          assert.equal(fingerprintLabels(l), reference(l));
        },
      ),
      { numRuns: 100 },
    );
  });
});
