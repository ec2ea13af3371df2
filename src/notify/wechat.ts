/**
 * wechat_configs (WeCom / WeChat Work application messages): an access token from `gettoken` (corp_id +
 * api_secret, cached until it expires or the API reports it invalid), then `message/send` with a text or
 * markdown message to users, parties, tags and an agent.
 */
import type { Cancellation } from '../alertmanager/cancellation.ts';
import type { AlertForNotify, NotifyContext, NotifyResult } from '../alertmanager/notifier.ts';
import { checkStatus, type HttpResponse, NotifyError, ok, permanent, retryable, secret } from './http.ts';
import { type BaseConfig, BaseNotifier, type NotifierDeps, parseJSON } from './notifier-base.ts';
import { type Renderer, truncate } from './templates.ts';

export interface WeChatConfig extends BaseConfig {
  api_secret?: string;
  api_secret_file?: string;
  /** default https://qyapi.weixin.qq.com/cgi-bin/ */
  api_url?: string;
  corp_id?: string;
  message?: string;
  /** text | markdown */
  message_type?: string;
  to_user?: string;
  to_party?: string;
  to_tag?: string;
  agent_id?: string;
}

/** WeCom's "access token invalid / expired" codes: fetch a new token and retry. */
const TOKEN_ERRORS = new Set([40014, 42001]);

export class WeChatNotifier extends BaseNotifier<WeChatConfig> {
  private token = '';
  private tokenExpires = 0;

  constructor(conf: WeChatConfig, deps: NotifierDeps, index = 0) {
    super('wechat', conf, deps, index, false);
  }

  private base(): string {
    return (this.conf.api_url || 'https://qyapi.weixin.qq.com/cgi-bin/').replace(/\/?$/, '/');
  }

  buildMessage(r: Renderer): Record<string, unknown> {
    const c = this.conf;
    const type = c.message_type || 'text';
    return {
      [type]: { content: truncate(r.text(c.message), 2048) },
      safe: '0',
      touser: r.text(c.to_user),
      toparty: r.text(c.to_party),
      totag: r.text(c.to_tag),
      agentid: r.text(c.agent_id),
      msgtype: type,
    };
  }

  /** A valid access token, or a NotifyResult describing why there is none. */
  private async accessToken(signal: Cancellation): Promise<string | NotifyResult> {
    if (this.token && this.now() < this.tokenExpires) return this.token;
    const q = new URLSearchParams({
      corpid: this.conf.corp_id ?? '',
      corpsecret: secret(this.conf.api_secret, this.conf.api_secret_file),
    });
    let token = '';
    let expiresIn = 7200;
    const res = await this.http.send('wechat', `${this.base()}gettoken?${q}`, { method: 'GET', signal }, (resp) => {
      const byStatus = checkStatus('wechat', resp);
      if (byStatus.error) return byStatus;
      const j = parseJSON(resp.body);
      if (!j || typeof j.access_token !== 'string' || j.access_token === '')
        return permanent(new NotifyError(`wechat: gettoken failed: ${String(j?.errmsg ?? resp.body.slice(0, 200))}`));
      token = j.access_token;
      if (typeof j.expires_in === 'number') expiresIn = j.expires_in;
      return ok;
    });
    if (res.error) return res;
    this.token = token;
    // Refresh a minute early.
    this.tokenExpires = this.now() + Math.max(60, expiresIn - 60) * 1000;
    return token;
  }

  protected async send(ctx: NotifyContext, _alerts: AlertForNotify[], r: Renderer): Promise<NotifyResult> {
    const message = this.buildMessage(r);
    const token = await this.accessToken(ctx.signal);
    if (typeof token !== 'string') return token;
    const url = `${this.base()}message/send?access_token=${encodeURIComponent(token)}`;
    return this.http.send('wechat', url, { json: message, signal: ctx.signal }, (res) => this.checkSend(res));
  }

  private checkSend(res: HttpResponse): NotifyResult {
    const byStatus = checkStatus('wechat', res);
    if (byStatus.error) return byStatus;
    const j = parseJSON(res.body);
    const code = Number(j?.errcode ?? 0);
    if (code === 0) return ok;
    const err = new NotifyError(`wechat: error ${code}: ${String(j?.errmsg ?? '')}`);
    if (TOKEN_ERRORS.has(code)) {
      this.token = '';
      return retryable(err);
    }
    return permanent(err);
  }
}
