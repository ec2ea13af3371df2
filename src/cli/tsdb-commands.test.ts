import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { Command } from 'commander';
import { Labels } from '../model/index.ts';
import { Block, listBlockDirs, writeBlock } from '../tsdb/block/index.ts';
import { registerTsdbCommand } from './tsdb-command.ts';
import {
  analyzeBlock,
  compatibleBlockDuration,
  createBlocksFromOpenMetrics,
  dump,
  listBlocks,
} from './tsdb-commands.ts';
import { formatBase2Bytes, formatGoDurationMs, formatGoUTCSeconds, tabulate } from './tsdb-format.ts';

const CONFORMANCE = fileURLToPath(new URL('../../../shared/conformance/promtool-unittest', import.meta.url));

function tmp(): string {
  return mkdtempSync(join(tmpdir(), 'osprey-tsdb-cli-'));
}

function sortedLines(s: string): string[] {
  return s
    .split('\n')
    .filter((l) => l !== '')
    .sort();
}

/** The data behind promtool's dump test files (conformance README section 5), `load 1m`. */
function writeDumpTestData(dir: string): void {
  const t = [0, 60_000, 120_000, 180_000, 240_000];
  writeBlock(dir, [
    {
      labels: Labels.fromObject({ __name__: 'metric', foo: 'bar', baz: 'abc' }),
      timestamps: t,
      values: [1, 2, 3, 4, 5],
    },
    { labels: Labels.fromObject({ __name__: 'heavy_metric', foo: 'bar' }), timestamps: t, values: [5, 4, 3, 2, 1] },
    { labels: Labels.fromObject({ __name__: 'heavy_metric', foo: 'foo' }), timestamps: t, values: [5, 4, 3, 2, 1] },
  ]);
}

test('dump reproduces promtool dump-test-1/2/3', () => {
  const dir = tmp();
  try {
    writeDumpTestData(dir);
    const cases: [string, Parameters<typeof dump>[1]][] = [
      ['dump-test-1.prom', { match: ["{__name__=~'(?s:.*)'}"] }],
      ['dump-test-1.prom', {}],
      ['dump-test-1.prom', { match: ['{foo=~".+"}'] }],
      ['dump-test-2.prom', { match: ["{__name__='heavy_metric',foo='foo'}", "{__name__='metric'}"] }],
      ['dump-test-3.prom', { match: ["{__name__='metric'}"], minTime: 60_000, maxTime: 120_000 }],
    ];
    let passed = 0;
    for (const [file, opts] of cases) {
      const want = sortedLines(readFileSync(join(CONFORMANCE, file), 'utf8'));
      assert.deepEqual(sortedLines(dump(dir, opts)), want, `${file} ${JSON.stringify(opts)}`);
      passed++;
    }
    console.log(`promtool dump conformance: ${cases.length} ran, ${passed} passed, 0 failed`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('backfill of promtool test data dumps the same samples back', () => {
  const dir = tmp();
  try {
    for (const file of ['dump-openmetrics-test.prom', 'dump-openmetrics-roundtrip-test.prom']) {
      const out = join(dir, file);
      const { blocks, output } = createBlocksFromOpenMetrics(join(CONFORMANCE, file), out);
      assert.ok(blocks.length >= 1);
      assert.match(output, /^BLOCK ULID {18}MIN TIME/);
      // every input line `name{labels} value seconds` comes back as a dump line with ms
      const want = readFileSync(join(CONFORMANCE, file), 'utf8')
        .split('\n')
        .filter((l) => l !== '' && !l.startsWith('#'))
        .map((l) => {
          const m = /^(\w+)\{(.*)\} (\S+) (\S+)$/.exec(l)!;
          const labels = m[2]
            .split(',')
            .map((p) => p.split('='))
            .map(([k, v]) => `${k}=${v}`);
          const ts = Math.round(Number(m[4]) * 1000);
          return `{__name__="${m[1]}", ${labels.sort().join(', ')}} ${String(Number(m[3]))} ${ts}`;
        });
      const got = sortedLines(dump(out)).map((l) =>
        l.replace(/ (\S+) (\d+)$/, (_s, v, t) => ` ${String(Number(v))} ${t}`),
      );
      assert.deepEqual(got, want.sort());
      // blocks are aligned to 2h windows
      for (const b of blocks) {
        assert.equal(Math.floor(b.minTime / 7_200_000), Math.floor((b.maxTime - 1) / 7_200_000));
      }
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('backfill splits into 2h-aligned blocks and needs timestamps', () => {
  const dir = tmp();
  try {
    const f = join(dir, 'in.om');
    writeFileSync(f, '# TYPE a gauge\na{x="1"} 1 7199\na{x="1"} 2 7200\na{x="1"} 3 7201.5\na{x="2"} 4 14400\n# EOF\n');
    const { blocks } = createBlocksFromOpenMetrics(f, join(dir, 'out'));
    assert.deepEqual(
      blocks.map((b) => [b.minTime, b.maxTime, b.stats.numSamples, b.stats.numSeries]),
      [
        [7_199_000, 7_199_001, 1, 1],
        [7_200_000, 7_201_501, 2, 1],
        [14_400_000, 14_400_001, 1, 1],
      ],
    );
    const listing = listBlocks(join(dir, 'out'));
    assert.equal(listing.split('\n').filter((l) => l !== '').length, 4);
    writeFileSync(f, '# TYPE a gauge\na 1\n# EOF\n');
    assert.throws(() => createBlocksFromOpenMetrics(f, join(dir, 'out2')), /expected timestamp/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('list and analyze report the block contents', () => {
  const dir = tmp();
  try {
    writeDumpTestData(dir);
    const [bdir] = listBlockDirs(dir);
    const b = new Block(bdir);
    const size = b.size();
    b.close();
    const lines = listBlocks(dir).split('\n');
    assert.equal(
      lines[0],
      'BLOCK ULID                  MIN TIME     MAX TIME     DURATION     NUM SAMPLES  NUM CHUNKS   NUM SERIES   SIZE',
    );
    const cells = lines[1].split(/\s+/);
    assert.deepEqual(cells.slice(1), ['0', '240001', '4m0.001s', '15', '3', '3', String(size)]);
    const human = listBlocks(dir, true).split('\n')[1];
    assert.match(human, /1970-01-01 00:00:00 \+0000 UTC {2}1970-01-01 00:04:00 \+0000 UTC/);
    const a = analyzeBlock(dir);
    assert.match(a, /^Block ID: [0-9A-Z]{26}\nDuration: 4m0.001s\nSeries: 3\nLabel names: 3\n/);
    assert.match(a, /Postings \(unique label pairs\): 5\nPostings entries \(total label pairs\): 7\n/);
    assert.match(a, /Most common label pairs:\n2 __name__=heavy_metric\n2 foo=bar\n/);
    assert.match(a, /Highest cardinality metric names:\n2 heavy_metric\n1 metric\n$/);
    assert.throws(() => analyzeBlock(dir, '01AAAAAAAAAAAAAAAAAAAAAAAA'), /not found/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('promtool-style formatting helpers', () => {
  assert.equal(formatGoDurationMs(7_200_000), '2h0m0s');
  assert.equal(formatGoDurationMs(15_001), '15.001s');
  assert.equal(formatGoDurationMs(4_485_001), '1h14m45.001s');
  assert.equal(formatGoDurationMs(1), '1ms');
  assert.equal(formatGoDurationMs(60_500), '1m0.5s');
  assert.equal(formatBase2Bytes(568_520), '555KiB200B');
  assert.equal(formatBase2Bytes(1 << 20), '1MiB');
  assert.equal(formatBase2Bytes(681), '681B');
  assert.equal(formatGoUTCSeconds(1_795_540_441_262), '2026-11-24 17:14:01 +0000 UTC');
  assert.equal(
    tabulate([
      ['ab', 'c', 'last'],
      ['x', 'yyyyyyyyyyyyyyy', 'z'],
    ]),
    `${'ab'.padEnd(13)}${'c'.padEnd(17)}last\n${'x'.padEnd(13)}yyyyyyyyyyyyyyy  z\n`,
  );
});

test("compatibleBlockDuration picks promtool's block ranges", () => {
  const H = 3_600_000;
  assert.equal(compatibleBlockDuration(0), 2 * H);
  assert.equal(compatibleBlockDuration(2 * H), 2 * H);
  assert.equal(compatibleBlockDuration(5 * H), 2 * H);
  assert.equal(compatibleBlockDuration(6 * H), 6 * H);
  assert.equal(compatibleBlockDuration(24 * H), 18 * H);
});

test('the osprey tsdb command runs list, dump and backfill', async () => {
  const dir = tmp();
  const chunks: string[] = [];
  try {
    writeDumpTestData(dir);
    const run = async (...args: string[]) => {
      const program = new Command();
      program.exitOverride();
      registerTsdbCommand(program, (s) => chunks.push(s));
      await program.parseAsync(['node', 'osprey', 'tsdb', ...args]);
    };
    await run('list', dir);
    await run('dump', dir, '--match', "{__name__='metric'}", '--min-time', '60000', '--max-time', '120000');
    await run(
      'create-blocks-from',
      'openmetrics',
      join(CONFORMANCE, 'dump-openmetrics-test.prom'),
      join(dir, 'bf'),
      '-q',
    );
    const out = chunks.join('');
    assert.match(out, /^BLOCK ULID/);
    assert.ok(out.endsWith(readFileSync(join(CONFORMANCE, 'dump-test-3.prom'), 'utf8')), out);
    assert.equal(listBlockDirs(join(dir, 'bf')).length, 1);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
