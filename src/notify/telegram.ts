/**
 * telegram_configs: Bot API `sendMessage` at `{api_url}/bot{token}/sendMessage`. The token is part of the
 * URL, so errors only show the redacted URL. With parse_mode HTML the message is rendered HTML-escaped.
 */
import type { AlertForNotify, NotifyContext, NotifyResult } from '../alertmanager/notifier.ts';
import { checkStatus, type HttpResponse, NotifyError, permanent, retryable, secret } from './http.ts';
import { type BaseConfig, BaseNotifier, type NotifierDeps, parseJSON } from './notifier-base.ts';
import { type Renderer, truncate } from './templates.ts';

export interface TelegramConfig extends BaseConfig {
  /** default https://api.telegram.org */
  api_url?: string;
  bot_token?: string;
  bot_token_file?: string;
  chat_id?: number;
  chat_id_file?: string;
  message_thread_id?: number;
  message?: string;
  disable_notifications?: boolean;
  /** default HTML */
  parse_mode?: string;
}

export class TelegramNotifier extends BaseNotifier<TelegramConfig> {
  constructor(conf: TelegramConfig, deps: NotifierDeps, index = 0) {
    super('telegram', conf, deps, index, true);
  }

  buildMessage(r: Renderer): Record<string, unknown> {
    const c = this.conf;
    const parseMode = c.parse_mode ?? 'HTML';
    const text = parseMode === 'HTML' ? r.html(c.message) : r.text(c.message);
    const chat = c.chat_id ?? Number(secret('', c.chat_id_file));
    const body: Record<string, unknown> = { chat_id: chat, text: truncate(text, 4096) };
    if (parseMode) body.parse_mode = parseMode;
    if (c.disable_notifications) body.disable_notification = true;
    if (c.message_thread_id) body.message_thread_id = c.message_thread_id;
    return body;
  }

  protected async send(ctx: NotifyContext, _alerts: AlertForNotify[], r: Renderer): Promise<NotifyResult> {
    const token = secret(this.conf.bot_token, this.conf.bot_token_file);
    const base = (this.conf.api_url || 'https://api.telegram.org').replace(/\/+$/, '');
    return this.http.send(
      'telegram',
      `${base}/bot${token}/sendMessage`,
      { json: this.buildMessage(r), signal: ctx.signal },
      checkTelegramResponse,
    );
  }
}

/** The Bot API answers `{"ok":false,"description":...,"parameters":{"retry_after":N}}` on errors. */
function checkTelegramResponse(res: HttpResponse): NotifyResult {
  const j = parseJSON(res.body);
  const byStatus = checkStatus('telegram', res);
  if (byStatus.error) {
    const after = (j?.parameters as { retry_after?: number } | undefined)?.retry_after;
    if (byStatus.retry && after !== undefined)
      return retryable(new NotifyError(byStatus.error.message, after * 1000, res.status));
    return byStatus;
  }
  if (j && j.ok === false) return permanent(new NotifyError(`telegram: ${String(j.description ?? 'request failed')}`));
  return byStatus;
}
