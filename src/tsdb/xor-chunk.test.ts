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

// Values are collected in a Float64Array: V8 quiets NaNs stored in plain double arrays (0x7ff0..02 -> 0x7ff8..02).
function decode(bytes: Uint8Array): { ts: number[]; vs: Float64Array } {
  const it = new XorIterator();
  it.reset(bytes, -1, bytes.length * 8);
  const ts: number[] = [];
  const vs = new Float64Array((bytes[0] << 8) | bytes[1]);
  while (it.next()) {
    vs[ts.length] = it.v;
    ts.push(it.t);
  }
  return { ts, vs };
}

function pairs(d: { ts: number[]; vs: Float64Array }): [number, number][] {
  return d.ts.map((t, i) => [t, d.vs[i]]);
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
    // ts0=-1 -> zigzag 1 -> 01; v0=0 -> 8 zero bytes; then the empty byte Prometheus's bit stream appends
    // after a byte-sized write that ends aligned
    assert.equal(hex(encode([[-1, 0]]).bytes()), '0001010000000000000000' + '00');
  });

  it('ends with an extra zero byte when the last byte-sized write ends aligned', () => {
    const c = new XorChunk();
    c.append(0, 0);
    c.append(1, 0);
    // header, ts0, v0, uvarint delta, then the '0' bit of the unchanged value: no empty byte at the end
    assert.equal(c.byteLength(), 2 + 1 + 8 + 1 + 1);
    const d = new XorChunk();
    d.append(0, 0);
    // ts0 and v0 are byte-sized writes ending aligned: one extra byte
    assert.equal(d.byteLength(), 2 + 1 + 8 + 1);
    d.append(5, 0);
    // the uvarint delta lands in the spare byte and leaves a new one; then the '0' value bit uses it
    assert.equal(hex(d.bytes()), '0002' + '00' + '0000000000000000' + '05' + '00');
  });

  it('uses the 14-bit bucket for dod -1 and reuses the xor window', () => {
    // ts 0, 10, 19: delta 10 then 9 -> dod -1 -> '10' + 11111111111111 (14 bits)
    // values 1, 3, 3: 3.0 = 0x4008..., xor 1.0 = 0x7ff8000000000000: lead 1, trail 51, sig 12
    // v1: '11' 00001 001100 111111111111 ; v2 same: '0'
    // after header 0003, ts0 00, v0 3ff0000000000000, delta 0a:
    // bits: 11 00001 001100 111111111111 | 10 11111111111111 | 0
    // 11000010 01100111 11111111 11011111 11111111 10000000
    const c = encode([
      [0, 1],
      [10, 3],
      [19, 3],
    ]);
    assert.equal(hex(c.bytes()), '0003003ff00000000000000a' + 'c267ffdfff' + '80');
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
    // 01100001 00000000 00001000
    assert.equal(hex(b.bytes()), '0003000000000000000000' + '01' + '610008');
    assert.deepEqual(pairs(decode(a.bytes())), [
      [0, 0],
      [1, 0],
      [8194, 0],
    ]);
    assert.deepEqual(pairs(decode(b.bytes())), [
      [0, 0],
      [1, 0],
      [8195, 0],
    ]);
  });

  it('round-trips the staleness marker bit-exactly', () => {
    const c = new XorChunk();
    c.append(1, 1);
    c.append(2, STALE_NAN);
    c.append(3, 5);
    c.append(4, STALE_NAN);
    const out = decode(c.bytes());
    assert.deepEqual(out.ts, [1, 2, 3, 4]);
    assert.ok(isStaleNaN(out.vs[1]));
    assert.ok(isStaleNaN(out.vs[3]));
    assert.equal(out.vs[2], 5);
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
  // Values travel as raw bit patterns (hi, lo) so that no plain JS array can quiet a NaN on the way.
  const special = [0x7ff00000, 0x00000002, 0x7ff80000, 0x00000001, 0x7ff00000, 0, 0xfff00000, 0, 0x80000000, 0, 0, 0];
  const bitsArb = fc.oneof(
    fc.tuple(fc.integer({ min: 0, max: 0xffffffff }), fc.integer({ min: 0, max: 0xffffffff })),
    fc.integer({ min: 0, max: special.length / 2 - 1 }).map((i) => [special[2 * i], special[2 * i + 1]] as const),
    fc.double().map((d) => {
      const b = new Float64Array([d]);
      const w = new Uint32Array(b.buffer);
      return [w[1], w[0]] as const;
    }),
    // NaNs with arbitrary payloads
    fc
      .tuple(fc.integer({ min: 1, max: 0xfffff }), fc.integer({ min: 0, max: 0xffffffff }))
      .map(([hi, lo]) => [0x7ff00000 | hi, lo] as const),
    fc.constant([0x40000000, 0] as const),
  );
  const seriesArb = fc.tuple(
    fc.integer({ min: -(2 ** 45), max: 2 ** 45 }),
    fc.array(
      fc.tuple(
        fc.oneof(fc.integer({ min: 1, max: 100_000 }), fc.integer({ min: 1, max: 2 ** 40 }), fc.constant(15000)),
        bitsArb,
      ),
      { maxLength: 200 },
    ),
    bitsArb,
  );

  it('decodes exactly what was encoded, bit for bit', () => {
    fc.assert(
      fc.property(seriesArb, ([t0, rest, b0]) => {
        const n = rest.length + 1;
        const ts: number[] = [t0];
        const vals = new Float64Array(n);
        const words = new Uint32Array(vals.buffer);
        words[1] = b0[0];
        words[0] = b0[1];
        for (let i = 1; i < n; i++) {
          const [d, [hi, lo]] = rest[i - 1];
          ts.push(ts[i - 1] + d);
          words[2 * i + 1] = hi;
          words[2 * i] = lo;
        }
        const c = new XorChunk();
        for (let i = 0; i < n; i++) c.append(ts[i], vals[i]);
        const out = decode(c.bytes());
        assert.deepEqual(out.ts, ts);
        assert.equal(hex(new Uint8Array(out.vs.buffer)), hex(new Uint8Array(vals.buffer)));
        // re-encoding the decoded samples yields identical bytes
        const again = new XorChunk();
        for (let i = 0; i < n; i++) again.append(out.ts[i], out.vs[i]);
        assert.equal(hex(again.bytes()), hex(c.bytes()));
      }),
      { numRuns: 300 },
    );
  });
});
