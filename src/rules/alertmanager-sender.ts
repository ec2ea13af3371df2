/**
 * Sends alerts to the Alertmanagers of prometheus.yml's `alerting` section like Prometheus's notifier:
 * external labels added, alert_relabel_configs applied, a bounded queue (oldest dropped when full) drained in
 * batches, each batch POSTed as JSON to {scheme}://{target}{path_prefix}/api/v2/alerts of every Alertmanager.
 */
import { readFileSync } from 'node:fs';
import type { AlertingConfig, AlertmanagerConfig } from '../config/index.ts';
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
  urls: string[];
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
    this.sets = (alerting.alertmanagers ?? []).map((cfg) => ({
      cfg,
      relabel: compileRelabelConfigs(cfg.alert_relabel_configs ?? []),
      urls: alertmanagerURLs(cfg),
    }));
  }

  /** URLs alerts are posted to (for /api/v1/alertmanagers). */
  activeAlertmanagers(): string[] {
    return this.sets.flatMap((s) => s.urls);
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
      s.urls.map(async (url) => {
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

/** {scheme}://{target}{path_prefix}/api/v2/alerts for each static target. */
export function alertmanagerURLs(cfg: AlertmanagerConfig): string[] {
  const prefix = (cfg.path_prefix ?? '').replace(/\/+$/, '');
  const out: string[] = [];
  for (const sc of cfg.static_configs ?? []) {
    for (const t of sc.targets) out.push(`${cfg.scheme || 'http'}://${t}${prefix}/api/v2/alerts`);
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
