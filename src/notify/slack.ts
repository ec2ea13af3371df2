/**
 * slack_configs: one message with one attachment, sent either to an incoming webhook (`api_url`/`api_url_file`,
 * which answers "ok") or to `chat.postMessage` (`app_url`) with a bot token (`app_token`/`app_token_file`,
 * sent as `Authorization: Bearer`, which answers `{"ok":true|false,"error":...}`).
 */
import type { AlertForNotify, NotifyContext, NotifyResult } from '../alertmanager/notifier.ts';
import { checkStatus, type HttpResponse, NotifyError, ok, permanent, secret } from './http.ts';
import { type BaseConfig, BaseNotifier, type NotifierDeps, parseJSON } from './notifier-base.ts';
import { type Renderer, truncate } from './templates.ts';

export interface SlackField {
  title?: string;
  value?: string;
  short?: boolean;
}

export interface SlackAction {
  type?: string;
  text?: string;
  url?: string;
  style?: string;
  name?: string;
  value?: string;
  confirm?: { text?: string; title?: string; ok_text?: string; dismiss_text?: string };
}

export interface SlackConfig extends BaseConfig {
  api_url?: string;
  api_url_file?: string;
  app_token?: string;
  app_token_file?: string;
  /** default https://slack.com/api/chat.postMessage */
  app_url?: string;
  channel?: string;
  username?: string;
  color?: string;
  title?: string;
  title_link?: string;
  pretext?: string;
  text?: string;
  message_text?: string;
  fields?: SlackField[];
  short_fields?: boolean;
  footer?: string;
  fallback?: string;
  callback_id?: string;
  icon_emoji?: string;
  icon_url?: string;
  image_url?: string;
  thumb_url?: string;
  link_names?: boolean;
  mrkdwn_in?: string[];
  actions?: SlackAction[];
  /** ms */
  timeout?: number;
}

const DEFAULT_APP_URL = 'https://slack.com/api/chat.postMessage';

/** Drops empty strings, empty arrays, undefined and false, like Go's `omitempty`. */
function compact<T extends Record<string, unknown>>(o: T): Partial<T> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(o)) {
    if (v === undefined || v === '' || v === false || (Array.isArray(v) && v.length === 0)) continue;
    out[k] = v;
  }
  return out as Partial<T>;
}

export class SlackNotifier extends BaseNotifier<SlackConfig> {
  constructor(conf: SlackConfig, deps: NotifierDeps, index = 0) {
    super('slack', conf, deps, index, false);
  }

  /** The chat.postMessage / incoming-webhook payload. */
  buildPayload(r: Renderer): Record<string, unknown> {
    const c = this.conf;
    const attachment = compact({
      title: truncate(r.text(c.title), 1024),
      title_link: r.text(c.title_link),
      pretext: r.text(c.pretext),
      text: r.text(c.text),
      fallback: r.text(c.fallback),
      callback_id: r.text(c.callback_id),
      fields: (c.fields ?? []).map((f) =>
        compact({ title: r.text(f.title), value: r.text(f.value), short: f.short ?? c.short_fields ?? false }),
      ),
      actions: (c.actions ?? []).map((a) =>
        compact({
          type: r.text(a.type),
          text: r.text(a.text),
          url: r.text(a.url),
          style: r.text(a.style),
          name: r.text(a.name),
          value: r.text(a.value),
          confirm: a.confirm
            ? compact({
                text: r.text(a.confirm.text),
                title: r.text(a.confirm.title),
                ok_text: r.text(a.confirm.ok_text),
                dismiss_text: r.text(a.confirm.dismiss_text),
              })
            : undefined,
        }),
      ),
      image_url: r.text(c.image_url),
      thumb_url: r.text(c.thumb_url),
      footer: r.text(c.footer),
      color: r.text(c.color),
      mrkdwn_in: c.mrkdwn_in?.length ? c.mrkdwn_in : ['fallback', 'pretext', 'text'],
    });
    return compact({
      channel: r.text(c.channel),
      username: r.text(c.username),
      icon_emoji: r.text(c.icon_emoji),
      icon_url: r.text(c.icon_url),
      link_names: c.link_names ?? false,
      text: r.text(c.message_text),
      attachments: [attachment],
    });
  }

  protected async send(ctx: NotifyContext, _alerts: AlertForNotify[], r: Renderer): Promise<NotifyResult> {
    const payload = this.buildPayload(r);
    const token = secret(this.conf.app_token, this.conf.app_token_file);
    const url = token ? this.conf.app_url || DEFAULT_APP_URL : secret(this.conf.api_url, this.conf.api_url_file);
    const headers: Record<string, string> = { 'content-type': 'application/json; charset=utf-8' };
    if (token) headers.authorization = `Bearer ${token}`;
    return this.http.send(
      'slack',
      url,
      { json: payload, headers, signal: ctx.signal, timeoutMs: this.conf.timeout || undefined },
      checkSlackResponse,
    );
  }
}

/**
 * Slack answers 200 for most application errors: the Web API with `{"ok":false,"error":"..."}`, incoming
 * webhooks with a text body other than "ok". Those are permanent.
 */
export function checkSlackResponse(res: HttpResponse): NotifyResult {
  const byStatus = checkStatus('slack', res);
  if (byStatus.error) return byStatus;
  const type = res.headers.get('content-type') ?? '';
  if (type.includes('application/json')) {
    const j = parseJSON(res.body);
    if (!j) return permanent(new NotifyError(`slack: could not parse JSON response: ${res.body.slice(0, 200)}`));
    if (j.ok !== true)
      return permanent(new NotifyError(`slack: error response from Slack: ${String(j.error ?? 'unknown')}`));
    return ok;
  }
  const body = res.body.trim();
  if (body !== 'ok' && body !== '')
    return permanent(new NotifyError(`slack: error response from Slack: ${body.slice(0, 200)}`));
  return ok;
}
