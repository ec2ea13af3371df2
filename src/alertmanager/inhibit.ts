/**
 * The inhibitor (Alertmanager's inhibit package): a firing source alert mutes target alerts that have the
 * same values for the `equal` labels. An alert matching both sides is never muted by an alert that also
 * matches both sides, so an alert cannot inhibit itself.
 */
import type { InhibitRule } from '../config/alertmanager-index.ts';
import type { Labels, Matcher } from '../model/index.ts';
import type { AlertStore } from './alert-store.ts';
import { type Alert, isResolvedAt } from './types.ts';

function allMatch(ms: readonly Matcher[], labels: Labels): boolean {
  for (const m of ms) if (!m.matches(labels.get(m.name))) return false;
  return true;
}

class Rule {
  /** Source alerts by fingerprint. */
  readonly sources = new Map<string, Alert>();
  constructor(readonly cfg: InhibitRule) {}

  /** Fingerprint of a firing source alert with equal labels, or ''. */
  inhibitingSource(target: Labels, excludeTwoSided: boolean, now: number): string {
    for (const [fp, a] of this.sources) {
      if (isResolvedAt(a, now)) continue;
      if (excludeTwoSided && allMatch(this.cfg.target_matchers, a.labels)) continue;
      let eq = true;
      for (const l of this.cfg.equal) {
        if (a.labels.get(l) !== target.get(l)) {
          eq = false;
          break;
        }
      }
      if (eq) return fp;
    }
    return '';
  }
}

export class Inhibitor {
  private readonly rules: Rule[];
  private readonly unsubscribe: (() => void)[] = [];

  constructor(
    rules: readonly InhibitRule[],
    store: AlertStore,
    private readonly now: () => number,
  ) {
    this.rules = rules.map((r) => new Rule(r));
    for (const a of store.list()) this.observe(a);
    this.unsubscribe.push(store.subscribe((a) => this.observe(a)));
    this.unsubscribe.push(
      store.onGC((a) => {
        for (const r of this.rules) r.sources.delete(a.fingerprint);
      }),
    );
  }

  private observe(a: Alert): void {
    for (const r of this.rules) if (allMatch(r.cfg.source_matchers, a.labels)) r.sources.set(a.fingerprint, a);
  }

  /** Fingerprints of the alerts inhibiting these labels (at most one, as in Alertmanager), or []. */
  mutes(labels: Labels): string[] {
    const now = this.now();
    for (const r of this.rules) {
      if (!allMatch(r.cfg.target_matchers, labels)) continue;
      const fp = r.inhibitingSource(labels, allMatch(r.cfg.source_matchers, labels), now);
      if (fp) return [fp];
    }
    return [];
  }

  stop(): void {
    for (const u of this.unsubscribe) u();
    this.unsubscribe.length = 0;
  }
}
