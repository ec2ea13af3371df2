/**
 * Exposition parser throughput: MB/s and samples/s for a real node_exporter page and a synthetic
 * 10k-series page, parsed the way the scrape loop does (next, seriesKey, value, timestamp), and
 * again with labels() on every sample (the cache-miss path).
 *
 *   node --import tsx bench/exposition.ts
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { createParser, type ExpositionFormat } from '../src/exposition/index.ts';
import { haveNodeExporter, startNodeExporter } from '../src/exposition/node-exporter.ts';

export interface ExpositionBenchResult {
  name: string;
  mbPerSec: number;
  samplesPerSec: number;
}

const FALLBACK_PAGE = fileURLToPath(
  new URL('../../shared/conformance/exposition/alltypes.237mfs.prom.txt', import.meta.url),
);

async function nodeExporterPage(): Promise<{ page: string; source: string }> {
  if (haveNodeExporter()) {
    try {
      const ex = await startNodeExporter();
      try {
        const res = await fetch(ex.url, { headers: { Accept: 'text/plain;version=0.0.4' } });
        return { page: await res.text(), source: 'node_exporter' };
      } finally {
        await ex.stop();
      }
    } catch (e) {
      console.log(`node_exporter unavailable (${(e as Error).message}); using the conformance page`);
    }
  }
  return { page: readFileSync(FALLBACK_PAGE, 'utf8'), source: 'alltypes.237mfs.prom.txt' };
}

/** 10k series in 100 families with realistic label sets and a mix of value shapes. */
export function syntheticPage(series = 10_000): string {
  const out: string[] = [];
  const perFamily = 100;
  for (let f = 0; f < series / perFamily; f++) {
    const name = `app_component${f}_requests_total`;
    out.push(`# HELP ${name} Requests handled by component ${f}.`);
    out.push(`# TYPE ${name} counter`);
    for (let i = 0; i < perFamily; i++) {
      const v = i % 3 === 0 ? String(i * 1000 + f) : i % 3 === 1 ? `${(i * 1.37).toFixed(3)}` : `${i}.5e+06`;
      out.push(
        `${name}{method="${i % 2 ? 'GET' : 'POST'}",handler="/api/v1/items/${i}",code="${200 + (i % 5)}",instance="10.0.${f}.${i}:9100",job="app"} ${v}`,
      );
    }
  }
  return `${out.join('\n')}\n`;
}

function countSamples(page: string, format: ExpositionFormat): number {
  const p = createParser(page, format);
  let n = 0;
  for (let e = p.next(); e !== null; e = p.next()) if (e === 'series') n++;
  return n;
}

/**
 * Seconds per run of `fn`: the best of five rounds of about `ms` milliseconds each after a warm-up,
 * so that other work on a shared machine disturbs the figure less.
 */
function timeIt(fn: () => void, ms = 250): number {
  for (let i = 0; i < 5; i++) fn();
  let best = Number.POSITIVE_INFINITY;
  for (let round = 0; round < 5; round++) {
    let runs = 0;
    const start = process.hrtime.bigint();
    let elapsed = 0;
    do {
      fn();
      runs++;
      elapsed = Number(process.hrtime.bigint() - start) / 1e6;
    } while (elapsed < ms);
    best = Math.min(best, elapsed / 1000 / runs);
  }
  return best;
}

let sink = 0;

function scrapeLoop(input: string | Uint8Array, format: ExpositionFormat, withLabels: boolean): void {
  const p = createParser(input, format);
  for (let e = p.next(); e !== null; e = p.next()) {
    if (e !== 'series') continue;
    const key = p.seriesKey();
    const ts = p.timestamp();
    sink += key.length + p.value() + (ts ?? 0);
    if (withLabels) sink += p.labels().size;
  }
}

export async function runExpositionBench(): Promise<ExpositionBenchResult[]> {
  const ne = await nodeExporterPage();
  const synthetic = syntheticPage();
  const cases: { name: string; input: string | Uint8Array; samples: number; bytes: number; labels: boolean }[] = [];
  for (const [label, page] of [
    [ne.source, ne.page],
    ['synthetic 10k series', synthetic],
  ] as const) {
    const bytes = Buffer.byteLength(page);
    const samples = countSamples(page, 'text');
    cases.push({ name: `${label}: scrape loop`, input: page, samples, bytes, labels: false });
    cases.push({ name: `${label}: scrape loop + labels()`, input: page, samples, bytes, labels: true });
    cases.push({
      name: `${label}: from bytes (UTF-8 decode) + scrape loop`,
      input: new Uint8Array(Buffer.from(page)),
      samples,
      bytes,
      labels: false,
    });
  }
  const results: ExpositionBenchResult[] = [];
  console.log(
    `exposition parser (text format; page from ${ne.source}, ${cases[0].samples} samples, ${cases[0].bytes} bytes)`,
  );
  for (const c of cases) {
    const secs = timeIt(() => scrapeLoop(c.input, 'text', c.labels));
    const r = { name: c.name, mbPerSec: c.bytes / 1e6 / secs, samplesPerSec: c.samples / secs };
    results.push(r);
    console.log(
      `${r.name.padEnd(58)} ${r.mbPerSec.toFixed(1).padStart(7)} MB/s ${(r.samplesPerSec / 1e6).toFixed(2).padStart(6)} M samples/s`,
    );
  }
  if (sink === 42) console.log(''); // keep the work observable
  return results;
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  await runExpositionBench();
}
