import { STATUS_CODES } from 'node:http';
import { type Dispatcher, request } from 'undici';
import type { HTTPClientConfig, TargetGroup } from '../config/types.ts';
import { isValidLabelName, isWellFormed } from '../model/index.ts';
import { addAuthHeaders, createDispatcher } from './http-client.ts';
import { type Discoverer, type Logger, silentLogger } from './types.ts';

/** One http_sd_configs entry as the config loader normalises it (refresh_interval in ms). */
export interface HTTPSDConfig extends HTTPClientConfig {
  url: string;
  refresh_interval?: number;
}

export const URL_LABEL = '__meta_url';

const JSON_CONTENT_TYPE = /^application\/json(;.*)?$/i;

/**
 * http_sd_configs: GETs a JSON list of target groups every refresh_interval (default 1m). A failed
 * refresh is logged and keeps the last good groups. Groups get `__meta_url` and the source "<url>:<i>".
 */
export class HTTPDiscoverer implements Discoverer {
  private readonly cfg: HTTPSDConfig;
  private readonly logger: Logger;
  private readonly userAgent: string;
  private dispatcher: Dispatcher | null = null;
  private timer: NodeJS.Timeout | null = null;
  private onUpdate: ((groups: TargetGroup[]) => void) | null = null;
  private lastEmitted = '';
  private inFlight = false;
  /** Failed refreshes, for self-monitoring (prometheus_sd_http_failures_total). */
  failures = 0;

  constructor(cfg: HTTPSDConfig, opts: { logger?: Logger; userAgent?: string } = {}) {
    this.cfg = cfg;
    this.logger = opts.logger ?? silentLogger;
    this.userAgent = opts.userAgent ?? 'Osprey';
  }

  start(onUpdate: (groups: TargetGroup[]) => void): void {
    this.onUpdate = onUpdate;
    try {
      this.dispatcher = createDispatcher(this.cfg);
    } catch (err) {
      this.logger.error({ err: (err as Error).message, url: this.cfg.url }, 'http_sd: cannot create HTTP client');
      return;
    }
    void this.refresh();
    const every = this.cfg.refresh_interval && this.cfg.refresh_interval > 0 ? this.cfg.refresh_interval : 60_000;
    this.timer = setInterval(() => void this.refresh(), every);
    this.timer.unref();
  }

  stop(): void {
    this.onUpdate = null;
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    const d = this.dispatcher;
    this.dispatcher = null;
    void d?.close();
  }

  /** Fetches the groups once; reports them when they changed. */
  async refresh(): Promise<void> {
    if (this.inFlight || !this.dispatcher) return;
    this.inFlight = true;
    try {
      const groups = await this.fetchGroups(this.dispatcher);
      const fingerprint = JSON.stringify(groups);
      if (fingerprint !== this.lastEmitted) {
        this.lastEmitted = fingerprint;
        this.onUpdate?.(groups);
      }
    } catch (err) {
      this.failures++;
      this.logger.error({ err: (err as Error).message, url: this.cfg.url }, 'Unable to refresh target groups');
    } finally {
      this.inFlight = false;
    }
  }

  private async fetchGroups(dispatcher: Dispatcher): Promise<TargetGroup[]> {
    const every = this.cfg.refresh_interval && this.cfg.refresh_interval > 0 ? this.cfg.refresh_interval : 60_000;
    const headers: Record<string, string> = {
      accept: 'application/json',
      'user-agent': this.userAgent,
      'x-prometheus-refresh-interval-seconds': String(every / 1000),
    };
    addAuthHeaders(this.cfg, headers);
    const res = await request(this.cfg.url, {
      method: 'GET',
      headers,
      dispatcher,
      signal: AbortSignal.timeout(every),
    });
    const text = await res.body.text();
    if (res.statusCode !== 200) {
      throw new Error(`server returned HTTP status ${res.statusCode} ${STATUS_CODES[res.statusCode] ?? ''}`.trimEnd());
    }
    const ct = String(res.headers['content-type'] ?? '');
    if (!JSON_CONTENT_TYPE.test(ct)) throw new Error(`unsupported content type ${JSON.stringify(ct)}`);
    return parseGroups(text, this.cfg.url);
  }
}

function parseGroups(text: string, url: string): TargetGroup[] {
  const doc = JSON.parse(text) as unknown;
  if (!Array.isArray(doc)) throw new Error('expected a JSON list of target groups');
  return doc.map((g, i): TargetGroup => {
    if (g === null || typeof g !== 'object' || Array.isArray(g))
      throw new Error(`nil target group item found (index ${i})`);
    const rec = g as { targets?: unknown; labels?: unknown };
    const targets = rec.targets ?? [];
    if (!Array.isArray(targets) || targets.some((t) => typeof t !== 'string')) {
      throw new Error(`group ${i}: targets must be a list of strings`);
    }
    const labels: Record<string, string> = {};
    for (const [n, v] of Object.entries((rec.labels ?? {}) as Record<string, unknown>)) {
      if (!isValidLabelName(n)) throw new Error(`group ${i}: invalid label name ${JSON.stringify(n)}`);
      if (typeof v !== 'string' || !isWellFormed(v))
        throw new Error(`group ${i}: invalid value for label ${JSON.stringify(n)}`);
      labels[n] = v;
    }
    labels[URL_LABEL] = url;
    return { targets: targets as string[], labels, source: `${url}:${i}` };
  });
}
