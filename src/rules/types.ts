/** Shared types of the rule engine: alert states, what an AlertSender receives, rule health. */
import type { Labels } from '../model/index.ts';

export type AlertState = 'inactive' | 'pending' | 'firing';
export type RuleHealth = 'unknown' | 'ok' | 'err';

/** One alert of an alerting rule (times in ms since the epoch; 0 = unset). */
export interface Alert {
  state: AlertState;
  labels: Labels;
  annotations: Record<string, string>;
  value: number;
  activeAt: number;
  firedAt: number;
  resolvedAt: number;
  /** -Infinity until first sent. */
  lastSentAt: number;
  validUntil: number;
  keepFiringSince: number;
}

/** An alert as handed to an Alertmanager (API v2 postable alert). */
export interface SentAlert {
  labels: Record<string, string>;
  annotations: Record<string, string>;
  startsAt: string;
  endsAt: string;
  generatorURL: string;
}

/** Where alerts go: the built-in alert manager, Alertmanagers over HTTP, or a test double. */
export interface AlertSender {
  send(alerts: SentAlert[]): void;
}

/**
 * Go's time.Time JSON/RFC3339Nano form of a ms timestamp (trailing zero fraction trimmed). With `zeroIsUnset`,
 * 0 prints as Go's zero time (a rule never evaluated).
 */
export function rfc3339(ms: number, zeroIsUnset = false): string {
  if (zeroIsUnset && ms === 0) return '0001-01-01T00:00:00Z';
  const iso = new Date(ms).toISOString();
  return iso.replace(/\.(\d*?)0*Z$/, (_m, f: string) => (f ? `.${f}Z` : 'Z'));
}
