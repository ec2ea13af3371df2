import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, statSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import fc from 'fast-check';
import { isStaleNaN, Labels, STALE_NAN } from '../../model/index.ts';
import {
  crc32c,
  decodeSamples,
  decodeSamplesInto,
  decodeSeries,
  encodeSamples,
  encodeSeries,
  listSegments,
  PAGE_SIZE,
  RECORD_SAMPLES,
  RECORD_SERIES,
  RecordBuffer,
  RecordDecodeError,
  replayWAL,
  SampleBatch,
  segmentName,
  WAL,
} from './index.ts';

const tmp = () => mkdtempSync(join(tmpdir(), 'osprey-wal-'));

function records(dir: string): Uint8Array[] {
  const out: Uint8Array[] = [];
  replayWAL(dir, (r) => out.push(new Uint8Array(r)));
  return out;
}

test('records of any size come back in order, across pages and segments', () => {
  fc.assert(
    fc.property(fc.array(fc.uint8Array({ minLength: 1, maxLength: 3 * PAGE_SIZE }), { maxLength: 12 }), (recs) => {
      const dir = tmp();
      const wal = new WAL(dir, 4 * PAGE_SIZE);
      for (const r of recs) wal.log(r);
      wal.close();
      assert.deepEqual(records(dir), recs);
    }),
    { numRuns: 40 },
  );
});

test('series and samples records round-trip, keeping staleness markers bit-exact', () => {
  const b = new RecordBuffer();
  encodeSeries(b, [
    { ref: 1, labels: Labels.fromObject({ __name__: 'up', job: 'a' }) },
    { ref: 2, labels: Labels.fromObject({ __name__: 'ü', 'a.b': 'x\ny' }) },
  ]);
  const series: [number, string][] = [];
  assert.equal(b.bytes()[0], RECORD_SERIES);
  decodeSeries(b.bytes(), (ref, l) => series.push([ref, l.toString()]));
  assert.deepEqual(series, [
    [1, '{__name__="up", job="a"}'],
    [2, '{__name__="ü", "a.b"="x\\ny"}'],
  ]);
  b.reset();
  const vs = new Float64Array([1.5, 0, -0, Number.POSITIVE_INFINITY]);
  vs[1] = STALE_NAN; // not in the literal: V8 canonicalises NaNs in plain arrays
  encodeSamples(b, [2, 1, 7, 2], [1000, 500, 2000, -100], vs, 4);
  assert.equal(b.bytes()[0], RECORD_SAMPLES);
  const got: [number, number, number][] = [];
  const gotV = new Float64Array(4);
  decodeSamples(b.bytes(), (ref, t, v) => {
    gotV[got.length] = v;
    got.push([ref, t, v]);
  });
  assert.deepEqual(
    got.map(([r, t]) => [r, t]),
    [
      [2, 1000],
      [1, 500],
      [7, 2000],
      [2, -100],
    ],
  );
  assert.equal(gotV[0], 1.5);
  assert.ok(isStaleNaN(gotV[1]));
  assert.ok(Object.is(gotV[2], -0));
  assert.equal(gotV[3], Number.POSITIVE_INFINITY);
});

test('a torn tail (crash mid-write) is cut off and every whole record before it survives', () => {
  const dir = tmp();
  const wal = new WAL(dir);
  const recs = Array.from({ length: 50 }, (_, i) => new Uint8Array(1000 + i * 37).fill(i + 1));
  for (const r of recs) wal.log(r);
  wal.close();
  const file = join(dir, segmentName(0));
  const size = statSync(file).size;
  truncateSync(file, size - 500);
  const got = records(dir);
  assert.equal(got.length, 49);
  assert.deepEqual(got, recs.slice(0, 49));
  // The repair truncated the file to the last whole record, so a second replay is clean.
  assert.equal(
    replayWAL(dir, () => {}),
    null,
  );
});

test('a flipped byte is detected by the checksum and later records are dropped', () => {
  const dir = tmp();
  const wal = new WAL(dir);
  for (let i = 0; i < 10; i++) wal.log(new Uint8Array(100).fill(i));
  wal.close();
  const file = join(dir, segmentName(0));
  const data = readFileSync(file);
  data[5 * 107 + 20] ^= 0xff; // inside the 6th record's data
  writeFileSync(file, data);
  const errs: string[] = [];
  const got: Uint8Array[] = [];
  const err = replayWAL(dir, (r) => got.push(new Uint8Array(r)));
  if (err) errs.push(err.message);
  assert.equal(got.length, 5);
  assert.match(errs[0], /checksum mismatch/);
});

test('reopening continues in a new segment and replays old and new records', () => {
  const dir = tmp();
  let wal = new WAL(dir);
  wal.log(new Uint8Array([1, 2, 3]));
  wal.close();
  wal = new WAL(dir);
  wal.log(new Uint8Array([4, 5]));
  wal.close();
  assert.deepEqual(listSegments(dir), [0, 1]);
  assert.deepEqual(records(dir), [new Uint8Array([1, 2, 3]), new Uint8Array([4, 5])]);
});

test('the allocation-free samples decoder agrees with the reference decoder on any record', () => {
  const batch = new SampleBatch();
  const b = new RecordBuffer();
  fc.assert(
    fc.property(
      fc.array(
        fc.record({
          ref: fc.integer({ min: 0, max: 2 ** 40 }),
          t: fc.integer({ min: -(2 ** 50), max: 2 ** 50 }),
          v: fc.double(),
        }),
        { minLength: 1, maxLength: 300 },
      ),
      (samples) => {
        b.reset();
        encodeSamples(
          b,
          samples.map((s) => s.ref),
          samples.map((s) => s.t),
          Float64Array.from(samples.map((s) => s.v)),
          samples.length,
        );
        const want: number[][] = [];
        decodeSamples(b.bytes(), (ref, t, v) => want.push([ref, t, v]));
        const n = decodeSamplesInto(b.bytes(), batch);
        assert.equal(n, samples.length);
        const got = Array.from({ length: n }, (_, i) => [batch.refs[i], batch.ts[i], batch.vs[i]]);
        assert.deepEqual(got, want);
      },
    ),
    { numRuns: 200 },
  );
  // a record cut short is an error, not garbage samples
  b.reset();
  encodeSamples(b, [1, 2], [1000, 2000], new Float64Array([1, 2]), 2);
  assert.throws(() => decodeSamplesInto(b.bytes().subarray(0, b.len - 3), batch), RecordDecodeError);
});

test('CRC32-Castagnoli matches the standard check values at any offset and length', () => {
  assert.equal(crc32c(new TextEncoder().encode('123456789')), 0xe3069283);
  assert.equal(crc32c(new Uint8Array(32)), 0x8a9136aa);
  assert.equal(crc32c(new Uint8Array(32).fill(0xff)), 0x62a8ab43);
  // the 8-bytes-at-a-time path against a byte-at-a-time definition
  const bitwise = (buf: Uint8Array, start: number, end: number) => {
    let c = 0xffffffff;
    for (let i = start; i < end; i++) {
      c ^= buf[i];
      for (let k = 0; k < 8; k++) c = c & 1 ? 0x82f63b78 ^ (c >>> 1) : c >>> 1;
    }
    return ~c >>> 0;
  };
  const data = Uint8Array.from({ length: 4096 }, (_, i) => (i * 2654435761) >>> 24);
  for (let start = 0; start < 20; start++)
    for (const len of [0, 1, 7, 8, 9, 15, 16, 17, 100, 1000]) {
      assert.equal(crc32c(data, start, start + len), bitwise(data, start, start + len), `at ${start}+${len}`);
    }
});

test('series records round-trip any label text (ASCII fast path and UTF-8), short and long', () => {
  const b = new RecordBuffer();
  fc.assert(
    fc.property(
      fc.array(fc.tuple(fc.string({ minLength: 1, maxLength: 50 }), fc.string({ unit: 'grapheme', maxLength: 60 })), {
        minLength: 1,
        maxLength: 8,
      }),
      (pairs) => {
        const obj: Record<string, string> = {};
        for (const [k, v] of pairs) obj[`l_${k}`] = v === '' ? 'x' : v;
        const labels = Labels.fromObject(obj);
        b.reset();
        encodeSeries(b, [{ ref: 7, labels }]);
        const got: string[][] = [];
        decodeSeries(b.bytes(), (_ref, l) => got.push([...l.flat]));
        assert.deepEqual(got, [[...labels.flat]]);
      },
    ),
    { numRuns: 300 },
  );
});
