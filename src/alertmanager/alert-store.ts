/**
 * The alert store (Alertmanager's mem provider): alerts by fingerprint, updates merged as Alertmanager
 * merges them, listeners told of every stored update, and GC of resolved alerts (aggregation groups keep
 * their own copies, so GC never loses a pending resolved notification).
 */
import { type Alert, isResolvedAt, mergeAlerts } from './types.ts';

export type AlertListener = (a: Alert) => void;

export class AlertStore {
  private readonly alerts = new Map<string, Alert>();
  private readonly listeners = new Set<AlertListener>();
  private readonly gcListeners = new Set<(a: Alert) => void>();

  constructor(private readonly now: () => number) {}

  /** Stores one alert, merging with the stored one when their activity ranges overlap. Returns what is stored. */
  put(alert: Alert): Alert {
    let a = alert;
    const old = this.alerts.get(a.fingerprint);
    if (old) {
      const overlap =
        (a.endsAt > old.startsAt && a.endsAt < old.endsAt) || (a.startsAt > old.startsAt && a.startsAt < old.endsAt);
      if (overlap) a = mergeAlerts(old, a, this.now());
    }
    this.alerts.set(a.fingerprint, a);
    for (const l of this.listeners) l(a);
    return a;
  }

  get(fingerprint: string): Alert | undefined {
    return this.alerts.get(fingerprint);
  }

  list(): Alert[] {
    return [...this.alerts.values()];
  }

  get size(): number {
    return this.alerts.size;
  }

  subscribe(fn: AlertListener): () => void {
    this.listeners.add(fn);
    return () => this.listeners.delete(fn);
  }

  onGC(fn: (a: Alert) => void): () => void {
    this.gcListeners.add(fn);
    return () => this.gcListeners.delete(fn);
  }

  /** Deletes resolved alerts; returns how many. */
  gc(): number {
    const now = this.now();
    let n = 0;
    for (const [fp, a] of this.alerts) {
      if (!isResolvedAt(a, now)) continue;
      this.alerts.delete(fp);
      n++;
      for (const l of this.gcListeners) l(a);
    }
    return n;
  }
}
