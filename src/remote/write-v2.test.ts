import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import Fastify from 'fastify';
import snappy from 'snappyjs';
import { registerRemoteWriteRoute } from '../api/v1-write.ts';
import { isStaleNaN, Labels, STALE_NAN } from '../model/index.ts';
import { DB } from '../tsdb/index.ts';
import { RemoteWriteManager } from './remote-write-manager.ts';
import { remoteWriteConfig, startReceiver, waitFor } from './test-helpers.ts';
import {
  decodeWriteV2Request,
  decodeWriteV2RequestBody,
  encodeWriteV2RequestBody,
  PROTO_V1,
  PROTO_V2,
} from './write-v2.ts';

const dirs: string[] = [];
after(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});
function tmp(): string {
  const d = mkdtempSync(join(tmpdir(), 'osprey-rw2-'));
  dirs.push(d);
  return d;
}
const hex = (s: string) => Uint8Array.from(s.split(/\s+/).filter(Boolean), (b) => Number.parseInt(b, 16));

// io.prometheus.write.v2.Request for up{job="node"} = 1 @ 1700000000000, written out by hand from the spec's
// .proto: symbols (field 4) "", "__name__", "up", "job", "node"; one TimeSeries (field 5) with packed
// labels_refs (field 1) [1,2,3,4] and one Sample (field 2) {value (1, double) = 1.0, timestamp (2, int64)}.
const SYMBOLS = '22 00  22 08 5f 5f 6e 61 6d 65 5f 5f  22 02 75 70  22 03 6a 6f 62  22 04 6e 6f 64 65';
const SERIES = '2a 18  0a 04 01 02 03 04  12 10 09 00 00 00 00 00 00 f0 3f 10 80 d0 95 ff bc 31';

test('2.0: the encoder writes the spec bytes: symbol table starting with "", packed label refs, samples', () => {
  const body = encodeWriteV2RequestBody([
    {
      labels: Labels.fromObject({ __name__: 'up', job: 'node' }),
      timestamps: [1700000000000],
      values: Float64Array.of(1),
    },
  ]);
  assert.deepEqual(snappy.uncompress(body), hex(`${SYMBOLS} ${SERIES}`));
});

test('2.0: the decoder reads spec bytes in any field order, unpacked refs, and skips what Osprey does not store', () => {
  assert.deepEqual(
    decodeWriteV2Request(hex(`${SYMBOLS} ${SERIES}`)).series.map((s) => [
      s.labels.toString(),
      [...s.timestamps],
      [...s.values],
    ]),
    [['{__name__="up", job="node"}', [1700000000000], [1]]],
  );
  // Series before symbols; labels_refs unpacked (tag 0x08 per entry); a Sample with start_timestamp (field 3);
  // an Exemplar (field 4), Metadata (field 5) and created_timestamp (field 6).
  const ts =
    '2a 2f  08 01 08 02 08 03 08 04  12 12 09 00 00 00 00 00 00 f0 3f 10 80 d0 95 ff bc 31 18 00' +
    '  22 0b 11 00 00 00 00 00 00 04 40 18 01  2a 02 08 02  30 05';
  const r = decodeWriteV2Request(hex(`${ts} ${SYMBOLS}`));
  assert.equal(r.series.length, 1);
  assert.equal(r.series[0].labels.toString(), '{__name__="up", job="node"}');
  assert.deepEqual([...r.series[0].timestamps], [1700000000000]);
  assert.equal(r.exemplars, 1);
  assert.equal(r.histograms, 0);
  // References outside the symbol table and odd ref lists are refused.
  assert.throws(() => decodeWriteV2Request(hex('22 00 2a 04 0a 02 01 09')), /out of range/);
  assert.throws(() => decodeWriteV2Request(hex(`${SYMBOLS} 2a 05 0a 03 01 02 03`)), /odd number/);
});

test('2.0: round trip keeps stale NaNs, negative timestamps and shares symbols between series', () => {
  const v = Float64Array.of(1.5, STALE_NAN, -2);
  const a = Labels.fromObject({ __name__: 'm', job: 'x', instance: 'h:1' });
  const b = Labels.fromObject({ __name__: 'm', job: 'x', instance: 'h:2' });
  const body = encodeWriteV2RequestBody([
    { labels: a, timestamps: [-5000, 1000, 2000], values: v },
    { labels: b, timestamps: [3000], values: Float64Array.of(7) },
  ]);
  const { series } = decodeWriteV2RequestBody(body);
  assert.ok(series[0].labels.equals(a) && series[1].labels.equals(b));
  assert.deepEqual([...series[0].timestamps], [-5000, 1000, 2000]);
  assert.ok(isStaleNaN(series[0].values[1]));
  assert.equal(series[1].values[0], 7);
  // "m", "x", "__name__", "job", "instance" appear once in the symbol table.
  const raw = snappy.uncompress(body) as Uint8Array;
  assert.equal(Buffer.from(raw).toString('latin1').split('instance').length - 1, 1);
});

function write(db: DB, from: number, to: number): void {
  for (let t = from; t < to; t++) {
    const app = db.appender();
    for (let s = 0; s < 5; s++)
      app.append(0, Labels.fromObject({ __name__: 'rw2', series: String(s) }), t * 1000, t * s);
    app.commit();
  }
}

test('Osprey → Osprey over remote write 2.0: content negotiation headers, Written headers, every sample stored', async () => {
  const recvDir = tmp();
  const recvDb = DB.open(recvDir);
  const app = Fastify();
  app.addContentTypeParser('application/x-protobuf', { parseAs: 'buffer' }, (_r, b, done) => done(null, b));
  const seen: Record<string, unknown>[] = [];
  app.addHook('onRequest', async (req) => {
    seen.push({ ...req.headers });
  });
  registerRemoteWriteRoute(app, recvDb);
  const base = await app.listen({ host: '127.0.0.1', port: 0 });
  const dir = tmp();
  const db = DB.open(dir);
  const mgr = new RemoteWriteManager({ walDir: join(dir, 'wal'), dataDir: dir, pollInterval: 10 });
  try {
    // Direct requests: 2.0 answers carry the Written headers; an unknown message is 415; bad refs are 400.
    const direct = await fetch(`${base}/api/v1/write`, {
      method: 'POST',
      headers: { 'Content-Type': `application/x-protobuf;proto=${PROTO_V2}`, 'Content-Encoding': 'snappy' },
      body: snappy.compress(hex(`${SYMBOLS} ${SERIES}`)),
    });
    assert.equal(direct.status, 204);
    assert.equal(direct.headers.get('x-prometheus-remote-write-samples-written'), '1');
    assert.equal(direct.headers.get('x-prometheus-remote-write-histograms-written'), '0');
    assert.equal(direct.headers.get('x-prometheus-remote-write-exemplars-written'), '0');
    const bad = await fetch(`${base}/api/v1/write`, {
      method: 'POST',
      headers: { 'Content-Type': `application/x-protobuf;proto=${PROTO_V2}`, 'Content-Encoding': 'snappy' },
      body: snappy.compress(hex('22 00 2a 04 0a 02 01 09')),
    });
    assert.equal(bad.status, 400);
    assert.equal(bad.headers.get('x-prometheus-remote-write-samples-written'), '0');
    const other = await fetch(`${base}/api/v1/write`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/x-protobuf;proto=io.prometheus.write.v3.Request' },
      body: snappy.compress(hex(SYMBOLS)),
    });
    assert.equal(other.status, 415);

    await mgr.applyConfig(
      [remoteWriteConfig(`${base}/api/v1/write`, { name: 'v2', protobuf_message: PROTO_V2 })],
      Labels.fromObject({ from: 'osprey' }),
    );
    await new Promise((r) => setTimeout(r, 30));
    write(db, 1, 201);
    await waitFor(() => mgr.stats()[0].samplesSent === 1000);
    const st = mgr.stats()[0];
    assert.equal(st.protobufMessage, PROTO_V2);
    assert.equal(st.samplesFailed, 0);
    const h = seen[seen.length - 1];
    assert.equal(h['content-type'], `application/x-protobuf;proto=${PROTO_V2}`);
    assert.equal(h['x-prometheus-remote-write-version'], '2.0.0');
    assert.equal(h['content-encoding'], 'snappy');
    const q = recvDb.querier();
    let n = 0;
    let sum = 0;
    for (const s of q.select([], 0, 1e12)) {
      if (s.labels.get('__name__') !== 'rw2') continue;
      assert.equal(s.labels.get('from'), 'osprey');
      const it = s.iterator();
      while (it.next()) {
        n++;
        sum += it.v;
      }
    }
    assert.equal(n, 1000);
    let want = 0;
    for (let t = 1; t < 201; t++) for (let s = 0; s < 5; s++) want += t * s;
    assert.equal(sum, want);
  } finally {
    await mgr.stop();
    db.close();
    await app.close();
    recvDb.close();
  }
});

for (const mode of ['reject', 'ignore'] as const) {
  test(`2.0 falls back to 1.0 when the receiver ${mode === 'reject' ? 'answers 415' : 'answers 2xx without Written headers'}`, async () => {
    const recv = await startReceiver(() => 204, { v2: mode });
    const dir = tmp();
    const db = DB.open(dir);
    const mgr = new RemoteWriteManager({ walDir: join(dir, 'wal'), dataDir: dir, pollInterval: 10 });
    try {
      await mgr.applyConfig([remoteWriteConfig(recv.url, { name: 'fb', protobuf_message: PROTO_V2 })], Labels.EMPTY);
      await new Promise((r) => setTimeout(r, 30));
      write(db, 1, 101);
      await waitFor(() => mgr.stats()[0].samplesSent === 500);
      let n = 0;
      for (const l of recv.samples.values()) n += l.length;
      assert.equal(n, 500);
      assert.equal(mgr.stats()[0].protobufMessage, PROTO_V1);
      assert.equal(mgr.stats()[0].samplesFailed, 0);
      assert.equal(recv.requests[0].headers['x-prometheus-remote-write-version'], '2.0.0');
      const last = recv.requests[recv.requests.length - 1].headers;
      assert.equal(last['content-type'], 'application/x-protobuf');
      assert.equal(last['x-prometheus-remote-write-version'], '0.1.0');
    } finally {
      await mgr.stop();
      db.close();
      await recv.close();
    }
  });
}
