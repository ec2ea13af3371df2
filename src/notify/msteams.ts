/**
 * msteams_configs: the legacy Office 365 connector MessageCard (title, summary, markdown text, theme colour
 * by status) POSTed to the incoming-webhook URL.
 */
import type { AlertForNotify, NotifyContext, NotifyResult } from '../alertmanager/notifier.ts';
import { secret } from './http.ts';
import { type BaseConfig, BaseNotifier, type NotifierDeps } from './notifier-base.ts';
import type { Renderer } from './templates.ts';

export interface MSTeamsConfig extends BaseConfig {
  webhook_url?: string;
  webhook_url_file?: string;
  title?: string;
  summary?: string;
  text?: string;
}

export class MSTeamsNotifier extends BaseNotifier<MSTeamsConfig> {
  constructor(conf: MSTeamsConfig, deps: NotifierDeps, index = 0) {
    super('msteams', conf, deps, index, true);
  }

  buildCard(r: Renderer): Record<string, unknown> {
    return {
      '@context': 'http://schema.org/extensions',
      type: 'MessageCard',
      title: r.text(this.conf.title),
      summary: r.text(this.conf.summary),
      text: r.text(this.conf.text),
      themeColor: r.data.Status === 'resolved' ? '2DC72D' : '8C1A1A',
    };
  }

  protected async send(ctx: NotifyContext, _alerts: AlertForNotify[], r: Renderer): Promise<NotifyResult> {
    const url = secret(this.conf.webhook_url, this.conf.webhook_url_file);
    return this.http.send('msteams', url, { json: this.buildCard(r), signal: ctx.signal });
  }
}
