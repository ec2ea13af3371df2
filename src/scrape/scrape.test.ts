import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { gzipSync } from 'node:zlib';
import { parsePrometheusConfig, type ScrapeConfig } from '../config/index.ts';
import { ScrapeManager } from './index.ts';
import { prometheusConfig, RecordingAppendable, relabelConfig as rc, scrapeConfig, waitFor } from './test-helpers.ts';

type Handler = (req: IncomingMessage, res: ServerResponse) => void;

const routes = new Map<string, Handler>();
const requests: IncomingMessage[] = [];
let server: Server;
let addr = '';

function text(body: string | Buffer, contentType = 'text/plain; version=0.0.4'): Handler {
  return (_req, res) => {
    res.writeHead(200, { 'content-type': contentType });
    res.end(body);
  };
}

before(async () => {
  server = createServer((req, res) => {
    requests.push(req);
    const h = routes.get((req.url ?? '').split('?')[0]);
    if (!h) {
      res.writeHead(404);
      res.end('not found');
      return;
    }
    h(req, res);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  addr = `127.0.0.1:${(server.address() as AddressInfo).port}`;
});

after(async () => {
  server.closeAllConnections();
  await new Promise((r) => server.close(r));
});

/** A fast scrape config for one path on the test server. */
function job(name: string, path: string, extra: Partial<ScrapeConfig> = {}): ScrapeConfig {
  return scrapeConfig({
    job_name: name,
    scrape_interval: 300,
    scrape_timeout: 290,
    metrics_path: path,
    static_configs: [{ targets: [addr], labels: { env: 'test' } }],
    ...extra,
  });
}

function newManager(app: RecordingAppendable): ScrapeManager {
  return new ScrapeManager({ appendable: app, discoveryUpdateIntervalMs: 20 });
}

function target(m: ScrapeManager, pool: string) {
  return m.targets().activeTargets.find((t) => t.scrapePool === pool);
}

describe('scrape manager', () => {
  test('scrapes a page: samples carry target labels, report series are written, target is up', async () => {
    routes.set('/ok', text('# TYPE a counter\na_total{x="1"} 5\na_total{x="2"} 7 \nb 1.5\n'));
    const app = new RecordingAppendable();
    const m = newManager(app);
    try {
      m.applyConfig(prometheusConfig([job('ok', '/ok')]));
      const t0 = target(m, 'ok')!;
      assert.equal(t0.health, 'unknown');
      assert.equal(t0.lastScrape, '0001-01-01T00:00:00Z');
      assert.equal(t0.scrapeUrl, `http://${addr}/ok`);
      await waitFor(() => target(m, 'ok')!.health === 'up', 3000, 'target up');
      const t = target(m, 'ok')!;
      assert.deepEqual(t.labels, { env: 'test', instance: addr, job: 'ok' });
      assert.equal(t.discoveredLabels.__address__, addr);
      assert.equal(t.discoveredLabels.__metrics_path__, '/ok');
      assert.equal(t.lastError, '');
      assert.equal(t.scrapeInterval, '300ms');
      assert.match(t.lastScrape, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z$/);
      const a1 = app.samples({ __name__: 'a_total', x: '1' });
      assert.equal(a1.length >= 1, true);
      assert.deepEqual(a1[0].labels, { __name__: 'a_total', x: '1', env: 'test', instance: addr, job: 'ok' });
      assert.equal(a1[0].v, 5);
      const up = app.samples({ __name__: 'up', job: 'ok' });
      assert.equal(up[0].v, 1);
      assert.deepEqual(up[0].labels, { __name__: 'up', env: 'test', instance: addr, job: 'ok' });
      assert.equal(up[0].t, a1[0].t, 'report series use the scrape timestamp');
      assert.equal(app.samples({ __name__: 'scrape_samples_scraped', job: 'ok' })[0].v, 3);
      assert.equal(app.samples({ __name__: 'scrape_samples_post_metric_relabeling', job: 'ok' })[0].v, 3);
      assert.equal(app.samples({ __name__: 'scrape_series_added', job: 'ok' })[0].v, 3);
      assert.ok(app.samples({ __name__: 'scrape_duration_seconds', job: 'ok' })[0].v >= 0);
      // Second scrape: the series are cached, so no series are added.
      await waitFor(() => app.samples({ __name__: 'scrape_series_added', job: 'ok' }).length >= 2);
      assert.equal(app.samples({ __name__: 'scrape_series_added', job: 'ok' })[1].v, 0);
      const req = requests.find((r) => r.url === '/ok')!;
      assert.equal(req.headers['user-agent']?.startsWith('Osprey/'), true);
      assert.equal(req.headers['x-prometheus-scrape-timeout-seconds'], '0.29');
      assert.match(String(req.headers.accept), /^application\/openmetrics-text;version=1\.0\.0/);
      assert.equal(req.headers['accept-encoding'], 'gzip');
    } finally {
      await m.stop();
    }
  });

  test('series that vanish get staleness markers; a removed target gets markers for all its series', async () => {
    let page = 'keep 1\ngoes 2\n';
    routes.set('/churn', (_req, res) => {
      res.writeHead(200, { 'content-type': 'text/plain' });
      res.end(page);
    });
    const app = new RecordingAppendable();
    const m = newManager(app);
    try {
      m.applyConfig(prometheusConfig([job('churn', '/churn')]));
      await waitFor(() => app.samples({ __name__: 'goes' }).length > 0);
      page = 'keep 1\n';
      const stale = await waitFor(() => app.samples({ __name__: 'goes' }).find((s) => s.stale), 3000, 'stale goes');
      assert.ok(stale);
      assert.equal(
        app.samples({ __name__: 'keep' }).some((s) => s.stale),
        false,
      );
      // Remove the job: after a little over two intervals, everything goes stale, up included.
      m.applyConfig(prometheusConfig([]));
      await waitFor(() => app.samples({ __name__: 'keep' }).some((s) => s.stale), 3000, 'stale keep');
      await waitFor(() => app.samples({ __name__: 'up', job: 'churn' }).some((s) => s.stale), 3000, 'stale up');
      assert.ok(app.samples({ __name__: 'scrape_duration_seconds', job: 'churn' }).some((s) => s.stale));
      assert.equal(m.targets().activeTargets.length, 0);
    } finally {
      await m.stop();
    }
  });

  test('failing targets are down with Prometheus error texts, and nothing of their page is stored', async () => {
    routes.set('/500', (_req, res) => {
      res.writeHead(500);
      res.end('boom');
    });
    routes.set('/html', text('<html><body>hi</body></html>', 'text/html; charset=utf-8'));
    routes.set('/blank', (_req, res) => {
      res.writeHead(200);
      res.end('a 1\n');
    });
    routes.set('/malformed', text('good_metric 1\nbad{ 1\n'));
    routes.set('/big', text(`big_metric 1\n${'# padding\n'.repeat(200)}`));
    routes.set('/many', text('m1 1\nm2 2\nm3 3\n'));
    routes.set('/labels', text('wide{a="1",b="2",c="3"} 1\n'));
    routes.set('/longname', text('ok 1\nm{a_very_long_label_name="1"} 1\n'));
    routes.set('/longvalue', text('m{a="0123456789abcdef"} 1\n'));
    routes.set('/utf8', text(Buffer.from([0x6d, 0x7b, 0x61, 0x3d, 0x22, 0xff, 0xfe, 0x22, 0x7d, 0x20, 0x31, 0x0a])));
    routes.set('/slow', (_req, res) => {
      setTimeout(() => {
        res.writeHead(200, { 'content-type': 'text/plain' });
        res.end('slow_metric 1\n');
      }, 1500);
    });
    const closed = createServer();
    await new Promise<void>((r) => closed.listen(0, '127.0.0.1', r));
    const deadPort = (closed.address() as AddressInfo).port;
    await new Promise((r) => closed.close(r));

    const app = new RecordingAppendable();
    const m = newManager(app);
    const cases: [ScrapeConfig, RegExp][] = [
      [job('e500', '/500'), /^server returned HTTP status 500 Internal Server Error$/],
      [
        job('html', '/html'),
        /^received unsupported Content-Type "text\/html; charset=utf-8" and no fallback_scrape_protocol specified for target$/,
      ],
      [job('blank', '/blank'), /blank Content-Type and no fallback_scrape_protocol/],
      [job('malformed', '/malformed'), /^2:\d+: /],
      [job('big', '/big', { body_size_limit: 500 }), /^body size limit exceeded$/],
      [job('many', '/many', { sample_limit: 2 }), /^sample limit exceeded$/],
      [
        job('labels', '/labels', { label_limit: 4 }),
        /^label_limit exceeded \(metric: wide, number of labels: 7, limit: 4\)$/,
      ],
      [
        job('longname', '/longname', { label_name_length_limit: 10 }),
        /^label_name_length_limit exceeded \(metric: m, label name: a_very_long_label_name, length: 22, limit: 10\)$/,
      ],
      [
        job('longvalue', '/longvalue', { label_value_length_limit: 8 }),
        /^label_value_length_limit exceeded \(metric: m, label value: 0123456789abcdef, length: 16, limit: 8\)$/,
      ],
      [job('utf8', '/utf8'), /UTF-8/],
      [job('slow', '/slow'), /^Get "http:\/\/127\.0\.0\.1:\d+\/slow": context deadline exceeded$/],
      [
        job('dead', '/metrics', { static_configs: [{ targets: [`127.0.0.1:${deadPort}`], labels: {} }] }),
        new RegExp(
          `^Get "http://127\\.0\\.0\\.1:${deadPort}/metrics": dial tcp 127\\.0\\.0\\.1:${deadPort}: connect: connection refused$`,
        ),
      ],
    ];
    try {
      m.applyConfig(prometheusConfig(cases.map(([c]) => c)));
      await waitFor(() => m.targets().activeTargets.every((t) => t.health !== 'unknown'), 3000, 'all targets scraped');
      for (const [c, re] of cases) {
        const t = target(m, c.job_name)!;
        assert.equal(t.health, 'down', `${c.job_name} should be down`);
        assert.match(t.lastError, re, `${c.job_name}: ${t.lastError}`);
        const up = app.samples({ __name__: 'up', job: c.job_name });
        assert.ok(up.length > 0 && up.every((s) => s.v === 0), `${c.job_name}: up=0`);
      }
      for (const name of ['big_metric', 'm1', 'good_metric', 'ok', 'slow_metric']) {
        assert.deepEqual(app.samples({ __name__: name }), [], `${name} must not be stored`);
      }
      // Sample limit: the full count is still reported.
      assert.equal(app.samples({ __name__: 'scrape_samples_scraped', job: 'many' })[0].v, 3);
    } finally {
      await m.stop();
    }
  });

  test('a target that starts failing marks its series stale', async () => {
    let fail = false;
    routes.set('/flaky', (_req, res) => {
      if (fail) {
        res.writeHead(503);
        res.end();
        return;
      }
      res.writeHead(200, { 'content-type': 'text/plain' });
      res.end('flaky_metric 1\n');
    });
    const app = new RecordingAppendable();
    const m = newManager(app);
    try {
      m.applyConfig(prometheusConfig([job('flaky', '/flaky')]));
      await waitFor(() => app.samples({ __name__: 'flaky_metric' }).length > 0);
      fail = true;
      await waitFor(() => app.samples({ __name__: 'flaky_metric' }).some((s) => s.stale), 3000, 'stale marker');
      assert.equal(target(m, 'flaky')!.lastError, 'server returned HTTP status 503 Service Unavailable');
      assert.equal(
        app.samples({ __name__: 'up', job: 'flaky' }).some((s) => s.stale),
        false,
        'up is 0, not stale',
      );
    } finally {
      await m.stop();
    }
  });

  test('honor_labels: false moves conflicting labels to exported_*, true keeps the scraped ones', async () => {
    routes.set('/conflict', text('c{job="theirs",instance="x",exported_job="e"} 1\n'));
    const app = new RecordingAppendable();
    const m = newManager(app);
    try {
      m.applyConfig(prometheusConfig([job('mine', '/conflict'), job('honored', '/conflict', { honor_labels: true })]));
      await waitFor(() => app.samples({ __name__: 'c' }).length >= 2);
      const mine = app.samples({ __name__: 'c', job: 'mine' })[0];
      assert.deepEqual(mine.labels, {
        __name__: 'c',
        env: 'test',
        exported_instance: 'x',
        exported_job: 'e',
        exported_exported_job: 'theirs',
        instance: addr,
        job: 'mine',
      });
      const honored = app.samples({ __name__: 'c', instance: 'x' })[0];
      assert.deepEqual(honored.labels, { __name__: 'c', env: 'test', exported_job: 'e', instance: 'x', job: 'theirs' });
    } finally {
      await m.stop();
    }
  });

  test('gzip bodies, basic auth and bearer tokens, params and timestamps', async () => {
    routes.set('/gz', (req, res) => {
      const gz = String(req.headers['accept-encoding']).includes('gzip');
      res.writeHead(200, { 'content-type': 'text/plain', ...(gz ? { 'content-encoding': 'gzip' } : {}) });
      const body = `gz_metric{auth="${req.headers.authorization ?? ''}",q="${req.url?.split('?')[1] ?? ''}"} 1 1000\n`;
      res.end(gz ? gzipSync(body) : body);
    });
    const dir = mkdtempSync(join(tmpdir(), 'osprey-scrape-'));
    writeFileSync(join(dir, 'token'), 'filetoken\n');
    const app = new RecordingAppendable();
    const m = newManager(app);
    try {
      m.applyConfig(
        prometheusConfig([
          job('basic', '/gz', { basic_auth: { username: 'user', password: 'pass' }, params: { a: ['b c'] } }),
          job('bearer', '/gz', { authorization: { type: 'Bearer', credentials_file: join(dir, 'token') } }),
          job('ts_ignored', '/gz', { honor_timestamps: false, enable_compression: false }),
        ]),
      );
      await waitFor(() =>
        ['basic', 'bearer', 'ts_ignored'].every((j) => app.samples({ __name__: 'gz_metric', job: j }).length > 0),
      );
      const basic = app.samples({ __name__: 'gz_metric', job: 'basic' })[0];
      assert.equal(basic.labels.auth, `Basic ${Buffer.from('user:pass').toString('base64')}`);
      assert.equal(basic.labels.q, 'a=b+c');
      assert.equal(basic.t, 1000, 'honor_timestamps keeps the exposed timestamp');
      assert.equal(app.samples({ __name__: 'gz_metric', job: 'bearer' })[0].labels.auth, 'Bearer filetoken');
      const ign = app.samples({ __name__: 'gz_metric', job: 'ts_ignored' })[0];
      assert.ok(ign.t > 1_000_000_000_000, 'honor_timestamps: false uses the scrape time');
      assert.equal(target(m, 'basic')!.scrapeUrl, `http://${addr}/gz?a=b+c`);
    } finally {
      await m.stop();
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test('relabel_configs drop targets (listed as dropped); metric_relabel_configs drop series', async () => {
    routes.set('/mr', text('keep_me 1\ndrop_me 2\n'));
    const app = new RecordingAppendable();
    const m = newManager(app);
    try {
      const cfg = job('mr', '/mr', {
        static_configs: [
          { targets: [addr], labels: { env: 'test' } },
          { targets: ['10.0.0.1:9100', '10.0.0.2:9100'], labels: { env: 'skip' } },
        ],
        keep_dropped_targets: 1,
        relabel_configs: [rc({ source_labels: ['env'], regex: 'skip', action: 'drop' })],
        metric_relabel_configs: [rc({ source_labels: ['__name__'], regex: 'drop_.*', action: 'drop' })],
      });
      m.applyConfig(prometheusConfig([cfg]));
      const data = m.targets();
      assert.equal(data.activeTargets.length, 1);
      assert.equal(data.droppedTargets.length, 1);
      assert.equal(data.droppedTargets[0].discoveredLabels.__address__, '10.0.0.1:9100');
      assert.equal(data.droppedTargets[0].scrapePool, 'mr');
      assert.deepEqual(data.droppedTargetCounts, { mr: 2 }, 'keep_dropped_targets limits the list, not the count');
      await waitFor(() => app.samples({ __name__: 'scrape_samples_post_metric_relabeling', job: 'mr' }).length > 0);
      assert.equal(app.samples({ __name__: 'scrape_samples_scraped', job: 'mr' })[0].v, 2);
      assert.equal(app.samples({ __name__: 'scrape_samples_post_metric_relabeling', job: 'mr' })[0].v, 1);
      assert.equal(app.samples({ __name__: 'drop_me' }).length, 0);
      assert.equal(app.samples({ __name__: 'keep_me' }).length > 0, true);
    } finally {
      await m.stop();
    }
  });

  test('OpenMetrics pages are parsed as OpenMetrics (by Content-Type), with fallback_scrape_protocol', async () => {
    routes.set(
      '/om',
      text(
        '# TYPE om_requests counter\nom_requests_total 3 1700000000.5\nom_requests_created 1700000000\n# EOF\n',
        'application/openmetrics-text; version=1.0.0; charset=utf-8',
      ),
    );
    routes.set('/octet', text('fb_metric 1\n', 'application/octet-stream'));
    const app = new RecordingAppendable();
    const m = newManager(app);
    try {
      m.applyConfig(
        prometheusConfig([
          job('om', '/om'),
          job('fallback', '/octet', { fallback_scrape_protocol: 'PrometheusText0.0.4' }),
        ]),
      );
      await waitFor(() => m.targets().activeTargets.every((t) => t.health !== 'unknown'), 3000, 'scraped');
      assert.equal(target(m, 'om')!.health, 'up', target(m, 'om')!.lastError);
      const om = app.samples({ __name__: 'om_requests_total' });
      assert.equal(om[0].v, 3);
      assert.equal(om[0].t, 1_700_000_000_500, 'OpenMetrics timestamps are seconds');
      assert.equal(app.samples({ __name__: 'om_requests_created' })[0].v, 1_700_000_000);
      assert.equal(target(m, 'fallback')!.health, 'up', target(m, 'fallback')!.lastError);
      assert.equal(app.samples({ __name__: 'fb_metric' }).length > 0, true);
    } finally {
      await m.stop();
    }
  });

  test('a prometheus.yml loaded by the config loader drives the manager', async () => {
    routes.set('/yaml', text('yaml_metric{a="1"} 1\n'));
    const app = new RecordingAppendable();
    const m = newManager(app);
    try {
      const cfg = parsePrometheusConfig(
        [
          'global:',
          '  scrape_interval: 300ms',
          '  scrape_timeout: 290ms',
          '  external_labels: { site: x }',
          'scrape_configs:',
          '  - job_name: yaml',
          '    metrics_path: /yaml',
          '    static_configs:',
          `      - targets: ['${addr}']`,
          '        labels: { team: t1 }',
          '    relabel_configs:',
          '      - { source_labels: [team], target_label: owner, replacement: "team-$1" }',
          '    metric_relabel_configs:',
          '      - { action: labeldrop, regex: a }',
          '',
        ].join('\n'),
        'prometheus.yml',
      );
      m.applyConfig(cfg);
      await waitFor(() => app.samples({ __name__: 'yaml_metric' }).length > 0, 3000, 'scraped');
      assert.deepEqual(app.samples({ __name__: 'yaml_metric' })[0].labels, {
        __name__: 'yaml_metric',
        instance: addr,
        job: 'yaml',
        owner: 'team-t1',
        team: 't1',
      });
      assert.equal(target(m, 'yaml')!.scrapeInterval, '300ms');
    } finally {
      await m.stop();
    }
  });

  test('duplicate series in one page: the first sample is kept', async () => {
    routes.set('/dup', text('d{a="1"} 1\nd{a="1"} 2\ne{a="1",b="2"} 1\ne{b="2",a="1"} 2\n'));
    const app = new RecordingAppendable();
    const m = newManager(app);
    try {
      m.applyConfig(prometheusConfig([job('dup', '/dup')]));
      await waitFor(() => app.samples({ __name__: 'up', job: 'dup' }).length > 0);
      const d = app.samples({ __name__: 'd' });
      assert.equal(d.length, 1);
      assert.equal(d[0].v, 1);
      const e = app.samples({ __name__: 'e' });
      assert.equal(e.length, 1, 'the same labels written in another order are the same series');
      assert.equal(e[0].v, 1);
      assert.equal(target(m, 'dup')!.health, 'up');
      assert.ok(m.stats.duplicateSeriesInPage >= 1);
    } finally {
      await m.stop();
    }
  });

  test('file_sd targets are picked up when the file changes; target_limit fails the pool', async () => {
    routes.set('/fsd', text('fsd_metric 1\n'));
    const dir = mkdtempSync(join(tmpdir(), 'osprey-fsd-'));
    const file = join(dir, 'targets.json');
    writeFileSync(file, '[]');
    const app = new RecordingAppendable();
    const m = newManager(app);
    try {
      const cfg = job('fsd', '/fsd', {
        static_configs: [],
        file_sd_configs: [{ files: [join(dir, '*.json')], refresh_interval: 60_000 }],
      });
      m.applyConfig(prometheusConfig([cfg]));
      assert.equal(m.targets().activeTargets.length, 0);
      writeFileSync(file, JSON.stringify([{ targets: [addr], labels: { team: 'a' } }]));
      await waitFor(
        () => app.samples({ __name__: 'fsd_metric', team: 'a' }).length > 0,
        3000,
        'file_sd target scraped',
      );
      assert.equal(target(m, 'fsd')!.discoveredLabels.__meta_filepath, file);

      m.applyConfig(prometheusConfig([{ ...cfg, target_limit: 1 }]));
      writeFileSync(file, JSON.stringify([{ targets: [addr, `localhost:${addr.split(':')[1]}`] }]));
      await waitFor(() => m.targets().activeTargets.length === 2, 3000, 'two targets');
      await waitFor(() => m.targets().activeTargets.every((t) => t.lastError.startsWith('target_limit exceeded')));
      assert.equal(m.targets().activeTargets[0].lastError, 'target_limit exceeded (number of targets: 2, limit: 1)');
    } finally {
      await m.stop();
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test('in-process targets are scraped without HTTP', async () => {
    const app = new RecordingAppendable();
    const m = new ScrapeManager({
      appendable: app,
      inProcessTargets: new Map([
        ['osprey-self:0', async () => ({ body: 'self_metric 42\n', contentType: 'text/plain; version=0.0.4' })],
      ]),
    });
    try {
      m.applyConfig(
        prometheusConfig([
          scrapeConfig({
            job_name: 'self',
            scrape_interval: 200,
            scrape_timeout: 180,
            static_configs: [{ targets: ['osprey-self:0'], labels: {} }],
          }),
        ]),
      );
      await waitFor(() => app.samples({ __name__: 'self_metric' }).length > 0);
      assert.equal(app.samples({ __name__: 'self_metric' })[0].v, 42);
      assert.equal(app.samples({ __name__: 'self_metric' })[0].labels.instance, 'osprey-self:0');
    } finally {
      await m.stop();
    }
  });

  test('reload keeps unchanged loops and restarts changed ones without losing staleness tracking', async () => {
    let page = 'r1 1\nr2 1\n';
    routes.set('/reload', (_req, res) => {
      res.writeHead(200, { 'content-type': 'text/plain' });
      res.end(page);
    });
    const app = new RecordingAppendable();
    const m = newManager(app);
    try {
      const cfg = job('reload', '/reload');
      m.applyConfig(prometheusConfig([cfg]));
      await waitFor(() => target(m, 'reload')!.health === 'up');
      const before = target(m, 'reload')!.lastScrape;
      m.applyConfig(prometheusConfig([{ ...cfg }]));
      assert.equal(target(m, 'reload')!.lastScrape, before, 'unchanged config keeps the running loop');
      const bad = { ...cfg, relabel_configs: [rc({ source_labels: ['job'], regex: '(', action: 'keep' })] };
      assert.throws(() => m.applyConfig(prometheusConfig([bad])), /error parsing regexp/);
      assert.equal(target(m, 'reload')!.lastScrape, before, 'a rejected config changes nothing');
      m.applyConfig(prometheusConfig([{ ...cfg, sample_limit: 100 }]));
      page = 'r1 1\n';
      await waitFor(() => app.samples({ __name__: 'r2' }).some((s) => s.stale), 3000, 'r2 stale after reload');
      assert.equal(
        app.samples({ __name__: 'r1' }).some((s) => s.stale),
        false,
        'no marker for a present series',
      );
      assert.equal(app.rollbacks, 0);
    } finally {
      await m.stop();
    }
  });
});
