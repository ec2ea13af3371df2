import { parseFileSD, type TargetGroup } from '../config/index.ts';
import { FileDiscoverer, type FileSDParser } from './file.ts';
import { HTTPDiscoverer, type HTTPSDConfig } from './http.ts';
import { StaticDiscoverer } from './static.ts';
import { type Discoverer, type DiscoveryConfigSet, type Logger, silentLogger } from './types.ts';

export interface DiscoveryManagerOptions {
  logger?: Logger;
  /**
   * Minimum time between two updates (ms). Prometheus uses 5 s. The first update after start or
   * applyConfig is sent at once; later ones are coalesced.
   */
  updateIntervalMs?: number;
  /** Parser for file_sd files (default: src/config's parseFileSD). */
  parseFileSD?: FileSDParser;
  /** User-Agent of http_sd requests. */
  userAgent?: string;
}

/** All target groups per job (or per alertmanager set), keyed by the config's name. */
export type TargetSets = Map<string, TargetGroup[]>;

interface Provider {
  /** Identity of the config, to keep providers across reloads. */
  key: string;
  discoverers: Discoverer[];
  /** Latest groups of each discoverer. */
  groups: TargetGroup[][];
  active: boolean;
}

/**
 * Runs the discoverers of each named config and sends the merged target groups per name.
 * applyConfig keeps the providers whose configuration did not change (so their targets do not blink).
 */
export class DiscoveryManager {
  private readonly logger: Logger;
  private readonly interval: number;
  private readonly parse: FileSDParser;
  private readonly userAgent: string;
  private providers = new Map<string, Provider>();
  private onUpdate: ((sets: TargetSets) => void) | null = null;
  private pending = false;
  private applying = false;
  private lastSent = 0;
  private timer: NodeJS.Timeout | null = null;
  private readonly warnedKinds = new Set<string>();

  constructor(opts: DiscoveryManagerOptions = {}) {
    this.logger = opts.logger ?? silentLogger;
    this.interval = opts.updateIntervalMs ?? 5000;
    this.parse = opts.parseFileSD ?? parseFileSD;
    this.userAgent = opts.userAgent ?? 'Osprey';
  }

  /** Registers the receiver of updates. Call before applyConfig. */
  start(onUpdate: (sets: TargetSets) => void): void {
    this.onUpdate = onUpdate;
  }

  applyConfig(configs: Map<string, DiscoveryConfigSet> | Record<string, DiscoveryConfigSet>): void {
    const entries = configs instanceof Map ? [...configs] : Object.entries(configs);
    const next = new Map<string, Provider>();
    const starting: [string, Provider][] = [];
    for (const [name, cfg] of entries) {
      const key = JSON.stringify([cfg.static_configs, cfg.file_sd_configs, cfg.other_sd_configs ?? {}]);
      const old = this.providers.get(name);
      if (old && old.key === key) {
        next.set(name, old);
        this.providers.delete(name);
        continue;
      }
      const discoverers = this.build(name, cfg);
      const p: Provider = { key, discoverers, groups: discoverers.map(() => []), active: true };
      next.set(name, p);
      starting.push([name, p]);
    }
    for (const old of this.providers.values()) {
      old.active = false;
      for (const d of old.discoverers) d.stop();
    }
    this.providers = next;
    this.applying = true;
    for (const [, p] of starting) {
      p.discoverers.forEach((d, i) => {
        d.start((groups) => {
          if (!p.active) return;
          p.groups[i] = groups;
          this.trigger(false);
        });
      });
    }
    this.applying = false;
    this.trigger(true);
  }

  /** The current merged groups per name. */
  targetSets(): TargetSets {
    const out: TargetSets = new Map();
    for (const [name, p] of this.providers) out.set(name, p.groups.flat());
    return out;
  }

  stop(): void {
    for (const p of this.providers.values()) {
      p.active = false;
      for (const d of p.discoverers) d.stop();
    }
    this.providers.clear();
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    this.onUpdate = null;
  }

  private build(name: string, cfg: DiscoveryConfigSet): Discoverer[] {
    const ds: Discoverer[] = [];
    if (cfg.static_configs.length > 0) ds.push(new StaticDiscoverer(cfg.static_configs));
    for (const f of cfg.file_sd_configs) ds.push(new FileDiscoverer(f, { logger: this.logger, parse: this.parse }));
    for (const [kind, list] of Object.entries(cfg.other_sd_configs ?? {})) {
      if (kind === 'http_sd_configs') {
        for (const h of list)
          ds.push(new HTTPDiscoverer(h as HTTPSDConfig, { logger: this.logger, userAgent: this.userAgent }));
        continue;
      }
      if (list.length === 0 || this.warnedKinds.has(`${name}/${kind}`)) continue;
      this.warnedKinds.add(`${name}/${kind}`);
      this.logger.warn({ job: name, kind }, 'service discovery mechanism not supported yet; ignored');
    }
    return ds;
  }

  /** Sends now when allowed (or forced), else once the update interval has passed. */
  private trigger(force: boolean): void {
    this.pending = true;
    if (this.applying) return;
    const wait = this.lastSent + this.interval - Date.now();
    if (force || wait <= 0) {
      this.flush();
      return;
    }
    if (this.timer) return;
    this.timer = setTimeout(() => {
      this.timer = null;
      this.flush();
    }, wait);
    this.timer.unref();
  }

  private flush(): void {
    if (!this.pending || !this.onUpdate) return;
    this.pending = false;
    this.lastSent = Date.now();
    this.onUpdate(this.targetSets());
  }
}
