import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { segmentName, WAL } from '../tsdb/wal/index.ts';
import { readSegmentFrom } from './wal-tail.ts';

const dirs: string[] = [];
after(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

function record(i: number, size: number): Uint8Array {
  const r = new Uint8Array(size);
  for (let j = 0; j < size; j++) r[j] = (i * 31 + j) & 0xff;
  r[0] = 2;
  return r;
}

test('tails a segment cut at any byte: only whole records, and resuming yields the rest in order', () => {
  const dir = mkdtempSync(join(tmpdir(), 'osprey-tail-'));
  dirs.push(dir);
  const wal = new WAL(dir);
  // Sizes cross page boundaries (32 KiB) and force padding.
  const sizes = [10, 40_000, 32_700, 5, 100_000, 1, 32_761, 7];
  const recs = sizes.map((s, i) => record(i, s));
  for (const r of recs) wal.log(r);
  wal.close();
  const full = readFileSync(join(dir, segmentName(0)));
  const cutDir = join(dir, 'cut');
  mkdirSync(cutDir);
  const cuts = [0, 7, 17, 32_768, 40_100, 70_000, 98_000, 150_000, 200_000, full.length - 3, full.length];
  for (const cut of cuts) {
    writeFileSync(join(cutDir, segmentName(0)), full.subarray(0, cut));
    const got: Uint8Array[] = [];
    const r1 = readSegmentFrom(cutDir, 0, 0, (rec) => {
      got.push(rec.slice());
      return true;
    });
    writeFileSync(join(cutDir, segmentName(0)), full);
    const r2 = readSegmentFrom(cutDir, 0, r1.offset, (rec) => {
      got.push(rec.slice());
      return true;
    });
    assert.equal(r2.offset, full.length, `cut ${cut}`);
    assert.equal(got.length, recs.length, `cut ${cut}`);
    for (let i = 0; i < recs.length; i++) assert.deepEqual(got[i], recs[i], `cut ${cut} record ${i}`);
  }
});

test('a missing segment reports size -1; onRecord returning false stops after that record', () => {
  const dir = mkdtempSync(join(tmpdir(), 'osprey-tail-'));
  dirs.push(dir);
  assert.equal(readSegmentFrom(dir, 3, 0, () => true).size, -1);
  const wal = new WAL(dir);
  for (let i = 0; i < 5; i++) wal.log(record(i, 100));
  wal.close();
  let n = 0;
  const r = readSegmentFrom(dir, 0, 0, () => ++n < 2);
  assert.equal(n, 2);
  let rest = 0;
  readSegmentFrom(dir, 0, r.offset, () => {
    rest++;
    return true;
  });
  assert.equal(rest, 3);
});
