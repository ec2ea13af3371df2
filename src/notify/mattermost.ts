/**
 * mattermost_configs: an incoming webhook with `channel`, `username`, `icon_url`, `icon_emoji`, `text`,
 * and the given `attachments`, `props` and `priority` (their string values are templates too).
 */
import type { AlertForNotify, NotifyContext, NotifyResult } from '../alertmanager/notifier.ts';
import { secret } from './http.ts';
import { type BaseConfig, BaseNotifier, type NotifierDeps } from './notifier-base.ts';
import type { Renderer } from './templates.ts';

export interface MattermostConfig extends BaseConfig {
  webhook_url?: string;
  webhook_url_file?: string;
  channel?: string;
  username?: string;
  text?: string;
  icon_url?: string;
  icon_emoji?: string;
  attachments?: Record<string, unknown>[];
  props?: Record<string, unknown>;
  priority?: Record<string, unknown>;
}

/** Renders every string inside a JSON-like value. */
function renderDeep(r: Renderer, v: unknown): unknown {
  if (typeof v === 'string') return r.text(v);
  if (Array.isArray(v)) return v.map((x) => renderDeep(r, x));
  if (v && typeof v === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, x] of Object.entries(v)) out[k] = renderDeep(r, x);
    return out;
  }
  return v;
}

export class MattermostNotifier extends BaseNotifier<MattermostConfig> {
  constructor(conf: MattermostConfig, deps: NotifierDeps, index = 0) {
    super('mattermost', conf, deps, index, true);
  }

  buildPayload(r: Renderer): Record<string, unknown> {
    const c = this.conf;
    const out: Record<string, unknown> = {};
    for (const k of ['channel', 'username', 'text', 'icon_url', 'icon_emoji'] as const) {
      const v = r.text(c[k]);
      if (v) out[k] = v;
    }
    if (c.attachments?.length) out.attachments = renderDeep(r, c.attachments);
    if (c.props) out.props = renderDeep(r, c.props);
    if (c.priority) out.priority = renderDeep(r, c.priority);
    return out;
  }

  protected async send(ctx: NotifyContext, _alerts: AlertForNotify[], r: Renderer): Promise<NotifyResult> {
    const url = secret(this.conf.webhook_url, this.conf.webhook_url_file);
    return this.http.send('mattermost', url, { json: this.buildPayload(r), signal: ctx.signal });
  }
}
