/**
 * The notification pipeline as small composable stages, in Alertmanager's order:
 *
 *   per receiver:    inhibit mute -> time active -> time mute -> silence mute -> fanout
 *   per integration: wait -> dedup (notification log) -> retry with backoff -> set notifies (log)
 *
 * A stage takes the flush context and alerts and returns the alerts to pass on (synchronously when it
 * does not wait for anything: most stages are lookups, and a promise per stage per notification is a
 * cost that shows in bursts); a chain stops as soon as no alerts are left (nothing to send, nothing to log). Integrations run concurrently, so one slow
 * integration does not delay the others of the same receiver, and every aggregation group flushes on its
 * own, so a slow receiver never delays another group.
 */
import type { Labels } from '../model/index.ts';
import type { Cancellation } from './cancellation.ts';
import type { NotificationHistory } from './history.ts';
import type { NotificationLog } from './nflog.ts';
import type { Notifier, NotifyResult } from './notifier.ts';
import type { TimeIntervals } from './time-interval.ts';
import { type Alert, type AlertForNotify, isResolvedAt, toNotifyAlert } from './types.ts';

export interface FlushContext {
  receiver: string;
  groupKey: string;
  groupLabels: Labels;
  /** The flush time; the reference for firing/resolved in every stage. */
  now: number;
  repeatInterval: number;
  muteTimeIntervals: readonly string[];
  activeTimeIntervals: readonly string[];
  signal: Cancellation;
  externalURL: string;
}

export type Stage = (ctx: FlushContext, alerts: Alert[]) => Alert[] | Promise<Alert[]>;

/** Something that can mute alerts by labels (the inhibitor, the silences). Returns the muting ids. */
export interface Muter {
  mutes(labels: Labels): string[];
}

/** Runs stages in order; stops (returning []) once no alerts are left. Waits only for stages that return promises. */
export function multiStage(...stages: Stage[]): Stage {
  return (ctx, alerts) => runStages(stages, 0, ctx, alerts);
}

function runStages(
  stages: readonly Stage[],
  from: number,
  ctx: FlushContext,
  alerts: Alert[],
): Alert[] | Promise<Alert[]> {
  let cur = alerts;
  for (let i = from; i < stages.length; i++) {
    if (cur.length === 0) return [];
    const r = (stages[i] as Stage)(ctx, cur);
    if (r instanceof Promise) return r.then((next) => runStages(stages, i + 1, ctx, next));
    cur = r;
  }
  return cur;
}

/** A stage's result as a promise; a synchronous throw becomes a rejection. */
async function settled(stage: Stage, ctx: FlushContext, alerts: Alert[]): Promise<Alert[]> {
  return stage(ctx, alerts);
}

/** Runs each stage on the same alerts concurrently; fails (after all finished) if any failed. */
export function fanoutStage(stages: Stage[]): Stage {
  const only = stages.length === 1 ? stages[0] : undefined;
  if (only) {
    return (ctx, alerts) => {
      const r = only(ctx, alerts);
      return r instanceof Promise ? r.then(() => alerts) : alerts;
    };
  }
  return async (ctx, alerts) => {
    const results = await Promise.allSettled(stages.map((s) => settled(s, ctx, alerts)));
    const errors = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected').map((r) => r.reason);
    if (errors.length === 1) throw errors[0];
    if (errors.length > 1) throw new AggregateError(errors, errors.map((e) => String(e?.message ?? e)).join('; '));
    return alerts;
  };
}

/** Drops alerts the muter mutes (inhibition or silences); the same array when none is muted. */
export function muteStage(muter: Muter): Stage {
  return (_ctx, alerts) => {
    for (let i = 0; i < alerts.length; i++) {
      if (muter.mutes((alerts[i] as Alert).labels).length > 0)
        return alerts.filter((a) => muter.mutes(a.labels).length === 0);
    }
    return alerts;
  };
}

/** Drops everything outside the route's active_time_intervals (when it has any). */
export function timeActiveStage(intervals: () => TimeIntervals): Stage {
  return (ctx, alerts) => {
    if (ctx.activeTimeIntervals.length === 0) return alerts;
    return intervals().containing(ctx.activeTimeIntervals, ctx.now).length > 0 ? alerts : [];
  };
}

/** Drops everything inside one of the route's mute_time_intervals. */
export function timeMuteStage(intervals: () => TimeIntervals): Stage {
  return (ctx, alerts) => {
    if (ctx.muteTimeIntervals.length === 0) return alerts;
    return intervals().containing(ctx.muteTimeIntervals, ctx.now).length > 0 ? [] : alerts;
  };
}

/** Alertmanager waits for its cluster position here; a single instance is always first. */
export function waitStage(): Stage {
  return (_ctx, alerts) => alerts;
}

function splitByState(alerts: Alert[], now: number): { firing: string[]; resolved: string[] } {
  const firing: string[] = [];
  const resolved: string[] = [];
  for (const a of alerts) (isResolvedAt(a, now) ? resolved : firing).push(a.fingerprint);
  return { firing, resolved };
}

const isSubset = (sub: readonly string[], of: readonly string[]) => {
  if (sub.length === 0) return true;
  const set = new Set(of);
  return sub.every((x) => set.has(x));
};

/**
 * Alertmanager's DedupStage: notify when new alerts fire, when all alerts resolved (to clear the log), when
 * resolved alerts are new and the integration sends resolved, or when repeat_interval has passed.
 */
export function dedupStage(nflog: NotificationLog, receiverKey: string, sendResolved: boolean): Stage {
  return (ctx, alerts) => {
    const { firing, resolved } = splitByState(alerts, ctx.now);
    const entry = nflog.query(ctx.groupKey, receiverKey);
    let needs: boolean;
    if (!entry) needs = firing.length > 0;
    else if (!isSubset(firing, entry.firing)) needs = true;
    else if (firing.length === 0) needs = entry.firing.length > 0;
    else if (sendResolved && !isSubset(resolved, entry.resolved)) needs = true;
    else needs = entry.timestamp <= ctx.now - ctx.repeatInterval;
    return needs ? alerts : [];
  };
}

export interface BackoffOptions {
  /** default 500ms */
  initialMs: number;
  /** default 1.5 */
  multiplier: number;
  /** default 60s */
  maxMs: number;
  /** default 0.5: each wait is randomised by ±50% */
  randomization: number;
}

export const DEFAULT_BACKOFF: BackoffOptions = { initialMs: 500, multiplier: 1.5, maxMs: 60_000, randomization: 0.5 };

function sleep(ms: number, signal: Cancellation): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) return resolve();
    const t = setTimeout(done, ms);
    function done() {
      clearTimeout(t);
      signal.removeEventListener('abort', done);
      resolve();
    }
    signal.addEventListener('abort', done, { once: true });
  });
}

/** The notifier's result, or a failure once the signal aborts (a notifier that ignores its signal cannot hang a group). */
function untilAborted(p: Promise<NotifyResult>, signal: Cancellation): Promise<NotifyResult> {
  if (signal.aborted) return Promise.resolve(deadlineExceeded());
  return new Promise((resolve, reject) => new AbortRace(p, signal, resolve, reject));
}

const deadlineExceeded = (): NotifyResult => ({ retry: false, error: new Error('context deadline exceeded') });

/** Settles with `p`, or with a deadline failure when the signal aborts first. A listener object, not closures. */
class AbortRace {
  constructor(
    p: Promise<NotifyResult>,
    private readonly signal: Cancellation,
    private readonly resolve: (r: NotifyResult) => void,
    private readonly reject: (e: unknown) => void,
  ) {
    signal.addEventListener('abort', this, { once: true });
    p.then(
      (r) => this.settle(r, undefined),
      (e) => this.settle(undefined, e),
    );
  }

  handleEvent(): void {
    this.resolve(deadlineExceeded());
  }

  private settle(r: NotifyResult | undefined, e: unknown): void {
    this.signal.removeEventListener('abort', this);
    if (r) this.resolve(r);
    else this.reject(e);
  }
}

/**
 * Sends to one integration, retrying temporary failures with exponential backoff until the flush deadline.
 * Resolved alerts are dropped when the integration does not send them; if nothing is left, the stage
 * succeeds without sending (so the log still records the resolution). Every attempt goes to the history.
 */
export function retryStage(
  notifier: Notifier,
  history: NotificationHistory | undefined,
  backoff: BackoffOptions = DEFAULT_BACKOFF,
  clock: () => number = Date.now,
): Stage {
  return async (ctx, alerts) => {
    const payload: AlertForNotify[] = [];
    const fps: string[] = [];
    let nFiring = 0;
    for (const a of alerts) {
      const n = toNotifyAlert(a, ctx.now);
      if (n.status === 'firing') nFiring++;
      else if (!notifier.sendResolved) continue;
      payload.push(n);
      fps.push(a.fingerprint);
    }
    if (payload.length === 0) return alerts;
    let wait = backoff.initialMs;
    let lastErr: Error | undefined;
    for (let attempt = 1; ; attempt++) {
      if (ctx.signal.aborted) {
        throw new Error(
          `${integrationName(ctx, notifier)}: notify retry canceled after ${attempt - 1} attempts: ${lastErr?.message ?? 'context canceled'}`,
        );
      }
      const started = clock();
      let res: { retry: boolean; error?: Error };
      try {
        res = await untilAborted(
          notifier.notify(
            {
              receiver: ctx.receiver,
              groupKey: ctx.groupKey,
              groupLabels: ctx.groupLabels,
              signal: ctx.signal,
              now: ctx.now,
              repeatInterval: ctx.repeatInterval,
              externalURL: ctx.externalURL,
            },
            payload,
          ),
          ctx.signal,
        );
      } catch (e) {
        res = { retry: true, error: e instanceof Error ? e : new Error(String(e)) };
      }
      const failed = res.error !== undefined;
      history?.record({
        time: started,
        durationMs: clock() - started,
        receiver: ctx.receiver,
        integration: notifier.integration,
        index: notifier.index,
        groupKey: ctx.groupKey,
        groupLabels: ctx.groupLabels.toObject(),
        alerts: fps,
        firing: nFiring,
        resolved: payload.length - nFiring,
        attempt,
        status: failed ? 'failed' : 'success',
        willRetry: failed && res.retry && !ctx.signal.aborted,
        ...(failed ? { error: res.error!.message } : {}),
      });
      if (!failed) return alerts;
      lastErr = res.error;
      if (!res.retry) {
        throw new Error(
          `${integrationName(ctx, notifier)}: notify retry canceled due to unrecoverable error after ${attempt} attempts: ${lastErr!.message}`,
        );
      }
      const jitter = 1 + backoff.randomization * (2 * Math.random() - 1);
      await sleep(wait * jitter, ctx.signal);
      wait = Math.min(wait * backoff.multiplier, backoff.maxMs);
    }
  };
}

/** `receiver/integration[index]`, as Alertmanager names an integration in errors. */
const integrationName = (ctx: FlushContext, n: Notifier) => `${ctx.receiver}/${n.integration}[${n.index}]`;

/** Records the successful notification in the log (firing and resolved fingerprints). */
export function setNotifiesStage(nflog: NotificationLog, receiverKey: string): Stage {
  return (ctx, alerts) => {
    const { firing, resolved } = splitByState(alerts, ctx.now);
    nflog.log(ctx.groupKey, receiverKey, firing, resolved);
    return alerts;
  };
}

export interface ReceiverPipelineDeps {
  inhibitor: Muter;
  silences: Muter;
  timeIntervals: () => TimeIntervals;
  nflog: NotificationLog;
  history?: NotificationHistory;
  backoff?: BackoffOptions;
}

/** The whole pipeline of one receiver. */
export function receiverPipeline(receiver: string, notifiers: readonly Notifier[], deps: ReceiverPipelineDeps): Stage {
  const perIntegration = notifiers.map((n) => {
    const key = `${receiver}/${n.integration}/${n.index}`;
    return multiStage(
      waitStage(),
      dedupStage(deps.nflog, key, n.sendResolved),
      retryStage(n, deps.history, deps.backoff),
      setNotifiesStage(deps.nflog, key),
    );
  });
  return multiStage(
    muteStage(deps.inhibitor),
    timeActiveStage(deps.timeIntervals),
    timeMuteStage(deps.timeIntervals),
    muteStage(deps.silences),
    fanoutStage(perIntegration),
  );
}
