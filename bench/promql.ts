// PromQL latency, Osprey vs Debian's Prometheus on the same data, same run.
// Data: INSTANCES (default 500) instances x 10 series each, 1h at 15s. Prometheus gets it through
// `promtool tsdb create-blocks-from openmetrics`; Osprey through remote write. Both answer the same
// queries over HTTP; we print median latency per query and the ratio Osprey/Prometheus.
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { createWriteStream, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Labels } from '../src/model/index.ts';
import { encodeWriteRequestBody } from '../src/remote/index.ts';
import { freePort } from '../src/testing/free-port.ts';

const INSTANCES = Number(process.env.INSTANCES ?? 500);
const STEP_MS = 15_000;
const SPAN_MS = 3600_000;
const RUNS = Number(process.env.RUNS ?? 7);

interface SeriesDef {
  labels: Record<string, string>;
  value: (i: number) => number;
}

function seriesDefs(): SeriesDef[] {
  const out: SeriesDef[] = [];
  for (let n = 0; n < INSTANCES; n++) {
    const base = { job: `job${n % 4}`, instance: `host${n}:9100` };
    for (const code of ['200', '404', '500']) {
      const rate = code === '200' ? 10 + (n % 7) : 1 + (n % 3);
      out.push({ labels: { __name__: 'http_requests_total', ...base, code }, value: (i) => i * rate * 15 });
    }
    let cum = 0;
    for (const [k, le] of ['0.1', '0.5', '1', '5', '+Inf'].entries()) {
      cum += 2 + k + (n % 5);
      const c = cum;
      out.push({ labels: { __name__: 'http_request_duration_seconds_bucket', ...base, le }, value: (i) => i * c });
    }
    out.push({ labels: { __name__: 'load', ...base }, value: (i) => (n % 10) + Math.sin(i / 10) });
    out.push({ labels: { __name__: 'build_info', ...base, version: `v${n % 3}` }, value: () => 1 });
  }
  return out;
}

const QUERIES = [
  'sum by (job) (rate(http_requests_total[5m]))',
  'histogram_quantile(0.99, sum by (le) (rate(http_request_duration_seconds_bucket[5m])))',
  'topk(10, rate(http_requests_total[5m]))',
  'sum(rate(http_requests_total{code=~"5..|4.."}[5m]))',
  'load / on(job, instance) build_info',
  'load * on(job, instance) group_left(version) build_info',
  'count by (__name__) ({__name__=~".+"})',
];
const RANGE_QUERIES: [string, number, number][] = [
  ['sum by (job) (rate(http_requests_total[5m]))', 3600_000, 15_000],
  ['avg_over_time(load[5m])', 3600_000, 60_000],
];

async function waitReady(url: string): Promise<void> {
  for (let i = 0; i < 600; i++) {
    try {
      if ((await fetch(`${url}/-/ready`)).ok) return;
    } catch {}
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`${url} not ready`);
}

async function timeQuery(url: string, params: Record<string, string>, path: string): Promise<number> {
  const t0 = performance.now();
  const r = await fetch(`${url}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams(params).toString(),
  });
  const body = (await r.json()) as { status: string; error?: string };
  if (body.status !== 'success') throw new Error(`${url}: ${params.query}: ${body.error}`);
  return performance.now() - t0;
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

export async function runPromqlBench(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'osprey-bench-promql-'));
  const end = Math.floor(Date.now() / STEP_MS) * STEP_MS - 60_000;
  const start = end - SPAN_MS;
  const steps = SPAN_MS / STEP_MS + 1;
  const defs = seriesDefs();
  console.log(`data: ${defs.length} series x ${steps} samples = ${(defs.length * steps) / 1e6}M samples`);

  // OpenMetrics file for promtool (series-major, timestamps in seconds).
  const omFile = join(dir, 'data.om');
  const ws = createWriteStream(omFile);
  for (const d of defs) {
    const { __name__, ...rest } = d.labels;
    const ls = Object.entries(rest)
      .map(([k, v]) => `${k}="${v}"`)
      .join(',');
    let chunk = '';
    for (let i = 0; i < steps; i++) chunk += `${__name__}{${ls}} ${d.value(i)} ${(start + i * STEP_MS) / 1000}\n`;
    if (!ws.write(chunk)) await new Promise<void>((r) => ws.once('drain', () => r()));
  }
  ws.end('# EOF\n');
  await new Promise<void>((r) => ws.on('finish', () => r()));
  const promData = join(dir, 'prom');
  const bf = spawnSync('/usr/bin/promtool', ['tsdb', 'create-blocks-from', 'openmetrics', omFile, promData], {
    encoding: 'utf8',
  });
  if (bf.status !== 0) throw new Error(`promtool backfill failed: ${bf.stderr}`);

  const promPort = await freePort();
  const ospreyPort = await freePort();
  const procs: ChildProcess[] = [];
  writeFileSync(join(dir, 'empty.yml'), 'scrape_configs: []\n');
  try {
    procs.push(
      spawn(
        '/usr/bin/prometheus',
        [
          `--config.file=${join(dir, 'empty.yml')}`,
          `--storage.tsdb.path=${promData}`,
          `--web.listen-address=127.0.0.1:${promPort}`,
          '--storage.tsdb.retention.time=30d',
        ],
        { stdio: 'ignore' },
      ),
    );
    procs.push(
      spawn(
        process.execPath,
        [
          'bin/osprey.js',
          'run',
          `--config.file=${join(dir, 'empty.yml')}`,
          `--storage.tsdb.path=${join(dir, 'osprey')}`,
          `--web.listen-address=127.0.0.1:${ospreyPort}`,
          '--web.enable-remote-write-receiver',
        ],
        { stdio: 'ignore' },
      ),
    );
    const prom = `http://127.0.0.1:${promPort}`;
    const osprey = `http://127.0.0.1:${ospreyPort}`;
    await Promise.all([waitReady(prom), waitReady(osprey)]);

    // Load Osprey through remote write, 200 series per request.
    const t0 = performance.now();
    for (let k = 0; k < defs.length; k += 200) {
      const batch = defs.slice(k, k + 200).map((d) => {
        const ts = new Float64Array(steps);
        const vs = new Float64Array(steps);
        for (let i = 0; i < steps; i++) {
          ts[i] = start + i * STEP_MS;
          vs[i] = d.value(i);
        }
        return { labels: Labels.fromObject(d.labels), timestamps: ts, values: vs };
      });
      const r = await fetch(`${osprey}/api/v1/write`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-protobuf', 'content-encoding': 'snappy' },
        body: encodeWriteRequestBody(batch),
      });
      if (r.status !== 204) throw new Error(`remote write: ${r.status} ${await r.text()}`);
    }
    console.log(`osprey ingest via remote write: ${((performance.now() - t0) / 1000).toFixed(1)} s`);

    const rows: string[][] = [];
    const ratios: number[] = [];
    const measure = async (label: string, path: string, params: Record<string, string>) => {
      // one warm-up each, then RUNS alternating measurements
      await timeQuery(prom, params, path);
      await timeQuery(osprey, params, path);
      const p: number[] = [];
      const o: number[] = [];
      for (let i = 0; i < RUNS; i++) {
        p.push(await timeQuery(prom, params, path));
        o.push(await timeQuery(osprey, params, path));
      }
      const ratio = median(o) / median(p);
      ratios.push(ratio);
      rows.push([label, median(p).toFixed(1), median(o).toFixed(1), ratio.toFixed(2)]);
    };
    for (const q of QUERIES) await measure(q, '/api/v1/query', { query: q, time: String(end / 1000) });
    for (const [q, span, step] of RANGE_QUERIES) {
      await measure(`${q} [range ${span / 60000}m step ${step / 1000}s]`, '/api/v1/query_range', {
        query: q,
        start: String((end - span) / 1000),
        end: String(end / 1000),
        step: String(step / 1000),
      });
    }
    console.log('\nquery | prometheus ms (median) | osprey ms (median) | ratio osprey/prometheus');
    for (const r of rows) console.log(r.join(' | '));
    console.log(`median ratio: ${median(ratios).toFixed(2)}`);
  } finally {
    for (const p of procs) p.kill('SIGKILL');
  }
}

if (import.meta.url === `file://${process.argv[1]}`) await runPromqlBench();
