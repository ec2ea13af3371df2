import type { ScrapeConfig, TargetGroup } from '../config/types.ts';
import type { Logger } from '../discovery/index.ts';
import type { Labels } from '../model/index.ts';
import type { Appendable } from '../tsdb/interfaces.ts';
import { formatOfProtocol } from './content-type.ts';
import { fetchInProcess, type InProcessResolver } from './in-process.ts';
import { type CompiledRelabelConfig, compileRelabelConfigs } from './relabel.ts';
import { type FetchedPage, type FetchFn, type LoopSettings, ScrapeLoop, type ScrapeStats } from './scrape-loop.ts';
import { HTTPScraper } from './scraper.ts';
import { ADDRESS_LABEL, populateLabels, Target } from './target.ts';

/** Produces a page without HTTP, for built-in collectors scraped in-process. */
export type InProcessTarget = () => Promise<{ body: string; contentType: string }>;

export interface DroppedTargetInfo {
  discoveredLabels: Labels;
  scrapePool: string;
}

export interface PoolDeps {
  appendable: Appendable;
  logger: Logger;
  stats: ScrapeStats;
  inProcessTargets?: Map<string, InProcessTarget>;
  /** Scrape URLs the process serves itself, answered without HTTP (see in-process.ts). */
  inProcess?: InProcessResolver;
  offsetSeed: number;
}

export function loopSettings(cfg: ScrapeConfig, metricRelabel: readonly CompiledRelabelConfig[]): LoopSettings {
  return {
    honorLabels: cfg.honor_labels,
    honorTimestamps: cfg.honor_timestamps,
    trackTimestampsStaleness: cfg.track_timestamps_staleness,
    sampleLimit: cfg.sample_limit,
    limits: {
      labelLimit: cfg.label_limit,
      labelNameLengthLimit: cfg.label_name_length_limit,
      labelValueLengthLimit: cfg.label_value_length_limit,
    },
    metricRelabel,
    validation: cfg.metric_name_validation_scheme === 'legacy' ? 'legacy' : 'utf8',
    fallbackFormat: formatOfProtocol(cfg.fallback_scrape_protocol),
  };
}

/** The targets and scrape loops of one scrape config (job). */
export class ScrapePool {
  readonly name: string;
  cfg: ScrapeConfig;
  /** Identity of the config, to detect changes on reload. */
  cfgKey: string;
  private relabel: CompiledRelabelConfig[];
  private settings: LoopSettings;
  private scraper: HTTPScraper;
  private readonly deps: PoolDeps;
  readonly loops = new Map<number, ScrapeLoop>();
  /** Loops of removed targets still waiting to write their end-of-run staleness markers. */
  private readonly ending = new Set<ScrapeLoop>();
  dropped: DroppedTargetInfo[] = [];
  droppedCount = 0;
  private lastGroups: TargetGroup[] = [];
  private forcedError: string | null = null;

  constructor(cfg: ScrapeConfig, deps: PoolDeps) {
    this.name = cfg.job_name;
    this.cfg = cfg;
    this.cfgKey = JSON.stringify(cfg);
    this.deps = deps;
    const validation = cfg.metric_name_validation_scheme === 'legacy' ? 'legacy' : 'utf8';
    this.relabel = compileRelabelConfigs(cfg.relabel_configs, { validation });
    this.settings = loopSettings(cfg, compileRelabelConfigs(cfg.metric_relabel_configs, { validation }));
    this.scraper = new HTTPScraper(cfg);
  }

  /** Applies a changed config: loops restart with the new settings, keeping their staleness state. */
  reload(cfg: ScrapeConfig): void {
    const validation = cfg.metric_name_validation_scheme === 'legacy' ? 'legacy' : 'utf8';
    this.relabel = compileRelabelConfigs(cfg.relabel_configs, { validation });
    this.settings = loopSettings(cfg, compileRelabelConfigs(cfg.metric_relabel_configs, { validation }));
    this.cfg = cfg;
    this.cfgKey = JSON.stringify(cfg);
    const oldScraper = this.scraper;
    this.scraper = new HTTPScraper(cfg);
    for (const [h, old] of this.loops) {
      // The old loop stops synchronously for storage purposes (it checks `stopped` after its fetch).
      void old.stop(false);
      old.cache.invalidateLabels();
      const loop = this.newLoop(old.target, old);
      this.loops.set(h, loop);
      loop.start();
    }
    void oldScraper.close();
    this.sync(this.lastGroups);
  }

  private newLoop(target: Target, previous?: ScrapeLoop): ScrapeLoop {
    const loop = new ScrapeLoop({
      target,
      appendable: this.deps.appendable,
      fetch: this.fetchFor(target),
      settings: this.settings,
      stats: this.deps.stats,
      logger: this.deps.logger,
      cache: previous?.cache,
      offsetSeed: this.deps.offsetSeed,
    });
    loop.forcedError = this.forcedError;
    return loop;
  }

  private fetchFor(target: Target): FetchFn {
    const inProc = this.deps.inProcessTargets?.get(target.allLabels.get(ADDRESS_LABEL));
    if (inProc) return (timeoutMs) => withTimeout(inProc(), timeoutMs, target.url);
    const resolve = this.deps.inProcess;
    if (resolve) {
      const url = target.url;
      const limit = this.cfg.body_size_limit;
      return (timeoutMs, signal) => {
        const h = resolve(url);
        return h ? fetchInProcess(h, url, timeoutMs, signal, limit) : this.scraper.fetch(url, timeoutMs, signal);
      };
    }
    return (timeoutMs, signal) => this.scraper.fetch(target.url, timeoutMs, signal);
  }

  /** Replaces the pool's targets with the ones in `groups`. */
  sync(groups: TargetGroup[]): void {
    this.lastGroups = groups;
    const cfg = this.cfg;
    const found = new Map<number, Target>();
    const dropped: DroppedTargetInfo[] = [];
    let droppedCount = 0;
    const keep = cfg.keep_dropped_targets;
    for (const g of groups) {
      for (const addr of g.targets) {
        const r = populateLabels({ [ADDRESS_LABEL]: addr }, g.labels ?? {}, cfg, this.relabel);
        if (r.labels === null) {
          if (r.error) this.deps.logger.warn({ scrape_pool: this.name, err: r.error }, 'Creating target failed');
          droppedCount++;
          if (keep === 0 || dropped.length < keep)
            dropped.push({ discoveredLabels: r.discovered, scrapePool: this.name });
          continue;
        }
        const t = new Target(r.labels, r.discovered, this.name, cfg.params ?? {});
        if (!found.has(t.hash)) found.set(t.hash, t);
      }
    }
    this.dropped = dropped;
    this.droppedCount = droppedCount;
    const limit = cfg.target_limit;
    this.forcedError =
      limit > 0 && found.size > limit
        ? `target_limit exceeded (number of targets: ${found.size}, limit: ${limit})`
        : null;
    for (const [h, loop] of this.loops) {
      if (found.has(h)) continue;
      this.loops.delete(h);
      this.ending.add(loop);
      void loop.stop(true).then(() => {
        if (!loop.pendingEndOfRun) this.ending.delete(loop);
      });
    }
    for (const [h, t] of found) {
      const existing = this.loops.get(h);
      if (existing) {
        existing.target.discoveredLabels = t.discoveredLabels;
        existing.forcedError = this.forcedError;
        continue;
      }
      const loop = this.newLoop(t);
      this.loops.set(h, loop);
      loop.start();
    }
    for (const l of this.ending) if (!l.pendingEndOfRun) this.ending.delete(l);
  }

  /** Stops all loops. With staleness (job removed from the config), their series go stale later. */
  async stop(staleness: boolean): Promise<void> {
    const loops = [...this.loops.values()];
    this.loops.clear();
    if (staleness) for (const l of loops) this.ending.add(l);
    else this.cancelEndOfRun();
    await Promise.all(loops.map((l) => l.stop(staleness)));
    await this.scraper.close();
  }

  /** Cancels pending end-of-run staleness markers (server shutdown). */
  cancelEndOfRun(): void {
    for (const l of this.ending) l.cancelEndOfRun();
    this.ending.clear();
  }

  targets(): Target[] {
    return [...this.loops.values()].map((l) => l.target);
  }
}

function withTimeout(p: Promise<FetchedPage>, ms: number, url: string): Promise<FetchedPage> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`Get ${JSON.stringify(url)}: context deadline exceeded`)), ms);
    p.then(
      (v) => {
        clearTimeout(timer);
        resolve(v);
      },
      (e) => {
        clearTimeout(timer);
        reject(e);
      },
    );
  });
}
