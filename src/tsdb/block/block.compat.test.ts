import assert from 'node:assert/strict';
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { Labels, Matcher, MatchType } from '../../model/index.ts';
import { freePort } from '../../testing/free-port.ts';
import { Block, listBlockDirs } from './block.ts';
import { type BlockSeries, writeBlock } from './block-writer.ts';
import { addInterval, type Tombstones, writeTombstones } from './tombstones.ts';

/**
 * Interop with Debian's promtool and prometheus 2.42: they read blocks Osprey writes, and Osprey reads
 * blocks promtool writes.
 */

const PROMTOOL = '/usr/bin/promtool';
const PROMETHEUS = '/usr/bin/prometheus';

function tmp(): string {
  return mkdtempSync(join(tmpdir(), 'osprey-block-compat-'));
}

function promtool(...args: string[]): string {
  return execFileSync(PROMTOOL, args, { encoding: 'utf8', maxBuffer: 256 * 1024 * 1024 });
}

/** Go's %g (shortest digits; exponent form below 1e-4 and from 1e6 up). */
function goG(v: number): string {
  if (Number.isNaN(v)) return 'NaN';
  if (v === Number.POSITIVE_INFINITY) return '+Inf';
  if (v === Number.NEGATIVE_INFINITY) return '-Inf';
  const e = v.toExponential();
  const exp = Number(e.slice(e.indexOf('e') + 1));
  if (exp < -4 || exp >= 6) {
    const [m, x] = e.split('e');
    const n = Number(x);
    return `${m}e${n < 0 ? '-' : '+'}${Math.abs(n) < 10 ? '0' : ''}${Math.abs(n)}`;
  }
  return String(v);
}

/** Series with awkward values: floats, integers, big and tiny numbers, NaN, irregular timestamps. */
function testSeries(n: number, k: number, t0: number): BlockSeries[] {
  const out: BlockSeries[] = [];
  for (let i = 0; i < n; i++) {
    const ts: number[] = [];
    const vs: number[] = [];
    let t = t0 + i;
    for (let j = 0; j < k; j++) {
      t += 15_000 + ((i * j) % 7 === 0 ? 1 : 0) + (j % 50 === 0 ? 60_000 : 0);
      ts.push(t);
      vs.push(
        i % 4 === 0
          ? j
          : i % 4 === 1
            ? Math.sin(j) * 1e3
            : i % 4 === 2
              ? j % 9 === 0
                ? Number.NaN
                : 1e-7 * j
              : 1.5e300,
      );
    }
    out.push({
      labels: Labels.fromObject({
        __name__: `osprey_test_${i % 5}`,
        instance: `10.0.0.${i}:9100`,
        job: i % 2 ? 'node' : 'app',
        loc: 'Zürich ☃',
      }),
      timestamps: ts,
      values: vs,
    });
  }
  return out;
}

async function waitReady(url: string, proc: ChildProcess, ms: number): Promise<void> {
  const deadline = Date.now() + ms;
  while (Date.now() < deadline) {
    if (proc.exitCode !== null) throw new Error(`prometheus exited with ${proc.exitCode}`);
    try {
      const r = await fetch(url);
      if (r.ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error('prometheus did not become ready');
}

test('promtool lists, analyzes and dumps a block Osprey wrote; prometheus queries it', async () => {
  const dir = tmp();
  const data = join(dir, 'data');
  mkdirSync(data);
  let prom: ChildProcess | null = null;
  try {
    const now = Date.now();
    const t0 = now - 5 * 3_600_000;
    const input = testSeries(60, 500, t0);
    const meta = writeBlock(data, input);

    // promtool tsdb list -r: the block, with Osprey's counts
    const list = promtool('tsdb', 'list', '-r', data).trim().split('\n');
    assert.equal(list.length, 2);
    const row = list[1].split(/\s{2,}/);
    assert.equal(row[0], meta.ulid);
    assert.deepEqual(row.slice(4, 7).map(Number), [meta.stats.numSamples, meta.stats.numChunks, meta.stats.numSeries]);
    console.log(`promtool tsdb list: ${row[4]} samples, ${row[5]} chunks, ${row[6]} series`);

    // promtool tsdb analyze (reads the index and, extended, every chunk)
    const analyze = promtool('tsdb', 'analyze', '--extended', data);
    assert.match(analyze, new RegExp(`Block ID: ${meta.ulid}`));
    assert.match(analyze, /\nSeries: 60\n/);
    assert.match(analyze, /\nLabel names: 4\n/);
    assert.match(analyze, /\nPostings \(unique label pairs\): 68\n/); // 5 names + 60 instances + 2 jobs + 1
    assert.match(analyze, /\nPostings entries \(total label pairs\): 240\n/);
    assert.match(analyze, /\n12 osprey_test_0\n/);

    // promtool tsdb dump: every sample, bit for bit as %g prints it
    mkdirSync(join(data, 'wal'));
    const dumped = promtool('tsdb', 'dump', data).trim().split('\n').sort();
    const want: string[] = [];
    for (const s of input) {
      for (let j = 0; j < s.timestamps!.length; j++)
        want.push(`${s.labels.toString()} ${goG(s.values![j])} ${s.timestamps![j]}`);
    }
    want.sort();
    assert.equal(dumped.length, meta.stats.numSamples);
    assert.deepEqual(dumped, want);
    console.log(`promtool tsdb dump: ${dumped.length} samples match`);

    // promtool honours tombstones Osprey writes
    const tdir = join(dir, 'tomb');
    cpSync(data, tdir, { recursive: true });
    const tb = new Block(join(tdir, meta.ulid));
    const victims = tb.index.postings('job', 'node');
    const cut = t0 + 2 * 3_600_000;
    const tomb: Tombstones = new Map();
    for (const ref of victims) addInterval(tomb, ref, Number.MIN_SAFE_INTEGER, cut);
    tb.close();
    writeTombstones(join(tdir, meta.ulid), tomb);
    const afterDelete = promtool('tsdb', 'dump', tdir).trim().split('\n');
    const expected = want.filter((l) => !(l.includes('job="node"') && Number(l.slice(l.lastIndexOf(' ') + 1)) <= cut));
    assert.equal(afterDelete.length, expected.length);
    assert.deepEqual(afterDelete.sort(), expected);
    console.log(`promtool dump with Osprey tombstones: ${afterDelete.length} samples left as expected`);

    // prometheus serves the block
    const copy = join(dir, 'prom-data');
    cpSync(data, copy, { recursive: true });
    const cfg = join(dir, 'prometheus.yml');
    writeFileSync(cfg, 'global:\n  scrape_interval: 1h\n');
    const port = await freePort();
    prom = spawn(
      PROMETHEUS,
      [
        `--config.file=${cfg}`,
        `--storage.tsdb.path=${copy}`,
        `--web.listen-address=127.0.0.1:${port}`,
        '--storage.tsdb.retention.time=100y',
        '--web.enable-admin-api',
      ],
      { stdio: 'ignore' },
    );
    const base = `http://127.0.0.1:${port}`;
    await waitReady(`${base}/-/ready`, prom, 30_000);
    const q = encodeURIComponent('{__name__=~"osprey_test_.*"}[1d]');
    const res = (await (await fetch(`${base}/api/v1/query?query=${q}&time=${(now / 1000).toFixed(3)}`)).json()) as {
      status: string;
      data: { result: { metric: Record<string, string>; values: [number, string][] }[] };
    };
    assert.equal(res.status, 'success');
    assert.equal(res.data.result.length, 60);
    let samples = 0;
    const byLabels = new Map(input.map((s) => [s.labels.toString(), s]));
    for (const r of res.data.result) {
      const src = byLabels.get(Labels.fromObject(r.metric).toString());
      assert.ok(src, JSON.stringify(r.metric));
      assert.equal(r.values.length, src.timestamps!.length);
      for (let j = 0; j < r.values.length; j++) {
        assert.equal(Math.round(r.values[j][0] * 1000), src.timestamps![j]);
        const v = Number(r.values[j][1]);
        assert.ok(Object.is(v, src.values![j]) || (Number.isNaN(v) && Number.isNaN(src.values![j])));
        samples++;
      }
    }
    console.log(`prometheus query over the Osprey block: ${res.data.result.length} series, ${samples} samples match`);

    // prometheus deletes a range of one metric: it writes tombstones into the block, which Osprey honours
    const delStart = t0 + 3_600_000;
    const delEnd = t0 + 7_200_000;
    const del = await fetch(
      `${base}/api/v1/admin/tsdb/delete_series?match[]=osprey_test_1&start=${delStart / 1000}&end=${delEnd / 1000}`,
      { method: 'POST' },
    );
    assert.equal(del.status, 204);
    const blk = new Block(join(copy, meta.ulid));
    const deletedRefs = blk.index.postings('__name__', 'osprey_test_1');
    assert.equal(blk.tombstones.size, deletedRefs.length);
    for (const ref of deletedRefs) assert.deepEqual(blk.tombstones.get(ref), [[delStart, delEnd]]);
    let kept = 0;
    let expectKept = 0;
    for (const s of blk.querier().select([new Matcher(MatchType.Equal, '__name__', 'osprey_test_1')], 0, now)) {
      const src = byLabels.get(s.labels.toString())!;
      expectKept += Array.from(src.timestamps!).filter((t) => t < delStart || t > delEnd).length;
      const it = s.iterator();
      while (it.next()) {
        assert.ok(it.t < delStart || it.t > delEnd);
        kept++;
      }
    }
    assert.equal(kept, expectKept);
    blk.close();
    console.log(`prometheus tombstones read by Osprey: ${deletedRefs.length} series, ${kept} samples left as expected`);
  } finally {
    if (prom !== null && prom.exitCode === null) {
      const exited = new Promise((r) => prom!.once('exit', r));
      prom.kill('SIGTERM');
      await exited;
    }
    rmSync(dir, { recursive: true, force: true });
  }
});

test('Osprey reads blocks made by promtool create-blocks-from openmetrics', () => {
  const dir = tmp();
  try {
    // 3 families across 3 two-hour windows, with NaN, +Inf, escapes and fractional-second timestamps
    const t0 = 1_700_000_000; // seconds
    const lines: string[] = ['# TYPE req counter', '# TYPE temp gauge', '# TYPE odd gauge'];
    const want = new Map<string, [number, number][]>();
    const add = (name: string, labels: Record<string, string>, v: number, tsMs: number, vText: string): void => {
      const lbl = Object.entries(labels)
        .map(([k, x]) => `${k}="${x.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n')}"`)
        .join(',');
      lines.push(`${name}{${lbl}} ${vText} ${(tsMs / 1000).toFixed(3)}`);
      const key = Labels.fromObject({ __name__: name, ...labels }).toString();
      if (!want.has(key)) want.set(key, []);
      want.get(key)!.push([tsMs, v]);
    };
    // OpenMetrics wants a family's samples together, so emit by series
    const reqs: string[] = [];
    for (let s = 0; s < 40; s++) {
      for (let j = 0; j < 600; j++) {
        const t = (t0 + j * 30) * 1000 + (s % 3) * 7;
        const v = s * 1000 + j * 3;
        add('req_total', { path: `/api/${s}`, code: s % 2 ? '200' : '500' }, v, t, String(v));
      }
    }
    reqs.push('');
    for (let j = 0; j < 300; j++) {
      const t = (t0 + j * 60) * 1000 + 250;
      const v = j % 10 === 0 ? Number.NaN : 20 + Math.cos(j) / 3;
      add('temp', { room: 'a"b\\c\nd' }, v, t, Number.isNaN(v) ? 'NaN' : String(v));
    }
    add('odd', { x: 'inf' }, Number.POSITIVE_INFINITY, t0 * 1000, '+Inf');
    add('odd', { x: 'inf' }, -0.5, t0 * 1000 + 1, '-0.5');
    lines.push('# EOF', '');
    // type lines must precede their family: rebuild in family order
    const body = lines.filter((l) => !l.startsWith('#'));
    const text = [
      '# TYPE req counter',
      ...body.filter((l) => l.startsWith('req_total')),
      '# TYPE temp gauge',
      ...body.filter((l) => l.startsWith('temp')),
      '# TYPE odd gauge',
      ...body.filter((l) => l.startsWith('odd')),
      '# EOF',
      '',
    ].join('\n');
    const file = join(dir, 'in.om.txt');
    writeFileSync(file, text);
    const out = join(dir, 'blocks');
    promtool('tsdb', 'create-blocks-from', 'openmetrics', file, out);
    const dirs = listBlockDirs(out);
    assert.ok(dirs.length >= 3, `${dirs.length} blocks`);
    const blocks = dirs.map((d) => new Block(d));
    // every series and sample of the input, read through the querier of each block
    const got = new Map<string, [number, number][]>();
    let totalSamples = 0;
    for (const b of blocks) {
      let blockSamples = 0;
      for (const s of b.querier().select([], -1e15, 1e15)) {
        const key = s.labels.toString();
        if (!got.has(key)) got.set(key, []);
        const it = s.iterator();
        while (it.next()) {
          got.get(key)!.push([it.t, it.v]);
          blockSamples++;
        }
      }
      assert.equal(blockSamples, b.meta.stats.numSamples);
      totalSamples += blockSamples;
    }
    assert.deepEqual([...got.keys()].sort(), [...want.keys()].sort());
    for (const [key, w] of want) {
      const g = got.get(key)!;
      assert.equal(g.length, w.length, key);
      for (let i = 0; i < w.length; i++) {
        assert.equal(g[i][0], w[i][0], key);
        assert.ok(
          Object.is(g[i][1], w[i][1]) || (Number.isNaN(g[i][1]) && Number.isNaN(w[i][1])),
          `${key} ${g[i][1]} ${w[i][1]}`,
        );
      }
    }
    // matchers over promtool's postings
    const count = (ms: Matcher[]): number => blocks.reduce((n, b) => n + b.querier().select(ms, -1e15, 1e15).length, 0);
    const seriesIn = (pred: (k: string) => boolean): number =>
      blocks.reduce(
        (n, b) =>
          n +
          b
            .querier()
            .select([], -1e15, 1e15)
            .filter((s) => pred(s.labels.toString())).length,
        0,
      );
    assert.equal(
      count([new Matcher(MatchType.Equal, 'code', '500')]),
      seriesIn((k) => k.includes('code="500"')),
    );
    assert.equal(
      count([new Matcher(MatchType.NotEqual, 'code', '500')]),
      seriesIn((k) => !k.includes('code="500"')),
    );
    assert.equal(
      count([new Matcher(MatchType.Regex, 'path', '/api/1.*')]),
      seriesIn((k) => k.includes('path="/api/1')),
    );
    assert.equal(
      count([new Matcher(MatchType.NotRegex, '__name__', 'req_total|odd')]),
      seriesIn((k) => k.includes('"temp"')),
    );
    assert.deepEqual(blocks[0].querier().labelValues('room', [], -1e15, 1e15), ['a"b\\c\nd']);
    console.log(
      `promtool backfill read by Osprey: ${blocks.length} blocks, ${got.size} series, ${totalSamples} samples match the input`,
    );
    for (const b of blocks) b.close();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
