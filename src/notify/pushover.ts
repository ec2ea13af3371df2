/**
 * pushover_configs: a form POST to the Pushover messages API with the app `token` and `user_key`; emergency
 * priority (2) carries `retry` and `expire`. Pushover answers `{"status":1}` on success.
 */
import type { AlertForNotify, NotifyContext, NotifyResult } from '../alertmanager/notifier.ts';
import { checkStatus, NotifyError, permanent, secret } from './http.ts';
import { type BaseConfig, BaseNotifier, type NotifierDeps, parseJSON } from './notifier-base.ts';
import { type Renderer, truncate } from './templates.ts';

export interface PushoverConfig extends BaseConfig {
  user_key?: string;
  user_key_file?: string;
  token?: string;
  token_file?: string;
  title?: string;
  message?: string;
  url?: string;
  url_title?: string;
  device?: string;
  sound?: string;
  priority?: string;
  /** ms */
  retry?: number;
  /** ms */
  expire?: number;
  /** ms */
  ttl?: number;
  html?: boolean;
  monospace?: boolean;
  /** Osprey: the messages endpoint (default https://api.pushover.net/1/messages.json). */
  api_url?: string;
}

export class PushoverNotifier extends BaseNotifier<PushoverConfig> {
  constructor(conf: PushoverConfig, deps: NotifierDeps, index = 0) {
    super('pushover', conf, deps, index, true);
  }

  buildForm(r: Renderer): URLSearchParams {
    const c = this.conf;
    const f = new URLSearchParams();
    f.set('token', secret(c.token, c.token_file));
    f.set('user', secret(c.user_key, c.user_key_file));
    f.set('title', truncate(r.text(c.title), 250));
    const message = c.html ? r.html(c.message) : r.text(c.message);
    f.set('message', truncate(message, 1024) || '(no details)');
    if (c.html) f.set('html', '1');
    else if (c.monospace) f.set('monospace', '1');
    const url = truncate(r.text(c.url), 512);
    if (url) f.set('url', url);
    for (const k of ['url_title', 'device', 'sound'] as const) {
      const v = r.text(c[k]);
      if (v) f.set(k, v);
    }
    const priority = r.text(c.priority);
    if (priority) f.set('priority', priority);
    if (priority === '2') {
      f.set('retry', String(Math.round((c.retry ?? 60_000) / 1000)));
      f.set('expire', String(Math.round((c.expire ?? 3_600_000) / 1000)));
    }
    if (c.ttl) f.set('ttl', String(Math.round(c.ttl / 1000)));
    return f;
  }

  protected async send(ctx: NotifyContext, _alerts: AlertForNotify[], r: Renderer): Promise<NotifyResult> {
    const url = this.conf.api_url || 'https://api.pushover.net/1/messages.json';
    return this.http.send(
      'pushover',
      url,
      {
        body: this.buildForm(r).toString(),
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        signal: ctx.signal,
      },
      (res) => {
        const byStatus = checkStatus('pushover', res);
        if (byStatus.error) return byStatus;
        const j = parseJSON(res.body);
        if (j && j.status !== 1)
          return permanent(new NotifyError(`pushover: ${JSON.stringify(j.errors ?? j).slice(0, 300)}`));
        return byStatus;
      },
    );
  }
}
