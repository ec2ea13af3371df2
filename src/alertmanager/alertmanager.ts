/**
 * The alert manager service: alert store, silences, inhibitor, notification log, history, dispatcher and
 * the per-receiver pipelines, wired from one alertmanager.yml. applyConfig swaps routes, receivers,
 * inhibition rules and time intervals while keeping alerts, silences, the log and the history.
 */
import { mkdirSync } from 'node:fs';
import type { AlertmanagerConfig } from '../config/alertmanager-index.ts';
import { isWellFormed, Labels } from '../model/index.ts';
import { AlertStore } from './alert-store.ts';
import { Dispatcher } from './dispatcher.ts';
import { fingerprintLabels } from './fingerprint.ts';
import { NotificationHistory } from './history.ts';
import { Inhibitor } from './inhibit.ts';
import { NotificationLog } from './nflog.ts';
import { type Notifier, type NotifierFactory, noNotifiers } from './notifier.ts';
import { type BackoffOptions, receiverPipeline, type Stage } from './pipeline.ts';
import { compareLabelSets, Route } from './route.ts';
import { Silences } from './silences.ts';
import { TimeIntervals } from './time-interval.ts';
import { type Alert, isResolvedAt, withSortedKeys } from './types.ts';

/** pino-compatible subset. */
export interface AmLogger {
  debug(obj: object | string, msg?: string): void;
  info(obj: object | string, msg?: string): void;
  warn(obj: object | string, msg?: string): void;
  error(obj: object | string, msg?: string): void;
}

const silentLogger: AmLogger = { debug() {}, info() {}, warn() {}, error() {} };

export interface AlertmanagerOptions {
  config: AlertmanagerConfig;
  /** Folder for silences.json, nflog.jsonl and notifications.jsonl; memory only when unset. */
  dataDir?: string;
  notifierFactory?: NotifierFactory;
  logger?: AmLogger;
  /** Clock (ms); default Date.now. Timers still run on real time. */
  now?: () => number;
  externalURL?: string;
  /** Retry backoff of notifications. */
  backoff?: BackoffOptions;
  /** Lower bound of a flush deadline (default 10s). */
  minFlushTimeoutMs?: number;
  /** Empty-group removal period (default 30s). */
  maintenanceIntervalMs?: number;
  /** GC of resolved alerts, expired silences and old log entries (default 15 min). */
  gcIntervalMs?: number;
  silenceRetentionMs?: number;
  nflogRetentionMs?: number;
  historyRetentionMs?: number;
}

/** An alert as posted to the API (times as ms; 0/undefined = unset). */
export interface PostableAlert {
  labels: Record<string, string>;
  annotations?: Record<string, string>;
  startsAt?: number;
  endsAt?: number;
  generatorURL?: string;
}

export interface AlertStatus {
  state: 'unprocessed' | 'active' | 'suppressed';
  silencedBy: string[];
  inhibitedBy: string[];
  mutedBy: string[];
}

export interface AlertFilter {
  /** default true for each */
  active?: boolean;
  silenced?: boolean;
  inhibited?: boolean;
  unprocessed?: boolean;
  /** Label matchers the alert must match. */
  matchers?: import('../model/index.ts').Matcher[];
  /** Anchored RE2 on receiver names (any of the alert's receivers). */
  receiver?: { matches(s: string): boolean };
}

export interface AlertView {
  alert: Alert;
  status: AlertStatus;
  receivers: string[];
}

export interface GroupView {
  labels: Labels;
  receiver: string;
  groupKey: string;
  alerts: AlertView[];
}

function validateLabelSet(ls: Record<string, string>, what: string): string | undefined {
  for (const k in ls) {
    const v = ls[k];
    if (k === '' || !isWellFormed(k)) return `invalid ${what} name ${JSON.stringify(k)}`;
    if (typeof v !== 'string' || !isWellFormed(v)) return `invalid ${what} value for ${JSON.stringify(k)}`;
  }
  return undefined;
}

function hasNonEmptyValue(ls: Record<string, string>): boolean {
  for (const k in ls) if (ls[k] !== '') return true;
  return false;
}

export class Alertmanager {
  readonly store: AlertStore;
  readonly silences: Silences;
  readonly nflog: NotificationLog;
  readonly history: NotificationHistory;
  readonly startedAt: number;
  private cfg!: AlertmanagerConfig;
  private route!: Route;
  private inhibitor!: Inhibitor;
  private intervals!: TimeIntervals;
  private pipelines = new Map<string, Stage>();
  private dispatcher: Dispatcher | null = null;
  private gcTimer: NodeJS.Timeout | null = null;
  private readonly now: () => number;
  private readonly log: AmLogger;
  private readonly factory: NotifierFactory;

  constructor(private readonly opts: AlertmanagerOptions) {
    this.now = opts.now ?? Date.now;
    this.log = opts.logger ?? silentLogger;
    this.factory = opts.notifierFactory ?? noNotifiers;
    if (opts.dataDir) mkdirSync(opts.dataDir, { recursive: true });
    this.startedAt = this.now();
    this.store = new AlertStore(this.now);
    this.silences = new Silences({ dataDir: opts.dataDir, now: this.now, retention: opts.silenceRetentionMs });
    const onWriteError = (what: string) => (err: unknown) =>
      this.log.error({ err: String((err as Error)?.message ?? err) }, `writing the ${what} failed`);
    this.nflog = new NotificationLog({
      dataDir: opts.dataDir,
      now: this.now,
      retention: opts.nflogRetentionMs,
      onWriteError: onWriteError('notification log'),
    });
    this.history = new NotificationHistory({
      dataDir: opts.dataDir,
      now: this.now,
      retention: opts.historyRetentionMs,
      onWriteError: onWriteError('notification history'),
    });
    this.applyConfig(opts.config);
    this.gcTimer = setInterval(() => this.gc(), opts.gcIntervalMs ?? 15 * 60_000);
    this.gcTimer.unref?.();
  }

  get config(): AlertmanagerConfig {
    return this.cfg;
  }

  get routeTree(): Route {
    return this.route;
  }

  /** Loads a new config; alerts, silences, the notification log and the history are kept. */
  applyConfig(cfg: AlertmanagerConfig): void {
    const route = new Route(cfg.route);
    const pipelines = new Map<string, Stage>();
    const intervals = new TimeIntervals(cfg.time_intervals);
    for (const r of cfg.receivers) {
      let notifiers: Notifier[];
      try {
        notifiers = this.factory(r, cfg.global, cfg.templates);
      } catch (e) {
        throw new Error(`receiver ${JSON.stringify(r.name)}: ${(e as Error).message}`);
      }
      pipelines.set(
        r.name,
        receiverPipeline(r.name, notifiers, {
          inhibitor: { mutes: (l) => this.inhibitor.mutes(l) },
          silences: this.silences,
          timeIntervals: () => this.intervals,
          nflog: this.nflog,
          history: this.history,
          backoff: this.opts.backoff,
        }),
      );
    }
    this.dispatcher?.stop();
    this.inhibitor?.stop();
    this.cfg = cfg;
    this.route = route;
    this.intervals = intervals;
    this.pipelines = pipelines;
    this.inhibitor = new Inhibitor(cfg.inhibit_rules, this.store, this.now);
    this.dispatcher = new Dispatcher({
      route,
      store: this.store,
      now: this.now,
      externalURL: this.opts.externalURL,
      minFlushTimeoutMs: this.opts.minFlushTimeoutMs,
      maintenanceIntervalMs: this.opts.maintenanceIntervalMs,
      notify: async (ctx, alerts) => {
        const p = this.pipelines.get(ctx.receiver);
        if (!p) return true;
        await p(ctx, alerts);
        return true;
      },
      onError: (groupKey, err) =>
        this.log.error({ groupKey, err: String((err as Error)?.message ?? err) }, 'notify failed'),
    });
    this.dispatcher.start();
  }

  /**
   * Validates and stores alerts as Alertmanager's POST /api/v2/alerts does: startsAt defaults to now (or
   * endsAt), an alert without endsAt resolves after resolve_timeout unless updated. Valid alerts are stored
   * even when others are rejected; `errors` lists the rejected ones.
   */
  putAlerts(inputs: readonly PostableAlert[]): { accepted: number; errors: string[] } {
    const now = this.now();
    const errors: string[] = [];
    let accepted = 0;
    for (const input of inputs) {
      const labels = input.labels ?? {};
      let err = validateLabelSet(labels, 'label');
      // Empty values mean "no such label" (Alertmanager drops them before validating).
      if (!err && !hasNonEmptyValue(labels)) err = 'at least one label pair required';
      if (!err) err = validateLabelSet(input.annotations ?? {}, 'annotation');
      let startsAt = input.startsAt ?? 0;
      let endsAt = input.endsAt ?? 0;
      if (!startsAt) startsAt = endsAt || now;
      let timeout = false;
      if (!endsAt) {
        timeout = true;
        endsAt = now + this.cfg.global.resolve_timeout;
      }
      if (!err && endsAt < startsAt) err = 'start time must be before end time';
      if (err) {
        errors.push(`${err}: ${JSON.stringify(labels)}`);
        continue;
      }
      const ls = Labels.fromObject(labels);
      this.store.put({
        labels: ls,
        fingerprint: fingerprintLabels(ls),
        annotations: input.annotations ? withSortedKeys(input.annotations, true) : {},
        startsAt,
        endsAt,
        generatorURL: input.generatorURL ?? '',
        updatedAt: now,
        timeout,
      });
      accepted++;
    }
    return { accepted, errors };
  }

  /**
   * Resolves once the flushes that putAlerts made due at once (group_wait: 0s, or alerts that started more
   * than group_wait ago) have handed their notifications to the notifiers: they run from setImmediate, and
   * this is the next one. The API acknowledges a POST after that, so on a busy machine the reply (which wakes
   * the sender) does not get ahead of the notification.
   */
  dueFlushesStarted(): Promise<void> {
    // The notification HTTP client writes a request in the same turn as the flush that sends it (the flushes
    // of a large burst wait for a flush slot, and are not waited for here).
    return new Promise((resolve) => setImmediate(resolve));
  }

  /** Receivers an alert is routed to, in routing order. */
  receiversFor(labels: Labels): string[] {
    return this.route.match(labels).map((r) => r.receiver);
  }

  /**
   * Silence, inhibition and time-interval status, computed now (as the API does before listing). `mutedBy`
   * names the time intervals that currently keep the alert's routes quiet (mute_time_intervals in force, or
   * active_time_intervals not in force).
   */
  statusOf(a: Alert, routes: readonly Route[] = this.route.match(a.labels)): AlertStatus {
    const silencedBy = this.silences.mutes(a.labels);
    const inhibitedBy = this.inhibitor.mutes(a.labels);
    const now = this.now();
    const muted = new Set<string>();
    for (const r of routes) {
      for (const n of this.intervals.containing(r.config.mute_time_intervals, now)) muted.add(n);
      const active = r.config.active_time_intervals;
      if (active.length > 0 && this.intervals.containing(active, now).length === 0)
        for (const n of active) muted.add(n);
    }
    const mutedBy = [...muted].sort();
    return {
      state: silencedBy.length || inhibitedBy.length || mutedBy.length ? 'suppressed' : 'active',
      silencedBy,
      inhibitedBy,
      mutedBy,
    };
  }

  private passes(a: Alert, status: AlertStatus, f: AlertFilter, now: number): boolean {
    if (isResolvedAt(a, now)) return false;
    if (f.active === false && status.state === 'active') return false;
    if (f.unprocessed === false && status.state === 'unprocessed') return false;
    if (f.silenced === false && status.silencedBy.length > 0) return false;
    if (f.inhibited === false && status.inhibitedBy.length > 0) return false;
    if (f.matchers) for (const m of f.matchers) if (!m.matches(a.labels.get(m.name))) return false;
    return true;
  }

  /** Alerts for GET /api/v2/alerts: not resolved, filtered, sorted by fingerprint. */
  listAlerts(f: AlertFilter = {}): AlertView[] {
    const now = this.now();
    const out: AlertView[] = [];
    for (const a of this.store.list()) {
      const routes = this.route.match(a.labels);
      const status = this.statusOf(a, routes);
      if (!this.passes(a, status, f, now)) continue;
      const receivers = routes.map((r) => r.receiver);
      if (f.receiver && !receivers.some((r) => f.receiver!.matches(r))) continue;
      out.push({ alert: a, status, receivers });
    }
    return out.sort((x, y) =>
      x.alert.fingerprint < y.alert.fingerprint ? -1 : x.alert.fingerprint > y.alert.fingerprint ? 1 : 0,
    );
  }

  /** Aggregation groups for GET /api/v2/alerts/groups. */
  listGroups(f: AlertFilter = {}): GroupView[] {
    const now = this.now();
    const out: GroupView[] = [];
    for (const g of this.dispatcher?.groups() ?? []) {
      if (f.receiver && !f.receiver.matches(g.receiver)) continue;
      const alerts: AlertView[] = [];
      for (const a of g.alerts.values()) {
        const routes = this.route.match(a.labels);
        const status = this.statusOf(a, routes);
        if (!this.passes(a, status, f, now)) continue;
        // As Alertmanager: every receiver the alert is routed to, not only this group's.
        alerts.push({ alert: a, status, receivers: routes.map((r) => r.receiver) });
      }
      if (alerts.length === 0) continue;
      alerts.sort((x, y) => (x.alert.fingerprint < y.alert.fingerprint ? -1 : 1));
      out.push({ labels: g.labels, receiver: g.receiver, groupKey: g.key, alerts });
    }
    return out.sort((a, b) => {
      const c = compareLabelSets(a.labels, b.labels);
      return c || (a.receiver < b.receiver ? -1 : a.receiver > b.receiver ? 1 : 0);
    });
  }

  /** Removes resolved alerts, expired silences past retention and old log entries. */
  gc(): void {
    this.store.gc();
    this.silences.gc();
    this.nflog.gc();
    this.history.gc();
  }

  stop(): void {
    if (this.gcTimer) clearInterval(this.gcTimer);
    this.gcTimer = null;
    this.dispatcher?.stop();
    this.dispatcher = null;
    this.inhibitor?.stop();
    // Entries are appended in batches: write out the last ones.
    this.nflog.close();
    this.history.close();
  }
}
