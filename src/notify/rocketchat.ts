/**
 * rocketchat_configs: `POST {api_url}api/v1/chat.postMessage` with the `X-Auth-Token` / `X-User-Id` headers
 * and one attachment (title, link, text, colour, fields, actions). Rocket.Chat answers `{"success":true}`.
 */
import type { AlertForNotify, NotifyContext, NotifyResult } from '../alertmanager/notifier.ts';
import { checkStatus, NotifyError, permanent, secret } from './http.ts';
import { type BaseConfig, BaseNotifier, type NotifierDeps, parseJSON } from './notifier-base.ts';
import type { Renderer } from './templates.ts';

export interface RocketChatConfig extends BaseConfig {
  /** default https://open.rocket.chat/ */
  api_url?: string;
  channel?: string;
  token?: string;
  token_file?: string;
  token_id?: string;
  token_id_file?: string;
  color?: string;
  emoji?: string;
  icon_url?: string;
  text?: string;
  title?: string;
  title_link?: string;
  fields?: { title?: string; value?: string; short?: boolean }[];
  short_fields?: boolean;
  image_url?: string;
  thumb_url?: string;
  link_names?: boolean;
  actions?: { type?: string; text?: string; url?: string; msg?: string }[];
}

export class RocketChatNotifier extends BaseNotifier<RocketChatConfig> {
  constructor(conf: RocketChatConfig, deps: NotifierDeps, index = 0) {
    super('rocketchat', conf, deps, index, true);
  }

  buildMessage(r: Renderer): Record<string, unknown> {
    const c = this.conf;
    const attachment: Record<string, unknown> = {
      title: r.text(c.title),
      title_link: r.text(c.title_link),
      text: r.text(c.text),
      color: r.text(c.color),
    };
    if (c.fields?.length)
      attachment.fields = c.fields.map((f) => ({
        title: r.text(f.title),
        value: r.text(f.value),
        short: f.short ?? c.short_fields ?? false,
      }));
    if (c.actions?.length)
      attachment.actions = c.actions.map((a) => ({
        type: 'button',
        text: r.text(a.text),
        url: r.text(a.url),
        msg: r.text(a.msg),
        msg_in_chat_window: true,
      }));
    for (const k of ['image_url', 'thumb_url'] as const) {
      const v = r.text(c[k]);
      if (v) attachment[k] = v;
    }
    const msg: Record<string, unknown> = { attachments: [attachment] };
    const channel = r.text(c.channel);
    if (channel) msg.channel = channel;
    const emoji = r.text(c.emoji);
    if (emoji) msg.emoji = emoji;
    const avatar = r.text(c.icon_url);
    if (avatar) msg.avatar = avatar;
    if (c.link_names) msg.parseUrls = true;
    return msg;
  }

  protected async send(ctx: NotifyContext, _alerts: AlertForNotify[], r: Renderer): Promise<NotifyResult> {
    const c = this.conf;
    const base = (c.api_url || 'https://open.rocket.chat/').replace(/\/?$/, '/');
    return this.http.send(
      'rocketchat',
      `${base}api/v1/chat.postMessage`,
      {
        json: this.buildMessage(r),
        headers: {
          'x-auth-token': secret(c.token, c.token_file),
          'x-user-id': secret(c.token_id, c.token_id_file),
        },
        signal: ctx.signal,
      },
      (res) => {
        const byStatus = checkStatus('rocketchat', res);
        if (byStatus.error) return byStatus;
        const j = parseJSON(res.body);
        if (j && j.success === false)
          return permanent(new NotifyError(`rocketchat: ${String(j.error ?? 'request failed')}`));
        return byStatus;
      },
    );
  }
}
