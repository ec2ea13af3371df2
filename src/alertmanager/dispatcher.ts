/**
 * The dispatcher (Alertmanager's dispatch package): every stored alert is routed; each matching route
 * puts it in the aggregation group for (route, group labels). A group's first flush comes group_wait after
 * the group was created (at once if its alert started more than group_wait ago), then one every
 * group_interval; the pipeline's dedup stage decides whether a flush actually notifies (new alerts,
 * resolutions, or repeat_interval passed). After a successful flush the resolved alerts that were sent,
 * and not updated meanwhile, leave the group; empty groups are removed by the periodic maintenance.
 */

import type { Labels } from '../model/index.ts';
import type { AlertStore } from './alert-store.ts';
import { FlushCancellation } from './cancellation.ts';
import { FlushSlots } from './flush-slots.ts';
import type { FlushContext } from './pipeline.ts';
import { compareLabelSets, groupKey, type Route } from './route.ts';
import { type Alert, isResolvedAt } from './types.ts';

/** Notifies a group's alerts; resolves true when every integration succeeded. */
export type NotifyFn = (ctx: FlushContext, alerts: Alert[]) => Promise<boolean>;

export interface DispatcherOptions {
  route: Route;
  store: AlertStore;
  notify: NotifyFn;
  now: () => number;
  externalURL?: string;
  /** Lower bound for a flush's deadline (Alertmanager: 10s). */
  minFlushTimeoutMs?: number;
  /** How often empty groups are removed (Alertmanager: 30s). */
  maintenanceIntervalMs?: number;
  onError?: (groupKey: string, err: unknown) => void;
}

/** Alertmanager's alert order in a notification: by job, then instance, then the whole label set. */
export function compareAlerts(a: Alert, b: Alert): number {
  for (const k of ['job', 'instance']) {
    const ai = a.labels.has(k);
    const bi = b.labels.has(k);
    if (!ai && !bi) continue;
    if (!ai) return 1;
    if (!bi) return -1;
    const av = a.labels.get(k);
    const bv = b.labels.get(k);
    if (av !== bv) return av < bv ? -1 : 1;
  }
  return compareLabelSets(a.labels, b.labels);
}

export class AggregationGroup {
  readonly key: string;
  readonly alerts = new Map<string, Alert>();
  private timer: NodeJS.Timeout | null = null;
  private immediate: NodeJS.Immediate | null = null;
  private hasFlushed = false;
  private flushing = false;
  private flushPending = false;
  private stopped = false;
  /** The running flush's controller, aborted by stop(). */
  private inFlight: FlushCancellation | null = null;
  private readonly onTimer = () => this.tick();

  constructor(
    readonly route: Route,
    readonly labels: Labels,
    private readonly d: Dispatcher,
  ) {
    this.key = groupKey(route, labels);
    this.schedule(route.config.group_wait);
  }

  get receiver(): string {
    return this.route.receiver;
  }

  private schedule(ms: number): void {
    if (this.stopped) return;
    this.cancelTimer();
    // setTimeout(0) waits at least 1 ms; a flush that is due now runs at the end of this event-loop turn.
    if (ms <= 0) this.immediate = setImmediate(this.onTimer);
    else this.timer = setTimeout(this.onTimer, ms);
  }

  private cancelTimer(): void {
    if (this.timer) clearTimeout(this.timer);
    if (this.immediate) clearImmediate(this.immediate);
    this.timer = null;
    this.immediate = null;
  }

  insert(a: Alert): void {
    this.alerts.set(a.fingerprint, a);
    // An alert that started more than group_wait ago is flushed right away.
    if (!this.hasFlushed && !this.immediate && a.startsAt + this.route.config.group_wait < this.d.now())
      this.schedule(0);
  }

  isEmpty(): boolean {
    return this.alerts.size === 0;
  }

  private tick(): void {
    this.timer = null;
    this.immediate = null;
    this.schedule(this.route.config.group_interval);
    this.hasFlushed = true;
    if (this.flushing) {
      // A slow flush is still running: flush again right after it (one pending flush at most).
      this.flushPending = true;
      return;
    }
    this.startFlush();
  }

  /** Flushes once the receiver has a free flush slot (see FlushSlots). */
  private startFlush(): void {
    if (this.isEmpty() || this.stopped) return;
    this.flushing = true;
    this.d.flushSlots(this.route.receiver).run(this.flushNow);
  }

  private readonly flushNow = () => this.flush();

  /** Resolves true when the notification went out (for the receiver's flush slots). */
  private async flush(): Promise<boolean> {
    // The group may have emptied or stopped while it waited for a slot.
    if (this.isEmpty() || this.stopped) {
      this.flushing = false;
      return false;
    }
    const now = this.d.now();
    const cfg = this.route.config;
    const snapshot: Alert[] = [];
    const resolved: Alert[] = [];
    for (const a of this.alerts.values()) {
      if (isResolvedAt(a, now)) resolved.push(a);
      // Firing or resolved is judged at `now` by every stage (a firing alert goes out without its future
      // endsAt, see toNotifyAlert), so an alert cannot resolve in flight and needs no copy here.
      snapshot.push(a);
    }
    snapshot.sort(compareAlerts);
    const deadline = Math.max(cfg.group_interval, this.d.minFlushTimeoutMs);
    // An own cancellation and timer (not AbortSignal.timeout, whose weakly held signal can be collected
    // while a stuck notifier is awaited, so the deadline would never fire).
    const flushAbort = new FlushCancellation();
    this.inFlight = flushAbort;
    const deadlineTimer = setTimeout(() => flushAbort.abort(new Error('flush deadline exceeded')), deadline);
    const ctx: FlushContext = {
      receiver: this.route.receiver,
      groupKey: this.key,
      groupLabels: this.labels,
      now,
      repeatInterval: cfg.repeat_interval,
      muteTimeIntervals: cfg.mute_time_intervals,
      activeTimeIntervals: cfg.active_time_intervals,
      signal: flushAbort,
      externalURL: this.d.externalURL,
    };
    let ok = false;
    try {
      ok = await this.d.notifyFn(ctx, snapshot);
      if (ok) {
        for (const r of resolved) {
          const cur = this.alerts.get(r.fingerprint);
          if (cur && cur.updatedAt === r.updatedAt) this.alerts.delete(r.fingerprint);
        }
      }
    } catch (e) {
      this.d.onError(this.key, e);
    } finally {
      clearTimeout(deadlineTimer);
      this.inFlight = null;
      this.flushing = false;
    }
    if (this.flushPending && !this.stopped) {
      this.flushPending = false;
      this.startFlush();
    }
    return ok;
  }

  stop(): void {
    this.stopped = true;
    this.cancelTimer();
    this.inFlight?.abort(new Error('alert manager stopped'));
  }
}

export class Dispatcher {
  /** route id -> group labels key -> group */
  private readonly groupsByRoute = new Map<string, Map<string, AggregationGroup>>();
  private readonly slotsByReceiver = new Map<string, FlushSlots>();
  private unsubscribe: (() => void) | null = null;
  private maintenance: NodeJS.Timeout | null = null;
  readonly now: () => number;
  readonly notifyFn: NotifyFn;
  readonly externalURL: string;
  readonly minFlushTimeoutMs: number;
  readonly onError: (groupKey: string, err: unknown) => void;

  constructor(private readonly opts: DispatcherOptions) {
    this.now = opts.now;
    this.notifyFn = opts.notify;
    this.externalURL = opts.externalURL ?? '';
    this.minFlushTimeoutMs = opts.minFlushTimeoutMs ?? 10_000;
    this.onError = opts.onError ?? (() => {});
  }

  start(): void {
    for (const a of this.opts.store.list()) this.process(a);
    this.unsubscribe = this.opts.store.subscribe((a) => this.process(a));
    const every = this.opts.maintenanceIntervalMs ?? 30_000;
    this.maintenance = setInterval(() => this.removeEmptyGroups(), every);
    this.maintenance.unref?.();
  }

  process(a: Alert): void {
    for (const r of this.opts.route.match(a.labels)) {
      const gl = r.groupLabels(a.labels);
      let groups = this.groupsByRoute.get(r.id);
      if (!groups) {
        groups = new Map();
        this.groupsByRoute.set(r.id, groups);
      }
      const k = gl.flat.join('\u0000');
      let g = groups.get(k);
      if (!g) {
        g = new AggregationGroup(r, gl, this);
        groups.set(k, g);
      }
      g.insert(a);
    }
  }

  flushSlots(receiver: string): FlushSlots {
    let s = this.slotsByReceiver.get(receiver);
    if (!s) {
      s = new FlushSlots();
      this.slotsByReceiver.set(receiver, s);
    }
    return s;
  }

  removeEmptyGroups(): void {
    for (const groups of this.groupsByRoute.values()) {
      for (const [k, g] of groups) {
        if (g.isEmpty()) {
          g.stop();
          groups.delete(k);
        }
      }
    }
  }

  groups(): AggregationGroup[] {
    const out: AggregationGroup[] = [];
    for (const groups of this.groupsByRoute.values()) out.push(...groups.values());
    return out;
  }

  stop(): void {
    this.unsubscribe?.();
    this.unsubscribe = null;
    if (this.maintenance) clearInterval(this.maintenance);
    this.maintenance = null;
    for (const g of this.groups()) g.stop();
    this.groupsByRoute.clear();
    for (const s of this.slotsByReceiver.values()) s.close();
  }
}
