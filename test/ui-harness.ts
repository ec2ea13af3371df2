// Shared set-up for the browser tests: builds the UI into a temp folder and starts a real Osprey (the server's
// composition root, OspreyServer) that serves it, scrapes a small app, itself and its host collector, evaluates
// alerting and recording rules over the app's data, and routes the alerts through its built-in alert manager to a
// loopback webhook stand-in. Every API the UI calls is Osprey's own.
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { startHttp, startOsprey, tempDir } from './helpers.ts';

export const CHROMIUM = '/usr/bin/chromium';
export const XSS = '<script>alert(1)</script>';
export const XSS_IMG = '<img src=x onerror=alert(2)>';

export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
];

export function buildUi(outDir = join(tempDir('osprey-ui-build-'), 'web')): string {
  const vite = join(process.cwd(), 'node_modules', '.bin', 'vite');
  const r = spawnSync(vite, ['build', '--config', 'web/vite.config.ts', '--outDir', outDir, '--logLevel', 'error'], {
    encoding: 'utf8',
  });
  if (r.status !== 0 || !existsSync(join(outDir, 'index.html'))) {
    throw new Error(`vite build failed: ${r.stderr || r.stdout}`);
  }
  return outDir;
}

/**
 * The known data set's rules. HighLatency fires on the app's series whose label value is markup and goes to
 * team-web (delivered); DiskFull fires too and goes to team-db, whose webhook answers 400 (a failed notification);
 * NeverFires stays inactive; job:xss:broken fails at every evaluation (many-to-many match).
 */
export const RULES_YAML = `groups:
  - name: web
    interval: 1s
    rules:
      - alert: HighLatency
        expr: max by (evil, kind) (xss_test{kind="a"}) > 0
        labels:
          severity: page
        annotations:
          summary: 'latency high ${XSS_IMG}'
          runbook: https://example.com/runbook
      - alert: DiskFull
        expr: max by (kind) (xss_test{kind="b"}) > 1
        labels:
          severity: ticket
      - alert: NeverFires
        expr: xss_test > 1000
        for: 5m
      - record: job:up:sum
        expr: sum by (job) (up)
      - record: job:xss:broken
        expr: xss_test + on (job) xss_test
`;

/** What the webhook stand-in received: path and Alertmanager webhook payload. */
export interface WebhookDelivery {
  path: string;
  body: { receiver: string; status: string; alerts: { labels: Record<string, string>; status: string }[] };
}

export interface UiEnv {
  /** Osprey's own address: the UI and every API it uses. */
  url: string;
  /** Notifications the webhook stand-in accepted (team-web). */
  deliveries: WebhookDelivery[];
  close(): Promise<void>;
}

const get = (url: string): Promise<any> => fetch(url).then((r) => r.json());

/** Starts the app being scraped, the webhook stand-in and Osprey. Waits for scrapes, rules and notifications. */
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
  const deliveries: WebhookDelivery[] = [];
  const webhook = await startHttp((req, res) => {
    let body = '';
    req.on('data', (d) => {
      body += d;
    });
    req.on('end', () => {
      if (req.url === '/fail') {
        // A permanent failure whose error text (the response body) carries markup.
        res.statusCode = 400;
        res.end(`rejected ${XSS}`);
        return;
      }
      deliveries.push({ path: req.url ?? '', body: JSON.parse(body) });
      res.end('ok');
    });
  });
  const dir = tempDir('osprey-ui-env-');
  const rulesFile = join(dir, 'rules.yml');
  writeFileSync(rulesFile, RULES_YAML);
  const amFile = join(dir, 'alertmanager.yml');
  writeFileSync(
    amFile,
    `route:
  receiver: team-web
  group_by: [alertname]
  group_wait: 0s
  group_interval: 1s
  repeat_interval: 1h
  routes:
    - receiver: team-db
      matchers: ['alertname="DiskFull"']
receivers:
  - name: team-web
    webhook_configs:
      - url: ${webhook.url}/hook
  - name: team-db
    webhook_configs:
      - url: ${webhook.url}/fail
`,
  );
  const osprey = await startOsprey(
    `
global:
  scrape_interval: 1s
  scrape_timeout: 500ms
  evaluation_interval: 1s
rule_files:
  - ${rulesFile}
scrape_configs:
  - job_name: app
    static_configs:
      - targets: ['${target.address}']
        labels:
          env: test
  - job_name: broken
    static_configs:
      - targets: ['127.0.0.1:1']
`,
    { 'alertmanager.config.file': amFile },
    { uiDir: dist },
  );
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
  // Wait until Osprey has scraped everything twice (so range queries have points), both alerts fire and both
  // receivers have been notified (one delivered, one failed).
  const deadline = Date.now() + 20_000;
  let waitingFor = '';
  for (;;) {
    const q = (e: string) => get(`${osprey.url}/api/v1/query?query=${encodeURIComponent(e)}`);
    const scraped = (x: any) => x.data?.result?.length >= 1 && Number(x.data.result[0].value[1]) >= 2;
    const app = await q('count_over_time(xss_test[1m])');
    const alerts = await get(`${osprey.url}/api/v2/alerts`);
    const sent = await get(`${osprey.url}/api/v1/notifications`);
    const names = new Set((alerts as { labels: Record<string, string> }[]).map((a) => a.labels.alertname));
    const outcomes = new Set(
      (sent.data as { receiver: string; status: string }[]).map((n) => `${n.receiver}:${n.status}`),
    );
    if (!(app.data?.result?.length === 2 && scraped(app))) waitingFor = 'scrapes of the test app';
    else if (!scraped(await q('count_over_time(osprey_tsdb_head_series[1m])'))) waitingFor = 'self-scrapes';
    else if (!scraped(await q('count_over_time(node_load1[1m])'))) waitingFor = 'host collector scrapes';
    else if (!names.has('HighLatency') || !names.has('DiskFull')) waitingFor = 'both alerts in the alert manager';
    else if (!outcomes.has('team-web:success') || !outcomes.has('team-db:failed')) waitingFor = 'notifications';
    else if (!deliveries.some((d) => d.body.alerts.some((a) => a.labels.alertname === 'HighLatency')))
      waitingFor = 'the webhook delivery';
    else break;
    if (Date.now() > deadline) throw new Error(`UI test environment: timed out waiting for ${waitingFor}`);
    await new Promise((res) => setTimeout(res, 200));
  }
  return {
    url: osprey.url,
    deliveries,
    async close() {
      await osprey.server.stop();
      target.server.close();
      webhook.server.close();
    },
  };
}
