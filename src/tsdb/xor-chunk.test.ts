import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { isStaleNaN, STALE_NAN } from '../model/index.ts';
import { XorChunk, XorIterator } from './xor-chunk.ts';

function hex(b: Uint8Array): string {
  return Buffer.from(b).toString('hex');
}

function encode(samples: [number, number][]): XorChunk {
  const c = new XorChunk();
  for (const [t, v] of samples) c.append(t, v);
  return c;
}

function decode(bytes: Uint8Array): [number, number][] {
  const it = new XorIterator();
  it.reset(bytes, -1, bytes.length * 8);
  const out: [number, number][] = [];
  while (it.next()) out.push([it.t, it.v]);
  return out;
}

const f64 = new Float64Array(1);
const u8 = new Uint8Array(f64.buffer);
function bitsOf(v: number): string {
  f64[0] = v;
  return hex(u8);
}

describe('XorChunk byte layout (derived by hand from the Prometheus chunk format)', () => {
  it('encodes header, varint ts0, raw v0, uvarint delta, same value, zero dod, new xor window', () => {
    // header 0003; ts0=1000 -> zigzag 2000 -> d00f; v0=1.0 -> 3ff0000000000000; delta 1000 -> e807;
    // v1 same -> '0'; dod 0 -> '0'; v2=2.0 xor 1.0 = 0x7ff0000000000000: '11' lead=1 (00001) sig=11 (001011) 11111111111
    // bits: 0 0 11 00001 001011 11111111111 -> 00110000 10010111 11111111 11000000
    const c = encode([
      [1000, 1],
      [2000, 1],
      [3000, 2],
    ]);
    assert.equal(hex(c.bytes()), '0003d00f3ff0000000000000e80730' + '97ffc0');
  });

  it('encodes a single sample with a negative timestamp', () => {
    // ts0=-1 -> zigzag 1 -> 01; v0=0 -> 8 zero bytes
    assert.equal(hex(encode([[-1, 0]]).bytes()), '0001010000000000000000');
  });

  it('uses the 14-bit bucket for dod -1 and reuses the xor window', () => {
    // ts 0, 10, 19: delta 10 then 9 -> dod -1 -> '10' + 11111111111111 (14 bits)
    // values 1, 3, 3: 3.0 = 0x4008..., xor 1.0 = 0x7ff8000000000000: lead 1, trail 51, sig 12
    // v1: '11' 00001 001100 111111111111 ; v2 same: '0'
    // after header 0003, ts0 00, v0 3ff0000000000000, delta 0a:
    // bits: 11 00001 001100 111111111111 | 10 11111111111111 | 0
    // 11000010 01100111 11111111 11101111 11111111 11110000
    const c = encode([
      [0, 1],
      [10, 3],
      [19, 3],
    ]);
    assert.equal(hex(c.bytes()), '0003003ff00000000000000a' + 'c267ffefff' + 'f0');
  });

  it('places dod 8192 in the 14-bit bucket and 8193 in the 17-bit bucket', () => {
    // ts 0, 1, 8194: delta 1 then 8193 -> dod 8192 -> '10' + 10000000000000
    const a = encode([
      [0, 0],
      [1, 0],
      [8194, 0],
    ]);
    // after header 0003 00 0000000000000000 01: v1 '0', dod '10'+'10000000000000', v2 '0'
    // 0 10 10000 | 000000000 0 -> 01010000 00000000 00000000 (17 bits, padded)
    assert.equal(hex(a.bytes()), '0003000000000000000000' + '01' + '500000');
    const b = encode([
      [0, 0],
      [1, 0],
      [8195, 0],
    ]);
    // dod 8193 -> '110' + 17 bits 00010000000000001; bits: 0 110 00010000000000001 0
    // 01100010 00000000 00010000
    assert.equal(hex(b.bytes()), '0003000000000000000000' + '01' + '620010');
    assert.deepEqual(decode(a.bytes()), [
      [0, 0],
      [1, 0],
      [8194, 0],
    ]);
    assert.deepEqual(decode(b.bytes()), [
      [0, 0],
      [1, 0],
      [8195, 0],
    ]);
  });

  it('round-trips the staleness marker bit-exactly', () => {
    const c = encode([
      [1, 1],
      [2, STALE_NAN],
      [3, 5],
      [4, STALE_NAN],
    ]);
    const out = decode(c.bytes());
    assert.equal(out.length, 4);
    assert.ok(isStaleNaN(out[1][1]));
    assert.ok(isStaleNaN(out[3][1]));
    assert.equal(out[2][1], 5);
  });

  it('rebuilds appender state from bytes so appends continue identically', () => {
    const samples: [number, number][] = [];
    for (let i = 0; i < 50; i++) samples.push([i * 15000 + (i % 3), Math.sin(i) * 100]);
    const whole = encode(samples);
    const half = XorChunk.fromBytes(encode(samples.slice(0, 25)).bytes());
    for (const [t, v] of samples.slice(25)) half.append(t, v);
    assert.equal(hex(half.bytes()), hex(whole.bytes()));
  });

  it('seek stays on the current sample and finds later ones', () => {
    const c = encode([
      [10, 1],
      [20, 2],
      [30, 3],
    ]);
    const it2 = c.iterator();
    assert.ok(it2.seek(15));
    assert.equal(it2.t, 20);
    assert.ok(it2.seek(5));
    assert.equal(it2.t, 20);
    assert.ok(it2.seek(30));
    assert.equal(it2.v, 3);
    assert.equal(it2.seek(31), false);
  });
});

describe('XorChunk round trips (property)', () => {
  const floatArb = fc.oneof(
    fc.double(),
    fc.constantFrom(Number.NaN, STALE_NAN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY, -0, 0),
    fc.integer({ min: -1000, max: 1000 }),
    // arbitrary NaN payloads
    fc.tuple(fc.integer({ min: 1, max: 0xfffff }), fc.integer()).map(([hi, lo]) => {
      const b = new Float64Array(1);
      const w = new Uint32Array(b.buffer);
      w[1] = 0x7ff00000 | hi;
      w[0] = lo;
      return b[0];
    }),
  );
  const seriesArb = fc
    .tuple(
      fc.integer({ min: -(2 ** 45), max: 2 ** 45 }),
      fc.array(
        fc.tuple(
          fc.oneof(fc.integer({ min: 1, max: 100_000 }), fc.integer({ min: 1, max: 2 ** 40 }), fc.constant(15000)),
          floatArb,
        ),
        { maxLength: 200 },
      ),
      floatArb,
    )
    .map(([t0, rest, v0]) => {
      const out: [number, number][] = [[t0, v0]];
      let t = t0;
      for (const [d, v] of rest) {
        t += d;
        out.push([t, v]);
      }
      return out;
    });

  it('decodes exactly what was encoded, bit for bit', () => {
    fc.assert(
      fc.property(seriesArb, (samples) => {
        const c = encode(samples);
        const out = decode(c.bytes());
        assert.equal(out.length, samples.length);
        for (let i = 0; i < samples.length; i++) {
          assert.equal(out[i][0], samples[i][0]);
          assert.equal(bitsOf(out[i][1]), bitsOf(samples[i][1]));
        }
        // re-encoding the decoded samples yields identical bytes
        assert.equal(hex(encode(out).bytes()), hex(c.bytes()));
      }),
      { numRuns: 300 },
    );
  });
});
