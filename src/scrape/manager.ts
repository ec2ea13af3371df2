import type { PrometheusConfig, ScrapeConfig } from '../config/types.ts';
import { DiscoveryManager, type FileSDParser, type Logger, silentLogger, type TargetSets } from '../discovery/index.ts';
import { formatDuration, hashFlat, Labels } from '../model/index.ts';
import type { Appendable } from '../tsdb/interfaces.ts';
import type { InProcessResolver } from './in-process.ts';
import { compileRelabelConfigs } from './relabel.ts';
import { newScrapeStats, type ScrapeStats } from './scrape-loop.ts';
import { type InProcessTarget, ScrapePool } from './scrape-pool.ts';
import { USER_AGENT } from './scraper.ts';
import type { Target, TargetHealth } from './target.ts';

/** One entry of /api/v1/targets `activeTargets`, in Prometheus's JSON shape. */
export interface ActiveTarget {
  discoveredLabels: Record<string, string>;
  labels: Record<string, string>;
  scrapePool: string;
  scrapeUrl: string;
  globalUrl: string;
  lastError: string;
  /** RFC 3339 time of the last scrape start; "0001-01-01T00:00:00Z" when never scraped. */
  lastScrape: string;
  /** Seconds. */
  lastScrapeDuration: number;
  health: TargetHealth;
  scrapeInterval: string;
  scrapeTimeout: string;
}

/** One entry of /api/v1/targets `droppedTargets`. */
export interface DroppedTarget {
  discoveredLabels: Record<string, string>;
  scrapePool: string;
}

/** The `data` of /api/v1/targets. */
export interface TargetsData {
  activeTargets: ActiveTarget[];
  droppedTargets: DroppedTarget[];
  droppedTargetCounts: Record<string, number>;
}

export interface ScrapeManagerOptions {
  appendable: Appendable;
  logger?: Logger;
  /** address -> page producer; targets with these addresses are scraped without HTTP. */
  inProcessTargets?: Map<string, InProcessTarget>;
  /** Scrape URLs the process serves itself (its own address + a built-in collector path), scraped without HTTP. */
  inProcess?: InProcessResolver;
  /** Minimum time between target updates from service discovery (ms, default 5000 as Prometheus). */
  discoveryUpdateIntervalMs?: number;
  /** Parser for file_sd files (default: src/config's parseFileSD). */
  parseFileSD?: FileSDParser;
}

/**
 * Runs one scrape pool per scrape config (job), fed by service discovery. applyConfig is the reload
 * entry point: pools of removed jobs stop (their series go stale), changed jobs restart their loops
 * keeping staleness state, and unchanged jobs keep running untouched.
 */
export class ScrapeManager {
  private readonly opts: ScrapeManagerOptions;
  private readonly logger: Logger;
  private readonly discovery: DiscoveryManager;
  private readonly pools = new Map<string, ScrapePool>();
  /** Pools of removed jobs that may still write end-of-run staleness markers. */
  private readonly retired = new Set<ScrapePool>();
  readonly stats: ScrapeStats = newScrapeStats();
  private offsetSeed = 0;
  private stopped = false;

  constructor(opts: ScrapeManagerOptions) {
    this.opts = opts;
    this.logger = opts.logger ?? silentLogger;
    this.discovery = new DiscoveryManager({
      logger: this.logger,
      updateIntervalMs: opts.discoveryUpdateIntervalMs,
      parseFileSD: opts.parseFileSD,
      userAgent: USER_AGENT,
    });
    this.discovery.start((sets) => this.onTargets(sets));
  }

  /**
   * Applies a (re)loaded configuration. Throws, changing nothing, when a relabel regex does not compile
   * (the config loader normally rejects such a file first).
   */
  applyConfig(cfg: PrometheusConfig): void {
    if (this.stopped) return;
    for (const sc of cfg.scrape_configs) {
      const validation = sc.metric_name_validation_scheme === 'legacy' ? 'legacy' : 'utf8';
      compileRelabelConfigs(sc.relabel_configs, { validation });
      compileRelabelConfigs(sc.metric_relabel_configs, { validation });
    }
    const ext = Labels.fromObject(cfg.global?.external_labels ?? {});
    this.offsetSeed = hashFlat(ext.flat, 0, ext.flat.length) % 1_000_003;
    const wanted = new Map<string, ScrapeConfig>();
    for (const sc of cfg.scrape_configs) wanted.set(sc.job_name, sc);
    for (const [name, pool] of this.pools) {
      if (wanted.has(name)) continue;
      this.pools.delete(name);
      this.retired.add(pool);
      void pool.stop(true);
      this.logger.info({ scrape_pool: name }, 'scrape pool removed');
    }
    for (const [name, sc] of wanted) {
      const pool = this.pools.get(name);
      if (!pool) {
        this.pools.set(
          name,
          new ScrapePool(sc, {
            appendable: this.opts.appendable,
            logger: this.logger,
            stats: this.stats,
            inProcessTargets: this.opts.inProcessTargets,
            inProcess: this.opts.inProcess,
            offsetSeed: this.offsetSeed,
          }),
        );
      } else if (pool.cfgKey !== JSON.stringify(sc)) {
        pool.reload(sc);
      }
    }
    this.discovery.applyConfig(wanted);
  }

  private onTargets(sets: TargetSets): void {
    for (const [name, groups] of sets) this.pools.get(name)?.sync(groups);
  }

  /** Active targets of all pools (live objects, for the UI and self-metrics). */
  activeTargets(): Target[] {
    const out: Target[] = [];
    for (const name of [...this.pools.keys()].sort()) out.push(...this.pools.get(name)!.targets());
    return out;
  }

  /** /api/v1/targets data, in Prometheus's shape. */
  targets(): TargetsData {
    const activeTargets: ActiveTarget[] = [];
    const droppedTargets: DroppedTarget[] = [];
    const droppedTargetCounts: Record<string, number> = {};
    for (const name of [...this.pools.keys()].sort()) {
      const pool = this.pools.get(name)!;
      for (const t of pool.targets()) activeTargets.push(activeTargetJSON(t));
      for (const d of pool.dropped) {
        droppedTargets.push({ discoveredLabels: d.discoveredLabels.toObject(), scrapePool: d.scrapePool });
      }
      droppedTargetCounts[name] = pool.droppedCount;
    }
    return { activeTargets, droppedTargets, droppedTargetCounts };
  }

  /** Stops discovery and all scrape loops (no staleness markers: the server is shutting down). */
  async stop(): Promise<void> {
    this.stopped = true;
    this.discovery.stop();
    for (const p of this.retired) p.cancelEndOfRun();
    this.retired.clear();
    const pools = [...this.pools.values()];
    this.pools.clear();
    await Promise.all(pools.map((p) => p.stop(false)));
  }
}

export function activeTargetJSON(t: Target): ActiveTarget {
  return {
    discoveredLabels: t.discoveredLabels.toObject(),
    labels: t.labels.toObject(),
    scrapePool: t.scrapePool,
    scrapeUrl: t.url,
    globalUrl: t.url,
    lastError: t.lastError,
    lastScrape: goTime(t.lastScrape),
    lastScrapeDuration: t.lastScrapeDuration,
    health: t.health,
    scrapeInterval: formatDuration(t.intervalMs),
    scrapeTimeout: formatDuration(t.timeoutMs),
  };
}

/** A time as Go's time.Time marshals to JSON (RFC 3339, fraction without trailing zeros), in UTC. */
export function goTime(ms: number): string {
  if (ms === 0) return '0001-01-01T00:00:00Z';
  const iso = new Date(ms).toISOString(); // 2006-01-02T15:04:05.000Z
  const frac = iso.slice(20, 23).replace(/0+$/, '');
  return `${iso.slice(0, 19)}${frac ? `.${frac}` : ''}Z`;
}
