/**
 * Scrape benchmark: T simulated targets x S series at a 5 s interval, scraped for D seconds first by
 * Osprey's ScrapeManager appending into the TSDB head, then by Debian's /usr/bin/prometheus (2.42)
 * scraping the same targets. Prints CPU per sample and RSS per series for both and the ratios.
 * The targets run in a child process so they do not count as Osprey's CPU. Osprey runs in a child
 * process of its own, started like bin/osprey.js starts (through tsx, with the Node flags of its
 * `#!` line), so its RSS is what `ps` shows for an Osprey doing this work; both sides' RSS is read
 * while they run, without forcing a garbage collection.
 *
 *   node --expose-gc --import tsx bench/scrape.ts
 *   BENCH_SCRAPE_TARGETS=50 BENCH_SCRAPE_SERIES=2000 BENCH_SCRAPE_SECONDS=60 node --import tsx bench/scrape.ts
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer as createHttpServer } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { PrometheusConfig, ScrapeConfig } from '../src/config/types.ts';
import { ScrapeManager } from '../src/scrape/index.ts';
import { freePort } from '../src/testing/free-port.ts';
import { Head } from '../src/tsdb/index.ts';
import { ospreyNodeFlags } from './osprey-node-flags.ts';

export interface ScrapeSideResult {
  cpuSeconds: number;
  samples: number;
  series: number;
  rssBytes: number;
  rssDeltaBytes: number;
  cpuMicrosPerSample: number;
  rssBytesPerSeries: number;
  rssDeltaBytesPerSeries: number;
}

export interface ScrapeBenchResult {
  targets: number;
  seriesPerTarget: number;
  seconds: number;
  osprey: ScrapeSideResult;
  prometheus: ScrapeSideResult | null;
}

const INTERVAL_MS = 5000;
const PROMETHEUS = '/usr/bin/prometheus';

function envInt(name: string, def: number): number {
  const v = Number(process.env[name]);
  return Number.isFinite(v) && v > 0 ? v : def;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function gc(): void {
  const g = (globalThis as { gc?: () => void }).gc;
  if (g) {
    g();
    g();
  }
}

// ---- simulated targets (child process) ----

/** Series lines of one target's page, without values: realistic names, a few labels each. */
function pageTemplate(target: number, series: number): string[] {
  const lines: string[] = [];
  const families = 40;
  for (let k = 0; k < series; k++) {
    const fam = k % families;
    lines.push(
      `bench_requests_${fam}_total{handler="/api/v1/endpoint_${k % 97}",method="${k % 3 === 0 ? 'POST' : 'GET'}",code="${200 + (k % 5)}",shard="${target}",id="${k}"} `,
    );
  }
  return lines;
}

async function serveTargets(targets: number, series: number): Promise<void> {
  const ports: number[] = [];
  for (let i = 0; i < targets; i++) {
    const tmpl = pageTemplate(i, series);
    let scrapes = 0;
    const server = createHttpServer((_req, res) => {
      scrapes++;
      const parts: string[] = [];
      let fam = -1;
      for (let k = 0; k < tmpl.length; k++) {
        const f = k % 40;
        if (f !== fam && k < 40) {
          parts.push(`# HELP bench_requests_${f}_total Requests.\n# TYPE bench_requests_${f}_total counter\n`);
          fam = f;
        }
        // Counters that grow at different rates, as real ones do.
        parts.push(tmpl[k], String(scrapes * ((k % 7) + 1) + (k % 13)), '\n');
      }
      res.writeHead(200, { 'content-type': 'text/plain; version=0.0.4; charset=utf-8' });
      res.end(parts.join(''));
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    ports.push((server.address() as { port: number }).port);
  }
  process.stdout.write(`${JSON.stringify(ports)}\n`);
}

function startTargets(targets: number, series: number): Promise<{ child: ChildProcess; ports: number[] }> {
  const self = fileURLToPath(import.meta.url);
  const child = spawn(process.execPath, ['--import', 'tsx', self, '--serve', String(targets), String(series)], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  return new Promise((resolve, reject) => {
    let buf = '';
    child.stdout!.on('data', (d: Buffer) => {
      buf += d.toString();
      const nl = buf.indexOf('\n');
      if (nl >= 0) resolve({ child, ports: JSON.parse(buf.slice(0, nl)) as number[] });
    });
    child.on('exit', (code) => reject(new Error(`target server exited with ${code}`)));
  });
}

// ---- Osprey ----

export function benchScrapeConfig(ports: number[]): ScrapeConfig {
  return {
    job_name: 'bench',
    honor_labels: false,
    honor_timestamps: true,
    track_timestamps_staleness: false,
    scrape_interval: INTERVAL_MS,
    scrape_timeout: INTERVAL_MS,
    scrape_protocols: ['OpenMetricsText1.0.0', 'OpenMetricsText0.0.1', 'PrometheusText1.0.0', 'PrometheusText0.0.4'],
    metrics_path: '/metrics',
    scheme: 'http',
    params: {},
    enable_compression: true,
    body_size_limit: 0,
    sample_limit: 0,
    target_limit: 0,
    label_limit: 0,
    label_name_length_limit: 0,
    label_value_length_limit: 0,
    keep_dropped_targets: 0,
    metric_name_validation_scheme: 'utf8',
    metric_name_escaping_scheme: 'allow-utf-8',
    scrape_native_histograms: false,
    always_scrape_classic_histograms: false,
    convert_classic_histograms_to_nhcb: false,
    extra_scrape_metrics: false,
    native_histogram_bucket_limit: 0,
    native_histogram_min_bucket_factor: 0,
    static_configs: [{ targets: ports.map((p) => `127.0.0.1:${p}`), labels: {} }],
    file_sd_configs: [],
    other_sd_configs: {},
    relabel_configs: [],
    metric_relabel_configs: [],
    tls_config: { insecure_skip_verify: false },
    proxy_from_environment: false,
    follow_redirects: true,
    enable_http2: true,
  };
}

/** Runs the Osprey side in a child process (see the file comment) and returns its figures. */
function runOspreyChild(ports: number[], seconds: number): Promise<ScrapeSideResult> {
  const self = fileURLToPath(import.meta.url);
  const child = spawn(
    process.execPath,
    [...ospreyNodeFlags(), '--import', 'tsx', self, '--osprey', String(seconds), JSON.stringify(ports)],
    { stdio: ['ignore', 'pipe', 'inherit'] },
  );
  return new Promise((resolve, reject) => {
    let out = '';
    child.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
    });
    child.on('exit', (code) => {
      const line = out.trim().split('\n').pop() ?? '';
      try {
        resolve(JSON.parse(line) as ScrapeSideResult);
      } catch {
        reject(new Error(`osprey side exited with ${code}: ${out}`));
      }
    });
  });
}

async function runOsprey(ports: number[], seconds: number): Promise<ScrapeSideResult> {
  gc();
  const rss0 = process.memoryUsage().rss;
  const cpu0 = process.cpuUsage();
  const head = new Head();
  const manager = new ScrapeManager({ appendable: head });
  const cfg = {
    global: { external_labels: {} },
    scrape_configs: [benchScrapeConfig(ports)],
  } as unknown as PrometheusConfig;
  manager.applyConfig(cfg);
  await sleep(seconds * 1000);
  const cpu = process.cpuUsage(cpu0);
  // Read while running, as for Prometheus (no forced collection first).
  const rss = process.memoryUsage().rss;
  await manager.stop();
  const st = manager.stats;
  // Page samples plus the 5 report series of every scrape.
  const samples = st.samplesAppended + st.scrapes * 5;
  const series = head.numSeries();
  const cpuSeconds = (cpu.user + cpu.system) / 1e6;
  if (st.failedScrapes > 0) console.log(`osprey: ${st.failedScrapes} failed scrapes`);
  return side(cpuSeconds, samples, series, rss, rss - rss0);
}

function side(cpuSeconds: number, samples: number, series: number, rss: number, delta: number): ScrapeSideResult {
  return {
    cpuSeconds,
    samples,
    series,
    rssBytes: rss,
    rssDeltaBytes: delta,
    cpuMicrosPerSample: samples > 0 ? (cpuSeconds * 1e6) / samples : Number.NaN,
    rssBytesPerSeries: series > 0 ? rss / series : Number.NaN,
    rssDeltaBytesPerSeries: series > 0 ? delta / series : Number.NaN,
  };
}

// ---- Prometheus ----

function procCpuSeconds(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  // utime and stime are fields 14 and 15 of /proc/<pid>/stat (1-based), in clock ticks (100/s).
  return (Number(fields[11]) + Number(fields[12])) / 100;
}

function procRss(pid: number): number {
  const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return m ? Number(m[1]) * 1024 : 0;
}

async function promMetric(port: number, name: string): Promise<number> {
  const text = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
  let sum = 0;
  for (const line of text.split('\n')) {
    if (line.startsWith(`${name} `) || line.startsWith(`${name}{`))
      sum += Number(line.slice(line.lastIndexOf(' ') + 1));
  }
  return sum;
}

async function runPrometheus(ports: number[], seconds: number): Promise<ScrapeSideResult | null> {
  if (!existsSync(PROMETHEUS)) {
    console.log(`${PROMETHEUS} not found; skipping the Prometheus side`);
    return null;
  }
  const dir = mkdtempSync(join(tmpdir(), 'osprey-bench-prom-'));
  const port = await freePort();
  const yml = [
    'global:',
    '  scrape_interval: 5s',
    '  scrape_timeout: 5s',
    'scrape_configs:',
    '  - job_name: bench',
    '    static_configs:',
    `      - targets: [${ports.map((p) => `'127.0.0.1:${p}'`).join(', ')}]`,
    '',
  ].join('\n');
  writeFileSync(join(dir, 'prometheus.yml'), yml);
  const child = spawn(
    PROMETHEUS,
    [
      `--config.file=${join(dir, 'prometheus.yml')}`,
      `--storage.tsdb.path=${join(dir, 'data')}`,
      `--web.listen-address=127.0.0.1:${port}`,
      '--log.level=warn',
    ],
    { stdio: ['ignore', 'ignore', 'inherit'] },
  );
  try {
    const pid = child.pid!;
    for (let i = 0; ; i++) {
      try {
        if ((await fetch(`http://127.0.0.1:${port}/-/ready`)).ok) break;
      } catch {
        // not listening yet
      }
      if (i > 200) throw new Error('prometheus did not become ready');
      await sleep(50);
    }
    const rss0 = procRss(pid);
    const cpu0 = procCpuSeconds(pid);
    const samples0 = await promMetric(port, 'prometheus_tsdb_head_samples_appended_total');
    await sleep(seconds * 1000);
    const cpu1 = procCpuSeconds(pid);
    const rss1 = procRss(pid);
    const samples1 = await promMetric(port, 'prometheus_tsdb_head_samples_appended_total');
    const series = await promMetric(port, 'prometheus_tsdb_head_series');
    // Prometheus also scrapes nothing else here, so its head holds only the targets' and report series.
    return side(cpu1 - cpu0, samples1 - samples0, series, rss1, rss1 - rss0);
  } finally {
    child.kill('SIGTERM');
    await new Promise((r) => child.once('exit', r));
    rmSync(dir, { recursive: true, force: true });
  }
}

// ---- driver ----

function fmt(n: number, digits = 2): string {
  return Number.isFinite(n) ? n.toFixed(digits) : 'n/a';
}

export async function runScrapeBench(): Promise<ScrapeBenchResult> {
  const targets = envInt('BENCH_SCRAPE_TARGETS', 50);
  const seriesPerTarget = envInt('BENCH_SCRAPE_SERIES', 2000);
  const seconds = envInt('BENCH_SCRAPE_SECONDS', 60);
  console.log(
    `scrape: ${targets} targets x ${seriesPerTarget} series, 5s interval, ${seconds}s per side; ` +
      `osprey node flags: ${ospreyNodeFlags().join(' ') || '(none)'}`,
  );
  const { child, ports } = await startTargets(targets, seriesPerTarget);
  try {
    const osprey = await runOspreyChild(ports, seconds);
    const prometheus = await runPrometheus(ports, seconds);
    const row = (name: string, r: ScrapeSideResult) =>
      console.log(
        `${name.padEnd(11)} cpu ${fmt(r.cpuSeconds)} s, ${r.samples} samples, ${fmt(r.cpuMicrosPerSample, 3)} µs/sample; ` +
          `${r.series} series, RSS ${fmt(r.rssBytes / 2 ** 20, 1)} MiB (${fmt(r.rssBytesPerSeries, 0)} B/series), ` +
          `RSS growth ${fmt(r.rssDeltaBytes / 2 ** 20, 1)} MiB (${fmt(r.rssDeltaBytesPerSeries, 0)} B/series)`,
      );
    row('osprey', osprey);
    if (prometheus) {
      row('prometheus', prometheus);
      console.log(
        `ratio osprey/prometheus: cpu per sample ${fmt(osprey.cpuMicrosPerSample / prometheus.cpuMicrosPerSample)}x, ` +
          `RSS per series ${fmt(osprey.rssBytesPerSeries / prometheus.rssBytesPerSeries)}x, ` +
          `RSS growth per series ${fmt(osprey.rssDeltaBytesPerSeries / prometheus.rssDeltaBytesPerSeries)}x`,
      );
    }
    return { targets, seriesPerTarget, seconds, osprey, prometheus };
  } finally {
    child.kill('SIGTERM');
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  if (process.argv[2] === '--serve') {
    await serveTargets(Number(process.argv[3]), Number(process.argv[4]));
  } else if (process.argv[2] === '--osprey') {
    const r = await runOsprey(JSON.parse(process.argv[4]) as number[], Number(process.argv[3]));
    process.stdout.write(`${JSON.stringify(r)}\n`);
    process.exit(0);
  } else {
    await runScrapeBench();
  }
}
