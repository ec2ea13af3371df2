import { appendFileSync, existsSync, readFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { dirname, resolve } from 'node:path';
import Fastify from 'fastify';
import type { Logger } from 'pino';
import { Alertmanager, registerAlertmanagerRoutes } from './alertmanager/index.ts';
import { BUILTIN_DASHBOARDS_DIR, registerDashboardRoutes } from './api/dashboards.ts';
import { registerFederateRoute } from './api/federate.ts';
import { type ApiDeps, createHttpServer, type QueryService } from './api/index.ts';
import { DEFAULT_UI_DIR, registerUiRoutes } from './api/ui-static.ts';
import { registerAdminRoutes } from './api/v1-admin.ts';
import { registerRemoteReadRoute } from './api/v1-read.ts';
import { applyWebConfig, fastifyTlsOptions, readOnlyGuard, reloadTls } from './api/web-config.ts';
import { type FlagValues, parseListenAddress } from './cli/flags.ts';
import {
  createProbeHandler,
  defaultProbeModules,
  HostCollector,
  LogCollector,
  logsConfigFromValue,
  type ProbeModules,
  ProcessCollector,
  parseProbeModules,
  processGroupsFromValue,
} from './collectors/index.ts';
import {
  type AlertmanagerYmlConfig,
  loadAlertmanagerConfigFile,
  parseAlertmanagerConfig,
} from './config/alertmanager-index.ts';
import {
  configToYaml,
  globSync,
  loadPrometheusConfigFile,
  type PrometheusConfig,
  parsePrometheusConfig,
  parseSize,
} from './config/index.ts';
import { loadWebConfigFile, type WebConfig } from './config/web-config-index.ts';
import { DatasourceMode, remoteReadRuleQuerier } from './datasource-mode.ts';
import { DEFAULT_ALERTMANAGER_YAML, defaultConfigYaml } from './default-config.ts';
import { CONTENT_TYPE_TEXT, writeText } from './exposition/index.ts';
import { Labels, parseDuration } from './model/index.ts';
import { createNotifierFactory } from './notify/index.ts';
import { Engine } from './promql/index.ts';
import { QueryGate } from './query-gate.ts';
import { createQueryService, parseSelectorForApi } from './query-service.ts';
import { datasourceConfigFrom } from './remote/datasource.ts';
import { RemoteWriteManager, renderRemoteWriteMetrics } from './remote/index.ts';
import { RemoteReadService } from './remote/query-prepare.ts';
import {
  AlertmanagerHTTPSender,
  type AlertSender,
  localAlertSender,
  RuleManager,
  registerRulesRoutes,
} from './rules/index.ts';
import { ScrapeManager } from './scrape/index.ts';
import { renderRuleGroupMetrics, SelfMetrics } from './self-metrics.ts';
import { createSelfScrapeResolver } from './self-scrape.ts';
import { DB, type Head } from './tsdb/index.ts';

export const VERSION = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')).version as string;

/**
 * The composition root: the only place that knows every part. Wires storage, scraping, query engine
 * and HTTP API from the loaded configuration, and owns reload.
 */
export class OspreyServer {
  readonly db: DB;
  readonly head: Head;
  private maintenanceTimer: NodeJS.Timeout | null = null;
  readonly rules: RuleManager;
  private sender: AlertSender;
  private httpSender: AlertmanagerHTTPSender | null = null;
  private logCollector: LogCollector | null = null;
  private processCollector: ProcessCollector;
  private probeModules: ProbeModules = defaultProbeModules();
  readonly scrape: ScrapeManager;
  readonly self: SelfMetrics;
  readonly alertmanager: Alertmanager;
  private config!: PrometheusConfig;
  private amConfig: AlertmanagerYmlConfig;
  private amHttp: ReturnType<typeof Fastify> | null = null;
  private webConfig: WebConfig | null = null;
  readonly remoteWrite: RemoteWriteManager;
  /** remote_read merged into local queries; datasource mode (docs/datasource.md). */
  readonly remoteRead: RemoteReadService;
  readonly datasource = new DatasourceMode();
  private readonly http: ReturnType<typeof createHttpServer>;
  private readonly startTime = Date.now();
  private lastReload = { success: true, time: Date.now() };
  address = '';

  constructor(
    private readonly flags: FlagValues,
    private readonly log: Logger,
    /** uiDir: the built web UI to serve at / (default dist/web; the browser tests serve a fresh build). */
    options: { uiDir?: string } = {},
  ) {
    const retention = parseDuration(flags['storage.tsdb.retention.time']);
    const retentionBytes = parseSize(flags['storage.tsdb.retention.size']);
    // Prometheus: 15d unless a size limit alone is given.
    const retentionMs = retention > 0 ? retention : retentionBytes > 0 ? 0 : 15 * 24 * 3600 * 1000;
    const minBlock = parseDuration(flags['storage.tsdb.min-block-duration']) || 2 * 3600 * 1000;
    // Prometheus: 10% of the retention time, at most 31d
    const maxBlock =
      parseDuration(flags['storage.tsdb.max-block-duration']) ||
      Math.min(31 * 24 * 3600 * 1000, retentionMs > 0 ? retentionMs / 10 : Number.POSITIVE_INFINITY);
    this.db = DB.open(resolve(flags['storage.tsdb.path']), {
      noLockfile: flags['storage.tsdb.no-lockfile'] === 'true',
      retentionMs,
      retentionBytes,
      chunkRange: minBlock,
      maxBlockDuration: maxBlock,
      autoCompact: true,
      logger: log.child({ component: 'tsdb' }),
    });
    this.head = this.db.head;
    this.processCollector = new ProcessCollector([], { procPath: flags['path.procfs'] });
    this.remoteWrite = new RemoteWriteManager({
      walDir: resolve(flags['storage.tsdb.path'], 'wal'),
      dataDir: resolve(flags['storage.tsdb.path']),
      logger: log.child({ component: 'remote' }),
    });
    const r = this.db.replay;
    log.info({ series: r.series, samples: r.samples, durationMs: r.durationMs }, 'WAL replay completed');
    this.amConfig = this.loadAlertmanagerConfig();
    this.alertmanager = new Alertmanager({
      config: this.amConfig,
      dataDir: resolve(flags['storage.tsdb.path'], 'alertmanager'),
      notifierFactory: createNotifierFactory({ logger: log.child({ component: 'notify' }) }),
      logger: log.child({ component: 'alertmanager' }),
      externalURL: this.externalURL(),
    });
    const host = new HostCollector({
      procPath: flags['path.procfs'],
      sysPath: flags['path.sysfs'],
      rootfsPath: flags['path.rootfs'],
    });
    const hostMetrics = async () => ({ body: writeText(await host.collect()), contentType: CONTENT_TYPE_TEXT });
    const logMetrics = async () => ({
      body: writeText(this.logCollector ? await this.logCollector.collect() : []),
      contentType: CONTENT_TYPE_TEXT,
    });
    const processMetrics = async () => ({
      body: writeText(await this.processCollector.collect()),
      contentType: CONTENT_TYPE_TEXT,
    });
    const probe = createProbeHandler(() => this.probeModules);
    const exporterRoutes = {
      '/collectors/host/metrics': hostMetrics,
      '/collectors/logs/metrics': logMetrics,
      '/collectors/process/metrics': processMetrics,
    };
    const selfMetrics = async () => {
      const m = await this.self.render();
      const extra =
        renderRemoteWriteMetrics(this.remoteWrite.stats()) + renderRuleGroupMetrics(this.rules.groupMetrics());
      return { ...m, body: m.body + extra };
    };
    // Scrapes of Osprey's own collector endpoints are answered in-process (src/self-scrape.ts).
    const inProcess = createSelfScrapeResolver({
      listenHost: parseListenAddress(flags['web.listen-address']).host,
      port: () => this.boundPort,
      scheme: () => (this.webConfig?.tls_server_config ? 'https' : 'http'),
      routes: {
        '/metrics': selfMetrics,
        ...exporterRoutes,
        '/probe': (q, timeoutMs) =>
          probe({
            target: q.get('target') ?? undefined,
            module: q.get('module') ?? undefined,
            debug: q.get('debug') ?? undefined,
            scrapeTimeoutSeconds: timeoutMs / 1000,
          }),
      },
    });
    this.scrape = new ScrapeManager({ appendable: this.db, logger: log.child({ component: 'scrape' }), inProcess });
    const queryGate = new QueryGate(Number(flags['query.max-concurrency']));
    this.self = new SelfMetrics(
      {
        queries: () => queryGate.queries,
        queriesConcurrentMax: () => queryGate.max,
        headSeries: () => this.head.numSeries(),
        headSamplesAppended: () => this.head.samplesAppendedTotal,
        headChunks: () => this.head.numChunksStored,
        outOfOrderSamples: () => this.head.outOfOrderSamplesTotal,
        walCorruptions: () => this.db.walCorruptionsTotal,
        blockCorruptions: () => this.db.blockCorruptionsTotal,
        walWriteFailures: () => this.db.walWriteFailuresTotal,
        targetsActive: () => this.scrape.targets().activeTargets.length,
      },
      VERSION,
    );
    const engine = new Engine({
      lookbackDelta: parseDuration(flags['query.lookback-delta']),
      timeout: parseDuration(flags['query.timeout']),
      maxSamples: Number(flags['query.max-samples']),
    });
    this.sender = localAlertSender(this.alertmanager);
    this.remoteRead = new RemoteReadService({
      local: this.db,
      lookbackDelta: parseDuration(flags['query.lookback-delta']),
      oldestBlockTime: () => this.db.listBlocks()[0]?.meta.minTime,
    });
    const rrRules = remoteReadRuleQuerier(engine, this.db, this.remoteRead);
    this.rules = new RuleManager({
      // Datasource mode, else remote_read when configured, else the local engine (synchronously).
      asyncQuerier: () => this.datasource.ruleQuerier() ?? (this.remoteRead.enabled ? rrRules : null),
      engine,
      queryable: this.db,
      appendable: this.db,
      // Delegates to the current sender, which a reload may switch (built-in vs external Alertmanagers).
      sender: { send: (alerts) => this.sender.send(alerts) },
      externalURL: this.externalURL(),
      logger: log.child({ component: 'rules' }),
      resendDelay: parseDuration(flags['rules.alert.resend-delay']),
      outageTolerance: parseDuration(flags['rules.alert.for-outage-tolerance']),
      forGracePeriod: parseDuration(flags['rules.alert.for-grace-period']),
    });
    const localQuery: QueryService = createQueryService(this.db, {
      prepare: (q, start, end, step, o) =>
        this.remoteRead.prepareQuery(q, start, end, step, { lookbackDelta: o.lookbackDelta, signal: o.signal }),
      lookbackDelta: parseDuration(flags['query.lookback-delta']),
      timeout: parseDuration(flags['query.timeout']),
      maxSamples: Number(flags['query.max-samples']),
      gate: queryGate,
      observe: (t) => this.self.observeQuery(t),
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
    const query = this.datasource.queryService(localQuery);
    const deps: ApiDeps = {
      storage: this.db,
      query,
      prepareSelect: (sets, start, end, signal) => this.remoteRead.prepareSelect(sets, start, end, signal),
      readProxy: () => this.datasource.readProxy(),
      remoteWriteAppendable: flags['web.enable-remote-write-receiver'] === 'true' ? this.db : undefined,
      targets: () => this.scrape.targets() as unknown as ReturnType<ApiDeps['targets']>,
      configYaml: () => configToYaml(this.config),
      flags: () => hideSecretFlags(this.flags),
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
      selfMetrics,
      metadata: () => ({}),
      exporterRoutes,
      limits: { maxBodyBytes: 32 * 1024 * 1024, maxSeriesResponse: 0 },
    };
    this.webConfig = this.loadWebConfig();
    this.http = createHttpServer({
      tls: fastifyTlsOptions(this.webConfig),
      deps,
      parseSelector: parseSelectorForApi,
      logger: log.child({ component: 'web' }),
      extraRoutes: [
        (app) => registerAlertmanagerRoutes(app, this.alertmanager),
        (app) => registerRulesRoutes(app, this.rules),
        (app) =>
          registerFederateRoute(app, {
            storage: this.db,
            parseSelector: parseSelectorForApi,
            externalLabels: () => Labels.fromObject(this.config?.global.external_labels ?? {}),
          }),
        (app) =>
          registerRemoteReadRoute(app, {
            storage: this.db,
            externalLabels: () => Labels.fromObject(this.config?.global.external_labels ?? {}),
          }),
        (app) =>
          registerAdminRoutes(app, this.db, {
            enabled: flags['web.enable-admin-api'] === 'true',
            parseSelector: parseSelectorForApi,
          }),
        (app) => registerUiRoutes(app, options.uiDir ?? DEFAULT_UI_DIR),
        (app) =>
          registerDashboardRoutes(app, {
            builtinDir: BUILTIN_DASHBOARDS_DIR,
            userDir: flags['web.dashboards.dir'] ? resolve(flags['web.dashboards.dir']) : undefined,
          }),
        (app) =>
          app.get('/probe', async (req: { query: unknown; headers: Record<string, unknown> }, reply: any) => {
            const q = req.query as Record<string, string>;
            const timeout = Number(req.headers['x-prometheus-scrape-timeout-seconds']);
            const r = await probe({ ...q, scrapeTimeoutSeconds: Number.isFinite(timeout) ? timeout : undefined });
            return reply.code(r.status).type(r.contentType).send(r.body);
          }),
      ],
    });
    applyWebConfig(this.http, () => this.webConfig);
    readOnlyGuard(this.http, flags['web.read-only'] === 'true');
  }

  private loadWebConfig(): WebConfig | null {
    const f = this.flags['web.config.file'];
    return f ? loadWebConfigFile(resolve(f)) : null;
  }

  /** --web.external-url, or as Prometheus defaults it: http://<hostname>:<port>. */
  private externalURL(): string {
    if (this.flags['web.external-url']) return this.flags['web.external-url'].replace(/\/$/, '');
    const { host, port } = parseListenAddress(this.flags['web.listen-address']);
    const h = host === '0.0.0.0' || host === '::' || host === '' ? hostname() : host;
    return `http://${h.includes(':') ? `[${h}]` : h}:${port}`;
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
    // --web.max-connections: Node closes connections beyond the limit, as Prometheus's listener refuses them.
    const maxConns = Number(this.flags['web.max-connections']);
    if (maxConns > 0) this.http.server.maxConnections = maxConns;
    const addr = this.http.server.address();
    this.boundPort = typeof addr === 'object' && addr ? addr.port : port;
    const scheme = this.webConfig?.tls_server_config ? 'https' : 'http';
    this.address = `${scheme}://${host === '0.0.0.0' ? 'localhost' : host}:${this.boundPort}`;
    this.apply(this.loadConfig(), this.amConfig);
    this.rules.start();
    this.self.configLastReloadSuccessful.set(1);
    this.self.configLastReloadSuccessTimestamp.set(Date.now() / 1000);
    const amAddr = this.flags['alertmanager.listen-address'];
    if (amAddr) {
      const am = parseListenAddress(amAddr);
      this.amHttp = Fastify({ ...fastifyTlsOptions(this.webConfig) } as object) as unknown as ReturnType<
        typeof Fastify
      >;
      applyWebConfig(this.amHttp, () => this.webConfig);
      readOnlyGuard(this.amHttp, this.flags['web.read-only'] === 'true');
      registerAlertmanagerRoutes(this.amHttp, this.alertmanager);
      this.amHttp.get('/-/healthy', async () => 'OK');
      this.amHttp.get('/-/ready', async () => 'OK');
      await this.amHttp.listen({ host: am.host, port: am.port });
    }
    // Head compaction into blocks, WAL truncation, block merges and retention, once a minute; blocks are
    // written in a worker thread.
    this.maintenanceTimer = setInterval(() => void this.db.maintainInBackground(), 60_000);
    this.maintenanceTimer.unref();
    this.log.info({ url: this.address, config: this.flags['config.file'] || 'built-in default' }, 'Osprey is ready');
  }

  /**
   * Applies loaded configs to every part. Rule files are loaded first: they are the one part that can
   * still fail here, and a failure must leave everything as it was.
   */
  private apply(next: PrometheusConfig, nextAm: AlertmanagerYmlConfig): void {
    // remote_read clients and the datasource are built first (bad settings or TLS files throw), swapped in below.
    const commitRemoteRead = this.remoteRead.prepareConfig(next.remote_read, next.global.external_labels);
    const ds = datasourceConfigFrom(this.flags, next.osprey?.datasource, parseDuration(this.flags['query.timeout']));
    const commitDatasource = this.datasource.prepare(ds);
    const ruleFiles = next.rule_files.flatMap((f) => globSync(f));
    this.rules.update(ruleFiles, next.global);
    this.scrape.applyConfig(next);
    this.alertmanager.applyConfig(nextAm);
    const alerting = next.alerting;
    if (alerting.alertmanagers.length > 0) {
      if (this.httpSender) this.httpSender.applyConfig(alerting, next.global.external_labels);
      else
        this.httpSender = new AlertmanagerHTTPSender({
          alerting,
          externalLabels: next.global.external_labels,
          logger: this.log.child({ component: 'notifier' }),
        });
      this.sender = this.httpSender;
    } else {
      this.sender = localAlertSender(this.alertmanager, next.global.external_labels, alerting.alert_relabel_configs);
    }
    const osprey = (next.osprey ?? {}) as Record<string, unknown>;
    this.logCollector?.stop().catch(() => {});
    const logs = logsConfigFromValue(osprey.logs);
    this.logCollector =
      logs.length > 0
        ? new LogCollector(logs, { positionsFile: resolve(this.flags['storage.tsdb.path'], 'log-positions.json') })
        : null;
    this.logCollector
      ?.start()
      .catch((e) => this.log.error({ error: (e as Error).message }, 'Log collector failed to start'));
    this.processCollector = new ProcessCollector(processGroupsFromValue(osprey.processes), {
      procPath: this.flags['path.procfs'],
    });
    this.probeModules =
      typeof osprey.probe_modules_file === 'string'
        ? (() => {
            const file = resolve(dirname(next.source_file || '.'), osprey.probe_modules_file as string);
            return parseProbeModules(readFileSync(file, 'utf8'), file);
          })()
        : defaultProbeModules();
    commitRemoteRead();
    if (commitDatasource() && ds) {
      this.log.info({ url: this.datasource.url }, 'Datasource mode: rules and the query API use the external engine');
    }
    this.remoteWrite
      .applyConfig(next.remote_write, Labels.fromObject(next.global.external_labels))
      .catch((e) => this.log.error({ error: String(e) }, 'remote write config not applied'));
    this.config = next;
    this.amConfig = nextAm;
  }

  /** Atomic reload: a config that fails to load leaves the running one in place. Loading is synchronous. */
  async reload(): Promise<void> {
    try {
      const nextWeb = this.loadWebConfig();
      this.apply(this.loadConfig(), this.loadAlertmanagerConfig());
      this.webConfig = nextWeb;
      reloadTls(this.http.server, nextWeb);
      if (this.amHttp) reloadTls(this.amHttp.server, nextWeb);
      this.lastReload = { success: true, time: Date.now() };
      this.self.configLastReloadSuccessful.set(1);
      this.self.configLastReloadSuccessTimestamp.set(Date.now() / 1000);
      this.log.info({ file: this.flags['config.file'] }, 'Completed loading of configuration file');
    } catch (e) {
      this.lastReload = { success: false, time: Date.now() };
      this.self.configLastReloadSuccessful.set(0);
      this.log.error({ error: (e as Error).message }, 'Error reloading config');
      throw e;
    }
  }

  async stop(): Promise<void> {
    if (this.maintenanceTimer) clearInterval(this.maintenanceTimer);
    this.rules.stop();
    await this.scrape.stop();
    await this.logCollector?.stop().catch(() => {});
    this.alertmanager.stop();
    await this.http.close();
    await this.amHttp?.close();
    await this.remoteWrite.stop();
    this.remoteRead.close();
    this.datasource.close();
    this.db.close();
  }
}

/** Flags as /api/v1/status/flags shows them: secrets (datasource password, token) as <secret>. */
function hideSecretFlags(flags: FlagValues): FlagValues {
  const out = { ...flags };
  for (const k of ['datasource.basicAuth.password', 'datasource.bearerToken']) if (out[k]) out[k] = '<secret>';
  return out;
}
