import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { Labels, Matcher, MatchType } from '../../model/index.ts';
import type { Series } from '../interfaces.ts';
import { XorChunk } from '../xor-chunk.ts';
import { Block, listBlockDirs } from './block.ts';
import { type BlockSeries, writeBlock } from './block-writer.ts';
import { compactBlocks } from './compact.ts';
import { deleteBlocksBeyondRetention } from './retention.ts';
import { addInterval, writeTombstones } from './tombstones.ts';

function tmp(): string {
  return mkdtempSync(join(tmpdir(), 'osprey-block-'));
}

function samplesOf(s: Series): [number, number][] {
  const out: [number, number][] = [];
  const it = s.iterator();
  while (it.next()) out.push([it.t, it.v]);
  return out;
}

/** A deterministic data set: `n` series over 3 metrics, `k` samples each at 15 s. */
function dataset(n: number, k: number, t0 = 1_700_000_000_000): BlockSeries[] {
  const out: BlockSeries[] = [];
  for (let i = 0; i < n; i++) {
    const ts: number[] = [];
    const vs: number[] = [];
    for (let j = 0; j < k; j++) {
      ts.push(t0 + j * 15_000 + (i % 3));
      vs.push(j % 17 === 0 ? Number.NaN : i * 0.5 + j);
    }
    const obj: Record<string, string> = {
      __name__: `metric_${i % 3}`,
      instance: `host-${i}`,
      job: i % 2 ? 'odd' : 'even',
    };
    if (i % 5 === 0) obj.zone = `z${i % 4}`;
    out.push({ labels: Labels.fromObject(obj), timestamps: ts, values: vs });
  }
  return out;
}

function sameSamples(a: [number, number][], b: [number, number][]): void {
  assert.equal(a.length, b.length);
  for (let i = 0; i < a.length; i++) {
    assert.equal(a[i][0], b[i][0]);
    assert.ok(
      Object.is(a[i][1], b[i][1]) || (Number.isNaN(a[i][1]) && Number.isNaN(b[i][1])),
      `${a[i][1]} vs ${b[i][1]}`,
    );
  }
}

test('a written block reads back: meta, files, every sample', () => {
  const dir = tmp();
  try {
    const input = dataset(50, 300);
    const meta = writeBlock(dir, input);
    assert.equal(meta.stats.numSeries, 50);
    assert.equal(meta.stats.numSamples, 50 * 300);
    assert.equal(meta.stats.numChunks, 50 * 3); // 120 + 120 + 60
    assert.equal(meta.minTime, 1_700_000_000_000);
    assert.equal(meta.maxTime, 1_700_000_000_000 + 299 * 15_000 + 2 + 1);
    assert.deepEqual(meta.compaction, { level: 1, sources: [meta.ulid] });
    const bdir = join(dir, meta.ulid);
    assert.deepEqual(readdirSync(bdir).sort(), ['chunks', 'index', 'meta.json', 'tombstones']);
    assert.deepEqual(readdirSync(join(bdir, 'chunks')), ['000001']);
    assert.deepEqual(JSON.parse(readFileSync(join(bdir, 'meta.json'), 'utf8')), meta);
    const b = new Block(bdir);
    const got = b.querier().select([], 0, 2e12);
    assert.equal(got.length, 50);
    const byKey = new Map(input.map((s) => [s.labels.toString(), s]));
    const gotSamples = got.map(samplesOf);
    for (const s of got) {
      const src = byKey.get(s.labels.toString())!;
      const want: [number, number][] = Array.from(src.timestamps!, (t, i) => [t, src.values![i]]);
      sameSamples(samplesOf(s), want);
    }
    b.close();
    // the same through positioned reads instead of a preloaded segment
    const ranged = new Block(bdir, { preloadBytes: 0 });
    const again = ranged.querier().select([], 0, 2e12);
    assert.equal(again.length, got.length);
    for (let i = 0; i < got.length; i++) sameSamples(samplesOf(again[i]), gotSamples[i]);
    assert.throws(() => got[0].iterator(), /closed/);
    ranged.close();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('select with =, !=, =~, !~ matches a brute-force filter; labelNames/labelValues agree', () => {
  const dir = tmp();
  try {
    const input = dataset(60, 10);
    const meta = writeBlock(dir, input);
    const b = new Block(join(dir, meta.ulid));
    const q = b.querier();
    const cases: Matcher[][] = [
      [new Matcher(MatchType.Equal, '__name__', 'metric_1')],
      [new Matcher(MatchType.Equal, 'job', 'odd'), new Matcher(MatchType.NotEqual, '__name__', 'metric_0')],
      [new Matcher(MatchType.Regex, 'instance', 'host-1.*')],
      [new Matcher(MatchType.Regex, 'instance', 'host-1|host-2|nope')],
      [new Matcher(MatchType.NotRegex, 'zone', 'z0|z1')],
      [new Matcher(MatchType.Equal, 'zone', '')],
      [new Matcher(MatchType.NotEqual, 'zone', ''), new Matcher(MatchType.Regex, '__name__', '.+')],
      [new Matcher(MatchType.Regex, 'zone', 'z2|')],
      [new Matcher(MatchType.Equal, 'nosuch', 'x')],
      [new Matcher(MatchType.NotRegex, 'job', '.*')],
    ];
    for (const ms of cases) {
      const want = input
        .filter((s) => ms.every((m) => m.matches(s.labels.get(m.name))))
        .map((s) => s.labels.toString())
        .sort();
      const got = q.select(ms, 0, 2e12).map((s) => s.labels.toString());
      assert.deepEqual(got, want, ms.join(','));
      const names = [
        ...new Set(
          input.filter((s) => ms.every((m) => m.matches(s.labels.get(m.name)))).flatMap((s) => s.labels.names()),
        ),
      ].sort();
      assert.deepEqual(q.labelNames(ms, 0, 2e12), names);
      const zones = [
        ...new Set(
          input
            .filter((s) => ms.every((m) => m.matches(s.labels.get(m.name))))
            .map((s) => s.labels.get('zone'))
            .filter((v) => v !== ''),
        ),
      ].sort();
      assert.deepEqual(q.labelValues('zone', ms, 0, 2e12), zones);
    }
    assert.deepEqual(q.labelNames([], 0, 2e12), ['__name__', 'instance', 'job', 'zone']);
    assert.deepEqual(q.labelValues('job', [], 0, 2e12), ['even', 'odd']);
    // outside the block's time range: nothing
    assert.deepEqual(q.select([], 0, 1000), []);
    assert.deepEqual(q.labelNames([], 0, 1000), []);
    b.close();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('time clipping, seek across chunks, and tombstones', () => {
  const dir = tmp();
  try {
    const ts = Array.from({ length: 400 }, (_, i) => i * 1000);
    const vs = ts.map((t) => t / 1000);
    const meta = writeBlock(dir, [{ labels: Labels.fromObject({ __name__: 'x' }), timestamps: ts, values: vs }]);
    const bdir = join(dir, meta.ulid);
    let b = new Block(bdir);
    const [s] = b.querier().select([], 100_500, 250_000);
    assert.equal(s.chunkRefs.length, 3, 'only chunks overlapping the range are selected (of 4)');
    const got = samplesOf(s);
    assert.equal(got[0][0], 101_000);
    assert.equal(got[got.length - 1][0], 250_000);
    assert.equal(got.length, 150);
    const it = b.querier().select([], 0, 1e9)[0].iterator();
    assert.ok(it.seek(333_000));
    assert.equal(it.t, 333_000);
    assert.ok(it.seek(10));
    assert.equal(it.t, 333_000, 'seek never goes back');
    assert.ok(it.next());
    assert.equal(it.v, 334);
    assert.equal(it.seek(1e9), false);
    b.close();
    // delete [10s, 20s] and [300s, 500s]
    const ref = new Block(bdir).index.allPostings()[0];
    const tomb = new Map();
    addInterval(tomb, ref, 10_000, 20_000);
    addInterval(tomb, ref, 300_000, 500_000);
    writeTombstones(bdir, tomb);
    b = new Block(bdir);
    const left = samplesOf(b.querier().select([], 0, 1e9)[0]);
    assert.equal(left.length, 400 - 11 - 100);
    assert.ok(!left.some(([t]) => (t >= 10_000 && t <= 20_000) || t >= 300_000));
    b.close();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('pre-encoded chunks are stored byte for byte', () => {
  const dir = tmp();
  try {
    const c = new XorChunk();
    for (let i = 0; i < 10; i++) c.append(1000 + i * 10, i * 1.25);
    const meta = writeBlock(dir, [
      { labels: Labels.fromObject({ __name__: 'pre' }), chunks: [{ minTime: 1000, maxTime: 1090, data: c.bytes() }] },
      { labels: Labels.fromObject({ __name__: 'empty' }), timestamps: [], values: [] },
    ]);
    assert.equal(meta.stats.numSeries, 1, 'series without samples are left out');
    const b = new Block(join(dir, meta.ulid));
    const [s] = b.querier().select([], 0, 1e9);
    assert.deepEqual(Buffer.from(b.chunks.chunk(s.chunkRefs[0], true).data), Buffer.from(c.bytes()));
    b.close();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('compaction merges series, concatenates or re-encodes chunks, raises the level', () => {
  const dir = tmp();
  try {
    const t0 = 1_700_000_000_000;
    const a = writeBlock(dir, dataset(20, 100, t0));
    const b = writeBlock(dir, dataset(30, 100, t0 + 7_200_000));
    // an overlapping block for some series: its samples win on equal timestamps
    const over = writeBlock(dir, [{ labels: dataset(1, 1)[0].labels, timestamps: [t0, t0 + 7_500], values: [42, 43] }]);
    const dirs = [a, b, over].map((m) => join(dir, m.ulid));
    const m = compactBlocks(dir, dirs, { deleteSources: true })!;
    assert.equal(m.compaction.level, 2);
    assert.deepEqual(m.compaction.sources, [a.ulid, b.ulid, over.ulid].sort());
    assert.equal(m.minTime, t0);
    assert.equal(m.maxTime, Math.max(a.maxTime, b.maxTime));
    assert.equal(m.stats.numSeries, 30);
    assert.equal(m.stats.numSamples, 20 * 100 + 30 * 100 + 1);
    for (const d of dirs) assert.equal(existsSync(d), false);
    assert.deepEqual(listBlockDirs(dir), [join(dir, m.ulid)]);
    const blk = new Block(join(dir, m.ulid));
    const q = blk.querier();
    const first = q.select([new Matcher(MatchType.Equal, 'instance', 'host-0')], 0, 2e12)[0];
    const got = samplesOf(first);
    assert.equal(got.length, 201);
    assert.deepEqual(got[0], [t0, 42]);
    assert.deepEqual(got[1], [t0 + 7_500, 43]);
    assert.deepEqual(got[2], [t0 + 15_000, 1]);
    for (let i = 1; i < got.length; i++) assert.ok(got[i][0] > got[i - 1][0]);
    const s25 = samplesOf(q.select([new Matcher(MatchType.Equal, 'instance', 'host-25')], 0, 2e12)[0]);
    assert.equal(s25.length, 100);
    blk.close();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('retention deletes blocks by time and by size, oldest first', () => {
  const dir = tmp();
  try {
    const H = 3_600_000;
    const metas = [0, 1, 2, 3].map((i) => writeBlock(dir, dataset(5, 20, i * 2 * H)));
    const del = deleteBlocksBeyondRetention(dir, { retentionMs: 4 * H });
    // newest maxTime ~ 6h+5min; blocks ending 4h or more before it go
    assert.deepEqual(
      del.map((d) => d.ulid),
      [metas[1].ulid, metas[0].ulid],
    );
    assert.deepEqual(listBlockDirs(dir).length, 2);
    const sizes = listBlockDirs(dir).map((d) => {
      const b = new Block(d);
      const n = b.size();
      b.close();
      return n;
    });
    const bySize = deleteBlocksBeyondRetention(dir, { retentionBytes: Math.max(...sizes) + 1 });
    assert.deepEqual(
      bySize.map((d) => [d.ulid, d.reason]),
      [[metas[2].ulid, 'size']],
    );
    assert.deepEqual(listBlockDirs(dir), [join(dir, metas[3].ulid)]);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('100k series write and open in seconds', () => {
  const dir = tmp();
  try {
    const series: BlockSeries[] = [];
    for (let i = 0; i < 100_000; i++) {
      series.push({
        labels: Labels.fromObject({ __name__: `m${i % 50}`, instance: `i${i}`, job: `j${i % 10}` }),
        timestamps: [0, 15_000, 30_000, 45_000],
        values: [i, i + 1, i + 2, i + 3],
      });
    }
    let t = performance.now();
    const meta = writeBlock(dir, series);
    const writeMs = performance.now() - t;
    t = performance.now();
    const b = new Block(join(dir, meta.ulid));
    const sel = b.querier().select([new Matcher(MatchType.Equal, '__name__', 'm7')], 0, 1e9);
    const readMs = performance.now() - t;
    console.log(`100k series: write ${writeMs.toFixed(0)} ms, open + select ${readMs.toFixed(0)} ms`);
    assert.equal(sel.length, 2000);
    assert.equal(meta.stats.numSamples, 400_000);
    assert.ok(writeMs < 10_000 && readMs < 5_000);
    b.close();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('repairDataDir removes temporary directories and parents of a finished compaction', async () => {
  const { mkdirSync, cpSync } = await import('node:fs');
  const { repairDataDir } = await import('./repair.ts');
  const dir = tmp();
  try {
    const a = writeBlock(dir, dataset(3, 10, 0));
    const b = writeBlock(dir, dataset(3, 10, 7_200_000));
    // simulate a crash after the compacted block was renamed in, before its parents were deleted
    const keepA = join(dir, 'keepA');
    cpSync(join(dir, a.ulid), keepA, { recursive: true });
    const merged = compactBlocks(dir, [join(dir, a.ulid), join(dir, b.ulid)], { deleteSources: false })!;
    mkdirSync(join(dir, `${merged.ulid}x.tmp-for-creation`));
    const removed = repairDataDir(dir)
      .map((p) => p.slice(dir.length + 1))
      .sort();
    assert.deepEqual(removed, [a.ulid, b.ulid, `${merged.ulid}x.tmp-for-creation`].sort());
    assert.deepEqual(listBlockDirs(dir), [join(dir, merged.ulid)]);
    assert.deepEqual(readdirSync(dir).sort(), ['keepA', merged.ulid].sort());
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('openBlocks reports a corrupted block and opens the rest', async () => {
  const { writeFileSync } = await import('node:fs');
  const { openBlocks } = await import('./open-blocks.ts');
  const dir = tmp();
  try {
    const good = writeBlock(dir, dataset(3, 10, 0));
    const bad = writeBlock(dir, dataset(3, 10, 7_200_000));
    const idx = join(dir, bad.ulid, 'index');
    const buf = readFileSync(idx);
    buf[buf.length - 10] ^= 0xff;
    writeFileSync(idx, buf);
    const badMeta = writeBlock(dir, dataset(3, 10, 14_400_000));
    writeFileSync(join(dir, badMeta.ulid, 'meta.json'), '{"ulid": ');
    const { blocks, errors } = openBlocks(dir);
    assert.deepEqual(
      blocks.map((b) => b.ulid),
      [good.ulid],
    );
    assert.deepEqual(errors.map((e) => e.dir.slice(-26)).sort(), [bad.ulid, badMeta.ulid].sort());
    assert.match(errors.find((e) => e.dir.endsWith(bad.ulid))!.error.message, /TOC: checksum mismatch/);
    for (const b of blocks) b.close();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
