import { type FSWatcher, readFileSync, watch } from 'node:fs';
import type { FileSDConfig, TargetGroup } from '../config/types.ts';
import { globFiles, watchDir } from './glob.ts';
import { type Discoverer, type Logger, silentLogger } from './types.ts';

/** Parses one file_sd file; throws on invalid content. */
export type FileSDParser = (text: string, file: string) => TargetGroup[];

export const FILEPATH_LABEL = '__meta_filepath';

export interface FileDiscovererOptions {
  logger?: Logger;
  parse: FileSDParser;
  /** Delay to coalesce bursts of file system events (ms). */
  watchDebounceMs?: number;
}

/**
 * file_sd_configs: reads the files matching the globs, re-reads them on file system events and every
 * refresh_interval. A file that becomes unreadable or invalid keeps its last good groups (the error is
 * logged); a file that no longer exists or no longer matches loses its groups.
 * Groups get `__meta_filepath` and the source "<path>:<index>".
 */
export class FileDiscoverer implements Discoverer {
  private readonly cfg: FileSDConfig;
  private readonly logger: Logger;
  private readonly parse: FileSDParser;
  private readonly debounceMs: number;
  private readonly lastGood = new Map<string, TargetGroup[]>();
  private watchers: FSWatcher[] = [];
  private timer: NodeJS.Timeout | null = null;
  private debounce: NodeJS.Timeout | null = null;
  private onUpdate: ((groups: TargetGroup[]) => void) | null = null;
  private lastEmitted = '';
  /** Read errors seen, for self-monitoring (prometheus_sd_file_read_errors_total). */
  readErrors = 0;

  constructor(cfg: FileSDConfig, opts: FileDiscovererOptions) {
    this.cfg = cfg;
    this.logger = opts.logger ?? silentLogger;
    this.parse = opts.parse;
    this.debounceMs = opts.watchDebounceMs ?? 20;
  }

  start(onUpdate: (groups: TargetGroup[]) => void): void {
    this.onUpdate = onUpdate;
    const dirs = new Set(this.cfg.files.map(watchDir));
    for (const d of dirs) {
      try {
        const w = watch(d, () => this.scheduleRefresh());
        w.on('error', (err) => this.logger.warn({ err: String(err), dir: d }, 'file_sd watcher error'));
        this.watchers.push(w);
      } catch (err) {
        // The directory may not exist yet; the periodic refresh still picks files up later.
        this.logger.debug?.({ err: String(err), dir: d }, 'file_sd: cannot watch directory');
      }
    }
    this.refresh();
    const every = this.cfg.refresh_interval > 0 ? this.cfg.refresh_interval : 300_000;
    this.timer = setInterval(() => this.refresh(), every);
    this.timer.unref();
  }

  stop(): void {
    this.onUpdate = null;
    for (const w of this.watchers) w.close();
    this.watchers = [];
    if (this.timer) clearInterval(this.timer);
    if (this.debounce) clearTimeout(this.debounce);
    this.timer = null;
    this.debounce = null;
  }

  private scheduleRefresh(): void {
    if (this.debounce || !this.onUpdate) return;
    this.debounce = setTimeout(() => {
      this.debounce = null;
      this.refresh();
    }, this.debounceMs);
    this.debounce.unref();
  }

  /** Re-reads all matching files and reports the groups when they changed. */
  refresh(): void {
    const files = new Set<string>();
    for (const pattern of this.cfg.files) for (const f of globFiles(pattern)) files.add(f);
    for (const f of [...this.lastGood.keys()]) if (!files.has(f)) this.lastGood.delete(f);
    for (const f of files) {
      try {
        const groups = this.parse(readFileSync(f, 'utf8'), f);
        this.lastGood.set(
          f,
          groups.map((g, i) => ({
            targets: g.targets,
            labels: { ...g.labels, [FILEPATH_LABEL]: f },
            source: `${f}:${i}`,
          })),
        );
      } catch (err) {
        this.readErrors++;
        this.logger.error({ err: (err as Error).message, file: f }, 'Error reading file');
      }
    }
    const all: TargetGroup[] = [];
    for (const f of [...this.lastGood.keys()].sort()) all.push(...this.lastGood.get(f)!);
    // Only the discovery manager's update is costly; skip it when nothing changed.
    const fingerprint = JSON.stringify(all);
    if (fingerprint === this.lastEmitted) return;
    this.lastEmitted = fingerprint;
    this.onUpdate?.(all);
  }
}
