/**
 * Alert manager benchmark, Osprey (`node bin/osprey.js run --alertmanager.config.file`, with the Node flags
 * of bin/osprey.js's first line) against Debian's /usr/bin/prometheus-alertmanager (0.25) in the same run,
 * with the same alertmanager.yml (group_wait: 0s, one webhook receiver on 127.0.0.1 in this process):
 *   - accepted: alerts/s taken by POST /api/v2/alerts (batches, a few requests in flight, one group);
 *   - delivered: notifications/s reaching the webhook, one group per alert (distinct alertname), and the
 *     server's CPU time per 1000 notifications in that phase (Linux /proc);
 *   - latency: one alert POSTed at a time, time from POST to the webhook receiving it (p50, p90, max).
 * Both servers run at once and take turns (order alternating per round; medians of BENCH_AM_ROUNDS, default
 * 3), after an untimed warm-up delivery of BENCH_AM_WARMUP groups (default 1000) each.
 *
 *   node --import tsx bench/alertmanager.ts
 *   BENCH_AM_ALERTS=50000 BENCH_AM_GROUPS=5000 BENCH_AM_LATENCY=100 node --import tsx bench/alertmanager.ts
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer as createHttpServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { freePort } from '../src/testing/free-port.ts';
import { ospreyNodeFlags } from './osprey-node-flags.ts';

const ALERTMANAGER = '/usr/bin/prometheus-alertmanager';
const REPO = fileURLToPath(new URL('..', import.meta.url));

export interface AlertmanagerSideResult {
  acceptedPerSec: number;
  deliveredPerSec: number;
  /** CPU time (user + system) the server process spent per 1000 notifications in the delivery phase (Linux). */
  deliverCpuMsPer1000: number | null;
  latencyMs: { p50: number; p90: number; max: number };
}

export interface AlertmanagerBenchResult {
  alerts: number;
  groups: number;
  latencySamples: number;
  rounds: number;
  warmup: number;
  osprey: AlertmanagerSideResult;
  alertmanager: AlertmanagerSideResult | null;
}

function envInt(name: string, def: number): number {
  const v = Number(process.env[name]);
  return Number.isFinite(v) && v > 0 ? v : def;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** The webhook receiver: counts notifications per alertname prefix and wakes waiters on arrival. */
class Hook {
  server!: Server;
  port = 0;
  /** alertname -> arrival time (ms, performance.now()) of the first notification naming it */
  arrivals = new Map<string, number>();
  notifications = 0;
  /** Distinct alertnames starting with `prefix` seen since the last reset (the other side's stray flushes do not count). */
  matched = 0;
  prefix = '\u0000';
  private waiters: (() => void)[] = [];

  async start(): Promise<void> {
    this.server = createHttpServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const now = performance.now();
        this.notifications++;
        try {
          const msg = JSON.parse(Buffer.concat(chunks).toString('utf8')) as {
            alerts: { labels: { alertname: string } }[];
          };
          for (const a of msg.alerts) {
            const name = a.labels.alertname;
            if (this.arrivals.has(name)) continue;
            this.arrivals.set(name, now);
            if (name.startsWith(this.prefix)) this.matched++;
          }
        } catch {
          // counted, not parsed
        }
        res.end('ok');
        const w = this.waiters;
        this.waiters = [];
        for (const f of w) f();
      });
    });
    this.server.keepAliveTimeout = 60_000;
    await new Promise<void>((r) => this.server.listen(0, '127.0.0.1', r));
    this.port = (this.server.address() as { port: number }).port;
  }

  reset(prefix = '\u0000'): void {
    this.arrivals.clear();
    this.notifications = 0;
    this.matched = 0;
    this.prefix = prefix;
  }

  /** Resolves when `cond` holds, checked on every arrival; rejects after `ms`. */
  async until(cond: () => boolean, ms: number, what: string): Promise<void> {
    const end = Date.now() + ms;
    while (!cond()) {
      if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
      await Promise.race([new Promise<void>((r) => this.waiters.push(r)), sleep(50)]);
    }
  }

  close(): Promise<void> {
    this.server.closeAllConnections();
    return new Promise((r) => this.server.close(() => r()));
  }
}

function alertmanagerYml(hookPort: number): string {
  return `global:
  resolve_timeout: 5m
route:
  receiver: hook
  group_by: ['alertname']
  group_wait: 0s
  group_interval: 1m
  repeat_interval: 4h
receivers:
  - name: hook
    webhook_configs:
      - url: 'http://127.0.0.1:${hookPort}/hook'
        send_resolved: false
`;
}

interface Side {
  name: string;
  base: string;
  child: ChildProcess;
}

async function waitReady(base: string, child: ChildProcess, logFile: string): Promise<void> {
  for (let i = 0; i < 600; i++) {
    if (child.exitCode !== null) throw new Error(`exited early:\n${readFileSync(logFile, 'utf8').slice(-2000)}`);
    try {
      const r = await fetch(`${base}/api/v2/status`);
      await r.arrayBuffer();
      if (r.ok) return;
    } catch {
      // not listening yet
    }
    await sleep(100);
  }
  throw new Error(`not ready:\n${readFileSync(logFile, 'utf8').slice(-2000)}`);
}

async function startOsprey(dir: string, amFile: string): Promise<Side> {
  const port = await freePort();
  writeFileSync(join(dir, 'prometheus.yml'), 'global:\n  evaluation_interval: 1m\nscrape_configs: []\n');
  const log = join(dir, 'osprey.log');
  const child = spawn(
    process.execPath,
    [
      // As bin/osprey.js runs (its Node flags); e.g. BENCH_AM_NODE_ARGS=--cpu-prof to profile Osprey's side
      ...ospreyNodeFlags(),
      ...(process.env.BENCH_AM_NODE_ARGS?.split(' ').filter(Boolean) ?? []),
      join(REPO, 'bin/osprey.js'),
      'run',
      `--config.file=${join(dir, 'prometheus.yml')}`,
      `--alertmanager.config.file=${amFile}`,
      `--storage.tsdb.path=${join(dir, 'osprey-data')}`,
      `--web.listen-address=127.0.0.1:${port}`,
      '--log.level=warn',
    ],
    { cwd: REPO, stdio: ['ignore', openSync(log, 'w'), openSync(log, 'a')] },
  );
  const base = `http://127.0.0.1:${port}`;
  await waitReady(base, child, log);
  return { name: 'osprey', base, child };
}

async function startAlertmanager(dir: string, amFile: string): Promise<Side> {
  const port = await freePort();
  const log = join(dir, 'alertmanager.log');
  const child = spawn(
    ALERTMANAGER,
    [
      `--config.file=${amFile}`,
      `--storage.path=${join(dir, 'am-data')}`,
      '--cluster.listen-address=',
      `--web.listen-address=127.0.0.1:${port}`,
      '--log.level=warn',
    ],
    { stdio: ['ignore', openSync(log, 'w'), openSync(log, 'a')] },
  );
  const base = `http://127.0.0.1:${port}`;
  await waitReady(base, child, log);
  return { name: 'alertmanager', base, child };
}

async function postAlerts(base: string, alerts: object[]): Promise<void> {
  const r = await fetch(`${base}/api/v2/alerts`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(alerts),
  });
  const body = await r.text();
  if (!r.ok) throw new Error(`POST /api/v2/alerts: ${r.status} ${body.slice(0, 200)}`);
}

/** Posts `batches` with up to `inFlight` requests at a time. */
async function postAll(base: string, batches: object[][], inFlight: number): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < batches.length) await postAlerts(base, batches[next++] as object[]);
  };
  await Promise.all(Array.from({ length: inFlight }, worker));
}

function alert(alertname: string, i: number, startsAt: string): object {
  return {
    labels: { alertname, instance: `host-${i}:9100`, job: 'node', severity: i % 3 === 0 ? 'critical' : 'warning' },
    annotations: { summary: `benchmark alert ${i}`, description: 'generated by bench/alertmanager.ts' },
    startsAt,
    generatorURL: 'http://127.0.0.1:9090/graph',
  };
}

function chunk<T>(xs: T[], n: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < xs.length; i += n) out.push(xs.slice(i, i + n));
  return out;
}

/** utime + stime of a process in ms (Linux /proc; null elsewhere). */
function cpuMs(pid: number | undefined): number | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return ((Number(f[11]) + Number(f[12])) * 1000) / 100; // fields 14 and 15, in USER_HZ (100)
  } catch {
    return null;
  }
}

const pct = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))] ?? 0;

interface DeliveryFigures {
  deliveredPerSec: number;
  deliverCpuMsPer1000: number | null;
}

/** One group (and so one notification) per alert. */
async function deliver(side: Side, hook: Hook, groups: number, tag: string): Promise<DeliveryFigures> {
  const startsAt = new Date().toISOString();
  const prefix = `Deliver_${tag}_`;
  hook.reset(prefix);
  const batches = chunk(
    Array.from({ length: groups }, (_, i) => alert(`${prefix}${i}`, i, startsAt)),
    200,
  );
  const cpu0 = cpuMs(side.child.pid);
  const t0 = performance.now();
  await postAll(side.base, batches, 4);
  await hook.until(() => hook.matched >= groups, 120_000, `${groups} notifications`);
  const deliveredPerSec = groups / ((performance.now() - t0) / 1000);
  const cpu1 = cpuMs(side.child.pid);
  return {
    deliveredPerSec,
    deliverCpuMsPer1000: cpu0 === null || cpu1 === null ? null : ((cpu1 - cpu0) * 1000) / groups,
  };
}

/** One group, many alerts, posted in batches of 500 with 4 requests in flight. */
async function accept(side: Side, hook: Hook, alerts: number, tag: string): Promise<number> {
  const startsAt = new Date().toISOString();
  const name = `Accept_${tag}`;
  hook.reset(name);
  const batches = chunk(
    Array.from({ length: alerts }, (_, i) => alert(name, i, startsAt)),
    500,
  );
  const t0 = performance.now();
  await postAll(side.base, batches, 4);
  const acceptedPerSec = alerts / ((performance.now() - t0) / 1000);
  await hook.until(() => hook.arrivals.has(name), 30_000, 'the accept group');
  return acceptedPerSec;
}

/** One alert at a time: ms from its POST to the webhook receiving it, sorted. */
async function latency(side: Side, hook: Hook, samples: number, tag: string): Promise<number[]> {
  await sleep(200);
  hook.reset();
  const lat: number[] = [];
  for (let i = 0; i < samples; i++) {
    const name = `Latency_${tag}_${i}`;
    const sent = performance.now();
    await postAlerts(side.base, [alert(name, i, new Date().toISOString())]);
    await hook.until(() => hook.arrivals.has(name), 10_000, name);
    lat.push((hook.arrivals.get(name) as number) - sent);
  }
  return lat.sort((a, b) => a - b);
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2
    ? (s[(s.length - 1) / 2] as number)
    : ((s[s.length / 2 - 1] as number) + (s[s.length / 2] as number)) / 2;
};

interface Rounds {
  accepted: number[];
  delivered: DeliveryFigures[];
  latency: number[];
}

function summarize(r: Rounds): AlertmanagerSideResult {
  const lat = [...r.latency].sort((a, b) => a - b);
  const cpus = r.delivered.map((d) => d.deliverCpuMsPer1000);
  return {
    acceptedPerSec: median(r.accepted),
    deliveredPerSec: median(r.delivered.map((d) => d.deliveredPerSec)),
    deliverCpuMsPer1000: cpus.some((c) => c === null) ? null : median(cpus as number[]),
    latencyMs: { p50: pct(lat, 0.5), p90: pct(lat, 0.9), max: lat[lat.length - 1] ?? 0 },
  };
}

async function stop(side: Side | undefined): Promise<void> {
  if (!side || side.child.exitCode !== null) return;
  const exited = new Promise((r) => side.child.once('exit', r));
  side.child.kill('SIGTERM');
  await Promise.race([exited, sleep(5000)]);
  if (side.child.exitCode === null) side.child.kill('SIGKILL');
}

export async function runAlertmanagerBench(): Promise<AlertmanagerBenchResult> {
  const alerts = envInt('BENCH_AM_ALERTS', 20_000);
  // 10 000 groups: a burst of about a second on this kind of machine. With 2000 (0.2 s) the figure was
  // mostly the burst's start and stop and the run-to-run noise of both servers (0.8x-1.4x between runs).
  const groups = envInt('BENCH_AM_GROUPS', 10_000);
  const samples = envInt('BENCH_AM_LATENCY', 50);
  const nRounds = envInt('BENCH_AM_ROUNDS', 3);
  const warmup = Number(process.env.BENCH_AM_WARMUP ?? 1000) || 0;
  const dir = mkdtempSync(join(tmpdir(), 'osprey-bench-am-'));
  const hook = new Hook();
  await hook.start();
  const amFile = join(dir, 'alertmanager.yml');
  writeFileSync(amFile, alertmanagerYml(hook.port));
  console.log(
    `alertmanager bench: ${nRounds} rounds of ${alerts} alerts accepted (batches of 500), ${groups} groups delivered, ` +
      `${samples} latency samples; ${warmup} groups delivered before as a warm-up`,
  );

  const fmt = (n: number) => (n >= 100 ? n.toFixed(0) : n.toPrecision(3));
  const row = (name: string, r: AlertmanagerSideResult) =>
    console.log(
      `${name.padEnd(13)} accepted ${fmt(r.acceptedPerSec)} alerts/s, delivered ${fmt(r.deliveredPerSec)} notifications/s ` +
        `(${r.deliverCpuMsPer1000 === null ? '?' : fmt(r.deliverCpuMsPer1000)} CPU ms per 1000), ` +
        `latency POST->webhook p50 ${fmt(r.latencyMs.p50)} ms, p90 ${fmt(r.latencyMs.p90)} ms, max ${fmt(r.latencyMs.max)} ms`,
    );

  const sides: Side[] = [];
  try {
    sides.push(await startOsprey(dir, amFile));
    if (existsSync(ALERTMANAGER)) sides.push(await startAlertmanager(dir, amFile));
    else console.log(`${ALERTMANAGER} not installed: no side-by-side figures`);
    const rounds = new Map<string, Rounds>(sides.map((s) => [s.name, { accepted: [], delivered: [], latency: [] }]));
    // Both servers run side by side (an idle one costs nothing) and take turns, the order alternating per
    // round, so a burst of load from elsewhere on the machine does not favour one of them; medians are kept.
    // The untimed warm-up delivery lets V8 compile Osprey's notification path (a Go binary needs none).
    for (const side of sides) if (warmup > 0) await deliver(side, hook, warmup, `${side.name}_warmup`);
    for (let round = 0; round < nRounds; round++) {
      const order = round % 2 === 0 ? sides : [...sides].reverse();
      for (const side of order) {
        const tag = `${side.name}_${round}`;
        const r = rounds.get(side.name) as Rounds;
        r.accepted.push(await accept(side, hook, alerts, tag));
        r.delivered.push(await deliver(side, hook, groups, tag));
        r.latency.push(...(await latency(side, hook, samples, tag)));
      }
    }
    const osprey = summarize(rounds.get('osprey') as Rounds);
    row('osprey', osprey);
    let alertmanager: AlertmanagerSideResult | null = null;
    if (rounds.has('alertmanager')) {
      alertmanager = summarize(rounds.get('alertmanager') as Rounds);
      row('alertmanager', alertmanager);
      console.log(
        `ratio osprey/alertmanager: accepted ${fmt(osprey.acceptedPerSec / alertmanager.acceptedPerSec)}x, ` +
          `delivered ${fmt(osprey.deliveredPerSec / alertmanager.deliveredPerSec)}x, ` +
          `latency p50 ${fmt(osprey.latencyMs.p50 / alertmanager.latencyMs.p50)}x (lower is better)`,
      );
    }
    return { alerts, groups, latencySamples: samples, rounds: nRounds, warmup, osprey, alertmanager };
  } finally {
    for (const side of sides) await stop(side);
    await hook.close();
    // BENCH_AM_KEEP_DIR=1 keeps the data directories and logs (e.g. with BENCH_AM_NODE_ARGS=--trace-gc)
    if (process.env.BENCH_AM_KEEP_DIR) console.log(`kept ${dir}`);
    else rmSync(dir, { recursive: true, force: true });
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) await runAlertmanagerBench();
