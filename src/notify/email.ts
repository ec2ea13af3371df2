/**
 * email_configs: one SMTP message per notification through nodemailer, with Alertmanager's options:
 * `smarthost` host:port (port 465 or `force_implicit_tls` = TLS from the start), `require_tls` (STARTTLS is
 * mandatory; when false the session stays plain), `tls_config`, `hello`, AUTH with auth_username and
 * auth_password (PLAIN/LOGIN) or auth_secret (CRAM-MD5), templated `headers` (Subject, To, From, ...), and an
 * HTML and a text body.
 */
import { isIP } from 'node:net';
import nodemailer from 'nodemailer';
import type { AlertForNotify, NotifyContext, NotifyResult } from '../alertmanager/notifier.ts';
import type { TLSConfig } from '../config/alertmanager-index.ts';
import { NotifyError, ok, permanent, retryable, secret, tlsOptions } from './http.ts';
import { type BaseConfig, BaseNotifier, type NotifierDeps } from './notifier-base.ts';
import type { Renderer } from './templates.ts';

export interface EmailConfig extends BaseConfig {
  to?: string;
  from?: string;
  /** default "localhost" */
  hello?: string;
  /** host:port */
  smarthost?: string;
  auth_username?: string;
  auth_password?: string;
  auth_password_file?: string;
  auth_secret?: string;
  auth_secret_file?: string;
  /** Not supported by nodemailer's PLAIN (sent without an authorization identity). */
  auth_identity?: string;
  /** Header name (canonical case) -> template. */
  headers?: Record<string, string>;
  html?: string;
  text?: string;
  /** default true */
  require_tls?: boolean;
  force_implicit_tls?: boolean;
  tls_config?: TLSConfig;
  /** ms; connection and greeting timeout (default 30s) */
  timeout?: number;
}

export const EMAIL_DEFAULTS = {
  send_resolved: false,
  html: '{{ template "email.default.html" . }}',
  headers: { Subject: '{{ template "email.default.subject" . }}' },
};

/** Splits "host:port" (also "[v6]:port"). */
export function splitHostPort(hostport: string): { host: string; port: number } {
  const m = /^\[([^\]]+)\]:(\d+)$/.exec(hostport) ?? /^([^:]*):(\d+)$/.exec(hostport);
  if (!m) throw new Error(`address ${hostport}: missing port in address`);
  return { host: m[1] as string, port: Number(m[2]) };
}

export interface RenderedEmail {
  from: string;
  to: string;
  subject: string;
  html: string;
  text: string;
  headers: Record<string, string>;
}

export class EmailNotifier extends BaseNotifier<EmailConfig> {
  constructor(conf: EmailConfig, deps: NotifierDeps, index = 0) {
    super('email', conf, deps, index, false);
  }

  render(r: Renderer): RenderedEmail {
    const c = this.conf;
    const headers: Record<string, string> = {};
    for (const [k, v] of Object.entries(c.headers ?? EMAIL_DEFAULTS.headers)) headers[k] = r.text(v);
    const from = headers.From ?? r.text(c.from);
    const to = headers.To ?? r.text(c.to);
    const subject = headers.Subject ?? '';
    delete headers.From;
    delete headers.To;
    delete headers.Subject;
    return {
      from,
      to,
      subject,
      html: r.html(c.html ?? EMAIL_DEFAULTS.html),
      text: r.text(c.text),
      headers,
    };
  }

  protected async send(ctx: NotifyContext, _alerts: AlertForNotify[], r: Renderer): Promise<NotifyResult> {
    const c = this.conf;
    const mail = this.render(r);
    const { host, port } = splitHostPort(c.smarthost ?? '');
    const implicitTLS = c.force_implicit_tls ?? port === 465;
    const user = c.auth_username ?? '';
    const password = secret(c.auth_password, c.auth_password_file);
    const authSecret = secret(c.auth_secret, c.auth_secret_file);
    const timeout = c.timeout ?? 30_000;
    const transport = nodemailer.createTransport({
      host,
      port,
      secure: implicitTLS,
      requireTLS: !implicitTLS && (c.require_tls ?? true),
      ignoreTLS: !implicitTLS && c.require_tls === false,
      name: c.hello || 'localhost',
      // SNI only for names (an IP address as server name is not allowed by RFC 6066).
      tls: { ...(isIP(host) ? {} : { servername: host }), ...tlsOptions(c.tls_config) },
      connectionTimeout: timeout,
      greetingTimeout: timeout,
      socketTimeout: timeout,
      ...(user
        ? {
            auth: password || !authSecret ? { user, pass: password } : { user, pass: authSecret },
            ...(!password && authSecret ? { authMethod: 'CRAM-MD5' } : {}),
          }
        : {}),
    });
    const abort = () => transport.close();
    ctx.signal.addEventListener('abort', abort, { once: true });
    try {
      await transport.sendMail({
        from: mail.from,
        to: mail.to,
        subject: mail.subject,
        html: mail.html || undefined,
        text: mail.text || undefined,
        headers: mail.headers,
        envelope: { from: r.text(c.from) || mail.from, to: r.text(c.to) || mail.to },
      });
      return ok;
    } catch (e) {
      const err = e as Error & { responseCode?: number; code?: string };
      if (ctx.signal.aborted) return retryable(new NotifyError('email: send canceled'));
      const msg = `email: send via ${host}:${port} failed: ${err.message}`;
      // 5xx SMTP replies (bad address, rejected auth) are permanent; 4xx and connection problems are not.
      return err.responseCode !== undefined && err.responseCode >= 500
        ? permanent(new NotifyError(msg))
        : retryable(new NotifyError(msg));
    } finally {
      ctx.signal.removeEventListener('abort', abort);
      transport.close();
    }
  }
}
