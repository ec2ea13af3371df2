/**
 * wecom_robot_configs (Osprey): a WeCom group robot webhook
 * (`https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=...`) with a markdown (default) or text message.
 * The robot answers `{"errcode":0,"errmsg":"ok"}`.
 */
import type { AlertForNotify, NotifyContext, NotifyResult } from '../alertmanager/notifier.ts';
import { checkStatus, type HttpResponse, NotifyError, ok, permanent, retryable, secret } from './http.ts';
import { type BaseConfig, BaseNotifier, type NotifierDeps, parseJSON } from './notifier-base.ts';
import { type Renderer, truncate } from './templates.ts';

export interface WeComRobotConfig extends BaseConfig {
  webhook_url?: string;
  webhook_url_file?: string;
  /** markdown (default) | text */
  message_type?: string;
  /** default {{ template "wecom_robot.default.message" . }} */
  message?: string;
  /** text messages only: user ids ("@all" for everyone) and mobile numbers to mention */
  mentioned_list?: string[];
  mentioned_mobile_list?: string[];
}

export const WECOM_ROBOT_DEFAULTS = {
  send_resolved: true,
  message_type: 'markdown',
  message: '{{ template "wecom_robot.default.message" . }}',
};

/** 45009: API call frequency exceeded. */
const RATE_LIMITED = 45009;

export class WeComRobotNotifier extends BaseNotifier<WeComRobotConfig> {
  constructor(conf: WeComRobotConfig, deps: NotifierDeps, index = 0) {
    super('wecom_robot', { ...WECOM_ROBOT_DEFAULTS, ...conf }, deps, index, true);
  }

  buildMessage(r: Renderer): Record<string, unknown> {
    const c = this.conf;
    // The robot limits content to 4096 bytes; UTF-8 CJK text takes 3 bytes per character.
    const content = truncate(r.text(c.message), 1300);
    if (c.message_type === 'text') {
      const text: Record<string, unknown> = { content };
      if (c.mentioned_list?.length) text.mentioned_list = c.mentioned_list;
      if (c.mentioned_mobile_list?.length) text.mentioned_mobile_list = c.mentioned_mobile_list;
      return { msgtype: 'text', text };
    }
    return { msgtype: 'markdown', markdown: { content } };
  }

  protected async send(ctx: NotifyContext, _alerts: AlertForNotify[], r: Renderer): Promise<NotifyResult> {
    const url = secret(this.conf.webhook_url, this.conf.webhook_url_file);
    return this.http.send('wecom_robot', url, { json: this.buildMessage(r), signal: ctx.signal }, checkRobot);
  }
}

function checkRobot(res: HttpResponse): NotifyResult {
  const byStatus = checkStatus('wecom_robot', res);
  if (byStatus.error) return byStatus;
  const j = parseJSON(res.body);
  const code = Number(j?.errcode ?? 0);
  if (code === 0) return ok;
  const err = new NotifyError(`wecom_robot: error ${code}: ${String(j?.errmsg ?? '')}`);
  return code === RATE_LIMITED ? retryable(err) : permanent(err);
}
