/**
 * What every notifier shares: the template set, an HTTP client for its http_config, and the error policy
 * (template errors are permanent, anything thrown is retried).
 */
import { createHash } from 'node:crypto';
import type { Cancellation } from '../alertmanager/cancellation.ts';
import type { AlertForNotify, Notifier, NotifyContext, NotifyResult } from '../alertmanager/notifier.ts';
import type { HTTPClientConfig } from '../config/alertmanager-index.ts';
import type { Template } from '../template/index.ts';
import { HttpClient, MAX_CONNECTIONS_PER_ORIGIN, NotifyError, permanent, retryable } from './http.ts';
import { Limiter } from './limiter.ts';
import { notificationData, Renderer, TemplateRenderError } from './templates.ts';

/** Longer Retry-After values are capped; the flush deadline usually ends the wait first anyway. */
const MAX_RETRY_AFTER_MS = 5 * 60_000;

/** Resolves after `ms` or when `signal` aborts, whichever is first. */
function sleep(ms: number, signal: Cancellation): Promise<void> {
  if (signal.aborted) return Promise.resolve();
  return new Promise((resolve) => {
    const done = () => {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal.addEventListener('abort', done, { once: true });
  });
}

export interface NotifyLogger {
  debug(obj: object | string, msg?: string): void;
  warn(obj: object | string, msg?: string): void;
}

export interface NotifierDeps {
  templates: Template;
  /** Replaces undici's fetch (then proxy/TLS settings of http_config are not applied). */
  fetch?: typeof fetch;
  logger?: NotifyLogger;
  /** Clock (ms), for signing timestamps. */
  now?: () => number;
}

/** Fields every integration config has. */
export interface BaseConfig {
  send_resolved?: boolean;
  http_config?: HTTPClientConfig;
}

export abstract class BaseNotifier<C extends BaseConfig> implements Notifier {
  readonly sendResolved: boolean;
  protected readonly http: HttpClient;
  /** At most as many notifications in the works as the HTTP pool has connections (see limiter.ts). */
  private readonly limiter = new Limiter(MAX_CONNECTIONS_PER_ORIGIN);

  constructor(
    readonly integration: string,
    protected readonly conf: C,
    protected readonly deps: NotifierDeps,
    readonly index = 0,
    defaultSendResolved = true,
  ) {
    this.sendResolved = conf.send_resolved ?? defaultSendResolved;
    this.http = new HttpClient(conf.http_config, deps.fetch);
  }

  protected now(): number {
    return this.deps.now?.() ?? Date.now();
  }

  async notify(ctx: NotifyContext, alerts: AlertForNotify[]): Promise<NotifyResult> {
    const res = await this.limiter.run(
      ctx.signal,
      () => this.renderAndSend(ctx, alerts),
      () => retryable(new NotifyError(`${this.integration}: context deadline exceeded`)),
    );
    // Honour Retry-After (outside the limiter): the pipeline's next attempt comes after this wait plus its
    // own backoff.
    const after = res.retry && res.error instanceof NotifyError ? res.error.retryAfterMs : undefined;
    if (after) await sleep(Math.min(after, MAX_RETRY_AFTER_MS), ctx.signal);
    return res;
  }

  private async renderAndSend(ctx: NotifyContext, alerts: AlertForNotify[]): Promise<NotifyResult> {
    try {
      const r = new Renderer(this.deps.templates, () => notificationData(ctx, alerts));
      return await this.send(ctx, alerts, r);
    } catch (e) {
      if (e instanceof TemplateRenderError) return permanent(new NotifyError(`${this.integration}: ${e.message}`));
      const msg = e instanceof Error ? e.message : String(e);
      return retryable(new NotifyError(`${this.integration}: ${msg}`));
    }
  }

  protected abstract send(ctx: NotifyContext, alerts: AlertForNotify[], r: Renderer): Promise<NotifyResult>;
}

/** A JSON body, or undefined when the text is not JSON. */
export function parseJSON(text: string): Record<string, unknown> | undefined {
  try {
    const v = JSON.parse(text);
    return v && typeof v === 'object' ? (v as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

/** Alertmanager's group key hash (sha256 hex), the dedup key / alias of PagerDuty and Opsgenie. */
export function hashGroupKey(groupKey: string): string {
  return createHash('sha256').update(groupKey).digest('hex');
}
