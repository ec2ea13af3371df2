/**
 * webex_configs: `POST {api_url}` (default https://webexapis.com/v1/messages) with `{roomId, markdown}`;
 * the bot token comes from `http_config.authorization`, as in Alertmanager.
 */
import type { AlertForNotify, NotifyContext, NotifyResult } from '../alertmanager/notifier.ts';
import { type BaseConfig, BaseNotifier, type NotifierDeps } from './notifier-base.ts';
import type { Renderer } from './templates.ts';

export interface WebexConfig extends BaseConfig {
  /** default https://webexapis.com/v1/messages */
  api_url?: string;
  room_id?: string;
  message?: string;
}

/** Webex rejects messages over 7439 bytes. */
const MAX_BYTES = 7439;

function truncateBytes(s: string, max: number): string {
  const buf = Buffer.from(s, 'utf8');
  if (buf.length <= max) return s;
  // Cut on a character boundary: decoding a cut multi-byte sequence yields U+FFFD, which is dropped.
  return buf
    .subarray(0, max)
    .toString('utf8')
    .replace(/\uFFFD+$/, '');
}

export class WebexNotifier extends BaseNotifier<WebexConfig> {
  constructor(conf: WebexConfig, deps: NotifierDeps, index = 0) {
    super('webex', conf, deps, index, true);
  }

  buildMessage(r: Renderer): Record<string, unknown> {
    return { roomId: r.text(this.conf.room_id), markdown: truncateBytes(r.text(this.conf.message), MAX_BYTES) };
  }

  protected async send(ctx: NotifyContext, _alerts: AlertForNotify[], r: Renderer): Promise<NotifyResult> {
    const url = this.conf.api_url || 'https://webexapis.com/v1/messages';
    return this.http.send('webex', url, { json: this.buildMessage(r), signal: ctx.signal });
  }
}
