/**
 * Alert manager benchmark, Osprey (`node bin/osprey.js run --alertmanager.config.file`) against Debian's
 * /usr/bin/prometheus-alertmanager (0.25) in the same run, with the same alertmanager.yml (group_wait: 0s,
 * one webhook receiver on 127.0.0.1 in this process):
 *   - accepted: alerts/s taken by POST /api/v2/alerts (batches, a few requests in flight, one group);
 *   - delivered: notifications/s reaching the webhook, one group per alert (distinct alertname);
 *   - latency: one alert POSTed at a time, time from POST to the webhook receiving it (p50, p90, max).
 *
 *   node --import tsx bench/alertmanager.ts
 *   BENCH_AM_ALERTS=50000 BENCH_AM_GROUPS=5000 BENCH_AM_LATENCY=100 node --import tsx bench/alertmanager.ts
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer as createHttpServer, type Server } from 'node:http';
import { createServer as createNetServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

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
  osprey: AlertmanagerSideResult;
  alertmanager: AlertmanagerSideResult | null;
}

function envInt(name: string, def: number): number {
  const v = Number(process.env[name]);
  return Number.isFinite(v) && v > 0 ? v : def;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function freePort(): Promise<number> {
  return new Promise((res, rej) => {
    const s = createNetServer();
    s.once('error', rej);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number };
      s.close(() => res(port));
    });
  });
}

/** The webhook receiver: counts notifications per alertname prefix and wakes waiters on arrival. */
class Hook {
  server!: Server;
  port = 0;
  /** alertname -> arrival time (ms, performance.now()) of the first notification naming it */
  arrivals = new Map<string, number>();
  notifications = 0;
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
          for (const a of msg.alerts)
            if (!this.arrivals.has(a.labels.alertname)) this.arrivals.set(a.labels.alertname, now);
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

  reset(): void {
    this.arrivals.clear();
    this.notifications = 0;
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
      // e.g. BENCH_AM_NODE_ARGS=--cpu-prof to profile Osprey's side
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

async function measure(side: Side, hook: Hook, alerts: number, groups: number, samples: number) {
  const startsAt = new Date().toISOString();
  const tag = side.name;

  // accepted: one group, many alerts
  hook.reset();
  const acceptBatches = chunk(
    Array.from({ length: alerts }, (_, i) => alert(`Accept_${tag}`, i, startsAt)),
    500,
  );
  let t0 = performance.now();
  await postAll(side.base, acceptBatches, 4);
  const acceptedPerSec = alerts / ((performance.now() - t0) / 1000);
  await hook.until(() => hook.arrivals.has(`Accept_${tag}`), 30_000, 'the accept group');

  // delivered: one group (and so one notification) per alert
  hook.reset();
  const deliverBatches = chunk(
    Array.from({ length: groups }, (_, i) => alert(`Deliver_${tag}_${i}`, i, startsAt)),
    200,
  );
  const cpu0 = cpuMs(side.child.pid);
  t0 = performance.now();
  await postAll(side.base, deliverBatches, 4);
  await hook.until(() => hook.arrivals.size >= groups, 120_000, `${groups} notifications`);
  const deliveredPerSec = groups / ((performance.now() - t0) / 1000);
  const cpu1 = cpuMs(side.child.pid);
  const deliverCpuMsPer1000 = cpu0 === null || cpu1 === null ? null : ((cpu1 - cpu0) * 1000) / groups;

  // latency: one alert at a time
  await sleep(500);
  hook.reset();
  const lat: number[] = [];
  for (let i = 0; i < samples; i++) {
    const name = `Latency_${tag}_${i}`;
    const sent = performance.now();
    await postAlerts(side.base, [alert(name, i, new Date().toISOString())]);
    await hook.until(() => hook.arrivals.has(name), 10_000, name);
    lat.push((hook.arrivals.get(name) as number) - sent);
  }
  lat.sort((a, b) => a - b);
  return {
    acceptedPerSec,
    deliveredPerSec,
    deliverCpuMsPer1000,
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
  const groups = envInt('BENCH_AM_GROUPS', 2_000);
  const samples = envInt('BENCH_AM_LATENCY', 50);
  const dir = mkdtempSync(join(tmpdir(), 'osprey-bench-am-'));
  const hook = new Hook();
  await hook.start();
  const amFile = join(dir, 'alertmanager.yml');
  writeFileSync(amFile, alertmanagerYml(hook.port));
  console.log(
    `alertmanager bench: ${alerts} alerts accepted (batches of 500), ${groups} groups delivered, ${samples} latency samples`,
  );

  const fmt = (n: number) => (n >= 100 ? n.toFixed(0) : n.toPrecision(3));
  const row = (name: string, r: AlertmanagerSideResult) =>
    console.log(
      `${name.padEnd(13)} accepted ${fmt(r.acceptedPerSec)} alerts/s, delivered ${fmt(r.deliveredPerSec)} notifications/s ` +
        `(${r.deliverCpuMsPer1000 === null ? '?' : fmt(r.deliverCpuMsPer1000)} CPU ms per 1000), ` +
        `latency POST->webhook p50 ${fmt(r.latencyMs.p50)} ms, p90 ${fmt(r.latencyMs.p90)} ms, max ${fmt(r.latencyMs.max)} ms`,
    );

  let side: Side | undefined;
  try {
    side = await startOsprey(dir, amFile);
    const osprey = await measure(side, hook, alerts, groups, samples);
    await stop(side);
    row('osprey', osprey);

    let alertmanager: AlertmanagerSideResult | null = null;
    if (existsSync(ALERTMANAGER)) {
      side = await startAlertmanager(dir, amFile);
      alertmanager = await measure(side, hook, alerts, groups, samples);
      await stop(side);
      row('alertmanager', alertmanager);
      console.log(
        `ratio osprey/alertmanager: accepted ${fmt(osprey.acceptedPerSec / alertmanager.acceptedPerSec)}x, ` +
          `delivered ${fmt(osprey.deliveredPerSec / alertmanager.deliveredPerSec)}x, ` +
          `latency p50 ${fmt(osprey.latencyMs.p50 / alertmanager.latencyMs.p50)}x (lower is better)`,
      );
    } else console.log(`${ALERTMANAGER} not installed: no side-by-side figures`);
    return { alerts, groups, latencySamples: samples, osprey, alertmanager };
  } finally {
    await stop(side);
    await hook.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) await runAlertmanagerBench();
