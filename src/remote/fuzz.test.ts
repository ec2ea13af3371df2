/**
 * Fuzzing the remote-write decoder with corrupt bodies: only RemoteWriteDecodeError escapes, each body
 * is handled within a time budget, the decoded output is bounded by the decompressed size, and a tiny
 * body cannot make the server allocate a huge buffer. FUZZ_RUNS=<n> for longer.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import snappy from 'snappyjs';
import { Labels } from '../model/index.ts';
import {
  decodeWriteRequest,
  decodeWriteRequestBody,
  encodeWriteRequestBody,
  RemoteWriteDecodeError,
} from './write-request.ts';

const RUNS = Number(process.env.FUZZ_RUNS ?? 400);
// Long runs (npm run fuzz) have no per-test timeout; the short default must finish in seconds.
// Generous under a loaded CI machine; a hang still fails.
const TIMEOUT = process.env.FUZZ_RUNS ? Number.POSITIVE_INFINITY : 60_000;
// A hang guard, not a performance target: loose enough for a loaded CI machine.
const BUDGET_MS = 5000; // catches super-linear blow-ups (minutes), not slowness on a loaded machine

const VALID = encodeWriteRequestBody([
  {
    labels: Labels.fromObject({ __name__: 'up', job: 'a', instance: 'h:1' }),
    timestamps: [1000, 2000],
    values: [1, 0],
  },
  { labels: Labels.fromObject({ __name__: 'x_total', le: '+Inf' }), timestamps: [3000], values: [Number.NaN] },
]);
const RAW = snappy.uncompress(VALID) as Uint8Array;

function mutate(src: Uint8Array, edits: [number, number, number][]): Uint8Array {
  const out = Array.from(src);
  for (const [at, op, byte] of edits) {
    const i = at % (out.length + 1);
    if (op === 0) out.splice(i, 0, byte);
    else if (op === 1) out.splice(i, 1);
    else out[i] = byte;
  }
  return Uint8Array.from(out);
}

const edits = fc.array(fc.tuple(fc.nat(), fc.nat(2), fc.nat(255)), { minLength: 1, maxLength: 6 });

function check(decode: () => { labels: Labels; timestamps: Float64Array }[], inputBytes: number): 'ok' | 'bad' {
  const start = performance.now();
  let result: 'ok' | 'bad';
  try {
    const series = decode();
    // Each series costs at least a few bytes on the wire.
    assert.ok(series.length <= inputBytes, `${series.length} series from ${inputBytes} bytes`);
    for (const s of series) assert.ok(s.timestamps.length <= inputBytes);
    result = 'ok';
  } catch (e) {
    if (!(e instanceof RemoteWriteDecodeError)) throw e;
    result = 'bad';
  }
  assert.ok(performance.now() - start < BUDGET_MS, `${performance.now() - start} ms`);
  return result;
}

test('remote write: corrupt protobuf inside valid snappy gives RemoteWriteDecodeError or bounded series', {
  timeout: TIMEOUT,
}, () => {
  const seen = { ok: 0, bad: 0 };
  fc.assert(
    fc.property(edits, (e) => {
      const raw = mutate(RAW, e);
      seen[check(() => decodeWriteRequestBody(snappy.compress(raw) as Uint8Array), raw.length)]++;
    }),
    { numRuns: RUNS },
  );
  assert.ok(seen.ok > 0 && seen.bad > 0, JSON.stringify(seen));
});

test('remote write: corrupt snappy framing and arbitrary bytes', { timeout: TIMEOUT }, () => {
  const bodies = fc.oneof(
    edits.map((e) => mutate(VALID, e)),
    fc.uint8Array({ maxLength: 300 }),
  );
  fc.assert(
    fc.property(bodies, (body) => {
      check(() => decodeWriteRequestBody(body), 64 * body.length + 64);
    }),
    { numRuns: RUNS },
  );
  fc.assert(
    fc.property(fc.uint8Array({ maxLength: 300 }), (raw) => {
      check(() => decodeWriteRequest(raw), raw.length);
    }),
    { numRuns: RUNS },
  );
});

test('remote write: a tiny body claiming a huge decompressed size is refused without allocating it', () => {
  // Beyond the 256 MiB cap: refused before allocating.
  for (const claimed of [300 * 1024 * 1024, 2 ** 31, 2 ** 32 - 1]) {
    // Snappy block format starts with the decompressed length as a varint.
    const varint: number[] = [];
    let n = claimed;
    while (n >= 0x80) {
      varint.push((n & 0x7f) | 0x80);
      n = Math.floor(n / 128);
    }
    varint.push(n);
    const before = process.memoryUsage().arrayBuffers;
    assert.throws(() => decodeWriteRequestBody(Uint8Array.from([...varint, 0, 1, 2])), RemoteWriteDecodeError);
    assert.ok(process.memoryUsage().arrayBuffers - before < 64 * 1024 * 1024, `claimed ${claimed}`);
  }
});

test('remote write: a 4-byte body claiming 32 MiB is refused quickly (decompression amplification)', () => {
  const body = Uint8Array.from([0x80, 0x80, 0x80, 0x10]); // varint 32 MiB, no data
  const start = performance.now();
  assert.throws(() => decodeWriteRequestBody(body), RemoteWriteDecodeError);
  assert.ok(performance.now() - start < 50, `${performance.now() - start} ms`);
});
