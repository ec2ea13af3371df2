import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import snappy from 'snappyjs';
import { isStaleNaN, Labels, STALE_NAN } from '../model/index.ts';
import { ProtoWriter } from './protobuf-wire.ts';
import { decodeWriteRequestBody, encodeWriteRequestBody, RemoteWriteDecodeError } from './write-request.ts';

test('a WriteRequest round-trips through snappy and protobuf, keeping stale NaNs and negative timestamps', () => {
  const labels = Labels.fromObject({ __name__: 'up', job: 'a', instance: 'h:1' });
  const values = new Float64Array([1, 2.5, -1, 0]);
  values[3] = STALE_NAN; // a plain array would canonicalise the NaN payload
  const body = encodeWriteRequestBody([{ labels, timestamps: [1000, 2000, -5000, 3000], values }]);
  const [s] = decodeWriteRequestBody(body);
  assert.ok(s.labels.equals(labels));
  assert.deepEqual([...s.timestamps], [1000, 2000, -5000, 3000]);
  assert.deepEqual([...s.values.slice(0, 3)], [1, 2.5, -1]);
  assert.ok(isStaleNaN(s.values[3]));
});

test('property: any series and samples survive encode/decode', () => {
  fc.assert(
    fc.property(
      fc.dictionary(
        fc.string({ minLength: 1 }).filter((s) => (s as any).isWellFormed()),
        fc.string().filter((s) => s !== '' && (s as any).isWellFormed()),
        { maxKeys: 5 },
      ),
      fc.array(fc.tuple(fc.integer({ min: -(2 ** 50), max: 2 ** 50 }), fc.double()), { maxLength: 20 }),
      (obj, samples) => {
        const labels = Labels.fromObject(obj);
        const [s] = decodeWriteRequestBody(
          encodeWriteRequestBody([{ labels, timestamps: samples.map((x) => x[0]), values: samples.map((x) => x[1]) }]),
        );
        assert.ok(s.labels.equals(labels));
        assert.deepEqual(
          [...s.timestamps],
          samples.map((x) => x[0]),
        );
        assert.deepEqual(
          [...s.values],
          samples.map((x) => x[1]),
        );
      },
    ),
    { numRuns: 200 },
  );
});

test('malformed bodies are rejected with a clear error', () => {
  assert.throws(() => decodeWriteRequestBody(new Uint8Array([1, 2, 3, 4, 5])), RemoteWriteDecodeError);
  // valid snappy, truncated protobuf
  const w = new ProtoWriter();
  w.message(1, (ts) => ts.message(1, (l) => l.string(1, 'a')));
  const bytes = w.finish().slice(0, -1);
  assert.throws(() => decodeWriteRequestBody(snappy.compress(bytes)), /proto: unexpected EOF/);
  // duplicate label names
  const d = new ProtoWriter();
  d.message(1, (ts) => {
    ts.message(1, (l) => {
      l.string(1, 'a');
      l.string(2, 'x');
    });
    ts.message(1, (l) => {
      l.string(1, 'a');
      l.string(2, 'y');
    });
  });
  assert.throws(() => decodeWriteRequestBody(snappy.compress(d.finish())), /duplicate label name "a"/);
  // empty label name
  const e = new ProtoWriter();
  e.message(1, (ts) => ts.message(1, (l) => l.string(2, 'x')));
  assert.throws(() => decodeWriteRequestBody(snappy.compress(e.finish())), /invalid label name/);
});
