import assert from 'node:assert/strict';
import { mkdtempSync, openSync, readdirSync, statSync, truncateSync, writeSync, closeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import Fastify from 'fastify';
import { registerRemoteWriteRoute } from '../src/api/v1-write.ts';
import { equalMatcher, Labels } from '../src/model/index.ts';
import { encodeWriteRequestBody } from '../src/remote/index.ts';
import { DB, WALWriteError } from '../src/tsdb/index.ts';
import { WAL } from '../src/tsdb/wal/index.ts';
import { startOsprey } from './helpers.ts';

const H = 3600_000;
const tmp = () => mkdtempSync(join(tmpdir(), 'osprey-faults-'));

function logger() {
  const lines: { level: string; msg: string; o: object }[] = [];
  const at = (level: string) => (o: object, msg: string) => lines.push({ level, msg, o });
  return { lines, info: at('info'), warn: at('warn'), error: at('error') };
}

function count(db: DB, name: string): number {
  let n = 0;
  for (const s of db.querier().select([equalMatcher('__name__', name)], -Infinity, Infinity)) {
    const it = s.iterator();
    while (it.next()) n++;
  }
  return n;
}

function appendBatches(db: DB, name: string, batches: number, from = 0): void {
  for (let b = 0; b < batches; b++) {
    const app = db.appender();
    for (let i = 0; i < 100; i++) app.append(0, Labels.fromObject({ __name__: name }), from + (b * 100 + i) * 1000, i);
    app.commit();
  }
}

test('a torn WAL segment is cut at the corruption, logged and counted, and the server exposes the count', async () => {
  const dir = tmp();
  let db = DB.open(dir);
  appendBatches(db, 'w', 10);
  db.close();
  const walDir = join(dir, 'wal');
  const seg = readdirSync(walDir)
    .filter((n) => /^\d+$/.test(n))
    .sort()
    .at(-1)!;
  const file = join(walDir, seg);
  truncateSync(file, statSync(file).size - 10); // the last record loses its tail
  const log = logger();
  db = DB.open(dir, { logger: log });
  assert.equal(db.walCorruptionsTotal, 1);
  assert.ok(log.lines.some((l) => l.level === 'warn' && /WAL corruption repaired/.test(l.msg)));
  assert.equal(count(db, 'w'), 900, 'every whole batch before the tear is back');
  appendBatches(db, 'w', 1, 10_000_000);
  db.close();
  // flip a byte in the middle: the rest of that segment is cut off, start still succeeds
  const fd = openSync(file, 'r+');
  writeSync(fd, Buffer.from([0xff]), 0, 1, 4000);
  closeSync(fd);
  db = DB.open(dir);
  assert.equal(db.walCorruptionsTotal, 1);
  assert.ok(count(db, 'w') < 900);
  db.close();

  // the server opens such a directory and reports osprey_tsdb_wal_corruptions_total
  const truncated = statSync(file).size;
  truncateSync(file, truncated - 3);
  const o = await startOsprey(null, { 'storage.tsdb.path': dir });
  try {
    const res = await fetch(`${o.url}/metrics`);
    const text = await res.text();
    assert.match(text, /^osprey_tsdb_wal_corruptions_total 1$/m);
  } finally {
    await o.server.stop();
  }
});

test('a corrupted block is skipped with an error and counted; the rest stays queryable', () => {
  const dir = tmp();
  // small WAL segments, so compaction can drop the persisted range from the WAL
  let db = DB.open(dir, { walSegmentSize: 32 * 1024 });
  appendBatches(db, 'b', 120, 0); // 12000 samples, one per second: [0, 12000s)
  db.maintain(4 * H);
  const blocks = db.listBlocks();
  assert.ok(blocks.length >= 1);
  const bad = blocks[0];
  const total = count(db, 'b');
  db.close();
  const fd = openSync(join(bad.dir, 'index'), 'r+');
  writeSync(fd, Buffer.from([0, 0, 0, 0]), 0, 4, 0); // destroy the magic number
  closeSync(fd);
  const log = logger();
  db = DB.open(dir, { logger: log });
  assert.equal(db.blockCorruptionsTotal, 1);
  assert.ok(log.lines.some((l) => l.level === 'error' && /Skipping unreadable block/.test(l.msg)));
  assert.equal(db.listBlocks().length, blocks.length - 1);
  // the head and the other blocks still answer; only what the WAL no longer covers of the bad block is gone
  const left = count(db, 'b');
  assert.ok(left >= total - bad.meta.stats.numSamples && left < total, `${left} samples left of ${total}`);
  db.close();
});

test('a full disk fails commits with a clear error (remote write 500) and ingestion resumes when space returns', async () => {
  const dir = tmp();
  const disk = { full: false };
  class FullDiskWAL extends WAL {
    override log(...records: Uint8Array[]): void {
      if (disk.full) {
        const e = new Error('ENOSPC: no space left on device, write') as NodeJS.ErrnoException;
        e.code = 'ENOSPC';
        throw e;
      }
      super.log(...records);
    }
  }
  const log = logger();
  let db = DB.open(dir, { walFactory: (d, size) => new FullDiskWAL(d, size), logger: log });
  const app = Fastify();
  app.addContentTypeParser('application/x-protobuf', { parseAs: 'buffer' }, (_r, b, done) => done(null, b));
  registerRemoteWriteRoute(app, db);
  const body = (t: number) =>
    encodeWriteRequestBody([{ labels: Labels.fromObject({ __name__: 'rw' }), timestamps: [t], values: [t] }]);
  const post = (t: number) =>
    app.inject({
      method: 'POST',
      url: '/api/v1/write',
      headers: { 'content-type': 'application/x-protobuf', 'content-encoding': 'snappy' },
      payload: Buffer.from(body(t)),
    });
  const first = await post(1000);
  assert.equal(first.statusCode, 204, first.body);
  disk.full = true;
  const failed = await post(2000);
  assert.equal(failed.statusCode, 500);
  assert.match(failed.body, /no space left on device/);
  assert.throws(() => {
    const a = db.appender();
    a.append(0, Labels.fromObject({ __name__: 'x' }), 1, 1);
    a.commit();
  }, WALWriteError);
  assert.ok(log.lines.some((l) => l.level === 'error' && /WAL write failed/.test(l.msg)));
  assert.equal(count(db, 'rw'), 1, 'the failed batch was not applied');
  disk.full = false;
  const retry = await post(2000);
  assert.equal(retry.statusCode, 204, retry.body);
  assert.equal(retry.statusCode, 204, 'ingestion resumes when space returns: the retry is accepted');
  assert.equal((await post(3000)).statusCode, 204);
  await app.close();
  db.close();
  db = DB.open(dir);
  assert.equal(count(db, 'rw'), 3, 'everything acknowledged survives a restart');
  assert.equal(db.walCorruptionsTotal, 0);
  db.close();
});
