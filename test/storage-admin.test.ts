import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readdirSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import Fastify from 'fastify';
import { ApiError } from '../src/api/index.ts';
import { registerAdminRoutes } from '../src/api/v1-admin.ts';
import { equalMatcher, Labels } from '../src/model/index.ts';
import { parseMetricSelector } from '../src/promql/index.ts';
import { DB } from '../src/tsdb/index.ts';

const H = 3600_000;
const tmp = () => mkdtempSync(join(tmpdir(), 'osprey-admin-'));

/** Series a and b, one sample every 60s over [0, 4h]; maintain() then persists [0, 2h) as a block. */
function fill(db: DB): void {
  const app = db.appender();
  for (let t = 0; t <= 4 * H; t += 60_000) {
    app.append(0, Labels.fromObject({ __name__: 'm', s: 'a' }), t, t / 1000);
    app.append(0, Labels.fromObject({ __name__: 'm', s: 'b' }), t, -t / 1000);
  }
  app.commit();
}

function times(db: DB, s: string): number[] {
  const [series] = db.querier().select([equalMatcher('s', s)], -Infinity, Infinity);
  const out: number[] = [];
  if (!series) return out;
  const it = series.iterator();
  while (it.next()) out.push(it.t);
  return out;
}

function server(db: DB, enabled = true) {
  const app = Fastify();
  app.setErrorHandler((err, _req, reply) => {
    if (err instanceof ApiError)
      return reply.code(400).send({ status: 'error', errorType: err.type, error: err.message });
    return reply.code(500).send({ status: 'error', error: (err as Error).message });
  });
  registerAdminRoutes(app, db, { enabled, parseSelector: parseMetricSelector });
  return app;
}

test('delete_series hides samples in blocks and head, survives a restart, and clean_tombstones rewrites blocks', async () => {
  const dir = tmp();
  let db = DB.open(dir);
  fill(db);
  db.maintain(4 * H);
  assert.equal(db.listBlocks().length, 1, 'the first 2h are a block');
  const before = times(db, 'a');
  assert.equal(before.length, 241);

  const app = server(db);
  const res = await app.inject({
    method: 'POST',
    url: `/api/v1/admin/tsdb/delete_series?match[]=${encodeURIComponent('m{s="a"}')}&start=3600&end=10800`,
  });
  assert.equal(res.statusCode, 204);
  const expected = before.filter((t) => t < H || t > 3 * H);
  assert.deepEqual(times(db, 'a'), expected, 'deleted in the block and in the head');
  assert.equal(times(db, 'b').length, 241, 'other series untouched');
  assert.ok(existsSync(join(db.listBlocks()[0].dir, 'tombstones')));
  await app.close();
  db.close();

  db = DB.open(dir);
  assert.deepEqual(times(db, 'a'), expected, 'deletion survives a restart (block tombstones + WAL record)');
  const oldBlock = db.listBlocks()[0];
  const samplesBefore = oldBlock.meta.stats.numSamples;
  const app2 = server(db);
  const clean = await app2.inject({ method: 'PUT', url: '/api/v1/admin/tsdb/clean_tombstones' });
  assert.equal(clean.statusCode, 204);
  const [newBlock] = db.listBlocks();
  assert.notEqual(newBlock.ulid, oldBlock.ulid, 'the block was rewritten');
  assert.equal(newBlock.tombstones.size, 0);
  assert.equal(newBlock.meta.stats.numSamples, samplesBefore - 60, 'the hour deleted inside the block is gone');
  assert.ok(!existsSync(oldBlock.dir));
  assert.deepEqual(times(db, 'a'), expected);

  const bad = await app2.inject({ method: 'POST', url: '/api/v1/admin/tsdb/delete_series' });
  assert.equal(bad.statusCode, 400);
  assert.match(bad.body, /no match\[\] parameter provided/);
  await app2.close();
  db.close();
});

test('clean_tombstones runs in a worker; a delete_series meanwhile is not lost', async () => {
  const dir = tmp();
  const db = DB.open(dir);
  fill(db);
  db.maintain(4 * H);
  const a = [equalMatcher('s', 'a')];
  db.deleteSeries(a, 0, 30 * 60_000);
  const cleaning = db.cleanTombstones();
  // While the worker rewrites the block, the event loop runs, and another deletion lands in the same block.
  let turns = 0;
  const ticker = setInterval(() => turns++, 1);
  db.deleteSeries([equalMatcher('s', 'b')], 0, 30 * 60_000);
  await cleaning;
  clearInterval(ticker);
  assert.ok(turns > 0, 'the event loop ran while the block was rewritten');
  assert.equal(times(db, 'a')[0], 31 * 60_000, 'the first deletion is applied');
  assert.equal(times(db, 'b')[0], 31 * 60_000, 'the deletion that raced the rewrite is kept');
  const [block] = db.listBlocks();
  assert.equal(block?.tombstones.size, 0, 'the rewrite was redone with both deletions');
  db.close();
});

test('snapshot hard-links blocks and persists the head unless skip_head', async () => {
  const dir = tmp();
  const db = DB.open(dir);
  fill(db);
  db.maintain(4 * H);
  const app = server(db);
  const res = await app.inject({ method: 'POST', url: '/api/v1/admin/tsdb/snapshot' });
  assert.equal(res.statusCode, 200);
  const body = res.json();
  assert.equal(body.status, 'success');
  assert.match(body.data.name, /^\d{8}T\d{6}Z-[0-9a-f]{16}$/);
  const snap = join(dir, 'snapshots', body.data.name);
  const blockUlid = db.listBlocks()[0].ulid;
  assert.ok(statSync(join(snap, blockUlid, 'index')).nlink >= 2, 'block files are hard links');
  assert.equal(readdirSync(snap).length, 2, 'the block plus a block of the head');
  const copy = DB.open(snap, { noLockfile: true });
  assert.deepEqual(times(copy, 'a'), times(db, 'a'), 'the snapshot holds every sample');
  copy.close();

  const res2 = await app.inject({ method: 'POST', url: '/api/v1/admin/tsdb/snapshot?skip_head=true' });
  assert.deepEqual(readdirSync(join(dir, 'snapshots', res2.json().data.name)), [blockUlid]);
  await app.close();
  db.close();
});

test('admin endpoints answer 503 "admin APIs disabled" without --web.enable-admin-api', async () => {
  const db = DB.open(tmp());
  const app = server(db, false);
  const res = await app.inject({ method: 'POST', url: '/api/v1/admin/tsdb/snapshot' });
  assert.equal(res.statusCode, 503);
  assert.deepEqual(res.json(), { status: 'error', errorType: 'unavailable', error: 'admin APIs disabled' });
  await app.close();
  db.close();
});
