// biome-ignore-all lint/suspicious/noTemplateCurlyInString: relabel replacement templates are written ${1}
/**
 * Side by side with Debian's /usr/bin/prometheus (2.42): the same scrape configs (relabeling of many
 * kinds, params, honor_labels) against the same local target must give the same /api/v1/targets
 * labels, discovered labels and scrape URLs, and the same scraped series.
 */
import assert from 'node:assert/strict';
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import type { RelabelConfig, ScrapeConfig } from '../config/types.ts';
import { freePort } from '../testing/free-port.ts';
import { ScrapeManager } from './index.ts';
import { prometheusConfig, RecordingAppendable, relabelConfig as rc, scrapeConfig, waitFor } from './test-helpers.ts';

const PROMETHEUS = '/usr/bin/prometheus';
const PAGE = [
  '# TYPE http_requests_total counter',
  'http_requests_total{code="200",job="exposed",instance="inner",path="/A"} 10',
  'http_requests_total{code="500",path="/B"} 1',
  'temperature{room="Kitchen"} 21.5',
  'go_gc_duration_seconds{quantile="0.5"} 0.001',
  '',
].join('\n');

let server: Server;
let addr = '';
let prom: ChildProcess | null = null;
let promPort = 0;
let dir = '';

function configs(): ScrapeConfig[] {
  const r = (p: Partial<RelabelConfig>) => rc(p);
  const base = { scrape_interval: 1000, scrape_timeout: 1000 };
  return [
    scrapeConfig({
      job_name: 'relabel',
      ...base,
      static_configs: [
        { targets: [addr], labels: { team: 'Infra', __meta_zone: 'eu-west-1a', __meta_rack: 'r7' } },
        { targets: [`localhost:${addr.split(':')[1]}`], labels: { team: 'Drop' } },
      ],
      relabel_configs: [
        r({ source_labels: ['team'], regex: 'Drop', action: 'drop' }),
        r({ regex: '__meta_(.+)', replacement: 'm_$1', action: 'labelmap' }),
        r({ source_labels: ['__address__'], target_label: 'shard', modulus: 7, action: 'hashmod' }),
        r({ source_labels: ['__address__'], target_label: 'big_shard', modulus: 1_000_000_007, action: 'hashmod' }),
        r({ source_labels: ['team'], target_label: 'team_lc', action: 'lowercase' }),
        r({ source_labels: ['team'], target_label: 'team_uc', action: 'uppercase' }),
        r({
          source_labels: ['m_zone'],
          regex: '([a-z]+)-([a-z]+)-(\\d)(.)',
          target_label: 'region_${1}',
          replacement: '$2/${3}$4$$x$9',
        }),
        r({ source_labels: ['__address__'], regex: '(.*):(\\d+)', target_label: 'port', replacement: '$2' }),
        r({ source_labels: ['team_lc'], target_label: 'team_lc', action: 'keepequal' }),
        r({ source_labels: ['team'], target_label: 'team_uc', action: 'dropequal' }),
        r({ regex: 'm_rack', action: 'labeldrop' }),
      ],
      metric_relabel_configs: [
        r({ source_labels: ['__name__'], regex: 'go_.*', action: 'drop' }),
        r({ source_labels: ['room'], target_label: 'room', action: 'lowercase' }),
      ],
    }),
    scrapeConfig({
      job_name: 'params',
      ...base,
      metrics_path: '/probe',
      params: { module: ['http_2xx', 'second'], extra: ['a b&c'] },
      static_configs: [{ targets: ['example.com:443'], labels: {} }],
      relabel_configs: [
        r({ source_labels: ['__address__'], target_label: '__param_target' }),
        r({ source_labels: ['__param_target'], target_label: 'instance' }),
        r({ target_label: '__address__', replacement: addr }),
      ],
    }),
    scrapeConfig({ job_name: 'honor', ...base, honor_labels: true, static_configs: [{ targets: [addr], labels: {} }] }),
    scrapeConfig({ job_name: 'nohonor', ...base, static_configs: [{ targets: [addr], labels: { path: 'target' } }] }),
  ];
}

/** Only the fields that differ from the defaults (Prometheus rejects extra fields on some actions). */
function minimalRelabel(c: RelabelConfig): Record<string, unknown> {
  const d = rc({});
  const o: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(c)) {
    if (JSON.stringify(v) !== JSON.stringify((d as unknown as Record<string, unknown>)[k])) o[k] = v;
  }
  return o;
}

function yamlFor(cfgs: ScrapeConfig[]): string {
  const dur = (ms: number) => `${ms}ms`;
  const jobs = cfgs.map((c) => ({
    job_name: c.job_name,
    scrape_interval: dur(c.scrape_interval),
    scrape_timeout: dur(c.scrape_timeout),
    metrics_path: c.metrics_path,
    honor_labels: c.honor_labels,
    params: c.params,
    static_configs: c.static_configs,
    relabel_configs: c.relabel_configs.map(minimalRelabel),
    metric_relabel_configs: c.metric_relabel_configs.map(minimalRelabel),
  }));
  // JSON is valid YAML.
  return JSON.stringify({ global: { scrape_interval: '1s' }, scrape_configs: jobs }, null, 1);
}

before(async () => {
  if (!existsSync(PROMETHEUS)) return;
  server = createServer((_req, res) => {
    res.writeHead(200, { 'content-type': 'text/plain; version=0.0.4' });
    res.end(PAGE);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  addr = `127.0.0.1:${(server.address() as AddressInfo).port}`;
  dir = mkdtempSync(join(tmpdir(), 'osprey-scrape-compat-'));
  writeFileSync(join(dir, 'prometheus.yml'), yamlFor(configs()));
  promPort = await freePort();
  prom = spawn(
    PROMETHEUS,
    [
      `--config.file=${join(dir, 'prometheus.yml')}`,
      `--storage.tsdb.path=${join(dir, 'data')}`,
      `--web.listen-address=127.0.0.1:${promPort}`,
      '--log.level=warn',
    ],
    { stdio: ['ignore', 'ignore', 'inherit'] },
  );
});

after(async () => {
  if (prom) {
    prom.kill('SIGTERM');
    await new Promise((r) => prom!.once('exit', r));
  }
  if (server) {
    server.closeAllConnections();
    await new Promise((r) => server.close(r));
  }
  if (dir) rmSync(dir, { recursive: true, force: true });
});

interface ApiTarget {
  labels: Record<string, string>;
  discoveredLabels: Record<string, string>;
  scrapePool: string;
  scrapeUrl: string;
  health: string;
}

async function promJSON<T>(path: string): Promise<T> {
  const res = await fetch(`http://127.0.0.1:${promPort}${path}`);
  return ((await res.json()) as { data: T }).data;
}

function key(t: { scrapePool: string; labels: Record<string, string> }): string {
  return `${t.scrapePool} ${JSON.stringify(Object.entries(t.labels).sort())}`;
}

test('targets and scraped series match Prometheus 2.42', { skip: !existsSync(PROMETHEUS) }, async () => {
  const app = new RecordingAppendable();
  const m = new ScrapeManager({ appendable: app });
  try {
    m.applyConfig(prometheusConfig(configs()));
    // Wait until Prometheus has scraped every target at least once.
    let promTargets: { activeTargets: ApiTarget[]; droppedTargets: { discoveredLabels: Record<string, string> }[] } = {
      activeTargets: [],
      droppedTargets: [],
    };
    const deadline = Date.now() + 20_000;
    for (;;) {
      try {
        promTargets = await promJSON('/api/v1/targets');
        if (promTargets.activeTargets.length === 4 && promTargets.activeTargets.every((t) => t.health === 'up')) break;
      } catch {
        // not ready yet
      }
      if (Date.now() > deadline) throw new Error(`Prometheus targets did not come up: ${JSON.stringify(promTargets)}`);
      await new Promise((r) => setTimeout(r, 100));
    }
    await waitFor(() => m.targets().activeTargets.every((t) => t.health === 'up'), 5000, 'osprey targets up');

    const ours = m.targets();
    const theirs = new Map(promTargets.activeTargets.map((t) => [key(t), t]));
    assert.equal(ours.activeTargets.length, promTargets.activeTargets.length);
    for (const t of ours.activeTargets) {
      const p = theirs.get(key(t));
      assert.ok(p, `no Prometheus target with labels ${key(t)}; Prometheus has ${[...theirs.keys()].join(' | ')}`);
      assert.deepEqual(t.discoveredLabels, p.discoveredLabels, `discoveredLabels of ${t.scrapePool}`);
      assert.equal(t.scrapeUrl, p.scrapeUrl, `scrapeUrl of ${t.scrapePool}`);
    }
    assert.deepEqual(
      ours.droppedTargets.map((d) => d.discoveredLabels),
      promTargets.droppedTargets.map((d) => d.discoveredLabels),
    );

    // Scraped series (without Prometheus's own extras), compared as label sets.
    const promSeries = await promJSON<Record<string, string>[]>(
      `/api/v1/series?match[]=${encodeURIComponent('{job=~".+"}')}`,
    );
    const theirSeries = new Set(promSeries.map((s) => JSON.stringify(Object.entries(s).sort())));
    const ourSeries = new Set(app.committed.map((s) => JSON.stringify(Object.entries(s.labels).sort())));
    assert.ok(ourSeries.size >= 20, `expected page and report series, got ${ourSeries.size}`);
    assert.deepEqual([...ourSeries].sort(), [...theirSeries].sort());
    const relabeled = ours.activeTargets.find((t) => t.scrapePool === 'relabel')!;
    assert.equal(relabeled.labels.region_eu, 'west/1a$x', 'the comparison covers $-expansion');
  } finally {
    await m.stop();
  }
});
