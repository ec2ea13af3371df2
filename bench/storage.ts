// Storage benchmark: bytes per sample in compacted blocks (Osprey's DB vs promtool's backfill), WAL replay
// time (Osprey vs /usr/bin/prometheus restarting after kill -9) and RSS per series after replay and after
// compaction. Both servers are measured as whole processes started the same way.
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { Labels } from '../src/model/index.ts';
import { encodeWriteRequestBody } from '../src/remote/index.ts';
import { freePort } from '../src/testing/free-port.ts';
import { openBlocks } from '../src/tsdb/block/index.ts';
import { DB } from '../src/tsdb/index.ts';

const H = 3_600_000;
const ROOT = new URL('..', import.meta.url).pathname;

export interface StorageBenchResult {
  ospreyBytesPerSample: number;
  prometheusBytesPerSample: number;
  ospreyReplayMs: number;
  ospreyStartupMs: number;
  prometheusStartupMs: number;
  ospreyLoggedReplayMs: number;
  prometheusLoggedReplayMs: number;
  ospreyRssPerSeries: number;
  prometheusRssPerSeries: number;
  ospreyRssPerSeriesAfterCompaction: number;
  /** Head compaction of N series x 2h: how long the event loop was blocked, on the main thread vs in the worker. */
  compactionBlockedMsSync: number;
  compactionMaxLoopDelayMsBackground: number;
}

/** Deterministic data: counters (random increments), gauges (2-decimal random walk), constants. */
function generator(series: number, seed = 42) {
  let x = seed;
  const rnd = () => {
    x = (x * 1103515245 + 12345) % 2147483648;
    return x / 2147483648;
  };
  const labels = Array.from({ length: series }, (_, i) =>
    Labels.fromObject({
      __name__: ['http_requests_total', 'node_temp', 'up', 'queue_len'][i % 4],
      instance: `host-${Math.floor(i / 40)}:9100`,
      job: 'node',
      idx: String(i),
    }),
  );
  const state = new Float64Array(series).map(() => Math.round(rnd() * 1000));
  const next = (i: number): number => {
    switch (i % 4) {
      case 0:
        state[i] += Math.floor(rnd() * 100);
        return state[i];
      case 1:
        state[i] = Math.round((state[i] + (rnd() - 0.5) * 4) * 100) / 100;
        return state[i];
      case 2:
        return 1;
      default:
        state[i] = Math.max(0, state[i] + Math.floor((rnd() - 0.5) * 10));
        return state[i];
    }
  };
  return { labels, next };
}

/** CPU time of a process so far (user + system of all its threads), from /proc (10 ms ticks). */
function cpuMs(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  // fields 14 and 15 of stat (utime, stime) are 11 and 12 after the command name and state
  return (Number(f[11]) + Number(f[12])) * 10;
}

function rssBytes(pid: number): number {
  const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return m ? Number(m[1]) * 1024 : 0;
}

async function waitReady(url: string, child: ChildProcess, timeoutMs = 300_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (Date.now() < end) {
    if (child.exitCode !== null) throw new Error(`process exited with ${child.exitCode}`);
    try {
      if ((await fetch(`${url}/-/ready`)).status === 200) return;
    } catch {
      // not up yet
    }
    await new Promise((r) => setTimeout(r, 20));
  }
  throw new Error(`${url} did not become ready`);
}

async function stop(child: ChildProcess, signal: NodeJS.Signals = 'SIGTERM'): Promise<void> {
  if (child.exitCode !== null) return;
  const exited = new Promise((r) => child.once('exit', r));
  child.kill(signal);
  await exited;
}

interface Started {
  child: ChildProcess;
  url: string;
  startupMs: number;
  /** CPU time (user + system, all threads) the process used until it was ready. */
  startupCpuMs: number;
  /** What the process logged on stderr (Prometheus logs its WAL replay duration there). */
  log: () => string;
}

/** Go duration as logged by Prometheus (e.g. 301.5ms, 1.2s, 250µs) in ms. */
function goDurationMs(s: string): number {
  const m = /^([\d.]+)(ns|µs|us|ms|s|m)$/.exec(s);
  if (!m) return Number.NaN;
  const f: Record<string, number> = { ns: 1e-6, µs: 1e-3, us: 1e-3, ms: 1, s: 1000, m: 60_000 };
  return Number(m[1]) * f[m[2]];
}

async function startPrometheus(dataDir: string, cfg: string, extra: string[] = []): Promise<Started> {
  const port = await freePort();
  const started = Date.now();
  const child = spawn(
    '/usr/bin/prometheus',
    [`--config.file=${cfg}`, `--storage.tsdb.path=${dataDir}`, `--web.listen-address=127.0.0.1:${port}`, ...extra],
    { stdio: ['ignore', 'ignore', 'pipe'] },
  );
  let log = '';
  child.stderr?.on('data', (d: Buffer) => {
    log += d.toString();
  });
  const url = `http://127.0.0.1:${port}`;
  await waitReady(url, child);
  return { child, url, startupMs: Date.now() - started, startupCpuMs: cpuMs(child.pid!), log: () => log };
}

async function startOsprey(dataDir: string, cfg: string): Promise<Started> {
  const port = await freePort();
  const started = Date.now();
  const child = spawn(
    process.execPath,
    [
      join(ROOT, 'bin/osprey.js'),
      'run',
      `--config.file=${cfg}`,
      `--storage.tsdb.path=${dataDir}`,
      `--web.listen-address=127.0.0.1:${port}`,
    ],
    { stdio: ['ignore', 'pipe', 'pipe'], cwd: ROOT },
  );
  let log = '';
  const collect = (d: Buffer) => {
    log += d.toString();
  };
  child.stdout?.on('data', collect);
  child.stderr?.on('data', collect);
  const url = `http://127.0.0.1:${port}`;
  await waitReady(url, child);
  return { child, url, startupMs: Date.now() - started, startupCpuMs: cpuMs(child.pid!), log: () => log };
}

function blocksBytesPerSample(dir: string): { bytes: number; samples: number; blocks: number } {
  const { blocks, errors } = openBlocks(dir);
  if (errors.length > 0) throw errors[0].error;
  let bytes = 0;
  let samples = 0;
  for (const b of blocks) {
    bytes += b.size();
    samples += b.meta.stats.numSamples;
    b.close();
  }
  return { bytes, samples, blocks: blocks.length };
}

/** Part 1: same data through Osprey's DB (head compaction + merges) and promtool's backfill. */
function bytesPerSample(work: string, series: number, hours: number, stepMs: number) {
  const end = Math.floor(Date.now() / (2 * H)) * 2 * H - 2 * H;
  const start = end - hours * H;
  const gen = generator(series);
  const ospreyDir = join(work, 'bps-osprey');
  const db = DB.open(ospreyDir);
  const lines: string[] = [];
  const perSeries: string[][] = gen.labels.map(() => []);
  for (let t = start; t < end; t += stepMs) {
    const app = db.appender();
    for (let i = 0; i < series; i++) {
      const v = gen.next(i);
      app.append(0, gen.labels[i], t, v);
      perSeries[i].push(`${v} ${t / 1000}`);
    }
    app.commit();
  }
  db.maintain(end + 2 * H); // persists everything older than the last ~1.5 ranges
  db.close();
  const osprey = blocksBytesPerSample(ospreyDir);

  // OpenMetrics input for promtool: families grouped, series by series, time ascending
  const families = new Map<string, number[]>();
  gen.labels.forEach((l, i) => {
    const name = l.get('__name__');
    const list = families.get(name) ?? [];
    list.push(i);
    families.set(name, list);
  });
  for (const [name, idxs] of families) {
    lines.push(`# TYPE ${name} gauge`);
    for (const i of idxs) {
      const pairs: string[] = [];
      gen.labels[i].forEach((k, v) => {
        if (k !== '__name__') pairs.push(`${k}="${v}"`);
      });
      const sel = `{${pairs.join(',')}}`;
      for (const sv of perSeries[i]) lines.push(`${name}${sel} ${sv}`);
    }
  }
  lines.push('# EOF');
  const om = join(work, 'bps.om');
  writeFileSync(om, `${lines.join('\n')}\n`);
  const promDir = join(work, 'bps-prom');
  mkdirSync(promDir);
  try {
    execFileSync('/usr/bin/promtool', ['tsdb', 'create-blocks-from', 'openmetrics', om, promDir], { stdio: 'pipe' });
  } catch (e) {
    throw new Error(`promtool create-blocks-from: ${(e as { stderr?: Buffer }).stderr?.toString()}`);
  }
  const prom = blocksBytesPerSample(promDir);
  return { osprey, prom };
}

/** Remote-writes the data into a running Prometheus, in time order (its head rejects samples > 1h older). */
async function remoteWrite(
  url: string,
  labels: Labels[],
  next: (i: number) => number,
  start: number,
  end: number,
  stepMs: number,
) {
  const windowMs = 10 * stepMs;
  for (let w = start; w < end; w += windowMs) {
    const ts: number[] = [];
    for (let t = w; t < Math.min(end, w + windowMs); t += stepMs) ts.push(t);
    for (let off = 0; off < labels.length; off += 2000) {
      const batch = labels.slice(off, off + 2000).map((l, k) => ({
        labels: l,
        timestamps: ts,
        values: ts.map(() => next(off + k)),
      }));
      const r = await fetch(`${url}/api/v1/write`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/x-protobuf', 'Content-Encoding': 'snappy' },
        body: encodeWriteRequestBody(batch),
      });
      if (r.status !== 204) throw new Error(`prometheus remote write: ${r.status} ${await r.text()}`);
    }
  }
}

export async function runStorageBench(
  opts: { series?: number; samples?: number; bpsSeries?: number; bpsHours?: number } = {},
): Promise<StorageBenchResult> {
  const N = opts.series ?? 10_000;
  const M = opts.samples ?? 100;
  const work = mkdtempSync(join(tmpdir(), 'osprey-storage-bench-'));
  const cfg = join(work, 'prometheus.yml');
  writeFileSync(cfg, 'global:\n  scrape_interval: 1h\n');
  const children: ChildProcess[] = [];
  try {
    // 1. bytes per sample
    const bps = bytesPerSample(work, opts.bpsSeries ?? 1000, opts.bpsHours ?? 8, 15_000);
    const ob = bps.osprey.bytes / bps.osprey.samples;
    const pb = bps.prom.bytes / bps.prom.samples;
    console.log(
      `bytes/sample in blocks: osprey ${ob.toFixed(3)} (${bps.osprey.samples} samples, ${bps.osprey.blocks} blocks) | ` +
        `prometheus ${pb.toFixed(3)} (${bps.prom.samples} samples, ${bps.prom.blocks} blocks) | ratio ${(ob / pb).toFixed(3)}`,
    );

    // 2. WAL replay: N series x M samples at 60s, ending now
    const step = 60_000;
    const end = Math.floor(Date.now() / step) * step;
    const start = end - M * step;
    const ospreyDir = join(work, 'wal-osprey');
    {
      const gen = generator(N, 7);
      const db = DB.open(ospreyDir);
      for (let t = start; t < end; t += step) {
        const app = db.appender();
        for (let i = 0; i < N; i++) app.append(0, gen.labels[i], t, gen.next(i));
        app.commit();
      }
      db.close();
    }
    const began = Date.now();
    const reopened = DB.open(ospreyDir);
    const ospreyReplayMs = Date.now() - began;
    const replayed = reopened.replay.samples;
    reopened.close();

    // Prometheus: remote write the same data, kill -9, restart and time until ready
    const promDir = join(work, 'wal-prom');
    const p1 = await startPrometheus(promDir, cfg, ['--web.enable-remote-write-receiver']);
    children.push(p1.child);
    {
      const gen = generator(N, 7);
      await remoteWrite(p1.url, gen.labels, gen.next, start, end, step);
    }
    await stop(p1.child, 'SIGKILL');

    const emptyProm = await startPrometheus(join(work, 'empty-prom'), cfg);
    children.push(emptyProm.child);
    const promEmptyRss = rssBytes(emptyProm.child.pid!);
    await stop(emptyProm.child);
    const p2 = await startPrometheus(promDir, cfg);
    children.push(p2.child);
    await new Promise((r) => setTimeout(r, 1000));
    const promRss = rssBytes(p2.child.pid!);
    await stop(p2.child);

    const emptyOsprey = await startOsprey(join(work, 'empty-osprey'), cfg);
    children.push(emptyOsprey.child);
    const ospreyEmptyRss = rssBytes(emptyOsprey.child.pid!);
    await stop(emptyOsprey.child);
    const o2 = await startOsprey(ospreyDir, cfg);
    children.push(o2.child);
    await new Promise((r) => setTimeout(r, 1000));
    const ospreyRss = rssBytes(o2.child.pid!);
    await stop(o2.child);

    const promLogged = goDurationMs(/total_replay_duration=(\S+)/.exec(p2.log())?.[1] ?? '');
    const replayLine =
      o2
        .log()
        .split('\n')
        .find((l) => l.includes('WAL replay completed')) ?? '';
    const ospreyLogged = Number(/"durationMs":(\d+)/.exec(replayLine)?.[1]);
    console.log(
      `WAL replay as each logs it: osprey ${ospreyLogged} ms (in-process DB.open ${ospreyReplayMs} ms) | prometheus ${promLogged.toFixed(0)} ms | ratio ${(ospreyLogged / promLogged).toFixed(2)}`,
    );
    const promReplay = p2.startupMs - emptyProm.startupMs;
    const ospreyProcReplay = o2.startupMs - emptyOsprey.startupMs;
    console.log(`WAL replay, ${N} series x ${M} samples (${replayed} replayed by Osprey):`);
    console.log(
      `  osprey DB.open ${ospreyReplayMs} ms | osprey process to ready ${o2.startupMs} ms (empty dir ${emptyOsprey.startupMs} ms, ` +
        `+${ospreyProcReplay} ms) | prometheus to ready ${p2.startupMs} ms (empty dir ${emptyProm.startupMs} ms, +${promReplay} ms) | ` +
        `ratio of the WAL part ${(ospreyProcReplay / Math.max(1, promReplay)).toFixed(2)}`,
    );
    // CPU time is what a loaded machine distorts least: the replay's share is the difference to an empty dir
    const promReplayCpu = p2.startupCpuMs - emptyProm.startupCpuMs;
    const ospreyReplayCpu = o2.startupCpuMs - emptyOsprey.startupCpuMs;
    console.log(
      `  CPU time to ready: osprey ${o2.startupCpuMs} ms (empty dir ${emptyOsprey.startupCpuMs} ms, +${ospreyReplayCpu} ms) | ` +
        `prometheus ${p2.startupCpuMs} ms (empty dir ${emptyProm.startupCpuMs} ms, +${promReplayCpu} ms) | ` +
        `ratio of the WAL part ${(ospreyReplayCpu / Math.max(10, promReplayCpu)).toFixed(2)}`,
    );
    const oPer = (ospreyRss - ospreyEmptyRss) / N;
    const pPer = (promRss - promEmptyRss) / N;
    console.log(
      `RSS per series after replay (${M} samples each in the head): osprey ${oPer.toFixed(0)} B | prometheus ${pPer.toFixed(0)} B | ratio ${(oPer / pPer).toFixed(2)}`,
    );

    // 3. RSS per series after compaction: Osprey process on a data dir whose head was compacted into blocks
    // (the 1h of newest samples stays in the head, as it would in Prometheus)
    const compactedDir = join(work, 'compacted-osprey');
    {
      const gen = generator(N, 9);
      const db = DB.open(compactedDir);
      const cStart = end - 4 * H;
      for (let t = cStart; t < end; t += step) {
        const app = db.appender();
        for (let i = 0; i < N; i++) app.append(0, gen.labels[i], t, gen.next(i));
        app.commit();
      }
      db.maintain(end);
      db.close();
    }
    const o3 = await startOsprey(compactedDir, cfg);
    children.push(o3.child);
    await new Promise((r) => setTimeout(r, 1000));
    const compactedRss = rssBytes(o3.child.pid!);
    await stop(o3.child);
    const oc = (compactedRss - ospreyEmptyRss) / N;
    console.log(`RSS per series after compaction (4h of 60s samples, older part in blocks): osprey ${oc.toFixed(0)} B`);

    // 4. Event loop during head compaction: N series x 3.5h at 30s, one 2h block written
    const fillForCompaction = (d: string) => {
      const gen = generator(N, 11);
      const db = DB.open(d);
      const cStart = Math.floor(end / (2 * H)) * 2 * H - 4 * H;
      for (let t = cStart; t < cStart + 3.5 * H; t += 30_000) {
        const app = db.appender();
        for (let i = 0; i < N; i++) app.append(0, gen.labels[i], t, gen.next(i));
        app.commit();
      }
      return db;
    };
    const syncDb = fillForCompaction(join(work, 'compact-sync'));
    const s0 = performance.now();
    syncDb.maintain(end);
    const blockedSync = performance.now() - s0;
    syncDb.close();
    const bgDb = fillForCompaction(join(work, 'compact-bg'));
    const delay = monitorEventLoopDelay({ resolution: 5 });
    delay.enable();
    const b0 = performance.now();
    await bgDb.maintainInBackground(end);
    const bgMs = performance.now() - b0;
    delay.disable();
    bgDb.close();
    const bgMaxDelay = delay.max / 1e6;
    console.log(
      `head compaction of ${N} series x 2h (30s): on the main thread it blocks the event loop ${blockedSync.toFixed(0)} ms | ` +
        `in the worker it takes ${bgMs.toFixed(0)} ms with a max event-loop delay of ${bgMaxDelay.toFixed(0)} ms`,
    );

    return {
      compactionBlockedMsSync: blockedSync,
      compactionMaxLoopDelayMsBackground: bgMaxDelay,
      ospreyBytesPerSample: ob,
      prometheusBytesPerSample: pb,
      ospreyReplayMs,
      ospreyStartupMs: o2.startupMs,
      prometheusStartupMs: p2.startupMs,
      ospreyLoggedReplayMs: ospreyLogged,
      prometheusLoggedReplayMs: promLogged,
      ospreyRssPerSeries: oPer,
      prometheusRssPerSeries: pPer,
      ospreyRssPerSeriesAfterCompaction: oc,
    };
  } finally {
    for (const c of children) if (c.exitCode === null) c.kill('SIGKILL');
    rmSync(work, { recursive: true, force: true });
  }
}

if (import.meta.url === `file://${process.argv[1]}`) await runStorageBench();
