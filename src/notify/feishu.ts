/**
 * feishu_configs (Osprey; Alertmanager has none): a Feishu / Lark custom bot webhook
 * (`https://open.feishu.cn/open-apis/bot/v2/hook/...`). With `secret`, the body carries `timestamp`
 * (seconds) and `sign = base64(HMAC-SHA256(key = timestamp + "\n" + secret, message = ""))`, as Feishu
 * documents. Messages are an interactive card (default), a rich-text post, or plain text.
 */
import { createHmac } from 'node:crypto';
import type { AlertForNotify, NotifyContext, NotifyResult } from '../alertmanager/notifier.ts';
import { checkStatus, type HttpResponse, NotifyError, ok, permanent, retryable, secret } from './http.ts';
import { type BaseConfig, BaseNotifier, type NotifierDeps, parseJSON } from './notifier-base.ts';
import { type Renderer, truncate } from './templates.ts';

export interface FeishuConfig extends BaseConfig {
  webhook_url?: string;
  webhook_url_file?: string;
  secret?: string;
  secret_file?: string;
  /** interactive (default) | post | text */
  message_type?: string;
  /** default {{ template "feishu.default.title" . }} */
  title?: string;
  /** default {{ template "feishu.default.message" . }} */
  message?: string;
}

export const FEISHU_DEFAULTS = {
  send_resolved: true,
  message_type: 'interactive',
  title: '{{ template "feishu.default.title" . }}',
  message: '{{ template "feishu.default.message" . }}',
};

/** Feishu's signature for a timestamp in seconds. */
export function feishuSign(timestampSec: number, key: string): string {
  return createHmac('sha256', `${timestampSec}\n${key}`).update('').digest('base64');
}

/** 11232: frequency limited; 9499: too many requests. */
const RATE_LIMITED = new Set([11232, 9499]);

export class FeishuNotifier extends BaseNotifier<FeishuConfig> {
  constructor(conf: FeishuConfig, deps: NotifierDeps, index = 0) {
    super('feishu', { ...FEISHU_DEFAULTS, ...conf }, deps, index, true);
  }

  buildMessage(r: Renderer): Record<string, unknown> {
    const c = this.conf;
    const title = truncate(r.text(c.title), 200);
    const text = truncate(r.text(c.message), 15000);
    let body: Record<string, unknown>;
    if (c.message_type === 'text') body = { msg_type: 'text', content: { text: `${title}\n${text}` } };
    else if (c.message_type === 'post')
      body = { msg_type: 'post', content: { post: { zh_cn: { title, content: [[{ tag: 'text', text }]] } } } };
    else
      body = {
        msg_type: 'interactive',
        card: {
          config: { wide_screen_mode: true },
          header: {
            title: { tag: 'plain_text', content: title },
            template: r.data.Status === 'firing' ? 'red' : 'green',
          },
          elements: [{ tag: 'markdown', content: text }],
        },
      };
    const key = secret(c.secret, c.secret_file);
    if (!key) return body;
    const ts = Math.floor(this.now() / 1000);
    return { timestamp: String(ts), sign: feishuSign(ts, key), ...body };
  }

  protected async send(ctx: NotifyContext, _alerts: AlertForNotify[], r: Renderer): Promise<NotifyResult> {
    const url = secret(this.conf.webhook_url, this.conf.webhook_url_file);
    return this.http.send('feishu', url, { json: this.buildMessage(r), signal: ctx.signal }, checkFeishu);
  }
}

/** Feishu answers `{"code":0,"msg":"success"}` (older bots: `{"StatusCode":0}`), also with HTTP 200 on errors. */
function checkFeishu(res: HttpResponse): NotifyResult {
  const byStatus = checkStatus('feishu', res);
  if (byStatus.error) return byStatus;
  const j = parseJSON(res.body);
  const code = Number(j?.code ?? j?.StatusCode ?? 0);
  if (code === 0) return ok;
  const err = new NotifyError(`feishu: error ${code}: ${String(j?.msg ?? j?.StatusMessage ?? '')}`);
  return RATE_LIMITED.has(code) ? retryable(err) : permanent(err);
}
