import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import fc from 'fast-check';
import { crc32c } from '../wal/index.ts';
import { CHUNKS_MAGIC, ChunkReader, ChunkWriter, chunkRef } from './chunks.ts';
import { ByteReader, ByteWriter, compareUtf8, DecodeError } from './encoding.ts';
import { IndexReader } from './index-reader.ts';
import { IndexWriter } from './index-writer.ts';
import { addInterval, decodeTombstones, encodeTombstones, type Tombstones } from './tombstones.ts';
import { encodeULID, isULID, newULID, ulidTime } from './ulid.ts';

function tmp(): string {
  return mkdtempSync(join(tmpdir(), 'osprey-block-'));
}

test('varints round-trip like Go encoding/binary', () => {
  const w = new ByteWriter(4);
  w.uvarint(300);
  assert.deepEqual([...w.view()], [0xac, 0x02]);
  w.reset();
  w.varint(-1);
  w.varint(1);
  w.varint(-64);
  assert.deepEqual([...w.view()], [0x01, 0x02, 0x7f]);
  fc.assert(
    // zigzag doubles the magnitude, so signed values are exact up to ±2^52 (timestamps are far below)
    fc.property(
      fc.array(fc.integer({ min: -(2 ** 52), max: 2 ** 52 })),
      fc.array(fc.integer({ min: 0, max: Number.MAX_SAFE_INTEGER })),
      (s, u) => {
        const bw = new ByteWriter(8);
        for (const x of s) bw.varint(x);
        for (const x of u) bw.uvarint(x);
        for (const x of u) bw.be64(x);
        const r = new ByteReader(bw.view());
        for (const x of s) assert.equal(r.varint(), x);
        for (const x of u) assert.equal(r.uvarint(), x);
        for (const x of u) assert.equal(r.be64(), x);
        assert.equal(r.remaining, 0);
      },
    ),
  );
  assert.throws(() => new ByteReader(Buffer.from([0x80])).uvarint(), DecodeError);
  // Go's math.MinInt64 / MaxInt64 (used by open-ended tombstones) keep their sign
  const big = new ByteWriter(4);
  big.varint(-(2 ** 63));
  big.varint(2 ** 63);
  big.varint(Number.MIN_SAFE_INTEGER);
  assert.deepEqual([...big.view().subarray(0, 10)], [0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01]);
  const rb = new ByteReader(big.view());
  assert.equal(rb.varint(), -(2 ** 63));
  assert.equal(rb.varint(), 2 ** 63);
  assert.equal(rb.varint(), Number.MIN_SAFE_INTEGER);
});

test('compareUtf8 orders like bytes of UTF-8', () => {
  fc.assert(
    fc.property(fc.string({ unit: 'binary' }), fc.string({ unit: 'binary' }), (a, b) => {
      const want = Math.sign(Buffer.compare(Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8')));
      assert.equal(Math.sign(compareUtf8(a, b)), want);
    }),
  );
});

test('ULIDs: 26 Crockford characters, time prefix, sortable by time', () => {
  const a = newULID(1_700_000_000_000);
  const b = newULID(1_700_000_000_001);
  assert.ok(isULID(a), a);
  assert.equal(a.length, 26);
  assert.equal(ulidTime(a), 1_700_000_000_000);
  assert.ok(a < b);
  // known vector: time 0 and all-zero randomness
  assert.equal(encodeULID(0, new Uint8Array(10)), '00000000000000000000000000');
  assert.equal(encodeULID(2 ** 48 - 1, new Uint8Array(10).fill(255)), '7ZZZZZZZZZZZZZZZZZZZZZZZZZ');
  assert.notEqual(newULID(5), newULID(5));
});

test('chunk segments: header, refs, CRCs, cutting at the size limit', () => {
  const dir = tmp();
  try {
    const w = new ChunkWriter(dir, 64);
    const refs: number[] = [];
    const datas: Buffer[] = [];
    for (let i = 0; i < 10; i++) {
      const d = Buffer.alloc(20 + i, i + 1);
      datas.push(d);
      refs.push(w.write(1, d));
    }
    w.close();
    assert.equal(refs[0], chunkRef(0, 8));
    const seg1 = readFileSync(join(dir, '000001'));
    assert.equal(seg1.readUInt32BE(0), CHUNKS_MAGIC);
    assert.equal(seg1[4], 1);
    assert.deepEqual([...seg1.subarray(5, 8)], [0, 0, 0]);
    // first chunk: len 20, encoding 1, data, crc over encoding + data
    assert.equal(seg1[8], 20);
    assert.equal(seg1[9], 1);
    assert.equal(seg1.readUInt32BE(10 + 20), crc32c(seg1, 9, 30));
    assert.ok(seg1.length <= 64);
    assert.ok(
      refs.some((r) => r >= 2 ** 32),
      'later chunks go to later segments',
    );
    const r = new ChunkReader(dir);
    for (let i = 0; i < refs.length; i++) {
      const c = r.chunk(refs[i], true);
      assert.equal(c.encoding, 1);
      assert.deepEqual(Buffer.from(c.data), datas[i]);
    }
    r.close();
    // the same through positioned reads, one by one and in runs
    const ranged = new ChunkReader(dir, { preloadBytes: 0 });
    for (let i = 0; i < refs.length; i++) assert.deepEqual(Buffer.from(ranged.chunk(refs[i], true).data), datas[i]);
    assert.deepEqual(
      ranged.chunks(refs, true).map((c) => Buffer.from(c.data)),
      datas,
    );
    ranged.close();
    // a flipped byte is caught by the checksum
    seg1[12] ^= 0xff;
    writeFileSync(join(dir, '000001'), seg1);
    const r2 = new ChunkReader(dir);
    assert.throws(() => r2.chunk(refs[0], true), /checksum mismatch/);
    r2.close();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('chunk reads by range handle chunks longer than the read window', () => {
  const dir = tmp();
  try {
    const w = new ChunkWriter(dir);
    const datas = [Buffer.alloc(10, 1), Buffer.alloc(5000, 2), Buffer.alloc(300, 3), Buffer.alloc(2000, 4)];
    const refs = datas.map((d) => w.write(1, d));
    w.close();
    for (const preloadBytes of [0, 1 << 20]) {
      const r = new ChunkReader(dir, { preloadBytes });
      assert.deepEqual(
        r.chunks(refs, true).map((c) => Buffer.from(c.data)),
        datas,
      );
      assert.deepEqual(Buffer.from(r.chunk(refs[1], true).data), datas[1]);
      assert.throws(() => r.chunk(2 ** 32 * 5), /segment 6 does not exist/);
      assert.throws(() => r.chunk(3), /out of range/);
      r.close();
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('tombstones: empty file is 9 bytes, intervals round-trip, CRC checked', () => {
  const empty = encodeTombstones(new Map());
  assert.deepEqual([...empty], [0x01, 0x30, 0xba, 0x30, 0x01, 0, 0, 0, 0]);
  const ts: Tombstones = new Map();
  addInterval(ts, 5, 100, 200);
  addInterval(ts, 5, 150, 300);
  addInterval(ts, 5, 500, 600);
  addInterval(ts, 2, -10, 10);
  assert.deepEqual(ts.get(5), [
    [100, 300],
    [500, 600],
  ]);
  const buf = encodeTombstones(ts);
  assert.deepEqual(decodeTombstones(buf), ts);
  buf[6] ^= 1;
  assert.throws(() => decodeTombstones(buf), /checksum/);
});

test('index: sections, 16-byte series alignment, postings and CRCs', () => {
  const series = [
    ['__name__', 'a', 'job', 'x'],
    ['__name__', 'a', 'job', 'y'],
    ['__name__', 'b', 'zone', 'é'],
  ];
  const symbols = new Set<string>(['']);
  for (const s of series) for (const x of s) symbols.add(x);
  const w = new IndexWriter(symbols);
  const refs = series.map((flat, i) =>
    w.addSeries(flat, {
      mint: [1000 * i, 1000 * i + 500],
      maxt: [1000 * i + 400, 1000 * i + 900],
      ref: [8 + i * 40, 8 + i * 40 + 20],
    }),
  );
  const buf = w.finish();
  assert.equal(buf.readUInt32BE(0), 0xbaaad700);
  assert.equal(buf[4], 2);
  for (const r of refs) assert.equal((r * 16) % 16, 0);
  assert.ok(refs[0] * 16 >= 5 && refs[1] > refs[0] && refs[2] > refs[1]);
  // TOC: 6 offsets and its CRC
  const toc = buf.length - 52;
  assert.equal(buf.readUInt32BE(toc + 48), crc32c(buf, toc, toc + 48));
  assert.equal(Number(buf.readBigUInt64BE(toc)), 5);
  const r = new IndexReader(buf);
  assert.deepEqual(r.symbols, ['', '__name__', 'a', 'b', 'job', 'x', 'y', 'zone', 'é']);
  assert.deepEqual(r.labelNames(), ['__name__', 'job', 'zone']);
  assert.deepEqual(r.labelValues('job'), ['x', 'y']);
  assert.deepEqual(r.postings('__name__', 'a'), [refs[0], refs[1]]);
  assert.deepEqual(r.allPostings(), refs);
  const metas = { mint: [] as number[], maxt: [] as number[], ref: [] as number[] };
  assert.deepEqual(r.series(refs[2], metas), series[2]);
  assert.deepEqual(metas, { mint: [2000, 2500], maxt: [2400, 2900], ref: [88, 108] });
  // corrupting a series byte breaks its CRC
  const bad = Buffer.from(buf);
  bad[refs[1] * 16 + 2] ^= 0x40;
  assert.throws(() => new IndexReader(bad).series(refs[1], metas), /checksum/);
  // corrupting the TOC is caught at open
  const badToc = Buffer.from(buf);
  badToc[toc + 3] ^= 1;
  assert.throws(() => new IndexReader(badToc), /TOC: checksum/);
});

test('index writer rejects overlapping chunks of one series', () => {
  const w = new IndexWriter(['a', 'b']);
  assert.throws(() => w.addSeries(['a', 'b'], { mint: [0, 5], maxt: [10, 20], ref: [8, 20] }), /overlap/);
});
