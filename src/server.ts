import { appendFileSync, existsSync, readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import type { Logger } from 'pino';
import Fastify from 'fastify';
import { Alertmanager, registerAlertmanagerRoutes } from './alertmanager/index.ts';
import { createHttpServer, type ApiDeps, type QueryService } from './api/index.ts';
import { parseListenAddress, type FlagValues } from './cli/flags.ts';
import { HostCollector } from './collectors/index.ts';
import {
  configToYaml,
  loadPrometheusConfigFile,
  parsePrometheusConfig,
  type PrometheusConfig,
} from './config/index.ts';
import {
  type AlertmanagerYmlConfig,
  loadAlertmanagerConfigFile,
  parseAlertmanagerConfig,
} from './config/alertmanager-index.ts';
import { DEFAULT_ALERTMANAGER_YAML, defaultConfigYaml } from './default-config.ts';
import { createNotifierFactory } from './notify/index.ts';
import { CONTENT_TYPE_TEXT, writeText } from './exposition/index.ts';
import { parseDuration } from './model/index.ts';
import { createQueryService, parseSelectorForApi } from './query-service.ts';
import { ScrapeManager } from './scrape/index.ts';
import { SelfMetrics } from './self-metrics.ts';
import { DB, type Head } from './tsdb/index.ts';

export const VERSION = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')).version as string;

/**
 * The composition root: the only place that knows every part. Wires storage, scraping, query engine
 * and HTTP API from the loaded configuration, and owns reload.
 */
export class OspreyServer {
  readonly db: DB;
  readonly head: Head;
  private retentionTimer: NodeJS.Timeout | null = null;
  private readonly retentionMs: number;
  readonly scrape: ScrapeManager;
  readonly self: SelfMetrics;
  readonly alertmanager: Alertmanager;
  private config!: PrometheusConfig;
  private amConfig: AlertmanagerYmlConfig;
  private amHttp: ReturnType<typeof Fastify> | null = null;
  private readonly http: ReturnType<typeof createHttpServer>;
  private readonly startTime = Date.now();
  private lastReload = { success: true, time: Date.now() };
  address = '';

  constructor(
    private readonly flags: FlagValues,
    private readonly log: Logger,
  ) {
    this.db = DB.open(resolve(flags['storage.tsdb.path']), {
      noLockfile: flags['storage.tsdb.no-lockfile'] === 'true',
      logger: log.child({ component: 'tsdb' }),
    });
    this.head = this.db.head;
    const r = this.db.replay;
    log.info({ series: r.series, samples: r.samples, durationMs: r.durationMs }, 'WAL replay completed');
    const retention = parseDuration(flags['storage.tsdb.retention.time']);
    this.retentionMs = retention > 0 ? retention : 15 * 24 * 3600 * 1000;
    this.amConfig = this.loadAlertmanagerConfig();
    this.alertmanager = new Alertmanager({
      config: this.amConfig,
      dataDir: resolve(flags['storage.tsdb.path'], 'alertmanager'),
      notifierFactory: createNotifierFactory({ logger: log.child({ component: 'notify' }) }),
      logger: log.child({ component: 'alertmanager' }),
      externalURL: flags['web.external-url'] || undefined,
    });
    const host = new HostCollector();
    const hostMetrics = async () => ({ body: writeText(await host.collect()), contentType: CONTENT_TYPE_TEXT });
    this.scrape = new ScrapeManager({ appendable: this.db, logger: log.child({ component: 'scrape' }) });
    this.self = new SelfMetrics(
      {
        headSeries: () => this.head.numSeries(),
        headSamplesAppended: () => this.head.samplesAppendedTotal,
        headChunks: () => this.head.numChunksStored,
        outOfOrderSamples: () => this.head.outOfOrderSamplesTotal,
        walCorruptions: () => this.db.walCorruptionsTotal,
        targetsActive: () => this.scrape.targets().activeTargets.length,
      },
      VERSION,
    );
    const query: QueryService = createQueryService(this.db, {
      lookbackDelta: parseDuration(flags['query.lookback-delta']),
      timeout: parseDuration(flags['query.timeout']),
      maxSamples: Number(flags['query.max-samples']),
      defaultSubqueryStep: () => this.config?.global.evaluation_interval ?? 60_000,
      queryLog: (entry) => {
        const file = this.config?.global.query_log_file;
        if (!file) return;
        try {
          appendFileSync(resolve(dirname(this.config.source_file || '.'), file), `${JSON.stringify(entry)}\n`);
        } catch (e) {
          this.log.warn({ error: (e as Error).message, file }, 'Cannot write the query log');
        }
      },
    });
    const deps: ApiDeps = {
      storage: this.db,
      query,
      remoteWriteAppendable: flags['web.enable-remote-write-receiver'] === 'true' ? this.db : undefined,
      targets: () => this.scrape.targets() as unknown as ReturnType<ApiDeps['targets']>,
      configYaml: () => configToYaml(this.config),
      flags: () => ({ ...this.flags }),
      buildInfo: () => ({
        version: VERSION,
        revision: '',
        branch: '',
        buildUser: '',
        buildDate: '',
        goVersion: process.version,
      }),
      runtimeInfo: () => ({
        startTime: new Date(this.startTime).toISOString(),
        CWD: process.cwd(),
        reloadConfigSuccess: this.lastReload.success,
        lastConfigTime: new Date(this.lastReload.time).toISOString(),
        corruptionCount: 0,
        goroutineCount: 0,
        GOMAXPROCS: 1,
        GOMEMLIMIT: 0,
        GOGC: '',
        GODEBUG: '',
        storageRetention:
          this.flags['storage.tsdb.retention.time'] === '0s' ? '15d' : this.flags['storage.tsdb.retention.time'],
      }),
      headStats: (limit) => this.head.stats(limit),
      lifecycleEnabled: flags['web.enable-lifecycle'] === 'true',
      reload: () => this.reload(),
      ready: () => true,
      selfMetrics: () => this.self.render(),
      metadata: () => ({}),
      exporterRoutes: { '/collectors/host/metrics': hostMetrics },
      limits: { maxBodyBytes: 32 * 1024 * 1024, maxSeriesResponse: 0 },
    };
    this.http = createHttpServer({
      deps,
      parseSelector: parseSelectorForApi,
      logger: log.child({ component: 'web' }),
      extraRoutes: [(app) => registerAlertmanagerRoutes(app, this.alertmanager)],
    });
  }

  /**
   * alertmanager.yml: --alertmanager.config.file, else alertmanager.yml beside prometheus.yml, else a built-in
   * config whose one receiver has no integrations (alerts stay visible in the API and UI).
   */
  private loadAlertmanagerConfig(): AlertmanagerYmlConfig {
    let file = this.flags['alertmanager.config.file'];
    if (!file && this.flags['config.file']) {
      const beside = resolve(dirname(resolve(this.flags['config.file'])), 'alertmanager.yml');
      if (existsSync(beside)) file = beside;
    }
    if (file) return loadAlertmanagerConfigFile(resolve(file));
    return parseAlertmanagerConfig(DEFAULT_ALERTMANAGER_YAML, '<built-in alertmanager config>');
  }

  /** Loads the configuration; throws (with file:line:col) when it is invalid. */
  private loadConfig(): PrometheusConfig {
    const file = this.flags['config.file'];
    if (file) return loadPrometheusConfigFile(resolve(file));
    return parsePrometheusConfig(defaultConfigYaml(this.selfScrapeAddress()), '<built-in default config>');
  }

  private selfScrapeAddress(): string {
    const { host, port } = parseListenAddress(this.flags['web.listen-address']);
    const h = host === '0.0.0.0' || host === '::' ? 'localhost' : host;
    return `${h.includes(':') ? `[${h}]` : h}:${this.boundPort || port}`;
  }

  private boundPort = 0;

  async start(): Promise<void> {
    const { host, port } = parseListenAddress(this.flags['web.listen-address']);
    await this.http.listen({ host, port });
    const addr = this.http.server.address();
    this.boundPort = typeof addr === 'object' && addr ? addr.port : port;
    this.address = `http://${host === '0.0.0.0' ? 'localhost' : host}:${this.boundPort}`;
    this.config = this.loadConfig();
    this.scrape.applyConfig(this.config);
    this.self.configLastReloadSuccessful.set(1);
    this.self.configLastReloadSuccessTimestamp.set(Date.now() / 1000);
    const amAddr = this.flags['alertmanager.listen-address'];
    if (amAddr) {
      const am = parseListenAddress(amAddr);
      this.amHttp = Fastify();
      registerAlertmanagerRoutes(this.amHttp, this.alertmanager);
      this.amHttp.get('/-/healthy', async () => 'OK');
      this.amHttp.get('/-/ready', async () => 'OK');
      await this.amHttp.listen({ host: am.host, port: am.port });
    }
    // Retention: drop samples older than the retention period from memory once a minute.
    this.retentionTimer = setInterval(() => this.head.truncate(Date.now() - this.retentionMs), 60_000);
    this.retentionTimer.unref();
    this.log.info({ url: this.address, config: this.flags['config.file'] || 'built-in default' }, 'Osprey is ready');
  }

  /** Atomic reload: a config that fails to load leaves the running one in place. Loading is synchronous. */
  async reload(): Promise<void> {
    try {
      const next = this.loadConfig();
      const nextAm = this.loadAlertmanagerConfig();
      this.scrape.applyConfig(next);
      this.alertmanager.applyConfig(nextAm);
      this.config = next;
      this.amConfig = nextAm;
      this.lastReload = { success: true, time: Date.now() };
      this.self.configLastReloadSuccessful.set(1);
      this.self.configLastReloadSuccessTimestamp.set(Date.now() / 1000);
      this.log.info({ file: this.flags['config.file'] }, 'Completed loading of configuration file');
    } catch (e) {
      this.lastReload = { success: false, time: Date.now() };
      this.self.configLastReloadSuccessful.set(0);
      this.log.error({ err: (e as Error).message }, 'Error reloading config');
      throw e;
    }
  }

  async stop(): Promise<void> {
    if (this.retentionTimer) clearInterval(this.retentionTimer);
    await this.scrape.stop();
    this.alertmanager.stop();
    await this.http.close();
    await this.amHttp?.close();
    this.db.close();
  }
}
