/**
 * opsgenie_configs: Alert API v2. Firing groups create an alert (`POST v2/alerts`) whose alias is the sha256
 * of the group key; a resolved group closes it (`POST v2/alerts/{alias}/close?identifierType=alias`).
 * Authentication is `Authorization: GenieKey <api_key>`.
 */
import type { AlertForNotify, NotifyContext, NotifyResult } from '../alertmanager/notifier.ts';
import { secret } from './http.ts';
import { type BaseConfig, BaseNotifier, hashGroupKey, type NotifierDeps } from './notifier-base.ts';
import { type Renderer, truncate } from './templates.ts';

interface Responder {
  id?: string;
  name?: string;
  username?: string;
  type?: string;
}

export interface OpsgenieConfig extends BaseConfig {
  api_key?: string;
  api_key_file?: string;
  /** default https://api.opsgenie.com/ */
  api_url?: string;
  message?: string;
  description?: string;
  source?: string;
  details?: Record<string, string>;
  entity?: string;
  responders?: Responder[];
  actions?: string;
  tags?: string;
  note?: string;
  priority?: string;
  visible_to?: Responder[];
}

const splitList = (s: string) =>
  s
    .split(',')
    .map((x) => x.trim())
    .filter((x) => x !== '');

export class OpsgenieNotifier extends BaseNotifier<OpsgenieConfig> {
  constructor(conf: OpsgenieConfig, deps: NotifierDeps, index = 0) {
    super('opsgenie', conf, deps, index, true);
  }

  buildRequest(ctx: NotifyContext, r: Renderer): { url: string; body: Record<string, unknown> } {
    const c = this.conf;
    const base = (c.api_url || 'https://api.opsgenie.com/').replace(/\/?$/, '/');
    const alias = hashGroupKey(ctx.groupKey);
    if (r.data.Status === 'resolved') {
      return {
        url: `${base}v2/alerts/${alias}/close?identifierType=alias`,
        body: { source: r.text(c.source) },
      };
    }
    const details: Record<string, string> = {};
    for (const [k, v] of r.data.CommonLabels) details[k] = v;
    Object.assign(details, r.textMap(c.details));
    const responders = (list: Responder[] | undefined) =>
      (list ?? []).map((p) => {
        const out: Record<string, string> = { type: r.text(p.type).toLowerCase() };
        for (const k of ['id', 'name', 'username'] as const) {
          const v = r.text(p[k]);
          if (v) out[k] = v;
        }
        return out;
      });
    const body: Record<string, unknown> = {
      alias,
      message: truncate(r.text(c.message), 130),
      description: truncate(r.text(c.description), 15000),
      details,
      source: r.text(c.source),
    };
    const resp = responders(c.responders);
    if (resp.length) body.responders = resp;
    const visible = responders(c.visible_to);
    if (visible.length) body.visibleTo = visible;
    const tags = splitList(r.text(c.tags));
    if (tags.length) body.tags = tags;
    const actions = splitList(r.text(c.actions));
    if (actions.length) body.actions = actions;
    for (const k of ['note', 'priority', 'entity'] as const) {
      const v = r.text(c[k]);
      if (v) body[k] = v;
    }
    return { url: `${base}v2/alerts`, body };
  }

  protected async send(ctx: NotifyContext, _alerts: AlertForNotify[], r: Renderer): Promise<NotifyResult> {
    const { url, body } = this.buildRequest(ctx, r);
    const key = secret(this.conf.api_key, this.conf.api_key_file);
    return this.http.send('opsgenie', url, {
      json: body,
      headers: { authorization: `GenieKey ${key}` },
      signal: ctx.signal,
    });
  }
}
