import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { Labels, Matcher, MatchType } from '../../model/index.ts';
import { Head } from '../head.ts';
import type { Series } from '../interfaces.ts';
import { writeBlock } from './block-writer.ts';
import { MergeQuerier } from './merge-querier.ts';
import { openBlocks } from './open-blocks.ts';

function samples(s: Series): string {
  const out: string[] = [];
  const it = s.iterator();
  while (it.next()) out.push(`${it.v}@${it.t}`);
  return out.join(' ');
}

test('MergeQuerier spans blocks and the head: merged series, later sources win ties, seek works', () => {
  const dir = mkdtempSync(join(tmpdir(), 'osprey-merge-'));
  try {
    const a = Labels.fromObject({ __name__: 'up', job: 'a' });
    const b = Labels.fromObject({ __name__: 'up', job: 'b' });
    const c = Labels.fromObject({ __name__: 'up', job: 'c' });
    writeBlock(dir, [
      { labels: a, timestamps: [0, 10, 20], values: [1, 2, 3] },
      { labels: b, timestamps: [5], values: [50] },
    ]);
    writeBlock(dir, [{ labels: a, timestamps: [20, 30], values: [33, 4] }]);
    const head = new Head();
    const app = head.appender();
    app.append(0, a, 40, 5);
    app.append(0, c, 45, 9);
    app.commit();
    const { blocks, errors } = openBlocks(dir);
    assert.equal(errors.length, 0);
    const q = new MergeQuerier([...blocks.map((bl) => bl.querier()), head.querier()]);
    const got = q.select([new Matcher(MatchType.Equal, '__name__', 'up')], 0, 100);
    assert.deepEqual(
      got.map((s) => [s.labels.get('job'), samples(s)]),
      [
        ['a', '1@0 2@10 33@20 4@30 5@40'],
        ['b', '50@5'],
        ['c', '9@45'],
      ],
    );
    const it = got[0].iterator();
    assert.ok(it.seek(15));
    assert.equal(it.t, 20);
    assert.equal(it.v, 33);
    assert.ok(it.seek(5), 'seek backwards stays');
    assert.equal(it.t, 20);
    assert.ok(it.next());
    assert.equal(it.t, 30);
    assert.ok(it.seek(40));
    assert.equal(it.v, 5);
    assert.equal(it.seek(41), false);
    assert.deepEqual(q.labelValues('job', [], 0, 100), ['a', 'b', 'c']);
    assert.deepEqual(q.labelNames([new Matcher(MatchType.Equal, 'job', 'c')], 0, 100), ['__name__', 'job']);
    // time range restricts the sources
    assert.deepEqual(
      q.select([], 25, 100).map((s) => [s.labels.get('job'), samples(s)]),
      [
        ['a', '4@30 5@40'],
        ['c', '9@45'],
      ],
    );
    for (const bl of blocks) bl.close();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('writeBlockFromQuerier persists a head range as a block, staleness markers bit for bit', async () => {
  const { writeBlockFromQuerier } = await import('./block-writer.ts');
  const { Block } = await import('./block.ts');
  const { STALE_NAN, isStaleNaN } = await import('../../model/index.ts');
  const dir = mkdtempSync(join(tmpdir(), 'osprey-headblock-'));
  try {
    const head = new Head();
    const app = head.appender();
    const want = new Map<string, string>();
    for (let s = 0; s < 20; s++) {
      const l = Labels.fromObject({ __name__: 'm', i: String(s) });
      const xs: string[] = [];
      for (let j = 0; j < 500; j++) {
        const t = j * 30_000 + s;
        const v = j === 100 ? STALE_NAN : s + j / 4;
        app.append(0, l, t, v);
        if (t < 7_200_000) xs.push(`${v}@${t}`);
      }
      want.set(l.toString(), xs.join(' '));
    }
    app.commit();
    const meta = writeBlockFromQuerier(dir, head.querier(), 0, 7_200_000);
    assert.equal(meta.minTime, 0);
    assert.equal(meta.maxTime, 7_200_000);
    assert.equal(meta.stats.numSeries, 20);
    assert.equal(meta.stats.numSamples, 20 * 240);
    const b = new Block(join(dir, meta.ulid));
    let stale = 0;
    for (const s of b.querier().select([], 0, 1e12)) {
      assert.equal(samples(s), want.get(s.labels.toString()));
      const it = s.iterator();
      while (it.next()) if (isStaleNaN(it.v)) stale++;
    }
    assert.equal(stale, 20);
    b.close();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
