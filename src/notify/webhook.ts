/**
 * webhook_configs: Alertmanager's webhook JSON (version "4") POSTed to `url`/`url_file`; with `max_alerts`
 * the alert list is cut and `truncatedAlerts` says by how many. Osprey extension: `command` runs a local
 * program with the same JSON on stdin, instead of or besides the HTTP call.
 */
import type { AlertForNotify, NotifyContext, NotifyResult } from '../alertmanager/notifier.ts';
import { sortedKeys, withSortedKeys } from '../alertmanager/types.ts';
import { type Data, GoTime, type KV, quoteMeta, UTC } from '../template/index.ts';
import { notifyByCommand } from './command.ts';
import { secret } from './http.ts';
import { type BaseConfig, BaseNotifier, type NotifierDeps } from './notifier-base.ts';
import type { Renderer } from './templates.ts';

export interface WebhookConfig extends BaseConfig {
  url?: string;
  url_file?: string;
  /** 0 = all alerts */
  max_alerts?: number;
  /** ms; HTTP request timeout, and the command's timeout (default 30s) */
  timeout?: number;
  /** Osprey: argv of a local command that gets the webhook JSON on stdin. */
  command?: string[];
}

export interface WebhookMessage {
  receiver: string;
  status: string;
  alerts: {
    status: string;
    labels: Record<string, string>;
    annotations: Record<string, string>;
    startsAt: string;
    endsAt: string;
    generatorURL: string;
    fingerprint: string;
  }[];
  groupLabels: Record<string, string>;
  commonLabels: Record<string, string>;
  commonAnnotations: Record<string, string>;
  externalURL: string;
  version: '4';
  groupKey: string;
  truncatedAlerts: number;
}

/** Go's encoding/json writes map keys sorted. */
function sortedObject(kv: KV): Record<string, string> {
  const out: Record<string, string> = {};
  for (const k of [...kv.keys()].sort()) out[k] = kv.get(k) as string;
  return out;
}

const YEAR_1_MS = -62135596800000;
const YEAR_10000_MS = 253402300800000;

/**
 * Go's time.Time JSON (RFC 3339 with trailing zeros of the fraction cut). A fast path for the usual UTC
 * millisecond times; anything else goes through the Go layout formatter.
 */
export function rfc3339Nano(t: GoTime): string {
  if (t.loc !== UTC || t.extraNs !== 0 || t.ms < YEAR_1_MS || t.ms >= YEAR_10000_MS) return t.toJSON();
  const iso = new Date(t.ms).toISOString(); // YYYY-MM-DDTHH:MM:SS.mmmZ
  let end = 23;
  while (end > 20 && iso.charCodeAt(end - 1) === 48 /* 0 */) end--;
  return end === 20 ? `${iso.slice(0, 19)}Z` : `${iso.slice(0, end)}Z`;
}

/** Go's time.Time JSON of a time in ms (0 = Go's zero time), without building a GoTime on the usual path. */
export function rfc3339Ms(ms: number): string {
  if (ms === 0) return '0001-01-01T00:00:00Z';
  if (ms < YEAR_1_MS || ms >= YEAR_10000_MS) return new GoTime(ms).toJSON();
  const iso = new Date(ms).toISOString();
  let end = 23;
  while (end > 20 && iso.charCodeAt(end - 1) === 48 /* 0 */) end--;
  return end === 20 ? `${iso.slice(0, 19)}Z` : `${iso.slice(0, end)}Z`;
}

/**
 * The pairs every record has (Alertmanager's common labels and annotations), sorted by key. For one record
 * that is the record itself (sorted), shared rather than copied.
 */
function commonPairs(records: readonly Record<string, string>[]): Record<string, string> {
  const out: Record<string, string> = {};
  const first = records[0];
  if (!first) return out;
  if (records.length === 1) return withSortedKeys(first);
  const keys = sortedKeys(first);
  for (const k of keys) {
    const v = first[k];
    let common = true;
    for (let i = 1; i < records.length && common; i++) common = (records[i] as Record<string, string>)[k] === v;
    if (common) out[k] = v as string;
  }
  return out;
}

/**
 * The webhook JSON straight from the alerts, the same as webhookMessageFromData(notificationData(...)) without
 * building the template data (the webhook renders no templates).
 */
export function webhookMessageFromAlerts(
  ctx: NotifyContext,
  alerts: readonly AlertForNotify[],
  truncatedAlerts: number,
): WebhookMessage {
  let firing = false;
  const labels: Record<string, string>[] = [];
  const annotations: Record<string, string>[] = [];
  const out: WebhookMessage['alerts'] = [];
  for (const a of alerts) {
    const status = a.status ?? (a.endsAt && a.endsAt <= ctx.now ? 'resolved' : 'firing');
    if (status === 'firing') firing = true;
    const l = withSortedKeys(a.labels);
    const an = withSortedKeys(a.annotations ?? {});
    labels.push(l);
    annotations.push(an);
    out.push({
      status,
      labels: l,
      annotations: an,
      startsAt: rfc3339Ms(a.startsAt),
      endsAt: rfc3339Ms(a.endsAt),
      generatorURL: a.generatorURL ?? '',
      fingerprint: a.fingerprint ?? '',
    });
  }
  return {
    receiver: quoteMeta(ctx.receiver),
    status: firing ? 'firing' : 'resolved',
    alerts: out,
    groupLabels: withSortedKeys(ctx.groupLabels.toObject()),
    commonLabels: commonPairs(labels),
    commonAnnotations: commonPairs(annotations),
    externalURL: ctx.externalURL,
    version: '4',
    groupKey: ctx.groupKey,
    truncatedAlerts,
  };
}

export function webhookMessageFromData(data: Data, groupKey: string, truncatedAlerts: number): WebhookMessage {
  return {
    receiver: data.Receiver,
    status: data.Status,
    alerts: data.Alerts.map((a) => ({
      status: a.Status,
      labels: sortedObject(a.Labels),
      annotations: sortedObject(a.Annotations),
      startsAt: rfc3339Nano(a.StartsAt),
      endsAt: rfc3339Nano(a.EndsAt),
      generatorURL: a.GeneratorURL,
      fingerprint: a.Fingerprint,
    })),
    groupLabels: sortedObject(data.GroupLabels),
    commonLabels: sortedObject(data.CommonLabels),
    commonAnnotations: sortedObject(data.CommonAnnotations),
    externalURL: data.ExternalURL,
    version: '4',
    groupKey,
    truncatedAlerts,
  };
}

/** The webhook JSON for a notification, cutting the alerts to `maxAlerts` (0 = no limit) first. */
export function webhookMessage(ctx: NotifyContext, alerts: readonly AlertForNotify[], maxAlerts = 0): WebhookMessage {
  const cut = maxAlerts > 0 && alerts.length > maxAlerts ? alerts.slice(0, maxAlerts) : alerts;
  return webhookMessageFromAlerts(ctx, cut, alerts.length - cut.length);
}

export class WebhookNotifier extends BaseNotifier<WebhookConfig> {
  /** Notifications whose command already ran, so an HTTP retry does not run a remediation twice. */
  private readonly commandDone = new Set<string>();

  constructor(conf: WebhookConfig, deps: NotifierDeps, index = 0) {
    super('webhook', conf, deps, index, true);
  }

  protected async send(ctx: NotifyContext, alerts: AlertForNotify[], _r: Renderer): Promise<NotifyResult> {
    const msg = webhookMessage(ctx, alerts, this.conf.max_alerts ?? 0);
    const body = JSON.stringify(msg);
    const hasURL = Boolean(this.conf.url || this.conf.url_file);
    const cmd = this.conf.command?.length ? this.runCommand(ctx, msg, body) : undefined;
    const http = hasURL
      ? this.http.send('webhook', secret(this.conf.url, this.conf.url_file), {
          body,
          headers: { 'content-type': 'application/json' },
          signal: ctx.signal,
          timeoutMs: this.conf.timeout || undefined,
        })
      : undefined;
    if (!cmd) return (await http) ?? { retry: false };
    const [c, h] = await Promise.all([cmd, http]);
    // A failed command is reported first: it is permanent, while the HTTP failure may be retried.
    if (c?.error) return c;
    return h ?? c ?? { retry: false };
  }

  private async runCommand(ctx: NotifyContext, msg: WebhookMessage, body: string): Promise<NotifyResult> {
    const key = `${ctx.groupKey}\n${ctx.now}\n${msg.alerts.map((a) => a.fingerprint + a.status).join(',')}`;
    if (this.commandDone.has(key)) return { retry: false };
    const res = await notifyByCommand(
      'webhook',
      { argv: this.conf.command as string[], timeoutMs: this.conf.timeout || 30_000, env: commandEnv(ctx, msg) },
      body,
      ctx.signal,
    );
    if (this.commandDone.size > 1000) this.commandDone.clear();
    this.commandDone.add(key);
    if (res.outcome && !res.error)
      this.deps.logger?.debug(
        { receiver: ctx.receiver, command: this.conf.command?.[0], stdout: res.outcome.stdout.slice(0, 512) },
        'notification command succeeded',
      );
    return { retry: res.retry, ...(res.error ? { error: res.error } : {}) };
  }
}

function commandEnv(ctx: NotifyContext, msg: WebhookMessage): Record<string, string> {
  return {
    OSPREY_RECEIVER: ctx.receiver,
    OSPREY_GROUP_KEY: ctx.groupKey,
    OSPREY_STATUS: msg.status,
    OSPREY_ALERTS: String(msg.alerts.length),
    OSPREY_EXTERNAL_URL: ctx.externalURL,
  };
}
