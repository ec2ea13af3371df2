/**
 * dingtalk_configs (Osprey; Alertmanager has none): a DingTalk custom robot webhook
 * (`https://oapi.dingtalk.com/robot/send?access_token=...`). With `secret`, every request is signed as
 * DingTalk documents: `sign = urlencode(base64(HMAC-SHA256(secret, timestamp + "\n" + secret)))`, sent with
 * the millisecond `timestamp` as query parameters. The robot answers `{"errcode":0,"errmsg":"ok"}`.
 */
import { createHmac } from 'node:crypto';
import type { AlertForNotify, NotifyContext, NotifyResult } from '../alertmanager/notifier.ts';
import { checkStatus, type HttpResponse, NotifyError, ok, permanent, retryable, secret } from './http.ts';
import { type BaseConfig, BaseNotifier, type NotifierDeps, parseJSON } from './notifier-base.ts';
import { type Renderer, truncate } from './templates.ts';

export interface DingTalkConfig extends BaseConfig {
  webhook_url?: string;
  webhook_url_file?: string;
  /** The robot's signing secret ("SEC..."). */
  secret?: string;
  secret_file?: string;
  /** markdown (default) | text */
  message_type?: string;
  /** default {{ template "dingtalk.default.title" . }} */
  title?: string;
  /** default {{ template "dingtalk.default.message" . }} */
  message?: string;
  at_mobiles?: string[];
  at_user_ids?: string[];
  at_all?: boolean;
}

export const DINGTALK_DEFAULTS = {
  send_resolved: true,
  message_type: 'markdown',
  title: '{{ template "dingtalk.default.title" . }}',
  message: '{{ template "dingtalk.default.message" . }}',
};

/** DingTalk's request signature for a millisecond timestamp. */
export function dingtalkSign(timestampMs: number, key: string): string {
  return createHmac('sha256', key).update(`${timestampMs}\n${key}`).digest('base64');
}

/** errcode 130101: "send too fast"; 410100: robot under flow control. */
const RATE_LIMITED = new Set([130101, 410100]);

export class DingTalkNotifier extends BaseNotifier<DingTalkConfig> {
  constructor(conf: DingTalkConfig, deps: NotifierDeps, index = 0) {
    super('dingtalk', { ...DINGTALK_DEFAULTS, ...conf }, deps, index, true);
  }

  buildMessage(r: Renderer): Record<string, unknown> {
    const c = this.conf;
    const at = {
      atMobiles: c.at_mobiles ?? [],
      atUserIds: c.at_user_ids ?? [],
      isAtAll: c.at_all ?? false,
    };
    // DingTalk caps messages at 20000 bytes; stay well under it in characters.
    const text = truncate(r.text(c.message), 15000);
    if (c.message_type === 'text') return { msgtype: 'text', text: { content: text }, at };
    return { msgtype: 'markdown', markdown: { title: truncate(r.text(c.title), 100), text }, at };
  }

  /** The webhook URL with `timestamp` and `sign` added when a secret is configured. */
  signedURL(): string {
    const url = new URL(secret(this.conf.webhook_url, this.conf.webhook_url_file));
    const key = secret(this.conf.secret, this.conf.secret_file);
    if (key) {
      const ts = this.now();
      url.searchParams.set('timestamp', String(ts));
      url.searchParams.set('sign', dingtalkSign(ts, key));
    }
    return url.toString();
  }

  protected async send(ctx: NotifyContext, _alerts: AlertForNotify[], r: Renderer): Promise<NotifyResult> {
    return this.http.send(
      'dingtalk',
      this.signedURL(),
      { json: this.buildMessage(r), signal: ctx.signal },
      checkDingTalk,
    );
  }
}

function checkDingTalk(res: HttpResponse): NotifyResult {
  const byStatus = checkStatus('dingtalk', res);
  if (byStatus.error) return byStatus;
  const j = parseJSON(res.body);
  const code = Number(j?.errcode ?? 0);
  if (code === 0) return ok;
  const err = new NotifyError(`dingtalk: error ${code}: ${String(j?.errmsg ?? '')}`);
  return RATE_LIMITED.has(code) ? retryable(err) : permanent(err);
}
