/**
 * The contract between the alert manager and the notifiers (src/notify).
 *
 * For every receiver in alertmanager.yml the alert manager calls the NotifierFactory once per loaded config
 * and gets one Notifier per integration (`webhook_configs[0]`, `slack_configs[1]`, ...). When an aggregation
 * group flushes, the pipeline (inhibit, time intervals, silences, dedup) decides which alerts go out, then
 * calls `notify` on each integration concurrently. The notifier renders its templates, sends, and reports:
 *
 *   - `{ retry: false }` and no error: delivered.
 *   - `{ retry: true, error }`: a temporary failure (network error, 5xx, 429); the pipeline retries with
 *     exponential backoff until `ctx.signal` aborts (the flush deadline, max(group_interval, 10s)).
 *   - `{ retry: false, error }`: a permanent failure (4xx, bad template); no retry.
 *
 * A notifier must honour `ctx.signal` (pass it to the HTTP client, or `abortSignalOf(ctx.signal)` to fetch) and should not throw; a thrown error is
 * treated as `{ retry: true, error }`. Resolved alerts are only passed when the integration's
 * `send_resolved` is true (the pipeline filters them; `sendResolved` tells it which).
 */
import type { AlertmanagerGlobalConfig, AlertmanagerReceiver } from '../config/alertmanager-index.ts';
import type { Labels } from '../model/index.ts';
import type { Cancellation } from './cancellation.ts';
import type { AlertForNotify } from './types.ts';

export type { AlertForNotify };

export interface NotifyContext {
  /** Receiver name from alertmanager.yml. */
  receiver: string;
  /** Aggregation group key, e.g. `{}/{service="db"}:{alertname="DiskFull"}`; stable across restarts. */
  groupKey: string;
  /** The group's labels (the alert labels named by group_by). */
  groupLabels: Labels;
  /** Aborted when the flush deadline passes or the alert manager stops. */
  signal: Cancellation;
  /** The flush time (ms), the reference for firing/resolved. */
  now: number;
  /** The route's repeat_interval (ms). */
  repeatInterval: number;
  /** The external URL of the alert manager (links in messages), '' when unknown. */
  externalURL: string;
}

export interface NotifyResult {
  retry: boolean;
  error?: Error;
}

export interface Notifier {
  /** Integration kind as in alertmanager.yml without `_configs`: "webhook", "slack", "email", ... */
  readonly integration: string;
  /** Position among the receiver's integrations of the same kind (0-based). */
  readonly index: number;
  /** The integration config's send_resolved. */
  readonly sendResolved: boolean;
  notify(ctx: NotifyContext, alerts: AlertForNotify[]): Promise<NotifyResult>;
}

/**
 * Builds the notifiers of one receiver. `templates` are the absolute template globs from alertmanager.yml
 * (the notify package parses them together with its default templates; it may cache by the glob list,
 * since the factory is called for every receiver on every config load).
 */
export type NotifierFactory = (
  receiver: AlertmanagerReceiver,
  global: AlertmanagerGlobalConfig,
  templates: readonly string[],
) => Notifier[];

/** A factory that builds nothing: every receiver is a black hole (until src/notify is wired). */
export const noNotifiers: NotifierFactory = () => [];

/** Convenience for tests and simple integrations. */
export function notifierFromFunction(
  integration: string,
  index: number,
  sendResolved: boolean,
  fn: (ctx: NotifyContext, alerts: AlertForNotify[]) => Promise<NotifyResult>,
): Notifier {
  return { integration, index, sendResolved, notify: fn };
}
