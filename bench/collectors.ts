// Collector costs side by side with the exporters they replace, in the same run:
//  - CPU per host scrape: Osprey's HostCollector (collect + text) vs Debian's node_exporter (/metrics)
//  - CPU per HTTP probe: Osprey's prober vs Debian's blackbox_exporter (/probe), same local target
//  - CPU per host self-scrape in Osprey: in-process (src/self-scrape.ts) vs the loopback HTTP round-trip it replaces
//  - lines/s of the log collector on a generated access log (LOG_MB, default 200 MB)
import { type ChildProcess, spawn } from 'node:child_process';
import { createWriteStream, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Fastify from 'fastify';
import {
  defaultProbeModules,
  HostCollector,
  LogCollector,
  logsConfigFromValue,
  runProbe,
} from '../src/collectors/index.ts';
import { parsePrometheusConfig } from '../src/config/index.ts';
import { CONTENT_TYPE_TEXT, writeText } from '../src/exposition/index.ts';
import { fetchInProcess, HTTPScraper } from '../src/scrape/index.ts';
import { freePort } from '../src/testing/free-port.ts';

const N = Number(process.env.N ?? 50);

/** CPU seconds (user+system) a process has used, from /proc (clock ticks of 1/100 s). */
function procCpu(pid: number): number {
  const f = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const rest = f.slice(f.lastIndexOf(')') + 2).split(' ');
  return (Number(rest[11]) + Number(rest[12])) / 100;
}

async function waitUp(url: string): Promise<void> {
  for (let i = 0; i < 100; i++) {
    try {
      if ((await fetch(url)).ok) return;
    } catch {}
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`${url} did not come up`);
}

const selfCpu = () => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1e6;
};

export async function runCollectorsBench(): Promise<void> {
  const procs: ChildProcess[] = [];
  const dir = mkdtempSync(join(tmpdir(), 'osprey-bench-collectors-'));
  try {
    // Host scrape
    const host = new HostCollector();
    await host.collect();
    let c0 = selfCpu();
    for (let i = 0; i < N; i++) writeText(await host.collect());
    const ospreyHost = (selfCpu() - c0) / N;
    const nePort = await freePort();
    const ne = spawn('/usr/bin/prometheus-node-exporter', [`--web.listen-address=127.0.0.1:${nePort}`], {
      stdio: 'ignore',
    });
    procs.push(ne);
    await waitUp(`http://127.0.0.1:${nePort}/metrics`);
    let p0 = procCpu(ne.pid!);
    for (let i = 0; i < N; i++) await (await fetch(`http://127.0.0.1:${nePort}/metrics`)).text();
    const neHost = (procCpu(ne.pid!) - p0) / N;
    console.log(
      `host scrape CPU: osprey ${(ospreyHost * 1000).toFixed(2)} ms, node_exporter ${(neHost * 1000).toFixed(2)} ms, ratio ${(ospreyHost / neHost).toFixed(2)}`,
    );

    // Self-scrape of the host collector: the loopback HTTP round-trip (Fastify route + undici client, both in
    // this process, as before) vs the in-process hook. Both include collect + text; the scrape loop's parse and
    // append after the fetch are the same either way.
    const hostPage = async () => ({ body: writeText(await host.collect()), contentType: CONTENT_TYPE_TEXT });
    const app = Fastify({ logger: false });
    app.get('/collectors/host/metrics', async (_req, reply) => {
      const m = await hostPage();
      return reply.type(m.contentType).send(m.body);
    });
    await app.listen({ host: '127.0.0.1', port: 0 });
    const selfUrl = `http://127.0.0.1:${(app.server.address() as { port: number }).port}/collectors/host/metrics`;
    const sc = parsePrometheusConfig('scrape_configs: [{job_name: node}]\n', 'bench').scrape_configs[0];
    const scraper = new HTTPScraper(sc);
    const rounds = Number(process.env.ROUNDS ?? 3);
    const loopMs: number[] = [];
    const inProcMs: number[] = [];
    for (let r = 0; r < rounds; r++) {
      await scraper.fetch(selfUrl, 5000);
      c0 = selfCpu();
      for (let i = 0; i < N; i++) await scraper.fetch(selfUrl, 5000);
      loopMs.push(((selfCpu() - c0) / N) * 1000);
      c0 = selfCpu();
      for (let i = 0; i < N; i++) await fetchInProcess(hostPage, selfUrl, 5000, undefined, 0);
      inProcMs.push(((selfCpu() - c0) / N) * 1000);
    }
    await scraper.close();
    await app.close();
    const range = (a: number[]) => `${Math.min(...a).toFixed(2)}-${Math.max(...a).toFixed(2)}`;
    const saved = loopMs.map((v, i) => v - inProcMs[i]);
    console.log(
      `host self-scrape CPU (${rounds} rounds of ${N}): loopback HTTP ${range(loopMs)} ms, in-process ${range(inProcMs)} ms, saved ${range(saved)} ms per scrape`,
    );

    // HTTP probe against a target in another process (so its CPU is not counted on either side)
    const tPort = await freePort();
    const target = spawn(
      process.execPath,
      ['-e', `require('http').createServer((q,s)=>s.end('ok')).listen(${tPort},'127.0.0.1')`],
      { stdio: 'ignore' },
    );
    procs.push(target);
    await waitUp(`http://127.0.0.1:${tPort}/`);
    const mod = defaultProbeModules().get('http_2xx')!;
    const url = `http://127.0.0.1:${tPort}/`;
    await runProbe(url, mod, 5);
    const P = N * 4;
    c0 = selfCpu();
    for (let i = 0; i < P; i++) await runProbe(url, mod, 5);
    const ospreyProbe = (selfCpu() - c0) / P;
    const bbPort = await freePort();
    writeFileSync(join(dir, 'blackbox.yml'), 'modules:\n  http_2xx:\n    prober: http\n    timeout: 5s\n');
    const bb = spawn(
      '/usr/bin/prometheus-blackbox-exporter',
      [`--config.file=${join(dir, 'blackbox.yml')}`, `--web.listen-address=127.0.0.1:${bbPort}`],
      { stdio: 'ignore' },
    );
    procs.push(bb);
    await waitUp(`http://127.0.0.1:${bbPort}/metrics`);
    const probeUrl = `http://127.0.0.1:${bbPort}/probe?module=http_2xx&target=${encodeURIComponent(url)}`;
    await (await fetch(probeUrl)).text();
    p0 = procCpu(bb.pid!);
    for (let i = 0; i < P; i++) await (await fetch(probeUrl)).text();
    const bbProbe = (procCpu(bb.pid!) - p0) / P;
    console.log(
      `HTTP probe CPU: osprey ${(ospreyProbe * 1000).toFixed(3)} ms, blackbox_exporter ${(bbProbe * 1000).toFixed(3)} ms (incl. serving /probe), ratio ${(ospreyProbe / bbProbe).toFixed(2)}`,
    );

    // Log collector throughput
    const mb = Number(process.env.LOG_MB ?? 200);
    const logFile = join(dir, 'access.log');
    const ws = createWriteStream(logFile);
    let written = 0;
    let lines = 0;
    const methods = ['GET', 'POST', 'PUT'];
    while (written < mb * 1024 * 1024) {
      let chunk = '';
      for (let i = 0; i < 1000; i++, lines++) {
        chunk += `127.0.0.${i % 250} - - [24/Nov/2026:10:00:00 +0000] "${methods[i % 3]} /api/item/${i} HTTP/1.1" ${i % 20 === 0 ? 500 : 200} ${1000 + i} 0.0${i % 9}\n`;
      }
      written += chunk.length;
      if (!ws.write(chunk)) await new Promise<void>((r) => ws.once('drain', () => r()));
    }
    await new Promise<void>((r) => ws.end(() => r()));
    const cfg = logsConfigFromValue([
      {
        path: logFile,
        from_beginning: true,
        metrics: [
          {
            name: 'http_log_requests_total',
            type: 'counter',
            match: '"(?P<method>[A-Z]+) [^"]*" (?P<code>\\d+)',
            labels: { method: '$method', code: '$code' },
          },
        ],
      },
    ]);
    const lc = new LogCollector(cfg, { pollIntervalMs: 0 });
    const t0 = performance.now();
    await lc.start();
    const secs = (performance.now() - t0) / 1000;
    const fams = await lc.collect();
    const counted = fams.find((f) => f.name === 'http_log_requests_total')!.samples.reduce((a, s) => a + s.value, 0);
    await lc.stop();
    console.log(
      `log collector: ${mb} MB, ${lines} lines in ${secs.toFixed(1)} s = ${Math.round(lines / secs)} lines/s (${(mb / secs).toFixed(1)} MB/s); counted ${counted}`,
    );
  } finally {
    for (const p of procs) p.kill('SIGKILL');
  }
}

if (import.meta.url === `file://${process.argv[1]}`) await runCollectorsBench();
