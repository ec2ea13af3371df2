// Remote-write throughput: Osprey's WAL-tailing queue shipping to a receiver in a separate process, and
// Debian's Prometheus remote-writing a scraped load of the same shape to the same kind of receiver.
// Run alone: node --import tsx bench/remote.ts
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Labels } from '../src/model/index.ts';
import { decodeWriteRequestBody, RemoteWriteManager } from '../src/remote/index.ts';
import { remoteWriteConfig } from '../src/remote/test-helpers.ts';
import { DB } from '../src/tsdb/index.ts';

const SERIES = 10_000;
const ROUNDS = 60;

/** Receiver mode: decodes every request, counts samples; GET returns the count. */
async function receiver(): Promise<void> {
  let samples = 0;
  const server = createServer((req, res) => {
    if (req.method === 'GET') {
      res.end(String(samples));
      return;
    }
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      for (const s of decodeWriteRequestBody(Buffer.concat(chunks))) samples += s.timestamps.length;
      res.statusCode = 204;
      res.end();
    });
  });
  server.listen(0, '127.0.0.1', () => console.log((server.address() as AddressInfo).port));
}

async function startReceiver(): Promise<{ url: string; proc: ChildProcess; count(): Promise<number> }> {
  const proc = spawn(process.execPath, ['--import', 'tsx', fileURLToPath(import.meta.url), '--receiver'], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const port = await new Promise<number>((resolve) =>
    proc.stdout?.once('data', (d) => resolve(Number(String(d).trim()))),
  );
  const base = `http://127.0.0.1:${port}`;
  return { url: `${base}/api/v1/write`, proc, count: async () => Number(await (await fetch(base)).text()) };
}

async function until(cond: () => Promise<boolean>, timeoutMs: number): Promise<boolean> {
  const end = Date.now() + timeoutMs;
  while (Date.now() < end) {
    if (await cond()) return true;
    await new Promise((r) => setTimeout(r, 50));
  }
  return false;
}

async function benchOsprey(): Promise<{ rate: number; cpuPerSample: number }> {
  const dir = mkdtempSync(join(tmpdir(), 'osprey-bench-rw-'));
  const recv = await startReceiver();
  try {
    const db = DB.open(dir);
    const labels = Array.from({ length: SERIES }, (_, i) =>
      Labels.fromObject({ __name__: 'bench_metric', instance: `host-${i % 100}`, series: String(i) }),
    );
    const refs = new Array<number>(SERIES).fill(0);
    const t0 = Date.now() - ROUNDS * 15_000;
    for (let r = 0; r < ROUNDS; r++) {
      const app = db.appender();
      for (let i = 0; i < SERIES; i++) refs[i] = app.append(refs[i], labels[i], t0 + r * 15_000, r * i);
      app.commit();
    }
    // Ship the whole backlog: start the queue at the beginning of the WAL.
    mkdirSync(join(dir, 'remote'), { recursive: true });
    writeFileSync(join(dir, 'remote', 'bench.json'), JSON.stringify({ segment: 0, offset: 0 }));
    const mgr = new RemoteWriteManager({ walDir: join(dir, 'wal'), dataDir: dir, pollInterval: 10 });
    const cpu0 = process.cpuUsage();
    const start = performance.now();
    await mgr.applyConfig([remoteWriteConfig(recv.url, { name: 'bench' })], Labels.EMPTY);
    const total = SERIES * ROUNDS;
    const ok = await until(async () => (await recv.count()) >= total, 120_000);
    const secs = (performance.now() - start) / 1000;
    const cpu = process.cpuUsage(cpu0);
    await mgr.stop();
    db.close();
    if (!ok) throw new Error(`receiver got ${await recv.count()} of ${total}`);
    return { rate: total / secs, cpuPerSample: (cpu.user + cpu.system) / total };
  } finally {
    recv.proc.kill();
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Live: SERIES samples appended every second for 15 s while the queue ships them (append + ship CPU). */
async function benchOspreyLive(): Promise<{ rate: number; cpuPerSample: number }> {
  const dir = mkdtempSync(join(tmpdir(), 'osprey-bench-rw-live-'));
  const recv = await startReceiver();
  try {
    const db = DB.open(dir);
    const labels = Array.from({ length: SERIES }, (_, i) =>
      Labels.fromObject({ __name__: 'bench_metric', instance: `host-${i % 100}`, series: String(i) }),
    );
    const refs = new Array<number>(SERIES).fill(0);
    const mgr = new RemoteWriteManager({ walDir: join(dir, 'wal'), dataDir: dir });
    await mgr.applyConfig([remoteWriteConfig(recv.url, { name: 'live' })], Labels.EMPTY);
    await new Promise((r) => setTimeout(r, 200));
    const cpu0 = process.cpuUsage();
    const start = performance.now();
    const rounds = 15;
    for (let r = 0; r < rounds; r++) {
      const app = db.appender();
      const t = Date.now();
      for (let i = 0; i < SERIES; i++) refs[i] = app.append(refs[i], labels[i], t, r * i);
      app.commit();
      await new Promise((res) => setTimeout(res, 1000));
    }
    const total = SERIES * rounds;
    const ok = await until(async () => (await recv.count()) >= total, 60_000);
    const cpu = process.cpuUsage(cpu0);
    const secs = (performance.now() - start) / 1000;
    await mgr.stop();
    db.close();
    if (!ok) throw new Error(`receiver got ${await recv.count()} of ${total}`);
    return { rate: total / secs, cpuPerSample: (cpu.user + cpu.system) / total };
  } finally {
    recv.proc.kill();
    rmSync(dir, { recursive: true, force: true });
  }
}

function procCpuMicros(pid: number): number {
  const f = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const parts = f.slice(f.lastIndexOf(')') + 2).split(' ');
  return ((Number(parts[11]) + Number(parts[12])) / 100) * 1e6;
}

/** Prometheus scrapes SERIES series every second and remote-writes them; CPU is its whole process. */
async function benchPrometheus(): Promise<{ rate: number; cpuPerSample: number } | null> {
  const dir = mkdtempSync(join(tmpdir(), 'osprey-bench-prom-rw-'));
  const recv = await startReceiver();
  let page = '';
  for (let i = 0; i < SERIES; i++) page += `bench_metric{instance="host-${i % 100}",series="${i}"} ${i}\n`;
  const target = createServer((_req, res) => {
    res.setHeader('content-type', 'text/plain; version=0.0.4');
    res.end(page);
  });
  await new Promise<void>((r) => target.listen(0, '127.0.0.1', r));
  const tport = (target.address() as AddressInfo).port;
  writeFileSync(
    join(dir, 'prometheus.yml'),
    `global:\n  scrape_interval: 1s\nscrape_configs:\n  - job_name: b\n    static_configs:\n      - targets: ['127.0.0.1:${tport}']\nremote_write:\n  - url: ${recv.url}\n`,
  );
  const port = await new Promise<number>((resolve) => {
    const s = createServer();
    s.listen(0, '127.0.0.1', () => {
      const p = (s.address() as AddressInfo).port;
      s.close(() => resolve(p));
    });
  });
  const prom = spawn(
    '/usr/bin/prometheus',
    [
      `--config.file=${join(dir, 'prometheus.yml')}`,
      `--storage.tsdb.path=${join(dir, 'data')}`,
      `--web.listen-address=127.0.0.1:${port}`,
    ],
    { stdio: 'ignore' },
  );
  try {
    if (!(await until(async () => (await recv.count()) > 0, 60_000))) return null;
    const c0 = await recv.count();
    const cpu0 = procCpuMicros(prom.pid as number);
    const start = performance.now();
    await new Promise((r) => setTimeout(r, 15_000));
    const n = (await recv.count()) - c0;
    const cpu = procCpuMicros(prom.pid as number) - cpu0;
    const secs = (performance.now() - start) / 1000;
    return { rate: n / secs, cpuPerSample: cpu / n };
  } catch {
    return null;
  } finally {
    prom.kill('SIGKILL');
    recv.proc.kill();
    target.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

export async function runRemoteBench(): Promise<void> {
  const o = await benchOsprey();
  console.log(
    `remote write (Osprey, ${SERIES * ROUNDS} samples backlog from the WAL): ${Math.round(o.rate)} samples/s, ` +
      `${o.cpuPerSample.toFixed(2)} µs CPU/sample (read WAL + relabel + encode + snappy + send)`,
  );
  const l = await benchOspreyLive();
  console.log(
    `remote write (Osprey, live ${SERIES} series/s for 15 s): ${Math.round(l.rate)} samples/s, ` +
      `${l.cpuPerSample.toFixed(2)} µs CPU/sample (whole process: TSDB append + remote write, no scrape parsing)`,
  );
  const p = await benchPrometheus();
  if (!p) {
    console.log('remote write (Prometheus): not measured (/usr/bin/prometheus did not ship samples)');
    return;
  }
  console.log(
    `remote write (Prometheus 2.42, live scrape of ${SERIES} series/s): ${Math.round(p.rate)} samples/s, ` +
      `${p.cpuPerSample.toFixed(2)} µs CPU/sample (whole process: scrape + TSDB + remote write)`,
  );
  console.log(
    `ratio Osprey/Prometheus CPU per sample, live: ${(l.cpuPerSample / p.cpuPerSample).toFixed(2)} ` +
      '(not like-for-like: Prometheus also parses scrapes; the live Osprey figure does not)',
  );
}

if (process.argv.includes('--receiver')) {
  await receiver();
} else if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  await runRemoteBench();
}
