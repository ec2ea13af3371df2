/**
 * Head benchmark: appends `series` series x `samples` samples at a 5 s interval through appenders the way
 * scrape loops do (one appender per target of 100 series, refs cached after the first scrape), then reports
 * append CPU per sample, memory per series and query latency.
 *
 *   node --expose-gc --import tsx bench/tsdb.ts [series] [samples]
 */
import { pathToFileURL } from 'node:url';
import { Labels, Matcher, MatchType } from '../src/model/index.ts';
import { Head } from '../src/tsdb/index.ts';

export interface TsdbBenchResult {
  series: number;
  samplesPerSeries: number;
  appendNsPerSample: number;
  /** Without the first scrape, which creates the series. */
  steadyAppendNsPerSample: number;
  /** CPU of the first scrape per series (series creation included). */
  createNsPerSeries: number;
  rssBytesPerSeries: number;
  heapBytesPerSeries: number;
  externalBytesPerSeries: number;
  chunks: number;
  select1SeriesMs: number;
  select10kSeriesMs: number;
}

const SERIES_PER_TARGET = 100;
const INTERVAL = 5000;

function gc(): void {
  const g = (globalThis as { gc?: () => void }).gc;
  if (g) {
    g();
    g();
  }
}

function makeLabels(i: number): Labels {
  const target = Math.floor(i / SERIES_PER_TARGET);
  const k = i % SERIES_PER_TARGET;
  return Labels.fromObject({
    __name__: `bench_metric_${k % 20}`,
    instance: `host-${target}.example.org:9100`,
    job: `job-${target % 10}`,
    le: String(k),
    mode: k % 2 === 0 ? 'user' : 'system',
  });
}

function timeQuery(head: Head, matchers: Matcher[], t0: number, t1: number): { ms: number; series: number } {
  let best = Number.POSITIVE_INFINITY;
  let n = 0;
  for (let rep = 0; rep < 3; rep++) {
    const start = process.hrtime.bigint();
    const q = head.querier();
    const res = q.select(matchers, t0, t1);
    let sum = 0;
    for (const s of res) {
      const it = s.iterator();
      while (it.next()) sum += it.v;
    }
    const ms = Number(process.hrtime.bigint() - start) / 1e6;
    if (sum === 0.5) console.log(''); // keep the loop from being optimised away
    if (ms < best) best = ms;
    n = res.length;
  }
  return { ms: best, series: n };
}

export function runTsdbBench(opts: { series?: number; samples?: number; quiet?: boolean } = {}): TsdbBenchResult {
  const nSeries = opts.series ?? 100_000;
  const nSamples = opts.samples ?? 120;
  const log = opts.quiet ? () => {} : (s: string) => console.log(s);
  if (!(globalThis as { gc?: unknown }).gc) log('(run with --expose-gc for steadier memory numbers)');

  // labels are built up front, as a scrape loop's cache would hold them
  const labels = Array.from({ length: nSeries }, (_, i) => makeLabels(i));
  const refs = new Float64Array(nSeries);
  const counters = new Float64Array(nSeries);
  gc();
  const mem0 = process.memoryUsage();

  const head = new Head();
  const t0 = 1_700_000_000_000;
  let seed = 12345;
  const rnd = () => {
    seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
    return seed / 4294967296;
  };
  const cpu0 = process.cpuUsage();
  let cpuFirst = cpu0;
  for (let s = 0; s < nSamples; s++) {
    if (s === 1) cpuFirst = process.cpuUsage();
    const t = t0 + s * INTERVAL;
    for (let base = 0; base < nSeries; base += SERIES_PER_TARGET) {
      const app = head.appender();
      const end = Math.min(nSeries, base + SERIES_PER_TARGET);
      for (let i = base; i < end; i++) {
        // a third counters, a third gauges, a third constants
        const kind = i % 3;
        let v: number;
        if (kind === 0) v = counters[i] += Math.floor(rnd() * 100);
        else if (kind === 1) v = Math.round(rnd() * 10000) / 100;
        else v = 1;
        refs[i] = app.append(refs[i], labels[i], t, v);
      }
      app.commit();
    }
  }
  const cpu = process.cpuUsage(cpu0);
  const appendNs = ((cpu.user + cpu.system) * 1000) / (nSeries * nSamples);
  const firstUs = cpuFirst.user + cpuFirst.system - cpu0.user - cpu0.system;
  const steadyNs = nSamples > 1 ? ((cpu.user + cpu.system - firstUs) * 1000) / (nSeries * (nSamples - 1)) : Number.NaN;

  gc();
  const mem1 = process.memoryUsage();
  const per = (a: number, b: number) => (b - a) / nSeries;
  const stats = head.stats(1);

  const tEnd = t0 + (nSamples - 1) * INTERVAL;
  const one = timeQuery(
    head,
    [new Matcher(MatchType.Equal, 'instance', 'host-7.example.org:9100'), new Matcher(MatchType.Equal, 'le', '42')],
    t0,
    tEnd,
  );
  const many = timeQuery(
    head,
    [new Matcher(MatchType.Regex, 'job', 'job-3'), new Matcher(MatchType.Regex, 'mode', 'user|system')],
    t0,
    tEnd,
  );

  const res: TsdbBenchResult = {
    series: nSeries,
    samplesPerSeries: nSamples,
    appendNsPerSample: appendNs,
    steadyAppendNsPerSample: steadyNs,
    createNsPerSeries: (firstUs * 1000) / nSeries,
    rssBytesPerSeries: per(mem0.rss, mem1.rss),
    heapBytesPerSeries: per(mem0.heapUsed, mem1.heapUsed),
    externalBytesPerSeries: per(mem0.external, mem1.external),
    chunks: stats.chunkCount,
    select1SeriesMs: one.ms,
    select10kSeriesMs: many.ms,
  };
  log(`tsdb head: ${nSeries} series x ${nSamples} samples (${INTERVAL / 1000}s interval), ${stats.chunkCount} chunks`);
  log(
    `  append:        ${appendNs.toFixed(0)} ns/sample (CPU, all), ${steadyNs.toFixed(0)} ns/sample after the first scrape`,
  );
  log(`  first scrape:  ${res.createNsPerSeries.toFixed(0)} ns/series (creates the series)`);
  log(
    `  memory/series: rss ${res.rssBytesPerSeries.toFixed(0)} B, heap ${res.heapBytesPerSeries.toFixed(0)} B, external (ArrayBuffers) ${res.externalBytesPerSeries.toFixed(0)} B`,
  );
  log(`  select 1 series (${one.series}):     ${one.ms.toFixed(2)} ms`);
  log(`  select ${many.series} series:  ${many.ms.toFixed(2)} ms (all samples iterated)`);
  return res;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const series = process.argv[2] ? Number(process.argv[2]) : undefined;
  const samples = process.argv[3] ? Number(process.argv[3]) : undefined;
  runTsdbBench({ series, samples });
}
