/**
 * Sends alerts to the Alertmanagers of prometheus.yml's `alerting` section like Prometheus's notifier:
 * external labels added, alert_relabel_configs applied, a bounded queue (oldest dropped when full) drained in
 * batches, each batch POSTed as JSON to {scheme}://{target}{path_prefix}/api/v2/alerts of every Alertmanager.
 */
import { readFileSync } from 'node:fs';
import {
  type AlertingConfig,
  type AlertmanagerConfig,
  globSync,
  parseFileSD,
  type StaticConfig,
} from '../config/index.ts';
import { Labels, LabelsBuilder } from '../model/index.ts';
import { type CompiledRelabelConfig, compileRelabelConfigs, relabel } from '../scrape/index.ts';
import type { AlertSender, SentAlert } from './types.ts';

export interface AlertmanagerHTTPSenderOptions {
  alerting: AlertingConfig;
  externalLabels?: Record<string, string>;
  /** --alertmanager.notification-queue-capacity (default 10000). */
  capacity?: number;
  /** Alerts per request (Prometheus: 256). */
  maxBatchSize?: number;
  logger?: { warn(obj: object, msg: string): void };
}

interface AMSet {
  cfg: AlertmanagerConfig;
  relabel: CompiledRelabelConfig[];
  targetRelabel: CompiledRelabelConfig[];
  urls: string[];
  /** When file_sd_configs were last read (ms). */
  readAt: number;
}

export class AlertmanagerHTTPSender implements AlertSender {
  private queue: SentAlert[] = [];
  private readonly capacity: number;
  private readonly maxBatch: number;
  private externalLabels: Record<string, string>;
  private globalRelabel: CompiledRelabelConfig[] = [];
  private sets: AMSet[] = [];
  private flushing: Promise<void> | null = null;
  private readonly logger?: { warn(obj: object, msg: string): void };
  /** Counters for /metrics (prometheus_notifications_*). */
  sent = 0;
  dropped = 0;
  errors = 0;

  constructor(o: AlertmanagerHTTPSenderOptions) {
    this.capacity = o.capacity ?? 10_000;
    this.maxBatch = o.maxBatchSize ?? 256;
    this.externalLabels = o.externalLabels ?? {};
    this.logger = o.logger;
    this.applyConfig(o.alerting, this.externalLabels);
  }

  /** Swaps in a new `alerting` section (reload). */
  applyConfig(alerting: AlertingConfig, externalLabels?: Record<string, string>): void {
    if (externalLabels) this.externalLabels = externalLabels;
    this.globalRelabel = compileRelabelConfigs(alerting.alert_relabel_configs ?? []);
    this.sets = (alerting.alertmanagers ?? []).map((cfg) => {
      const targetRelabel = compileRelabelConfigs(cfg.relabel_configs ?? []);
      return {
        cfg,
        relabel: compileRelabelConfigs(cfg.alert_relabel_configs ?? []),
        targetRelabel,
        urls: this.resolve(cfg, targetRelabel),
        readAt: Date.now(),
      };
    });
  }

  private resolve(cfg: AlertmanagerConfig, targetRelabel: CompiledRelabelConfig[]): string[] {
    try {
      return alertmanagerURLs(cfg, targetRelabel);
    } catch (e) {
      this.logger?.warn({ err: (e as Error).message }, 'Error reading Alertmanager file_sd files');
      return [];
    }
  }

  /** URLs alerts are posted to (for /api/v1/alertmanagers). */
  activeAlertmanagers(): string[] {
    return this.sets.flatMap((s) => this.urlsOf(s));
  }

  /** Re-reads file_sd_configs once their refresh interval has passed. */
  private urlsOf(s: AMSet): string[] {
    const fsd = s.cfg.file_sd_configs ?? [];
    if (fsd.length > 0) {
      const refresh = Math.min(...fsd.map((f) => f.refresh_interval || 300_000));
      if (Date.now() - s.readAt >= refresh) {
        s.urls = this.resolve(s.cfg, s.targetRelabel);
        s.readAt = Date.now();
      }
    }
    return s.urls;
  }

  get queueLength(): number {
    return this.queue.length;
  }

  send(alerts: SentAlert[]): void {
    for (const a of alerts) {
      const lb = new LabelsBuilder(Labels.fromObject(a.labels));
      for (const [k, v] of Object.entries(this.externalLabels)) if (!lb.get(k)) lb.set(k, v);
      const l = relabel(lb.labels(), this.globalRelabel);
      if (!l || l.isEmpty) continue;
      this.queue.push({ ...a, labels: l.toObject() });
    }
    if (this.queue.length > this.capacity) {
      const n = this.queue.length - this.capacity;
      this.queue.splice(0, n);
      this.dropped += n;
      this.logger?.warn({ count: n }, 'Alert notification queue full, dropping alerts');
    }
    if (!this.flushing && this.queue.length > 0) this.flushing = this.drain().finally(() => (this.flushing = null));
  }

  /** Resolves when the queue is empty (tests, shutdown). */
  async flush(): Promise<void> {
    while (this.flushing) await this.flushing;
  }

  private async drain(): Promise<void> {
    while (this.queue.length > 0) {
      const batch = this.queue.splice(0, this.maxBatch);
      await Promise.all(this.sets.map((s) => this.sendToSet(s, batch)));
    }
  }

  private async sendToSet(s: AMSet, batch: SentAlert[]): Promise<void> {
    let alerts = batch;
    if (s.relabel.length > 0) {
      alerts = [];
      for (const a of batch) {
        const l = relabel(Labels.fromObject(a.labels), s.relabel);
        if (l && !l.isEmpty) alerts.push({ ...a, labels: l.toObject() });
      }
    }
    if (alerts.length === 0) return;
    const body = JSON.stringify(alerts);
    await Promise.all(
      this.urlsOf(s).map(async (url) => {
        try {
          const headers: Record<string, string> = { 'content-type': 'application/json' };
          authHeaders(s.cfg, headers);
          const res = await fetch(url, {
            method: 'POST',
            headers,
            body,
            signal: AbortSignal.timeout(s.cfg.timeout || 10_000),
          });
          await res.arrayBuffer();
          if (Math.floor(res.status / 100) !== 2) throw new Error(`bad response status ${res.status}`);
          this.sent += alerts.length;
        } catch (e) {
          this.errors += alerts.length;
          this.logger?.warn(
            { alertmanager: url, count: alerts.length, err: (e as Error).message },
            'Error sending alerts',
          );
        }
      }),
    );
  }
}

/**
 * {scheme}://{address}{path_prefix}/api/v2/alerts for each target of static_configs and file_sd_configs, after
 * the Alertmanager `relabel_configs` (on __address__, __scheme__, __alerts_path__ and the group labels).
 */
export function alertmanagerURLs(cfg: AlertmanagerConfig, targetRelabel: CompiledRelabelConfig[] = []): string[] {
  const prefix = (cfg.path_prefix ?? '').replace(/\/+$/, '');
  const groups: StaticConfig[] = [...(cfg.static_configs ?? [])];
  for (const f of cfg.file_sd_configs ?? []) {
    for (const pattern of f.files) {
      for (const file of globSync(pattern)) groups.push(...parseFileSD(readFileSync(file, 'utf8'), file));
    }
  }
  const out: string[] = [];
  for (const g of groups) {
    for (const t of g.targets) {
      const l = relabel(
        Labels.fromObject({
          ...g.labels,
          __address__: t,
          __scheme__: cfg.scheme || 'http',
          __alerts_path__: `${prefix}/api/v2/alerts`,
        }),
        targetRelabel,
      );
      if (!l) continue;
      out.push(`${l.get('__scheme__')}://${l.get('__address__')}${l.get('__alerts_path__')}`);
    }
  }
  return out;
}

function secret(file: string | undefined, inline: string | undefined): string {
  return file ? readFileSync(file, 'utf8').trim() : (inline ?? '');
}

function authHeaders(cfg: AlertmanagerConfig, headers: Record<string, string>): void {
  if (cfg.basic_auth) {
    const ba = cfg.basic_auth;
    const user = secret(ba.username_file, ba.username);
    const pass = secret(ba.password_file, ba.password);
    headers.authorization = `Basic ${Buffer.from(`${user}:${pass}`).toString('base64')}`;
  } else if (cfg.authorization) {
    const au = cfg.authorization;
    headers.authorization = `${au.type || 'Bearer'} ${secret(au.credentials_file, au.credentials)}`;
  }
}
