// Remote-write throughput and CPU per sample sent.
// With Debian's victoria-metrics installed (the usual case), both senders write to the same VictoriaMetrics:
//  - Osprey's queue ships a WAL backlog (its peak shipping rate);
//  - Osprey and Debian's Prometheus 2.42, each a separate process, scrape the same target every second and
//    remote-write it, one after the other; CPU per sample is each whole process's CPU over the samples
//    VictoriaMetrics counted as received (vm_rows_inserted_total) in the same window. Each process alternates
//    (config reloads) between remote_write on and off, which gives remote write's own CPU per sample too.
// Without it, a Node receiver in another process stands in (the older, not like-for-like figures).
// Run alone: node --import tsx bench/remote.ts   (BENCH_RW_SERIES, BENCH_RW_SECONDS, BENCH_RW_ROUNDS tune the live load)
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Labels } from '../src/model/index.ts';
import { decodeWriteRequestBody, RemoteWriteManager } from '../src/remote/index.ts';
import { remoteWriteConfig } from '../src/remote/test-helpers.ts';
import { freePort } from '../src/testing/free-port.ts';
import { spawnPrometheus } from '../src/testing/prometheus.ts';
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

async function startReceiver(): Promise<Receiver> {
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

const VM = '/usr/bin/victoria-metrics';
const PROMETHEUS = '/usr/bin/prometheus';
const OSPREY_BIN = fileURLToPath(new URL('../bin/osprey.js', import.meta.url));

interface Receiver {
  url: string;
  proc: ChildProcess;
  count(): Promise<number>;
}

/** Debian's VictoriaMetrics on loopback; count() is the samples it ingested over remote write. */
async function startVM(dir: string): Promise<Receiver> {
  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  const proc = spawn(
    VM,
    [`-httpListenAddr=127.0.0.1:${port}`, `-storageDataPath=${dir}`, '-retentionPeriod=100y', '-loggerLevel=ERROR'],
    { stdio: 'ignore' },
  );
  const ok = await until(async () => (await fetch(`${base}/health`).catch(() => null))?.ok === true, 30_000);
  if (!ok) throw new Error('victoria-metrics did not start');
  const count = async () => {
    let n = 0;
    for (const line of (await (await fetch(`${base}/metrics`)).text()).split('\n')) {
      if (line.startsWith('vm_rows_inserted_total{type="promremotewrite"}')) n += Number(line.split(' ').pop());
    }
    return n;
  };
  return { url: `${base}/api/v1/write`, proc, count };
}

async function benchOsprey(useVM: boolean): Promise<{ rate: number; cpuPerSample: number }> {
  const dir = mkdtempSync(join(tmpdir(), 'osprey-bench-rw-'));
  const recv = useVM ? await startVM(join(dir, 'vm')) : await startReceiver();
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
    const c0 = await recv.count();
    const cpu0 = process.cpuUsage();
    const start = performance.now();
    await mgr.applyConfig([remoteWriteConfig(recv.url, { name: 'bench' })], Labels.EMPTY);
    const total = SERIES * ROUNDS;
    const ok = await until(async () => (await recv.count()) - c0 >= total, 120_000);
    const secs = (performance.now() - start) / 1000;
    const cpu = process.cpuUsage(cpu0);
    await mgr.stop();
    db.close();
    if (!ok) throw new Error(`receiver got ${await recv.count()} of ${total}`);
    return { rate: total / secs, cpuPerSample: (cpu.user + cpu.system) / total };
  } finally {
    await new Promise((r) => {
      recv.proc.once('exit', r);
      recv.proc.kill();
    });
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
  const prom = spawnPrometheus(dir, port);
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

/** A target process serving `series` series; resolves to its host:port. */
async function startTarget(series: number): Promise<{ proc: ChildProcess; address: string }> {
  const proc = spawn(
    process.execPath,
    ['--import', 'tsx', fileURLToPath(import.meta.url), '--target', String(series)],
    {
      stdio: ['ignore', 'pipe', 'inherit'],
    },
  );
  const port = await new Promise<number>((resolve) =>
    proc.stdout?.once('data', (d) => resolve(Number(String(d).trim()))),
  );
  return { proc, address: `127.0.0.1:${port}` };
}

function target(series: number): void {
  let page = '# TYPE bench_metric gauge\n';
  for (let i = 0; i < series; i++) page += `bench_metric{instance_id="host-${i % 100}",series="${i}"} ${i}\n`;
  const server = createServer((_req, res) => {
    res.setHeader('content-type', 'text/plain; version=0.0.4');
    res.end(page);
  });
  server.listen(0, '127.0.0.1', () => console.log((server.address() as AddressInfo).port));
}

interface LiveResult {
  /** Samples per second VictoriaMetrics received while remote_write was on. */
  rate: number;
  /** Whole-process CPU µs per sample sent (scrape + TSDB + remote write). */
  cpuPerSample: number;
  /** Cores used with and without remote_write. */
  coresOn: number;
  coresOff: number;
  /** CPU µs per sample sent that remote_write adds on top of scraping and storing the same load. */
  marginal: number;
}

/**
 * One sender (a separate Osprey or Prometheus process) scrapes the target every second. Its config is reloaded
 * `rounds` times with remote_write to VM on, then off (`seconds` each, measured after 2 s of settling), so that slow
 * changes in the machine's load hit both phases alike. Each "on" phase uses a new queue name, so every queue starts
 * at the end of the WAL.
 */
async function liveSender(
  kind: 'osprey' | 'prometheus',
  targetAddr: string,
  vm: Receiver,
  seconds: number,
  rounds: number,
): Promise<LiveResult> {
  const dir = mkdtempSync(join(tmpdir(), `osprey-bench-rw-${kind}-`));
  const cfgFile = join(dir, 'prometheus.yml');
  const writeConfig = (rw: string | null) =>
    writeFileSync(
      cfgFile,
      `global:\n  scrape_interval: 1s\n  scrape_timeout: 1s\n  external_labels: { sender: ${kind} }\n` +
        `scrape_configs:\n  - job_name: b\n    static_configs:\n      - targets: ['${targetAddr}']\n` +
        (rw ? `remote_write:\n  - url: ${vm.url}\n    name: ${rw}\n` : ''),
    );
  writeConfig(null);
  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  const args = [
    `--config.file=${cfgFile}`,
    `--storage.tsdb.path=${join(dir, 'data')}`,
    `--web.listen-address=127.0.0.1:${port}`,
    '--web.enable-lifecycle',
    '--log.level=error',
  ];
  const proc =
    kind === 'osprey'
      ? spawn(process.execPath, [OSPREY_BIN, ...args], { stdio: 'ignore' })
      : spawn(PROMETHEUS, args, { stdio: 'ignore' });
  const pid = proc.pid as number;
  const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
  const reload = async (rw: string | null) => {
    writeConfig(rw);
    const r = await fetch(`${base}/-/reload`, { method: 'POST' });
    if (!r.ok) throw new Error(`${kind} reload: ${r.status} ${await r.text()}`);
  };
  try {
    // Started (Osprey compiles its TypeScript first) and scraping: `up` is 1.
    const scraping = async () => {
      const j = (await (await fetch(`${base}/api/v1/query?query=up`)).json()) as {
        data?: { result?: { value: [number, string] }[] };
      };
      return j.data?.result?.[0]?.value?.[1] === '1';
    };
    if (!(await until(() => scraping().catch(() => false), 120_000))) throw new Error(`${kind} did not start`);
    let on = { cpu: 0, secs: 0, samples: 0 };
    let off = { cpu: 0, secs: 0 };
    for (let k = 0; k < rounds; k++) {
      await reload(`rw${k}`);
      const c00 = await vm.count();
      if (!(await until(async () => (await vm.count()) > c00, 60_000))) throw new Error(`${kind} sent nothing`);
      await sleep(k === 0 ? 5000 : 2000); // the first round also warms up (JIT, shard count)
      let c0 = await vm.count();
      let cpu0 = procCpuMicros(pid);
      let t0 = performance.now();
      await sleep(seconds * 1000);
      on = {
        cpu: on.cpu + procCpuMicros(pid) - cpu0,
        secs: on.secs + (performance.now() - t0) / 1000,
        samples: on.samples + (await vm.count()) - c0,
      };
      await reload(null);
      await sleep(2000);
      c0 = await vm.count();
      cpu0 = procCpuMicros(pid);
      t0 = performance.now();
      await sleep(seconds * 1000);
      off = { cpu: off.cpu + procCpuMicros(pid) - cpu0, secs: off.secs + (performance.now() - t0) / 1000 };
    }
    const rate = on.samples / on.secs;
    const coresOn = on.cpu / 1e6 / on.secs;
    const coresOff = off.cpu / 1e6 / off.secs;
    return {
      rate,
      cpuPerSample: on.cpu / on.samples,
      coresOn,
      coresOff,
      marginal: ((coresOn - coresOff) * 1e6) / rate,
    };
  } finally {
    await new Promise<void>((r) => {
      if (proc.exitCode !== null) return r();
      proc.once('exit', () => r());
      proc.kill('SIGTERM');
    });
    rmSync(dir, { recursive: true, force: true });
  }
}

export async function runRemoteBench(): Promise<void> {
  const useVM = existsSync(VM);
  const o = await benchOsprey(useVM);
  console.log(
    `remote write (Osprey, ${SERIES * ROUNDS} samples backlog from the WAL → ${useVM ? 'VictoriaMetrics 1.79' : 'a Node receiver'}): ` +
      `${Math.round(o.rate)} samples/s, ${o.cpuPerSample.toFixed(2)} µs CPU/sample (read WAL + relabel + encode + snappy + send)`,
  );
  if (useVM && existsSync(PROMETHEUS)) {
    const series = Number(process.env.BENCH_RW_SERIES) || 20_000;
    const seconds = Number(process.env.BENCH_RW_SECONDS) || 10;
    const dir = mkdtempSync(join(tmpdir(), 'osprey-bench-rw-vm-'));
    const vm = await startVM(dir);
    const tgt = await startTarget(series);
    try {
      const rounds = Number(process.env.BENCH_RW_ROUNDS) || 3;
      const os = await liveSender('osprey', tgt.address, vm, seconds, rounds);
      const pr = await liveSender('prometheus', tgt.address, vm, seconds, rounds);
      const line = (name: string, r: LiveResult) =>
        console.log(
          `remote write (${name}, scrape ${series} series/s → VictoriaMetrics, ${rounds} × ${seconds} s on/off): ` +
            `${Math.round(r.rate)} samples/s received; whole process ${r.cpuPerSample.toFixed(2)} µs CPU/sample sent ` +
            `(scrape + TSDB + remote write), ${r.coresOn.toFixed(3)} cores vs ${r.coresOff.toFixed(3)} without ` +
            `remote_write → remote write alone ${r.marginal.toFixed(2)} µs/sample`,
        );
      line('Osprey', os);
      line('Prometheus 2.42', pr);
      console.log(
        `ratio Osprey/Prometheus CPU per sample sent, same scraped load, same VictoriaMetrics: whole process ` +
          `${(os.cpuPerSample / pr.cpuPerSample).toFixed(2)}x, remote write alone ${(os.marginal / pr.marginal).toFixed(2)}x (bar ≤ 1.5x)`,
      );
    } finally {
      tgt.proc.kill();
      vm.proc.kill('SIGTERM');
      await new Promise((r) => vm.proc.once('exit', r));
      rmSync(dir, { recursive: true, force: true });
    }
    return;
  }
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
} else if (process.argv.includes('--target')) {
  target(Number(process.argv[process.argv.indexOf('--target') + 1]));
} else if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  await runRemoteBench();
}
