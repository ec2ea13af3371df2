// Shared set-up for the browser tests: builds the UI into a temp folder, starts a real Osprey scraping a small app,
// and a front server with registerUiRoutes + registerDashboardRoutes that proxies the rest of /api to Osprey.
// The Alertmanager API v2 and /api/v1/notifications are stubbed here with in-memory state until Osprey serves them.
import { spawnSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import Fastify, { type FastifyInstance } from 'fastify';
import { registerDashboardRoutes } from '../src/api/dashboards.ts';
import { registerUiRoutes } from '../src/api/ui-static.ts';
import { startHttp, startOsprey, tempDir } from './helpers.ts';

export const CHROMIUM = '/usr/bin/chromium';
export const XSS = '<script>alert(1)</script>';
export const XSS_IMG = '<img src=x onerror=alert(2)>';

export function buildUi(): string {
  const out = join(tempDir('osprey-ui-build-'), 'web');
  const vite = join(process.cwd(), 'node_modules', '.bin', 'vite');
  const r = spawnSync(vite, ['build', '--config', 'web/vite.config.ts', '--outDir', out, '--logLevel', 'error'], {
    encoding: 'utf8',
  });
  if (r.status !== 0 || !existsSync(join(out, 'index.html'))) {
    throw new Error(`vite build failed: ${r.stderr || r.stdout}`);
  }
  return out;
}

export interface Silence {
  id: string;
  matchers: { name: string; value: string; isRegex: boolean; isEqual: boolean }[];
  startsAt: string;
  endsAt: string;
  updatedAt: string;
  createdBy: string;
  comment: string;
  status: { state: 'active' | 'pending' | 'expired' };
}

/** The stubbed Alertmanager: one firing alert whose labels and annotations carry markup. */
function registerAlertmanagerStub(app: FastifyInstance, silences: Map<string, Silence>): void {
  const startsAt = new Date(Date.now() - 7 * 60_000).toISOString();
  const labels = { alertname: 'HighLatency', severity: 'page', instance: 'web-1', evil: XSS };
  const state = (s: Silence): Silence['status']['state'] => {
    const now = Date.now();
    if (Date.parse(s.endsAt) <= now) return 'expired';
    return Date.parse(s.startsAt) > now ? 'pending' : 'active';
  };
  const matches = (s: Silence) =>
    s.status.state === 'active' &&
    s.matchers.every((m) => ((labels as Record<string, string>)[m.name] === m.value) === m.isEqual);
  const alert = () => {
    for (const s of silences.values()) s.status.state = state(s);
    const by = [...silences.values()].filter(matches).map((s) => s.id);
    return {
      labels,
      annotations: { summary: `latency high ${XSS_IMG}`, runbook: 'https://example.com/runbook' },
      startsAt,
      endsAt: new Date(Date.now() + 3_600_000).toISOString(),
      updatedAt: startsAt,
      fingerprint: 'abc123',
      receivers: [{ name: 'team-web' }],
      status: { state: by.length ? 'suppressed' : 'active', silencedBy: by, inhibitedBy: [] },
    };
  };
  const visible = (q: Record<string, string | undefined>) => {
    const a = alert();
    if (a.status.state === 'suppressed' && q.silenced === 'false') return [];
    return [a];
  };
  app.get('/api/v2/alerts', async (req) => visible(req.query as Record<string, string>));
  app.get('/api/v2/alerts/groups', async (req) => {
    const alerts = visible(req.query as Record<string, string>);
    return alerts.length ? [{ labels: { alertname: 'HighLatency' }, receiver: { name: 'team-web' }, alerts }] : [];
  });
  app.get('/api/v2/silences', async () => {
    for (const s of silences.values()) s.status.state = state(s);
    return [...silences.values()];
  });
  app.get<{ Params: { id: string } }>('/api/v2/silence/:id', async (req, reply) => {
    const s = silences.get(req.params.id);
    if (!s) return reply.code(404).send('silence not found');
    s.status.state = state(s);
    return s;
  });
  app.post('/api/v2/silences', async (req, reply) => {
    const b = req.body as Silence;
    if (!Array.isArray(b.matchers) || b.matchers.length === 0) return reply.code(400).send('missing matchers');
    const id = b.id && silences.has(b.id) ? b.id : randomUUID();
    const s: Silence = { ...b, id, updatedAt: new Date().toISOString(), status: { state: 'active' } };
    s.status.state = state(s);
    silences.set(id, s);
    return { silenceID: id };
  });
  app.delete<{ Params: { id: string } }>('/api/v2/silence/:id', async (req, reply) => {
    const s = silences.get(req.params.id);
    if (!s) return reply.code(404).send('silence not found');
    s.endsAt = new Date().toISOString();
    s.status.state = 'expired';
    return reply.code(200).send();
  });
  // Rules in Prometheus's /api/v1/rules shape (Osprey answers an empty list until rule evaluation lands).
  app.get('/api/v1/rules', async () => ({
    status: 'success',
    data: {
      groups: [
        {
          name: 'web',
          file: '/etc/osprey/rules/web.yml',
          interval: 15,
          evaluationTime: 0.0012,
          lastEvaluation: new Date(Date.now() - 5000).toISOString(),
          rules: [
            {
              type: 'alerting',
              name: 'HighLatency',
              query: 'histogram_quantile(0.99, rate(http_duration_seconds_bucket[5m])) > 0.5',
              duration: 300,
              labels: { severity: 'page' },
              annotations: { summary: `latency high ${XSS_IMG}` },
              state: 'firing',
              health: 'ok',
              evaluationTime: 0.0008,
              lastEvaluation: new Date(Date.now() - 5000).toISOString(),
              alerts: [
                {
                  labels: { ...labels },
                  annotations: { summary: `latency high ${XSS_IMG}` },
                  state: 'firing',
                  activeAt: startsAt,
                  value: '0.73',
                },
              ],
            },
            {
              type: 'recording',
              name: 'job:up:sum',
              query: 'sum by (job) (up)',
              health: 'err',
              lastError: 'query timed out',
              evaluationTime: 0.0003,
              lastEvaluation: new Date(Date.now() - 5000).toISOString(),
            },
          ],
        },
      ],
    },
  }));
  app.get('/api/v1/notifications', async () => ({
    status: 'success',
    data: [
      {
        time: new Date(Date.now() - 60_000).toISOString(),
        receiver: 'team-web',
        integration: 'webhook',
        status: 'success',
        alerts: [{ labels, status: 'firing' }],
      },
      {
        time: new Date(Date.now() - 120_000).toISOString(),
        receiver: 'team-db',
        integration: 'email',
        status: 'failed',
        error: `dial tcp: connection refused ${XSS}`,
        alerts: [{ labels: { alertname: 'DiskFull' }, status: 'firing' }],
      },
    ],
  }));
}

export interface UiEnv {
  url: string;
  ospreyUrl: string;
  silences: Map<string, Silence>;
  close(): Promise<void>;
}

/** Starts the app being scraped, Osprey, and the front server. Waits for the first scrape. */
export async function startUiEnv(): Promise<UiEnv> {
  const dist = buildUi();
  const target = await startHttp((_req, res) => {
    res.setHeader('content-type', 'text/plain; version=0.0.4');
    res.end(
      '# HELP xss_test A metric whose label value is markup.\n# TYPE xss_test gauge\n' +
        `xss_test{evil=${JSON.stringify(XSS)},kind="a"} 1\nxss_test{evil="plain",kind="b"} 2\n` +
        '# TYPE demo_requests_total counter\n' +
        `demo_requests_total{code="200"} ${Math.floor(Date.now() / 1000) % 100000}\n` +
        `demo_requests_total{code="500"} ${Math.floor(Date.now() / 10000) % 100000}\n`,
    );
  });
  const osprey = await startOsprey(`
global:
  scrape_interval: 1s
  scrape_timeout: 500ms
scrape_configs:
  - job_name: app
    static_configs:
      - targets: ['${target.address}']
        labels:
          env: test
  - job_name: broken
    static_configs:
      - targets: ['127.0.0.1:1']
`);
  // Now that Osprey's port is known, let it scrape itself and its host collector too (the overview and the
  // built-in dashboards use osprey_* and node_*).
  writeFileSync(
    osprey.configFile,
    `${readFileSync(osprey.configFile, 'utf8')}  - job_name: osprey
    static_configs:
      - targets: ['${new URL(osprey.url).host}']
  - job_name: node
    metrics_path: /collectors/host/metrics
    static_configs:
      - targets: ['${new URL(osprey.url).host}']
`,
  );
  const reload = await fetch(`${osprey.url}/-/reload`, { method: 'POST' });
  if (!reload.ok) throw new Error(`reload failed: ${await reload.text()}`);
  const silences = new Map<string, Silence>();
  const front = Fastify({ exposeHeadRoutes: true });
  registerUiRoutes(front, dist);
  registerDashboardRoutes(front, { builtinDir: join(process.cwd(), 'web', 'dashboards') });
  registerAlertmanagerStub(front, silences);
  // Everything else under /api goes to the real Osprey.
  front.all('/api/*', async (req, reply) => {
    const r = await fetch(osprey.url + req.url, {
      method: req.method,
      headers: { accept: 'application/json' },
    });
    reply.code(r.status).header('content-type', r.headers.get('content-type') ?? 'application/json');
    return reply.send(Buffer.from(await r.arrayBuffer()));
  });
  await front.listen({ host: '127.0.0.1', port: 0 });
  const addr = front.server.address() as { port: number };
  // Wait until Osprey has scraped the app twice (so range queries have points).
  const deadline = Date.now() + 15_000;
  for (;;) {
    const get = (q: string): Promise<any> =>
      fetch(`${osprey.url}/api/v1/query?query=${encodeURIComponent(q)}`).then((x) => x.json());
    const r = await get('count_over_time(xss_test[1m])');
    const self = await get('count_over_time(osprey_tsdb_head_series[1m])');
    const host = await get('count_over_time(node_load1[1m])');
    const scraped = (x: any) => x.data?.result?.length >= 1 && Number(x.data.result[0].value[1]) >= 2;
    if (r.data?.result?.length === 2 && scraped(r) && scraped(self) && scraped(host)) break;
    if (Date.now() > deadline) throw new Error('Osprey did not scrape the test app');
    await new Promise((res) => setTimeout(res, 200));
  }
  return {
    url: `http://127.0.0.1:${addr.port}`,
    ospreyUrl: osprey.url,
    silences,
    async close() {
      await front.close();
      await osprey.server.stop();
      target.server.close();
    },
  };
}
