/**
 * discord_configs: an execute-webhook call with one embed (title, description, colour by status), plus the
 * optional message `content`, `username` and `avatar_url`. The webhook URL carries its token.
 */
import type { AlertForNotify, NotifyContext, NotifyResult } from '../alertmanager/notifier.ts';
import { secret } from './http.ts';
import { type BaseConfig, BaseNotifier, type NotifierDeps } from './notifier-base.ts';
import { type Renderer, truncate } from './templates.ts';

export interface DiscordConfig extends BaseConfig {
  webhook_url?: string;
  webhook_url_file?: string;
  title?: string;
  message?: string;
  content?: string;
  username?: string;
  avatar_url?: string;
}

const COLOR_FIRING = 0x992d22;
const COLOR_RESOLVED = 0x2ecc71;

export class DiscordNotifier extends BaseNotifier<DiscordConfig> {
  constructor(conf: DiscordConfig, deps: NotifierDeps, index = 0) {
    super('discord', conf, deps, index, true);
  }

  buildMessage(r: Renderer): Record<string, unknown> {
    const c = this.conf;
    const body: Record<string, unknown> = {};
    const content = truncate(r.text(c.content), 2000);
    if (content) body.content = content;
    const username = r.text(c.username);
    if (username) body.username = username;
    const avatar = r.text(c.avatar_url);
    if (avatar) body.avatar_url = avatar;
    body.embeds = [
      {
        title: truncate(r.text(c.title), 256),
        description: truncate(r.text(c.message), 4096),
        color: r.data.Status === 'firing' ? COLOR_FIRING : COLOR_RESOLVED,
      },
    ];
    return body;
  }

  protected async send(ctx: NotifyContext, _alerts: AlertForNotify[], r: Renderer): Promise<NotifyResult> {
    const url = secret(this.conf.webhook_url, this.conf.webhook_url_file);
    return this.http.send('discord', url, { json: this.buildMessage(r), signal: ctx.signal });
  }
}
