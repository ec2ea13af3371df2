import assert from 'node:assert/strict';
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { Labels } from '../src/model/index.ts';
import { freePort } from '../src/testing/free-port.ts';
import { DB } from '../src/tsdb/index.ts';
import { startOsprey } from './helpers.ts';

/** Interop of whole data directories: promtool reads what Osprey's DB writes; Osprey and Prometheus agree on promtool's. */

const H = 3_600_000;
const promtool = (...args: string[]) =>
  execFileSync('/usr/bin/promtool', args, { encoding: 'utf8', maxBuffer: 256 * 1024 * 1024 });

test('promtool tsdb list and analyze agree with Osprey on a data directory its DB wrote', () => {
  const dir = mkdtempSync(join(tmpdir(), 'osprey-promtool-'));
  try {
    const now = Date.now();
    const t0 = Math.floor((now - 7 * H) / (2 * H)) * 2 * H;
    const db = DB.open(dir);
    const SERIES = 40;
    // 6.5h of samples every 30s; series churn (half the series stop after 3h) so blocks differ
    for (let t = t0; t < t0 + 6.5 * H; t += 30_000) {
      const app = db.appender();
      for (let s = 0; s < SERIES; s++) {
        if (s % 2 === 1 && t > t0 + 3 * H) continue;
        app.append(
          0,
          Labels.fromObject({ __name__: `m${s % 4}`, job: 'j', instance: `i${s}` }),
          t,
          Math.sin(t / 1e6) * s,
        );
      }
      app.commit();
    }
    db.maintain(t0 + 6.5 * H);
    const blocks = db.listBlocks();
    assert.ok(blocks.length >= 1, 'compaction wrote blocks');
    // everything older than the head is in blocks: 2 compactions of 2h (merged or not)
    const persistedEnd = blocks[blocks.length - 1].maxTime;
    assert.equal(persistedEnd - blocks[0].minTime, 4 * H);
    let expected = 0;
    for (let t = t0; t < persistedEnd; t += 30_000) expected += t > t0 + 3 * H ? SERIES / 2 : SERIES;
    const rows = promtool('tsdb', 'list', '-r', dir)
      .trim()
      .split('\n')
      .slice(1)
      .map((l) => l.split(/\s{2,}/));
    assert.equal(rows.length, blocks.length);
    let total = 0;
    for (const b of blocks) {
      const row = rows.find((r) => r[0] === b.ulid);
      assert.ok(row, `promtool lists block ${b.ulid}`);
      assert.deepEqual(
        row.slice(4, 7).map(Number),
        [b.meta.stats.numSamples, b.meta.stats.numChunks, b.meta.stats.numSeries],
        `samples, chunks, series of ${b.ulid}`,
      );
      // Osprey's own count of samples in the block's range agrees with the meta both tools print
      let n = 0;
      for (const s of b.querier().select([], b.minTime, b.maxTime - 1)) {
        const it = s.iterator();
        while (it.next()) n++;
      }
      assert.equal(n, b.meta.stats.numSamples);
      total += n;
      const analyze = promtool('tsdb', 'analyze', dir, b.ulid);
      assert.match(analyze, new RegExp(`Block ID: ${b.ulid}`));
      assert.match(analyze, new RegExp(`\\nSeries: ${b.meta.stats.numSeries}\\n`));
      assert.match(analyze, /\nLabel names: 3\n/);
    }
    assert.equal(total, expected, 'every appended sample of the persisted range is in the blocks');
    console.log(`promtool agrees on ${blocks.length} blocks, ${total} samples`);
    db.close();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('Osprey answers query_range over promtool-made blocks exactly like Prometheus 2.42', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'osprey-promtool-q-'));
  let prom: ChildProcess | null = null;
  let osprey: Awaited<ReturnType<typeof startOsprey>> | null = null;
  try {
    const end = Math.floor(Date.now() / 1000 / 60) * 60 - 3600;
    const start = end - 5 * 3600;
    // samples off the step grid: Prometheus 2.42 range selectors are closed on the left, Osprey's (like
    // Prometheus 3) open; with no sample on a boundary both select the same samples
    const lines: string[] = ['# TYPE temp gauge'];
    for (const room of ['a', 'b', 'c'])
      for (let t = start + 7; t <= end; t += 15)
        lines.push(`temp{room="${room}"} ${(20 + Math.sin(t / 600) * 5).toFixed(3)} ${t}`);
    lines.push('# TYPE reqs counter');
    for (const code of ['200', '500']) {
      let v = 0;
      for (let t = start + 7; t <= end; t += 15) {
        v += code === '200' ? (t % 7) + 1 : t % 3 === 0 ? 1 : 0;
        if (t === start + 7 + 2 * 3600) v = 0; // a counter reset
        lines.push(`reqs_total{code="${code}"} ${v} ${t}`);
      }
    }
    lines.push('# EOF');
    const file = join(dir, 'input.om');
    writeFileSync(file, `${lines.join('\n')}\n`);
    const made = join(dir, 'made');
    mkdirSync(made);
    promtool('tsdb', 'create-blocks-from', 'openmetrics', file, made);
    const promDir = join(dir, 'prom');
    const ospreyDir = join(dir, 'osprey');
    cpSync(made, promDir, { recursive: true });
    cpSync(made, ospreyDir, { recursive: true });

    const cfg = join(dir, 'prometheus.yml');
    writeFileSync(cfg, 'global:\n  scrape_interval: 1h\n');
    const port = await freePort();
    prom = spawn(
      '/usr/bin/prometheus',
      [`--config.file=${cfg}`, `--storage.tsdb.path=${promDir}`, `--web.listen-address=127.0.0.1:${port}`],
      { stdio: 'ignore' },
    );
    const promUrl = `http://127.0.0.1:${port}`;
    for (let i = 0; ; i++) {
      try {
        if ((await fetch(`${promUrl}/-/ready`)).status === 200) break;
      } catch {
        // starting
      }
      if (i > 150) throw new Error('prometheus did not become ready');
      await new Promise((r) => setTimeout(r, 200));
    }
    osprey = await startOsprey(null, { 'storage.tsdb.path': ospreyDir });

    const queries = [
      'temp',
      'sum by (room) (temp)',
      'max_over_time(temp[30m])',
      'rate(reqs_total[5m])',
      'increase(reqs_total{code="500"}[1h])',
      'count(temp > 22)',
    ];
    let same = 0;
    for (const q of queries) {
      const qs = `query=${encodeURIComponent(q)}&start=${start}&end=${end}&step=300`;
      const url = osprey.url;
      type Answer = { status: string; data: { result: unknown[] } };
      const [a, b] = (await Promise.all([
        fetch(`${promUrl}/api/v1/query_range?${qs}`).then((r) => r.json()),
        fetch(`${url}/api/v1/query_range?${qs}`).then((r) => r.json()),
      ])) as [Answer, Answer];
      assert.equal(a.status, 'success', JSON.stringify(a));
      assert.ok(a.data.result.length > 0, `${q}: Prometheus returns data`);
      assert.deepEqual(b.data, a.data, `${q}: Osprey and Prometheus disagree`);
      same++;
    }
    console.log(`${same}/${queries.length} range queries identical to Prometheus over promtool's blocks`);
  } finally {
    if (osprey) await osprey.server.stop();
    if (prom && prom.exitCode === null) {
      const exited = new Promise((r) => prom!.once('exit', r));
      prom.kill('SIGTERM');
      await exited;
    }
    rmSync(dir, { recursive: true, force: true });
  }
});
