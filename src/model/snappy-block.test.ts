import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import snappy from 'snappyjs';
import { SnappyDecodeError, snappyUncompress } from './snappy-block.ts';

test('snappy: round-trips what snappyjs compresses, including overlapping copies', () => {
  const inputs = [
    new Uint8Array(0),
    new TextEncoder().encode('a'),
    new TextEncoder().encode('abcabcabcabcabcabcabcabcabcabcabcabc'.repeat(50)),
    Uint8Array.from({ length: 100_000 }, (_, i) => (i * 7919) % 251),
    new Uint8Array(70_000).fill(9),
  ];
  for (const raw of inputs) {
    assert.deepEqual(snappyUncompress(snappy.compress(raw) as Uint8Array), raw);
  }
  fc.assert(
    fc.property(fc.uint8Array({ maxLength: 2000 }), (raw) => {
      assert.deepEqual(snappyUncompress(snappy.compress(raw) as Uint8Array), raw);
    }),
    { numRuns: 300 },
  );
});

test('snappy: a literal whose 4-byte length has the top bit set is an error, not an endless loop', () => {
  // This input made snappyjs 0.7 loop forever (its length went negative and the read position moved backwards).
  const body = Buffer.from('04fcfa0162b463f8', 'hex');
  assert.throws(() => snappyUncompress(body), SnappyDecodeError);
});

test('snappy: corrupt inputs end in a result or SnappyDecodeError, never more than the declared length', () => {
  fc.assert(
    fc.property(fc.uint8Array({ maxLength: 300 }), (raw) => {
      try {
        const out = snappyUncompress(raw, 1 << 20);
        assert.ok(out.length <= 1 << 20);
      } catch (e) {
        assert.ok(e instanceof SnappyDecodeError, String(e));
      }
    }),
    { numRuns: 2000 },
  );
  assert.throws(() => snappyUncompress(Uint8Array.from([0x05, 0x00, 0x61])), /expected 5/);
  assert.throws(() => snappyUncompress(Uint8Array.from([0x04, 0x01, 0x01])), /offset out of range/);
  assert.throws(() => snappyUncompress(Uint8Array.from([0xff, 0xff, 0xff, 0x7f]), 1000), /exceeds the limit/);
});
