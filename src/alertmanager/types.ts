/**
 * The alert as the alert manager keeps it (Alertmanager's types.Alert): a label set with a fingerprint,
 * annotations, and the activity range. Times are ms since the epoch; 0 means unset (Go's zero time).
 */
import type { Labels } from '../model/index.ts';

export interface Alert {
  labels: Labels;
  /** 16 hex digits: FNV-1a 64 of the sorted label pairs, as Prometheus's model.Fingerprint prints it. */
  fingerprint: string;
  annotations: Record<string, string>;
  startsAt: number;
  /** 0 = unset; otherwise the alert is resolved once now >= endsAt. */
  endsAt: number;
  generatorURL: string;
  updatedAt: number;
  /** endsAt was set by resolve_timeout, not by the sender. */
  timeout: boolean;
}

export function isResolvedAt(a: Alert, now: number): boolean {
  return a.endsAt !== 0 && a.endsAt <= now;
}

/** Alertmanager's Alert.Merge: `o` is the newer update of the same alert. */
export function mergeAlerts(a: Alert, o: Alert, now: number): Alert {
  if (o.updatedAt < a.updatedAt) return mergeAlerts(o, a, now);
  const res: Alert = { ...o };
  if (a.startsAt < o.startsAt) res.startsAt = a.startsAt;
  if (isResolvedAt(o, now)) {
    // Both resolved: the latest explicit resolve time wins.
    if (isResolvedAt(a, now) && a.endsAt > o.endsAt) res.endsAt = a.endsAt;
  } else if (a.endsAt > o.endsAt && !a.timeout) {
    // A sender-given end time that is later beats a timeout.
    res.endsAt = a.endsAt;
  }
  return res;
}

/** What a notifier gets: plain data, compatible with src/template's AlertInput. */
export interface AlertForNotify {
  labels: Record<string, string>;
  annotations: Record<string, string>;
  startsAt: number;
  /** 0 for firing alerts (Alertmanager clears it so alerts do not "resolve" while in flight). */
  endsAt: number;
  generatorURL: string;
  fingerprint: string;
  status: 'firing' | 'resolved';
}

export function toNotifyAlert(a: Alert, now: number): AlertForNotify {
  const resolved = isResolvedAt(a, now);
  return {
    labels: a.labels.toObject(),
    annotations: a.annotations,
    startsAt: a.startsAt,
    endsAt: resolved ? a.endsAt : 0,
    generatorURL: a.generatorURL,
    fingerprint: a.fingerprint,
    status: resolved ? 'resolved' : 'firing',
  };
}

function inOrder(keys: readonly string[]): boolean {
  for (let i = 1; i < keys.length; i++) if ((keys[i] as string) < (keys[i - 1] as string)) return false;
  return true;
}

/** The record's keys in sorted order (as Go writes maps); sorted only when they are not already. */
export function sortedKeys(r: Record<string, string>): string[] {
  const keys = Object.keys(r);
  return inOrder(keys) ? keys : keys.sort();
}

/**
 * The record with its keys in sorted order: the same object when they already are, unless `copy` asks for
 * a new one either way (the alert manager stores annotations so, and notifications need not sort them).
 */
export function withSortedKeys(r: Record<string, string>, copy = false): Record<string, string> {
  const keys = Object.keys(r);
  const sorted = inOrder(keys);
  if (sorted && !copy) return r;
  if (!sorted) keys.sort();
  const out: Record<string, string> = {};
  for (const k of keys) out[k] = r[k] as string;
  return out;
}
