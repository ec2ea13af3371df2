import assert from 'node:assert/strict';
import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { Labels } from '../model/index.ts';
import { freePort } from '../testing/free-port.ts';
import { spawnPrometheus } from '../testing/prometheus.ts';
import {
  CONTENT_TYPE_OPENMETRICS,
  CONTENT_TYPE_TEXT,
  type ExpositionFormat,
  type MetricFamily,
  writeOpenMetrics,
  writeText,
} from './index.ts';
import { MALFORMED } from './malformed-cases.ts';
import { rejection } from './test-helpers.ts';

/**
 * Differential test: the real Prometheus (Debian's 2.42) scrapes every page of our acceptance and
 * rejection tables; a target is up exactly when our parser accepts the page. Cases that need
 * Prometheus 3 features (quoted UTF-8 names) are not sent. Known, deliberate differences are listed
 * with their reason.
 */

const ACCEPTED: { name: string; format: ExpositionFormat; input: string }[] = [
  { name: 'plain', format: 'text', input: '# HELP a help\n# TYPE a counter\na 1\n' },
  { name: 'whitespace and trailing comma', format: 'text', input: 'a {b = "1" , c="2",} 7\nb\t3\t 12\t\n' },
  { name: 'commas between labels are optional in text', format: 'text', input: 'a{b="c"d="e"} 1\nb{x="1" y="2"} 2\n' },
  { name: 'blank and indented lines', format: 'text', input: 'a 1\n  \t\n   # indented comment\nb 2\n' },
  { name: 'no final newline', format: 'text', input: 'a 1 5' },
  { name: 'raw line break in a label value', format: 'text', input: 'a{b="x\ny"} 1\n' },
  { name: 'HELP with name only', format: 'text', input: '# HELP a\na 1\n# HELP b x' },
  { name: 'special values', format: 'text', input: 'a +Inf\nb -Inf\nc NaN\nd 1.5e-3\ne .5\nf inf\ng nan\n' },
  { name: 'escapes', format: 'text', input: 'a{p="C:\\\\x \\"y\\"\\nz"} 1\n' },
  { name: 'free comments and blank lines', format: 'text', input: '# hi\n\n#x\na 1\n\n' },
  { name: 'empty page', format: 'text', input: '' },
  { name: 'tabs around HELP', format: 'text', input: '#\tHELP\ta\tx\n#HELP is a comment\na 1\n' },
  { name: 'HELP text right after the name', format: 'text', input: '# HELP a{x} text\n# HELP b  two blanks\na 1\n' },
  { name: 'no blank after label block', format: 'text', input: 'a{b="c"}1\n' },
  { name: 'colons in metric names', format: 'text', input: 'a:b:c 1\n' },
  { name: 'TYPE repeated', format: 'text', input: '# TYPE a counter\n# TYPE a gauge\na 1\n' },
  { name: 'largest int64 timestamp', format: 'text', input: 'a 1 9223372036854775807\n' },
  { name: 'Infinity spelled out', format: 'text', input: 'a Infinity\nb -infinity\n' },
  { name: 'only a comment, no newline', format: 'text', input: '# just a comment' },
  { name: 'timestamp then exemplar', format: 'openmetrics', input: 'a_total 1 2 # {a="b"} 1 1.5\n# EOF\n' },
  { name: 'exponent timestamp', format: 'openmetrics', input: 'a -1.5e-3 1e3\n# EOF\n' },
  { name: 'empty UNIT', format: 'openmetrics', input: '# UNIT a_seconds \na_seconds 1\n# EOF\n' },
  {
    name: 'openmetrics',
    format: 'openmetrics',
    input: '# TYPE a counter\n# UNIT a_seconds seconds\na_total 1 # {x="y"} 1 2\n# EOF\n',
  },
  { name: 'openmetrics no final newline', format: 'openmetrics', input: 'a 1\n# EOF' },
  {
    name: 'exemplars on _total and _bucket',
    format: 'openmetrics',
    input: '# TYPE h histogram\nh_bucket{le="+Inf"} 1 # {a="b"} 1 2\nx_total 1 # {} 1\n# EOF\n',
  },
  { name: 'exemplar on _count', format: 'openmetrics', input: '# TYPE h histogram\nh_count 1 # {a="b"} 1\n# EOF\n' },
  { name: 'openmetrics float timestamp', format: 'openmetrics', input: 'a 1 1520879607.789\n# EOF\n' },
  {
    name: 'openmetrics stateset/info',
    format: 'openmetrics',
    input: '# TYPE s stateset\ns{s="a"} 1\n# TYPE i info\ni_info{v="1"} 1\n# EOF\n',
  },
];

/** Families for the writer check: Prometheus scrapes our writers' output and must store exactly these. */
const L = (o: Record<string, string>) => Labels.fromObject(o);
const WRITER_FAMILIES: MetricFamily[] = [
  {
    name: 'rt_requests_total',
    help: 'Help with \\ backslash and\nnewline',
    type: 'counter',
    samples: [
      { labels: L({ __name__: 'rt_requests_total', path: 'C:\\dir "quoted"\nnext', code: '200' }), value: 1027 },
      { labels: L({ __name__: 'rt_requests_total', path: 'ünï€ødé 😀 {a="b"}, #', code: '500' }), value: 1e21 },
    ],
  },
  {
    name: 'rt_gauge',
    help: '',
    type: 'gauge',
    samples: [
      { labels: L({ __name__: 'rt_gauge', k: 'nan' }), value: Number.NaN },
      { labels: L({ __name__: 'rt_gauge', k: 'inf' }), value: Number.POSITIVE_INFINITY },
      { labels: L({ __name__: 'rt_gauge', k: 'ninf' }), value: Number.NEGATIVE_INFINITY },
      { labels: L({ __name__: 'rt_gauge', k: 'small' }), value: 1.5e-7 },
      { labels: L({ __name__: 'rt_gauge', k: 'big' }), value: 123456789.125 },
      { labels: L({ __name__: 'rt_gauge', k: 'neg' }), value: -0.30000000000000004 },
    ],
  },
  {
    name: 'rt_latency_seconds',
    help: 'Latency.',
    type: 'histogram',
    unit: 'seconds',
    samples: [
      { labels: L({ __name__: 'rt_latency_seconds_bucket', le: '0.5' }), value: 2 },
      { labels: L({ __name__: 'rt_latency_seconds_bucket', le: '+Inf' }), value: 3 },
      { labels: L({ __name__: 'rt_latency_seconds_sum' }), value: 1.25 },
      { labels: L({ __name__: 'rt_latency_seconds_count' }), value: 3 },
    ],
  },
  {
    name: 'rt_build',
    help: 'Build.',
    type: 'info',
    samples: [{ labels: L({ __name__: 'rt_build_info', version: '1.2.3' }), value: 1 }],
  },
];

/** Where we knowingly differ from Prometheus 2.42, and why. */
const KNOWN_DIFFERENCES: Record<string, string> = {
  'bad escape': 'Prometheus keeps unknown escapes verbatim; we reject them by default (lenientEscapes: true matches)',
  'bad escape (OpenMetrics)': 'same as "bad escape"',
  'exemplar on _count': 'Prometheus 3 accepts exemplars on _count series (its UTF-8 parser tests do); 2.42 does not',
};

interface Case {
  id: number;
  name: string;
  format: ExpositionFormat;
  input: string;
}

const cases: Case[] = [
  ...ACCEPTED.map((c) => ({ ...c, id: 0 })),
  ...MALFORMED.filter((c) => !/quoted|metric name (not set|twice)|UTF-8/.test(c.name)).map((c) => ({
    name: c.name,
    format: c.format,
    input: c.input,
    id: 0,
  })),
  { name: 'writer: text', format: 'text' as const, input: writeText(WRITER_FAMILIES), id: 0 },
  { name: 'writer: openmetrics', format: 'openmetrics' as const, input: writeOpenMetrics(WRITER_FAMILIES), id: 0 },
].map((c, i) => ({ ...c, id: i }));

let server: Server;
let prom: ChildProcess;
let dir: string;
let promUrl: string;

before(async () => {
  server = createServer((req, res) => {
    const id = Number((req.url ?? '').split('/').pop());
    const c = cases[id];
    if (!c) {
      res.writeHead(404).end();
      return;
    }
    res.writeHead(200, { 'Content-Type': c.format === 'openmetrics' ? CONTENT_TYPE_OPENMETRICS : CONTENT_TYPE_TEXT });
    res.end(c.input);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const addr = server.address();
  const port = typeof addr === 'object' && addr ? addr.port : 0;
  dir = mkdtempSync(join(tmpdir(), 'osprey-expo-diff-'));
  const jobs = cases
    .map(
      (c) =>
        `  - job_name: c${c.id}\n    scrape_interval: 1s\n    scrape_timeout: 1s\n    metrics_path: /case/${c.id}\n    static_configs: [{targets: ['127.0.0.1:${port}']}]\n`,
    )
    .join('');
  writeFileSync(join(dir, 'prometheus.yml'), `scrape_configs:\n${jobs}`);
  const promPort = await freePort();
  promUrl = `http://127.0.0.1:${promPort}`;
  prom = spawnPrometheus(dir, promPort);
});

after(async () => {
  if (prom && prom.exitCode === null) {
    await new Promise<void>((r) => {
      prom.once('exit', () => r());
      prom.kill('SIGTERM');
    });
  }
  await new Promise<void>((r) => server?.close(() => r()));
  if (dir) rmSync(dir, { recursive: true, force: true });
});

interface TargetState {
  health: string;
  lastError: string;
}

async function scrapeResults(): Promise<Map<number, TargetState>> {
  const deadline = Date.now() + 30_000;
  for (;;) {
    try {
      const res = await fetch(`${promUrl}/api/v1/targets`);
      const body = (await res.json()) as {
        data: { activeTargets: { scrapePool: string; health: string; lastError: string }[] };
      };
      const out = new Map<number, TargetState>();
      for (const t of body.data.activeTargets) {
        if (t.health !== 'unknown')
          out.set(Number(t.scrapePool.slice(1)), { health: t.health, lastError: t.lastError });
      }
      if (out.size === cases.length) return out;
    } catch {
      // not up yet
    }
    if (Date.now() > deadline) throw new Error('Prometheus did not scrape every target in time');
    await new Promise((r) => setTimeout(r, 250));
  }
}

test('Prometheus accepts exactly the pages we accept', async () => {
  const results = await scrapeResults();
  const unexpected: string[] = [];
  let agree = 0;
  for (const c of cases) {
    const ours = rejection(c.input, c.format);
    const promUp = results.get(c.id)!.health === 'up';
    const weAccept = ours === 'accepted';
    if (promUp === weAccept) {
      agree++;
      if (c.name in KNOWN_DIFFERENCES) console.log(`  known difference now agrees: ${c.name}`);
      continue;
    }
    const line = `${c.name} (${c.format}): Prometheus ${promUp ? 'up' : `down: ${results.get(c.id)!.lastError}`}; Osprey ${ours}`;
    if (c.name in KNOWN_DIFFERENCES) console.log(`  known difference: ${line} -- ${KNOWN_DIFFERENCES[c.name]}`);
    else unexpected.push(line);
  }
  console.log(`prometheus differential: ${cases.length} ran, ${agree} agree, ${cases.length - agree} differ`);
  assert.deepEqual(unexpected, []);
});

test('Prometheus stores exactly what our writers print (text and OpenMetrics)', async () => {
  await scrapeResults();
  const expected = WRITER_FAMILIES.flatMap((f) => f.samples)
    .map((x) => `${x.labels.toString()} ${x.value}`)
    .sort();
  for (const name of ['writer: text', 'writer: openmetrics']) {
    const c = cases.find((x) => x.name === name)!;
    const query = encodeURIComponent(`{__name__=~"rt_.+",job="c${c.id}"}`);
    const deadline = Date.now() + 10_000;
    let got: string[] = [];
    for (;;) {
      const res = await fetch(`${promUrl}/api/v1/query?query=${query}`);
      const body = (await res.json()) as {
        data: { result: { metric: Record<string, string>; value: [number, string] }[] };
      };
      got = body.data.result
        .map((r) => {
          const { instance: _i, job: _j, ...rest } = r.metric;
          return `${Labels.fromObject(rest).toString()} ${apiFloat(r.value[1])}`;
        })
        .sort();
      if (got.length >= expected.length || Date.now() > deadline) break;
      await new Promise((r) => setTimeout(r, 250));
    }
    assert.deepEqual(got, expected, name);
  }
});

/** The API prints floats with Go's formatting: +Inf, -Inf and NaN need translating. */
function apiFloat(v: string): number {
  if (v === '+Inf') return Number.POSITIVE_INFINITY;
  if (v === '-Inf') return Number.NEGATIVE_INFINITY;
  return Number(v);
}
