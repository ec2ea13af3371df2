/**
 * pagerduty_configs: Events API v2 (`routing_key`) — one event per group, `dedup_key` = sha256 of the group
 * key so the resolve closes the incident the trigger opened — or the legacy v1 generic API (`service_key`).
 */
import type { AlertForNotify, NotifyContext, NotifyResult } from '../alertmanager/notifier.ts';
import { secret } from './http.ts';
import { type BaseConfig, BaseNotifier, hashGroupKey, type NotifierDeps } from './notifier-base.ts';
import { type Renderer, truncate } from './templates.ts';

export interface PagerdutyConfig extends BaseConfig {
  routing_key?: string;
  routing_key_file?: string;
  service_key?: string;
  service_key_file?: string;
  /** default https://events.pagerduty.com/v2/enqueue */
  url?: string;
  client?: string;
  client_url?: string;
  description?: string;
  details?: Record<string, string>;
  images?: { src?: string; alt?: string; href?: string }[];
  links?: { href?: string; text?: string }[];
  source?: string;
  severity?: string;
  class?: string;
  component?: string;
  group?: string;
  /** ms */
  timeout?: number;
}

export const PAGERDUTY_V2_URL = 'https://events.pagerduty.com/v2/enqueue';
export const PAGERDUTY_V1_URL = 'https://events.pagerduty.com/generic/2010-04-15/create_event.json';

/** Alertmanager's default custom details. */
const DEFAULT_DETAILS: Record<string, string> = {
  firing: '{{ template "pagerduty.default.instances" .Alerts.Firing }}',
  resolved: '{{ template "pagerduty.default.instances" .Alerts.Resolved }}',
  num_firing: '{{ .Alerts.Firing | len }}',
  num_resolved: '{{ .Alerts.Resolved | len }}',
};

export class PagerdutyNotifier extends BaseNotifier<PagerdutyConfig> {
  constructor(conf: PagerdutyConfig, deps: NotifierDeps, index = 0) {
    super('pagerduty', conf, deps, index, true);
  }

  buildEvent(ctx: NotifyContext, r: Renderer): { url: string; body: Record<string, unknown> } {
    const c = this.conf;
    const resolved = r.data.Status === 'resolved';
    const details = r.textMap(c.details && Object.keys(c.details).length ? c.details : DEFAULT_DETAILS);
    const routingKey = secret(c.routing_key, c.routing_key_file);
    const dedup = hashGroupKey(ctx.groupKey);
    const description = r.text(c.description);
    if (!routingKey) {
      // Events API v1
      const url = !c.url || c.url === PAGERDUTY_V2_URL ? PAGERDUTY_V1_URL : c.url;
      return {
        url,
        body: {
          service_key: secret(c.service_key, c.service_key_file),
          event_type: resolved ? 'resolve' : 'trigger',
          incident_key: dedup,
          description: truncate(description, 1024),
          client: r.text(c.client),
          client_url: r.text(c.client_url),
          details,
        },
      };
    }
    const body: Record<string, unknown> = {
      routing_key: routingKey,
      event_action: resolved ? 'resolve' : 'trigger',
      dedup_key: dedup,
      client: r.text(c.client),
      client_url: r.text(c.client_url),
    };
    const images = (c.images ?? [])
      .map((i) => omitEmpty({ src: r.text(i.src), alt: r.text(i.alt), href: r.text(i.href) }))
      .filter((i) => i.src);
    const links = (c.links ?? [])
      .map((l) => omitEmpty({ href: r.text(l.href), text: r.text(l.text) }))
      .filter((l) => l.href);
    if (images.length) body.images = images;
    if (links.length) body.links = links;
    if (!resolved) {
      const payload: Record<string, unknown> = {
        summary: truncate(description, 1024),
        source: r.text(c.source) || r.text(c.client) || 'Alertmanager',
        severity: r.text(c.severity) || 'error',
        custom_details: details,
      };
      for (const k of ['class', 'component', 'group'] as const) {
        const v = r.text(c[k]);
        if (v) payload[k] = v;
      }
      body.payload = payload;
    }
    return { url: c.url || PAGERDUTY_V2_URL, body };
  }

  protected async send(ctx: NotifyContext, _alerts: AlertForNotify[], r: Renderer): Promise<NotifyResult> {
    const { url, body } = this.buildEvent(ctx, r);
    return this.http.send('pagerduty', url, {
      json: body,
      signal: ctx.signal,
      timeoutMs: this.conf.timeout || undefined,
    });
  }
}

function omitEmpty(o: Record<string, string>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(o)) if (v !== '') out[k] = v;
  return out;
}
