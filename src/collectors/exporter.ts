/**
 * `osprey exporter`: only the built-in collectors, served on one port for a central Osprey (or any
 * Prometheus) to scrape: /metrics (host + process + logs), the same per-collector paths the Osprey server
 * uses (/collectors/<name>/metrics), and blackbox_exporter's /probe.
 */
import { readFile } from 'node:fs/promises';
import Fastify, { type FastifyInstance } from 'fastify';
import { writeText } from '../exposition/index.ts';
import type { Collector } from './collector.ts';
import { HostCollector, type HostCollectorOptions } from './host/index.ts';
import { collectToFamilies } from './index.ts';
import { LogCollector, parseLogsConfig } from './logs/index.ts';
import { createProbeHandler, defaultProbeModules, loadProbeModulesFile, type ProbeModules } from './probe/index.ts';
import { ProcessCollector, parseProcessGroups } from './process/index.ts';

export const EXPORTER_COLLECTORS = ['host', 'process', 'logs', 'probe'] as const;
export type ExporterCollectorName = (typeof EXPORTER_COLLECTORS)[number];

export interface ExporterOptions {
  /** "host:port", ":port" (all interfaces) or "[::1]:port". */
  listenAddress: string;
  /** Which collectors to run; all by default. */
  collectors?: readonly ExporterCollectorName[];
  /** blackbox.yml; blackbox's example modules when omitted. */
  modulesFile?: string;
  /** A prometheus.yml (or any YAML) whose `osprey: logs:` and `osprey: processes:` configure those collectors. */
  configFile?: string;
  host?: HostCollectorOptions;
  /** /proc for the process collector (defaults to host.procPath or /proc). */
  procPath?: string;
  /** Log collector read positions, so a restart neither recounts nor skips lines. */
  logPositionsFile?: string;
  logPollIntervalMs?: number;
  /** Errors worth a log line (a collector failing, a log file unreadable). */
  onError?: (where: string, err: unknown) => void;
}

export interface RunningExporter {
  /** "http://host:port" actually bound. */
  readonly url: string;
  readonly app: FastifyInstance;
  /** Re-reads the module file and the collectors config; on error the old ones stay and the error is thrown. */
  reload(): Promise<void>;
  close(): Promise<void>;
}

const TEXT = 'text/plain; version=0.0.4; charset=utf-8';

export function parseListenAddress(addr: string): { host: string; port: number } {
  const m = /^(?:\[([^\]]*)\]|([^:]*)):(\d+)$/.exec(addr);
  if (!m) throw new Error(`invalid listen address ${JSON.stringify(addr)}, expected host:port`);
  const host = m[1] ?? m[2];
  return { host: host === '' ? '::' : host, port: Number(m[3]) };
}

interface Loaded {
  modules: ProbeModules;
  process?: ProcessCollector;
  logs?: LogCollector;
}

async function load(opts: ExporterOptions, enabled: Set<string>): Promise<Loaded> {
  const modules = opts.modulesFile ? await loadProbeModulesFile(opts.modulesFile) : defaultProbeModules();
  const text = opts.configFile ? await readFile(opts.configFile, 'utf8') : '';
  const file = opts.configFile ?? '';
  const out: Loaded = { modules };
  if (enabled.has('process')) {
    out.process = new ProcessCollector(text ? parseProcessGroups(text, file) : [], {
      procPath: opts.procPath ?? opts.host?.procPath,
    });
  }
  if (enabled.has('logs')) {
    out.logs = new LogCollector(text ? parseLogsConfig(text, file) : [], {
      pollIntervalMs: opts.logPollIntervalMs,
      positionsFile: opts.logPositionsFile,
      onError: (f, e) => opts.onError?.(`logs ${f}`, e),
    });
  }
  return out;
}

export async function startExporter(opts: ExporterOptions): Promise<RunningExporter> {
  const enabled = new Set<string>(opts.collectors ?? EXPORTER_COLLECTORS);
  for (const c of enabled) {
    if (!(EXPORTER_COLLECTORS as readonly string[]).includes(c)) {
      throw new Error(`unknown collector ${JSON.stringify(c)} (known: ${EXPORTER_COLLECTORS.join(', ')})`);
    }
  }
  const { host, port } = parseListenAddress(opts.listenAddress);
  const hostCollector = enabled.has('host') ? new HostCollector({ onError: opts.onError, ...opts.host }) : undefined;
  let current = await load(opts, enabled);
  await current.logs?.start();

  const byName = (): Map<string, Collector> => {
    const m = new Map<string, Collector>();
    if (hostCollector) m.set('host', hostCollector);
    if (current.process) m.set('process', current.process);
    if (current.logs) m.set('logs', current.logs);
    return m;
  };
  const probeHandler = createProbeHandler(() => current.modules);

  const app = Fastify({ logger: false, exposeHeadRoutes: true });
  const serve = async (collectors: Collector[]) =>
    writeText(await collectToFamilies(collectors, (name, err) => opts.onError?.(name, err)));
  app.get('/metrics', async (_req, reply) => reply.type(TEXT).send(await serve([...byName().values()])));
  app.get<{ Params: { name: string } }>('/collectors/:name/metrics', async (req, reply) => {
    const c = byName().get(req.params.name);
    if (c === undefined) return reply.code(404).type('text/plain').send('404 page not found\n');
    return reply.type(TEXT).send(await serve([c]));
  });
  if (enabled.has('probe')) {
    app.get<{ Querystring: Record<string, string> }>('/probe', async (req, reply) => {
      const timeoutHeader = req.headers['x-prometheus-scrape-timeout-seconds'];
      const r = await probeHandler({
        target: req.query.target,
        module: req.query.module,
        debug: req.query.debug,
        scrapeTimeoutSeconds: typeof timeoutHeader === 'string' ? Number(timeoutHeader) : undefined,
      });
      return reply.code(r.status).type(r.contentType).send(r.body);
    });
  }
  app.get('/-/healthy', async (_req, reply) => reply.type('text/plain').send('Healthy\n'));
  app.get('/', async (_req, reply) => {
    const links = ['<a href="/metrics">/metrics</a>'];
    for (const n of byName().keys()) links.push(`<a href="/collectors/${n}/metrics">/collectors/${n}/metrics</a>`);
    if (enabled.has('probe')) {
      links.push('<a href="/probe?target=http://localhost:9100/-/healthy&module=http_2xx&debug=true">/probe</a>');
    }
    return reply
      .type('text/html; charset=utf-8')
      .send(
        `<html><head><title>Osprey exporter</title></head><body><h1>Osprey exporter</h1><p>${links.join('<br>')}</p></body></html>\n`,
      );
  });

  await app.listen({ host, port });
  const a = app.server.address();
  const bound = typeof a === 'object' && a !== null ? a : { address: host, port };
  const shownHost = bound.address.includes(':') ? `[${bound.address}]` : bound.address;

  return {
    url: `http://${shownHost}:${bound.port}`,
    app,
    async reload() {
      const next = await load(opts, enabled);
      await next.logs?.start();
      const old = current;
      current = next;
      await old.logs?.stop();
    },
    async close() {
      await app.close();
      await current.logs?.stop();
    },
  };
}
