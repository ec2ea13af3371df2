/**
 * Rule evaluation benchmark (issue 5): 1,000 alerting rules over 100k series at a 15 s interval.
 *
 * Data: METRICS (default 1000) metrics x SERIES_PER_METRIC (default 100) series, SAMPLES (default 20) samples
 * at 15 s ending just before now. Rules: GROUPS (default 10) groups of 1000/GROUPS alerting rules
 * `bench_metric_N > THRESHOLD` with `for: 5m`, so every rule selects 100 series; THRESHOLD (default 98.5)
 * sets how many fire: 98.5 about 1%, 50 about half.
 *
 * Osprey: in process, an in-memory Head and the real RuleGroup/AlertingRule/Engine code, evaluated ROUNDS
 * times; prints median evaluation time per group and the CPU share of a 15 s interval.
 * Prometheus (unless PROM=0): the same data backfilled with `promtool tsdb create-blocks-from openmetrics`,
 * the same rule file, evaluation_interval 15s; we read prometheus_rule_group_last_duration_seconds after a
 * few evaluations and its process CPU over the same window.
 *
 *   node --import tsx bench/rules.ts
 */
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { createWriteStream, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { Labels } from '../src/model/index.ts';
import { Engine } from '../src/promql/index.ts';
import { AlertingRule, RuleGroup } from '../src/rules/index.ts';
import { freePort } from '../src/testing/free-port.ts';
import { Head } from '../src/tsdb/index.ts';

const METRICS = Number(process.env.METRICS ?? 1000);
const SERIES_PER_METRIC = Number(process.env.SERIES_PER_METRIC ?? 100);
const SAMPLES = Number(process.env.SAMPLES ?? 20);
const GROUPS = Number(process.env.GROUPS ?? 10);
const ROUNDS = Number(process.env.ROUNDS ?? 8);
const INTERVAL = 15_000;
/** Alert threshold: values are 0..99.5 spread evenly, so 50 makes half the series fire, 98.5 about 1%. */
const THRESHOLD = Number(process.env.THRESHOLD ?? 98.5);

export interface RulesBenchResult {
  series: number;
  rules: number;
  groups: number;
  ospreyMsPerGroup: number;
  ospreyMsPerRound: number;
  ospreyCpuShare: number;
  prometheusMsPerGroup?: number;
  prometheusMsPerRound?: number;
  prometheusCpuShare?: number;
}

function seriesLabels(m: number, k: number): Record<string, string> {
  return {
    __name__: `bench_metric_${m}`,
    instance: `host-${k}.example.org:9100`,
    job: `job-${k % 10}`,
    region: k % 2 === 0 ? 'eu' : 'us',
  };
}

/** Deterministic value: half of the series of each metric sit above the threshold 50. */
function value(m: number, k: number, i: number): number {
  return ((k * 37 + m * 11) % 100) + (i % 3) * 0.25;
}

function ruleFileText(): string {
  const perGroup = Math.ceil(METRICS / GROUPS);
  let out = 'groups:\n';
  for (let g = 0; g < GROUPS; g++) {
    out += `  - name: bench-${g}\n    interval: 15s\n    rules:\n`;
    for (let m = g * perGroup; m < Math.min(METRICS, (g + 1) * perGroup); m++) {
      out += `      - alert: BenchAlert${m}\n        expr: bench_metric_${m} > ${THRESHOLD}\n        for: 5m\n`;
      out += '        labels:\n          severity: warning\n';
      out += '        annotations:\n          summary: "value is {{ $value }}"\n';
    }
  }
  return out;
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

function runOsprey(end: number): { msPerGroup: number; msPerRound: number; cpuShare: number } {
  const head = new Head();
  const t0 = performance.now();
  const refs = new Float64Array(METRICS * SERIES_PER_METRIC);
  const labels: Labels[] = [];
  for (let m = 0; m < METRICS; m++)
    for (let k = 0; k < SERIES_PER_METRIC; k++) labels.push(Labels.fromObject(seriesLabels(m, k)));
  for (let i = 0; i < SAMPLES; i++) {
    const t = end - (SAMPLES - 1 - i) * INTERVAL;
    const app = head.appender();
    let j = 0;
    for (let m = 0; m < METRICS; m++)
      for (let k = 0; k < SERIES_PER_METRIC; k++, j++) refs[j] = app.append(refs[j], labels[j], t, value(m, k, i));
    app.commit();
  }
  console.log(`osprey: loaded ${head.numSeries()} series in ${((performance.now() - t0) / 1000).toFixed(1)} s`);

  const engine = new Engine();
  const perGroup = Math.ceil(METRICS / GROUPS);
  const groups: RuleGroup[] = [];
  for (let g = 0; g < GROUPS; g++) {
    const rules = [];
    for (let m = g * perGroup; m < Math.min(METRICS, (g + 1) * perGroup); m++) {
      rules.push(
        new AlertingRule({
          name: `BenchAlert${m}`,
          expr: `bench_metric_${m} > ${THRESHOLD}`,
          holdDuration: 300_000,
          keepFiringFor: 0,
          labels: { severity: 'warning' },
          annotations: { summary: 'value is {{ $value }}' },
          restored: true,
        }),
      );
    }
    groups.push(
      new RuleGroup(
        { name: `bench-${g}`, file: 'bench.yml', interval: INTERVAL, queryOffset: 0, limit: 0, rules },
        {
          engine,
          queryable: head,
          appendable: head,
          externalLabels: {},
          externalURL: 'http://localhost:9090',
          resendDelay: 60_000,
          outageTolerance: 3600_000,
          forGracePeriod: 600_000,
          now: () => end,
        },
      ),
    );
  }
  const perGroupMs: number[] = [];
  const perRoundMs: number[] = [];
  const cpuPerRound: number[] = [];
  for (let r = 0; r < ROUNDS; r++) {
    // evaluation times stay within the data's lookback window so every rule finds its series
    const ts = end + r * 1000;
    const c0 = process.cpuUsage();
    const w0 = performance.now();
    for (const g of groups) {
      const g0 = performance.now();
      g.evaluate(ts);
      perGroupMs.push(performance.now() - g0);
    }
    perRoundMs.push(performance.now() - w0);
    const c = process.cpuUsage(c0);
    cpuPerRound.push((c.user + c.system) / 1000);
  }
  // the first round creates the ALERTS series; report the steady state
  const steady = (xs: number[], per: number) => median(xs.slice(per));
  const firing = groups.reduce((n, g) => n + g.lastEvalSamples, 0);
  console.log(`osprey: ${firing} samples (ALERTS + ALERTS_FOR_STATE) written per round`);
  return {
    msPerGroup: steady(perGroupMs, GROUPS),
    msPerRound: steady(perRoundMs, 1),
    cpuShare: steady(cpuPerRound, 1) / INTERVAL,
  };
}

function procCpuMs(pid: number): number {
  const f = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const rest = f.slice(f.lastIndexOf(')') + 2).split(' ');
  // utime and stime are fields 14 and 15 (1-based); rest starts at field 3
  return ((Number(rest[11]) + Number(rest[12])) * 1000) / 100;
}

async function metricsOf(url: string): Promise<string> {
  return (await fetch(`${url}/metrics`)).text();
}

function groupDurations(text: string, name: string): { sum: number; n: number; evals: number } {
  let sum = 0;
  let n = 0;
  let evals = 0;
  for (const line of text.split('\n')) {
    if (line.startsWith(`${name}{`) && line.includes('rule_group="')) {
      sum += Number(line.slice(line.lastIndexOf(' ') + 1));
      n++;
    }
    if (line.startsWith('prometheus_rule_evaluations_total{')) evals += Number(line.slice(line.lastIndexOf(' ') + 1));
  }
  return { sum, n, evals };
}

async function runPrometheus(
  dir: string,
  end: number,
): Promise<{ msPerGroup: number; msPerRound: number; cpuShare: number }> {
  const omFile = join(dir, 'data.om');
  const ws = createWriteStream(omFile);
  for (let m = 0; m < METRICS; m++) {
    for (let k = 0; k < SERIES_PER_METRIC; k++) {
      const { __name__, ...rest } = seriesLabels(m, k);
      const ls = Object.entries(rest)
        .map(([a, b]) => `${a}="${b}"`)
        .join(',');
      let chunk = '';
      for (let i = 0; i < SAMPLES; i++) {
        const t = end - (SAMPLES - 1 - i) * INTERVAL;
        chunk += `${__name__}{${ls}} ${value(m, k, i)} ${t / 1000}\n`;
      }
      if (!ws.write(chunk)) await new Promise<void>((r) => ws.once('drain', () => r()));
    }
  }
  ws.end('# EOF\n');
  await new Promise<void>((r) => ws.on('finish', () => r()));
  const promData = join(dir, 'prom');
  const bf = spawnSync('/usr/bin/promtool', ['tsdb', 'create-blocks-from', 'openmetrics', omFile, promData], {
    encoding: 'utf8',
  });
  if (bf.status !== 0) throw new Error(`promtool backfill failed: ${bf.stderr}`);
  rmSync(omFile);
  writeFileSync(join(dir, 'rules.yml'), ruleFileText());
  writeFileSync(
    join(dir, 'prometheus.yml'),
    `global:\n  evaluation_interval: 15s\nrule_files:\n  - ${join(dir, 'rules.yml')}\nscrape_configs: []\n`,
  );
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  let proc: ChildProcess | undefined;
  try {
    proc = spawn(
      '/usr/bin/prometheus',
      [
        `--config.file=${join(dir, 'prometheus.yml')}`,
        `--storage.tsdb.path=${promData}`,
        `--web.listen-address=${url.slice(7)}`,
        '--storage.tsdb.retention.time=30d',
      ],
      { stdio: 'ignore' },
    );
    for (let i = 0; ; i++) {
      try {
        if ((await fetch(`${url}/-/ready`)).ok) break;
      } catch {}
      if (i > 600) throw new Error('prometheus not ready');
      await new Promise((r) => setTimeout(r, 100));
    }
    // wait for every group to have evaluated twice, then measure over 2 more intervals
    const waitEvals = async (n: number) => {
      for (;;) {
        const d = groupDurations(await metricsOf(url), 'prometheus_rule_group_last_duration_seconds');
        if (d.evals >= n * METRICS) return;
        await new Promise((r) => setTimeout(r, 500));
      }
    };
    await waitEvals(2);
    const c0 = procCpuMs(proc.pid!);
    const w0 = Date.now();
    const samples: number[] = [];
    for (let round = 0; round < 3; round++) {
      await new Promise((r) => setTimeout(r, INTERVAL));
      const d = groupDurations(await metricsOf(url), 'prometheus_rule_group_last_duration_seconds');
      samples.push((d.sum * 1000) / Math.max(1, d.n));
    }
    const cpu = procCpuMs(proc.pid!) - c0;
    const wall = Date.now() - w0;
    const msPerGroup = median(samples);
    return { msPerGroup, msPerRound: msPerGroup * GROUPS, cpuShare: cpu / wall };
  } finally {
    proc?.kill();
  }
}

export async function runRulesBench(): Promise<RulesBenchResult> {
  const end = Math.floor(Date.now() / INTERVAL) * INTERVAL - INTERVAL;
  const series = METRICS * SERIES_PER_METRIC;
  console.log(`data: ${series} series x ${SAMPLES} samples; ${METRICS} alerting rules in ${GROUPS} groups; 15s`);
  const o = runOsprey(end);
  const res: RulesBenchResult = {
    series,
    rules: METRICS,
    groups: GROUPS,
    ospreyMsPerGroup: o.msPerGroup,
    ospreyMsPerRound: o.msPerRound,
    ospreyCpuShare: o.cpuShare,
  };
  if (process.env.PROM !== '0') {
    const dir = mkdtempSync(join(tmpdir(), 'osprey-bench-rules-'));
    try {
      // Prometheus evaluates at wall-clock time: shift the data so it ends just before now
      const p = await runPrometheus(dir, Math.floor(Date.now() / 1000) * 1000 - 1000);
      res.prometheusMsPerGroup = p.msPerGroup;
      res.prometheusMsPerRound = p.msPerRound;
      res.prometheusCpuShare = p.cpuShare;
    } catch (e) {
      console.log(`prometheus side skipped: ${(e as Error).message}`);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  } else console.log('prometheus side skipped (PROM=0): Osprey figures only');
  const f = (x: number | undefined, d = 1) => (x === undefined ? '-' : x.toFixed(d));
  console.log('\nfigure | prometheus | osprey | ratio osprey/prometheus');
  const row = (name: string, p: number | undefined, v: number, d = 1) =>
    console.log(`${name} | ${f(p, d)} | ${f(v, d)} | ${p === undefined ? '-' : (v / p).toFixed(2)}`);
  row('eval ms per group (100 rules)', res.prometheusMsPerGroup, res.ospreyMsPerGroup);
  row('eval ms per round (all groups)', res.prometheusMsPerRound, res.ospreyMsPerRound);
  row('CPU share of one core (%)', pct(res.prometheusCpuShare), pct(res.ospreyCpuShare) ?? 0, 2);
  console.log(
    'note: Prometheus CPU share is the whole process over the measured window (includes its own scraping of nothing, GC, TSDB housekeeping); Osprey CPU share is rule evaluation CPU per round / 15 s.',
  );
  return res;
}

function pct(x: number | undefined): number | undefined {
  return x === undefined ? undefined : x * 100;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) await runRulesBench();
