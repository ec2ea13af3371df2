import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { appendFileSync, mkdtempSync, readdirSync, statSync, truncateSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { equalMatcher, isStaleNaN, Labels, STALE_NAN } from '../model/index.ts';
import { DB, LockError } from './db.ts';

const tmp = () => mkdtempSync(join(tmpdir(), 'osprey-db-'));

function read(db: DB, name: string): { t: number; v: number }[] {
  const [s] = db.querier().select([equalMatcher('__name__', name)], -Infinity, Infinity);
  if (!s) return [];
  const out: { t: number; v: number }[] = [];
  const it = s.iterator();
  while (it.next()) out.push({ t: it.t, v: it.v });
  return out;
}

test('committed samples survive a restart through WAL replay, staleness markers included', () => {
  const dir = tmp();
  let db = DB.open(dir);
  const a = db.appender();
  const up = Labels.fromObject({ __name__: 'up', job: 'x' });
  let ref = a.append(0, up, 1000, 1);
  ref = a.append(ref, up, 2000, 0);
  a.commit();
  const b = db.appender();
  b.append(ref, up, 3000, STALE_NAN);
  b.append(0, Labels.fromObject({ __name__: 'other' }), 3000, 42);
  b.commit();
  const c = db.appender();
  c.append(0, Labels.fromObject({ __name__: 'rolled_back' }), 4000, 1);
  c.rollback();
  db.close();

  db = DB.open(dir);
  assert.equal(db.replay.series, 2);
  assert.equal(db.replay.samples, 4);
  const got = read(db, 'up');
  assert.deepEqual(
    got.slice(0, 2).map((x) => [x.t, x.v]),
    [
      [1000, 1],
      [2000, 0],
    ],
  );
  assert.equal(got[2].t, 3000);
  assert.ok(isStaleNaN(got[2].v));
  assert.deepEqual(read(db, 'other'), [{ t: 3000, v: 42 }]);
  assert.deepEqual(read(db, 'rolled_back'), []);
  // New series after a restart get fresh refs and survive the next restart too.
  const d = db.appender();
  d.append(0, Labels.fromObject({ __name__: 'later' }), 5000, 5);
  d.append(0, up, 5000, 2);
  d.commit();
  db.close();
  db = DB.open(dir);
  assert.deepEqual(read(db, 'later'), [{ t: 5000, v: 5 }]);
  assert.equal(read(db, 'up').length, 4);
  db.close();
});

test('a second DB on the same directory fails with a clear lock error; a stale lock is taken over', () => {
  const dir = tmp();
  const db = DB.open(dir);
  assert.throws(
    () => DB.open(dir),
    (e: unknown) => e instanceof LockError && /already open in this process/.test(e.message),
  );
  db.close();
  // A lock left by a dead process (pid 2^22+1 is beyond pid_max defaults) does not block.
  appendFileSync(join(dir, 'lock'), String(4194305));
  const again = DB.open(dir);
  again.close();
});

test('a torn WAL tail is cut off on open and counted; earlier batches are kept', () => {
  const dir = tmp();
  const db = DB.open(dir);
  for (let i = 0; i < 20; i++) {
    const a = db.appender();
    a.append(0, Labels.fromObject({ __name__: 'm' }), i * 1000, i);
    a.commit();
  }
  db.close();
  const segs = readdirSync(join(dir, 'wal')).sort();
  const last = join(dir, 'wal', segs[0]);
  truncateSync(last, statSync(last).size - 5);
  const db2 = DB.open(dir);
  assert.equal(db2.walCorruptionsTotal, 1);
  assert.equal(read(db2, 'm').length, 19);
  db2.close();
});

test('every sample acknowledged before a SIGKILL is there after restart', async () => {
  const dir = tmp();
  // The child appends batches and prints each acknowledged batch number; we kill it mid-stream.
  const child = spawn(
    process.execPath,
    [
      '--import',
      'tsx',
      '-e',
      `import { DB } from ${JSON.stringify(new URL('./db.ts', import.meta.url).pathname)};
       import { Labels } from ${JSON.stringify(new URL('../model/index.ts', import.meta.url).pathname)};
       const db = DB.open(${JSON.stringify(dir)});
       for (let i = 0; ; i++) {
         const a = db.appender();
         for (let j = 0; j < 50; j++) a.append(0, Labels.fromObject({ __name__: 'k', s: String(j) }), i * 1000, i);
         a.commit();
         process.stdout.write(i + '\\n');
       }`,
    ],
    { stdio: ['ignore', 'pipe', 'inherit'] },
  );
  let acked = -1;
  let buf = '';
  await new Promise<void>((resolve) => {
    child.stdout.on('data', (d: Buffer) => {
      buf += d.toString();
      const lines = buf.split('\n');
      buf = lines.pop()!;
      if (lines.length) acked = Number(lines[lines.length - 1]);
      if (acked >= 200) {
        child.kill('SIGKILL');
        resolve();
      }
    });
  });
  await new Promise((r) => child.on('exit', r));
  const db = DB.open(dir);
  const q = db.querier();
  const series = q.select([equalMatcher('__name__', 'k')], -Infinity, Infinity);
  assert.equal(series.length, 50);
  for (const s of series) {
    let n = 0;
    const it = s.iterator();
    while (it.next()) n++;
    assert.ok(n >= acked + 1, `series ${s.labels} has ${n} samples, ${acked + 1} were acknowledged`);
  }
  db.close();
});

test('a data directory locked by another live process is refused', async () => {
  const dir = tmp();
  const child = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 30000)'], { stdio: 'ignore' });
  appendFileSync(join(dir, 'lock'), String(child.pid));
  try {
    assert.throws(
      () => DB.open(dir),
      (e: unknown) =>
        e instanceof LockError && new RegExp(`in use by another process \\(pid ${child.pid}\\)`).test(e.message),
    );
  } finally {
    child.kill('SIGKILL');
  }
});

test('maintain() cuts the head into 2h blocks, truncates the WAL, and data stays queryable across restarts', async () => {
  const { readdirSync: ls } = await import('node:fs');
  const dir = tmp();
  // small segments so the WAL spans several and the old ones can be dropped
  let db = DB.open(dir, { walSegmentSize: 32 * 1024 });
  const H = 3600_000;
  const base = 1_700_000_000_000 - (1_700_000_000_000 % (2 * H));
  const N = 10;
  const labels = Array.from({ length: N }, (_, i) => Labels.fromObject({ __name__: 'g', i: String(i) }));
  const refs = new Array<number>(N).fill(0);
  // 5h of samples every 15s
  for (let t = base; t < base + 5 * H; t += 15_000) {
    const a = db.appender();
    for (let i = 0; i < N; i++) refs[i] = a.append(refs[i], labels[i], t, t / 1000 + i);
    a.commit();
  }
  const total = (5 * H) / 15_000;
  db.maintain(base + 5 * H);
  // 5h span > 1.5 x 2h: [base, base+2h) becomes a block; the rest (under 1.5 ranges) stays in the head.
  assert.equal(db.listBlocks().length, 1);
  assert.equal(db.head.minTime(), base + 2 * H);
  assert.ok(ls(join(dir, 'wal')).some((n) => n.startsWith('checkpoint.')));
  const count = (d: DB) => {
    const s = d.querier().select([equalMatcher('__name__', 'g')], -Infinity, Infinity);
    return s.map((x) => {
      let n = 0;
      const it = x.iterator();
      while (it.next()) n++;
      return n;
    });
  };
  assert.deepEqual(count(db), new Array(N).fill(total));
  // new data after compaction goes on in the head and survives restart with the blocks
  const a = db.appender();
  a.append(0, labels[0], base + 5 * H, 1);
  a.commit();
  db.close();
  db = DB.open(dir);
  assert.deepEqual(count(db), [total + 1, ...new Array(N - 1).fill(total)]);
  // size retention of 1 byte deletes every block but leaves the head alone
  db.close();
  db = DB.open(dir, { retentionBytes: 1 });
  db.maintain(base + 5 * H);
  assert.equal(db.listBlocks().length, 0);
  assert.ok(count(db)[0] > 0);
  db.close();
});

test('replay restores interleaved series in order, out-of-order window samples, and skips what blocks hold', () => {
  const dir = tmp();
  const H = 3600_000;
  const base = 1_700_000_000_000 - (1_700_000_000_000 % (2 * H));
  let db = DB.open(dir, { outOfOrderTimeWindow: 10 * 60_000 });
  const labels = Array.from({ length: 50 }, (_, i) => Labels.fromObject({ __name__: 'r', i: String(i) }));
  const want = labels.map(() => [] as { t: number; v: number }[]);
  // 4h at 60s: every commit touches all series in a different order
  for (let t = base; t < base + 4 * H; t += 60_000) {
    const a = db.appender();
    const k = (t / 60_000) % 50;
    for (let j = 0; j < 50; j++) {
      const i = (j * 7 + k) % 50;
      a.append(0, labels[i], t, t / 1000 + i);
      want[i].push({ t, v: t / 1000 + i });
    }
    a.commit();
  }
  // an out-of-order sample inside the window, for series 3
  const ooo = base + 4 * H - 90_000 + 1;
  const a = db.appender();
  a.append(0, labels[3], ooo, -1);
  a.commit();
  want[3].push({ t: ooo, v: -1 });
  want[3].sort((x, y) => x.t - y.t);
  db.close();

  db = DB.open(dir, { outOfOrderTimeWindow: 10 * 60_000 });
  assert.equal(db.replay.series, 50);
  assert.equal(db.replay.samples, 50 * 240 + 1);
  for (let i = 0; i < 50; i++) assert.deepEqual(readSeries(db, i), want[i], `series ${i}`);
  // compaction persists [base, base+2h); a restart then replays only what the head still needs
  db.maintain(base + 4 * H);
  assert.equal(db.listBlocks().length, 1);
  db.close();
  db = DB.open(dir, { outOfOrderTimeWindow: 10 * 60_000 });
  assert.ok(db.replay.samples <= 50 * 120 + 1, `replayed ${db.replay.samples} samples that blocks do not hold`);
  assert.equal(db.head.minTime(), base + 2 * H);
  for (let i = 0; i < 50; i++) assert.deepEqual(readSeries(db, i), want[i], `series ${i} after compaction`);
  db.close();
});

function readSeries(db: DB, i: number): { t: number; v: number }[] {
  const [s] = db.querier().select([equalMatcher('__name__', 'r'), equalMatcher('i', String(i))], -Infinity, Infinity);
  const out: { t: number; v: number }[] = [];
  const it = s.iterator();
  while (it.next()) out.push({ t: it.t, v: it.v });
  return out;
}
