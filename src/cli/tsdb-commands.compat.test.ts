import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { Labels } from '../model/index.ts';
import { Block, compactBlocks, listBlockDirs, writeBlock } from '../tsdb/block/index.ts';
import { analyzeBlock, createBlocksFromOpenMetrics, dump, listBlocks } from './tsdb-commands.ts';

/** `osprey tsdb` against Debian's promtool 2.42 on the same data directories. */

function promtool(...args: string[]): string {
  return execFileSync('/usr/bin/promtool', args, { encoding: 'utf8', maxBuffer: 256 * 1024 * 1024 });
}

function tmp(): string {
  return mkdtempSync(join(tmpdir(), 'osprey-tsdb-cli-compat-'));
}

/** An OpenMetrics file with counters and gauges over ~5 hours, 25 series. */
function openMetricsFile(file: string): void {
  const t0 = 1_700_000_000;
  const out: string[] = ['# TYPE http_requests counter'];
  for (let s = 0; s < 20; s++) {
    for (let j = 0; j < 300; j++)
      out.push(`http_requests_total{handler="/h${s}",code="${200 + (s % 3)}"} ${s * 10 + j} ${t0 + j * 60}.${s % 10}`);
  }
  out.push('# TYPE load gauge');
  for (let s = 0; s < 5; s++) {
    for (let j = 0; j < 1000; j++)
      out.push(`load{cpu="${s}"} ${(Math.sin(j / 10) + s).toPrecision(12)} ${t0 + 100 + j * 17}`);
  }
  out.push('# EOF', '');
  writeFileSync(file, out.join('\n'));
}

/**
 * Sections of analyze output in a comparable form. Entries with equal counts come in no fixed order and the
 * top-20 cut picks arbitrarily among ties, so a section compares as: its title, the counts in order, and
 * the entries whose count is above the section's smallest.
 */
function sections(text: string): unknown[] {
  return text
    .trim()
    .split('\n\n')
    .map((s, i) => {
      const lines = s.split('\n');
      if (i === 0) return lines;
      const [head, ...rest] = lines;
      const counts = rest.map((l) => Number(l.split(' ')[0]));
      const min = Math.min(...counts);
      return [head, counts, rest.filter((l) => Number(l.split(' ')[0]) > min).sort()];
    });
}

test('list, analyze and dump print what promtool prints for the same blocks', () => {
  const dir = tmp();
  try {
    const file = join(dir, 'in.om.txt');
    openMetricsFile(file);
    const theirs = join(dir, 'promtool');
    const ours = join(dir, 'osprey');
    promtool('tsdb', 'create-blocks-from', 'openmetrics', file, theirs);
    const { blocks } = createBlocksFromOpenMetrics(file, ours);
    // an Osprey block from raw samples too
    writeBlock(ours, [
      { labels: Labels.fromObject({ __name__: 'extra', a: 'b' }), timestamps: [1, 2, 3], values: [1, 2, 3] },
    ]);

    let compared = 0;
    for (const d of [theirs, ours]) {
      assert.equal(listBlocks(d), promtool('tsdb', 'list', d));
      assert.equal(listBlocks(d, true), promtool('tsdb', 'list', '-r', d));
      for (const b of listBlockDirs(d)) {
        const ulid = b.slice(-26);
        assert.deepEqual(sections(analyzeBlock(d, ulid)), sections(promtool('tsdb', 'analyze', d, ulid)), ulid);
        compared++;
      }
    }
    console.log(`tsdb list/analyze: ${compared} blocks, output identical to promtool`);

    // backfill: same block boundaries and counts as promtool
    const metaOf = (d: string) =>
      listBlockDirs(d).map((b) => {
        const blk = new Block(b);
        const m = blk.meta;
        blk.close();
        return [m.minTime, m.maxTime, m.stats.numSamples, m.stats.numSeries, m.stats.numChunks];
      });
    assert.deepEqual(
      blocks.map((m) => [m.minTime, m.maxTime, m.stats.numSamples, m.stats.numSeries, m.stats.numChunks]),
      metaOf(theirs),
    );
    // ... and byte-identical index and chunk files
    const theirDirs = listBlockDirs(theirs);
    blocks.forEach((m, i) => {
      for (const f of ['index', 'chunks/000001', 'tombstones']) {
        assert.ok(
          readFileSync(join(ours, m.ulid, f)).equals(readFileSync(join(theirDirs[i], f))),
          `${f} of block ${i}`,
        );
      }
    });
    console.log(`backfill: ${blocks.length} blocks with index, chunks and tombstones byte-identical to promtool's`);

    // dump: Osprey over promtool's blocks and promtool over Osprey's blocks agree with promtool's own dump
    mkdirSync(join(theirs, 'wal'));
    mkdirSync(join(ours, 'wal'));
    const reference = promtool('tsdb', 'dump', theirs).split('\n').filter(Boolean).sort();
    const oursOnTheirs = dump(theirs).split('\n').filter(Boolean).sort();
    const theirsOnOurs = promtool('tsdb', 'dump', '--match={__name__!="extra"}', ours)
      .split('\n')
      .filter(Boolean)
      .sort();
    assert.equal(reference.length, 20 * 300 + 5 * 1000);
    assert.deepEqual(oursOnTheirs, reference);
    assert.deepEqual(theirsOnOurs, reference);
    const sel = ['{__name__="load",cpu=~"[12]"}'];
    assert.deepEqual(
      dump(theirs, { match: sel, minTime: 1_700_003_000_000, maxTime: 1_700_009_000_000 })
        .split('\n')
        .filter(Boolean)
        .sort(),
      promtool('tsdb', 'dump', `--match=${sel[0]}`, '--min-time=1700003000000', '--max-time=1700009000000', theirs)
        .split('\n')
        .filter(Boolean)
        .sort(),
    );
    console.log(`tsdb dump: ${reference.length} samples identical both ways`);

    // compacting promtool's blocks into one: promtool reads the result and dumps the same samples
    const compacted = join(dir, 'compacted');
    mkdirSync(join(compacted, 'wal'), { recursive: true });
    const merged = compactBlocks(compacted, listBlockDirs(theirs))!;
    assert.equal(merged.compaction.level, 2);
    assert.equal(merged.compaction.sources.length, listBlockDirs(theirs).length);
    assert.equal(merged.stats.numSamples, reference.length);
    assert.deepEqual(promtool('tsdb', 'dump', compacted).split('\n').filter(Boolean).sort(), reference);
    assert.match(promtool('tsdb', 'analyze', compacted), /\nSeries: 25\n/);
    console.log(
      `compaction: ${listBlockDirs(theirs).length} promtool blocks -> 1 level-2 block, promtool dumps the same ${reference.length} samples`,
    );

    // bytes per sample on disk, same data
    const bytes = (d: string) =>
      listBlockDirs(d).reduce((n, b) => {
        const blk = new Block(b);
        const s = blk.size();
        blk.close();
        return n + s;
      }, 0);
    const oursBytes =
      bytes(ours) - new Block(listBlockDirs(ours).find((b) => !blocks.some((m) => b.endsWith(m.ulid)))!).size();
    console.log(
      `bytes per sample (blocks): osprey ${(oursBytes / reference.length).toFixed(3)}, promtool ${(bytes(theirs) / reference.length).toFixed(3)}`,
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
