import type { ScrapeConfig } from '../config/types.ts';
import { formatDuration, hashFlat, isWellFormed, Labels, LabelsBuilder, parseDuration } from '../model/index.ts';
import { type CompiledRelabelConfig, relabelBuilder } from './relabel.ts';

/** Label names Prometheus gives a meaning to before and after target relabeling. */
export const ADDRESS_LABEL = '__address__';
export const SCHEME_LABEL = '__scheme__';
export const METRICS_PATH_LABEL = '__metrics_path__';
export const SCRAPE_INTERVAL_LABEL = '__scrape_interval__';
export const SCRAPE_TIMEOUT_LABEL = '__scrape_timeout__';
export const PARAM_LABEL_PREFIX = '__param_';
export const META_LABEL_PREFIX = '__meta_';
export const RESERVED_LABEL_PREFIX = '__';
export const JOB_LABEL = 'job';
export const INSTANCE_LABEL = 'instance';

export type TargetHealth = 'up' | 'down' | 'unknown';

export interface PopulateResult {
  /** Labels after relabeling (internal `__` labels kept, `__meta_*` removed); null when dropped or invalid. */
  labels: Labels | null;
  /** Labels before relabeling, after the scrape config's defaults were added. */
  discovered: Labels;
  /** Why the target is not usable (not set when relabeling dropped it on purpose). */
  error?: string;
}

/**
 * Builds the discovered label set of one target the way Prometheus does: the target's own labels win
 * over its group's labels, then job, __scrape_interval__, __scrape_timeout__, __metrics_path__,
 * __scheme__ and __param_<name> are added when not set.
 */
export function discoveredLabels(
  targetLabels: Record<string, string>,
  groupLabels: Record<string, string>,
  cfg: ScrapeConfig,
): LabelsBuilder {
  const lb = new LabelsBuilder();
  for (const n in groupLabels) lb.set(n, groupLabels[n]);
  for (const n in targetLabels) lb.set(n, targetLabels[n]);
  const defaults: [string, string][] = [
    [JOB_LABEL, cfg.job_name],
    [SCRAPE_INTERVAL_LABEL, formatDuration(cfg.scrape_interval)],
    [SCRAPE_TIMEOUT_LABEL, formatDuration(cfg.scrape_timeout)],
    [METRICS_PATH_LABEL, cfg.metrics_path],
    [SCHEME_LABEL, cfg.scheme],
  ];
  for (const [n, v] of defaults) if (lb.get(n) === '') lb.set(n, v);
  for (const k of Object.keys(cfg.params ?? {})) {
    const vals = cfg.params[k];
    const name = PARAM_LABEL_PREFIX + k;
    if (vals.length > 0 && lb.get(name) === '') lb.set(name, vals[0]);
  }
  return lb;
}

/** Prometheus's PopulateLabels: discovered labels -> relabel_configs -> checks -> instance default. */
export function populateLabels(
  targetLabels: Record<string, string>,
  groupLabels: Record<string, string>,
  cfg: ScrapeConfig,
  relabelConfigs: readonly CompiledRelabelConfig[],
): PopulateResult {
  const lb = discoveredLabels(targetLabels, groupLabels, cfg);
  const discovered = lb.labels();
  if (!relabelBuilder(lb, relabelConfigs)) return { labels: null, discovered };
  const addr = lb.get(ADDRESS_LABEL);
  if (addr === '') return { labels: null, discovered, error: 'no address' };
  if (addr.includes('/')) return { labels: null, discovered, error: `${JSON.stringify(addr)} is not a valid hostname` };
  const interval = lb.get(SCRAPE_INTERVAL_LABEL);
  const timeout = lb.get(SCRAPE_TIMEOUT_LABEL);
  let iv: number;
  let to: number;
  try {
    iv = parseDuration(interval);
  } catch (e) {
    return { labels: null, discovered, error: `error parsing scrape interval: ${(e as Error).message}` };
  }
  if (iv === 0) return { labels: null, discovered, error: 'scrape interval cannot be 0' };
  try {
    to = parseDuration(timeout);
  } catch (e) {
    return { labels: null, discovered, error: `error parsing scrape timeout: ${(e as Error).message}` };
  }
  if (to === 0) return { labels: null, discovered, error: 'scrape timeout cannot be 0' };
  if (to > iv) {
    return {
      labels: null,
      discovered,
      error: `scrape timeout cannot be greater than scrape interval (${JSON.stringify(timeout)} > ${JSON.stringify(interval)})`,
    };
  }
  const metaNames: string[] = [];
  lb.range((n) => {
    if (n.startsWith(META_LABEL_PREFIX)) metaNames.push(n);
  });
  lb.del(...metaNames);
  if (lb.get(INSTANCE_LABEL) === '') lb.set(INSTANCE_LABEL, addr);
  const labels = lb.labels();
  const f = labels.flat;
  for (let i = 1; i < f.length; i += 2) {
    if (!isWellFormed(f[i])) {
      return {
        labels: null,
        discovered,
        error: `invalid label value for ${JSON.stringify(f[i - 1])}: ${JSON.stringify(f[i])}`,
      };
    }
  }
  return { labels, discovered };
}

/** Go's url.QueryEscape. */
export function queryEscape(s: string): string {
  return encodeURIComponent(s)
    .replace(/%20/g, '+')
    .replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}

/**
 * One scrape target: its final labels (with internal `__` labels), the labels it was discovered with,
 * and what its scrape loop reports about it.
 */
export class Target {
  /** Final labels including internal `__*` labels. */
  readonly allLabels: Labels;
  /** Final labels without `__*` labels: the labels attached to every scraped sample. */
  readonly labels: Labels;
  discoveredLabels: Labels;
  readonly scrapePool: string;
  readonly url: string;
  readonly intervalMs: number;
  readonly timeoutMs: number;
  /** Identity of the target within its pool: labels and URL. */
  readonly hash: number;

  health: TargetHealth = 'unknown';
  lastError = '';
  /** Start of the last scrape, ms since epoch; 0 = never. */
  lastScrape = 0;
  /** Duration of the last scrape in seconds. */
  lastScrapeDuration = 0;

  constructor(allLabels: Labels, discovered: Labels, scrapePool: string, params: Record<string, string[]>) {
    this.allLabels = allLabels;
    this.discoveredLabels = discovered;
    this.scrapePool = scrapePool;
    const pub: string[] = [];
    const f = allLabels.flat;
    for (let i = 0; i < f.length; i += 2) if (!f[i].startsWith(RESERVED_LABEL_PREFIX)) pub.push(f[i], f[i + 1]);
    this.labels = Labels.fromSortedFlat(pub);
    this.url = buildURL(allLabels, params);
    this.intervalMs = parseDuration(allLabels.get(SCRAPE_INTERVAL_LABEL));
    this.timeoutMs = parseDuration(allLabels.get(SCRAPE_TIMEOUT_LABEL));
    this.hash = hashFlat([...allLabels.flat, this.url], 0, allLabels.flat.length + 1);
  }
}

/** scheme://address/path?params, with __param_<name> labels overriding the first value of params[name]. */
export function buildURL(lbls: Labels, params: Record<string, string[]>): string {
  const q = new Map<string, string[]>();
  for (const k of Object.keys(params ?? {})) q.set(k, [...params[k]]);
  lbls.forEach((n, v) => {
    if (!n.startsWith(PARAM_LABEL_PREFIX)) return;
    const k = n.slice(PARAM_LABEL_PREFIX.length);
    const cur = q.get(k);
    if (cur && cur.length > 0) cur[0] = v;
    else q.set(k, [v]);
  });
  const keys = [...q.keys()].sort();
  const parts: string[] = [];
  for (const k of keys) for (const v of q.get(k)!) parts.push(`${queryEscape(k)}=${queryEscape(v)}`);
  let path = lbls.get(METRICS_PATH_LABEL);
  if (path !== '' && !path.startsWith('/')) path = `/${path}`;
  const query = parts.length > 0 ? `?${parts.join('&')}` : '';
  return `${lbls.get(SCHEME_LABEL)}://${lbls.get(ADDRESS_LABEL)}${encodePath(path)}${query}`;
}

/** Escapes a URL path like Go's url.EscapedPath for the characters that matter in practice. */
function encodePath(p: string): string {
  return p.replace(/[^A-Za-z0-9\-._~!$&'()*+,;=:@/%]/gu, (c) =>
    Array.from(Buffer.from(c, 'utf8'), (b) => `%${b.toString(16).toUpperCase().padStart(2, '0')}`).join(''),
  );
}
