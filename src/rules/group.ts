/**
 * A rule group: rules evaluated in order at aligned timestamps. Appends recording results and ALERTS series,
 * writes staleness markers for series that disappear, sends alerts, restores `for` state on first run.
 */
import { equalMatcher, Labels, type Matcher, STALE_NAN } from '../model/index.ts';
import type { Sample, Vector } from '../promql/index.ts';
import type { Appendable } from '../tsdb/index.ts';
import { AlertingRule, pairsKey } from './alerting-rule.ts';
import type { AsyncRuleQuerier } from './query.ts';
import type { RecordingRule, Rule } from './recording-rule.ts';
import type { TemplateEnv, TemplateSample } from './template-expand.ts';
import type { AlertSender } from './types.ts';

/** A group evaluated in the background yields to the event loop after this much work. */
const YIELD_EVERY_MS = 10;

export interface GroupDeps extends TemplateEnv {
  appendable: Appendable;
  sender?: AlertSender;
  resendDelay: number;
  outageTolerance: number;
  forGracePeriod: number;
  now: () => number;
  logger?: { warn(obj: object, msg: string): void };
  /**
   * When it returns a querier (datasource mode), background evaluations query through it instead of the local
   * engine; results are still appended locally and alerts sent through `sender`.
   */
  asyncQuerier?: () => AsyncRuleQuerier | null;
}

export interface GroupSpec {
  name: string;
  file: string;
  interval: number;
  queryOffset: number;
  limit: number;
  rules: Rule[];
}

export class RuleGroup {
  readonly name: string;
  readonly file: string;
  readonly interval: number;
  readonly queryOffset: number;
  readonly limit: number;
  readonly rules: Rule[];
  private readonly deps: GroupDeps;
  /** Series written by each rule in the previous evaluation (hash -> labels), for staleness markers. */
  private seriesInPreviousEval: Map<number, Labels>[];
  /** Series of rules dropped by a reload; marked stale at the next evaluation. */
  private staleSeries: Labels[] = [];
  shouldRestore = true;
  lastEvaluation = 0;
  evaluationTime = 0;
  lastEvalSamples = 0;
  evaluations = 0;
  failures = 0;
  missedIterations = 0;
  private timer: NodeJS.Timeout | null = null;
  private running = false;

  constructor(spec: GroupSpec, deps: GroupDeps) {
    this.name = spec.name;
    this.file = spec.file;
    this.interval = spec.interval;
    this.queryOffset = spec.queryOffset;
    this.limit = spec.limit;
    this.rules = spec.rules;
    this.deps = deps;
    this.seriesInPreviousEval = spec.rules.map(() => new Map());
  }

  /** Identity of the group across reloads. */
  key(): string {
    return groupKey(this.file, this.name);
  }

  /** True when the other group has the same settings and rules (a reload can keep this one running). */
  equals(o: RuleGroup): boolean {
    if (this.interval !== o.interval || this.queryOffset !== o.queryOffset || this.limit !== o.limit) return false;
    if (this.rules.length !== o.rules.length) return false;
    for (let i = 0; i < this.rules.length; i++) {
      const a = this.rules[i];
      const b = o.rules[i];
      if (a.key() !== b.key()) return false;
      if (a instanceof AlertingRule && b instanceof AlertingRule) {
        if (a.holdDuration !== b.holdDuration || a.keepFiringFor !== b.keepFiringFor) return false;
        if (pairsKey(a.annotations) !== pairsKey(b.annotations)) return false;
      }
    }
    return true;
  }

  /** Evaluation timestamp offset within the interval, derived from a hash of the group (spreads load). */
  offset(): number {
    return Labels.fromObject({ name: this.name, file: this.file }).hash() % this.interval;
  }

  /** The latest aligned evaluation time at or before `t`. */
  evalTimestamp(t: number): number {
    const off = this.offset();
    const adj = t - off;
    return adj - (((adj % this.interval) + this.interval) % this.interval) + off;
  }

  /** Evaluates every rule at `ts` (ms). Never throws: rule errors are recorded on the rule. */
  evaluate(ts: number): void {
    const start = performance.now();
    let samples = 0;
    for (let i = 0; i < this.rules.length; i++) samples += this.evalRule(i, ts);
    this.finishEvaluation(ts, start, samples);
  }

  /**
   * Like evaluate, but yields to the event loop between rules every few milliseconds so a large group does not
   * stall scrapes and API requests. Stops early (without recording an evaluation) when the group is stopped.
   */
  async evaluateAsync(ts: number): Promise<void> {
    const start = performance.now();
    let samples = 0;
    let lastYield = start;
    const remote = this.deps.asyncQuerier?.() ?? null;
    for (let i = 0; i < this.rules.length; i++) {
      if (remote) {
        samples += await this.evalRuleAsync(i, ts, remote);
        if (!this.running) return;
        continue;
      }
      if (performance.now() - lastYield > YIELD_EVERY_MS) {
        await new Promise<void>((r) => setImmediate(r));
        lastYield = performance.now();
        if (!this.running) return;
      }
      samples += this.evalRule(i, ts);
    }
    this.finishEvaluation(ts, start, samples);
  }

  /**
   * Evaluates rule i through an async querier: the expression first, then (for alerting rules with templates)
   * every `query` the templates make, fetched until the templates ask for nothing new, then the rule proper.
   */
  private async evalRuleAsync(i: number, ts: number, q: AsyncRuleQuerier): Promise<number> {
    const rule = this.rules[i];
    const qt = ts - this.queryOffset;
    const rStart = performance.now();
    let vec: Vector;
    const answers = new Map<string, TemplateSample[] | Error>();
    try {
      vec = await q.queryVector(rule.query, qt);
      if (rule instanceof AlertingRule && rule.templated) {
        for (let pass = 0; pass < 4; pass++) {
          const missing = new Set<string>();
          rule.expandTemplatesOnly(
            {
              ...this.deps,
              templateQuery: (query) => {
                const a = answers.get(query);
                if (a === undefined) missing.add(query);
                if (a instanceof Error) throw a;
                return a ?? [];
              },
            },
            vec,
            ts,
          );
          if (missing.size === 0) break;
          await Promise.all(
            [...missing].map((query) =>
              q.queryVector(query, ts).then(
                (v) =>
                  void answers.set(
                    query,
                    v.map((s) => ({ Labels: s.labels.toObject(), Value: s.v })),
                  ),
                (e: Error) => void answers.set(query, e),
              ),
            ),
          );
        }
      }
    } catch (e) {
      return this.evalRule(i, ts, e as Error, this.deps, rStart);
    }
    const env: GroupDeps = {
      ...this.deps,
      templateQuery: (query) => {
        const a = answers.get(query);
        if (a instanceof Error) throw a;
        return a ?? [];
      },
    };
    return this.evalRule(i, ts, vec, env, rStart);
  }

  private finishEvaluation(ts: number, start: number, samples: number): void {
    if (this.staleSeries.length > 0) this.cleanupStaleSeries(ts - this.queryOffset);
    this.evaluations++;
    this.lastEvalSamples = samples;
    this.lastEvaluation = ts;
    this.evaluationTime = performance.now() - start;
  }

  /**
   * Evaluates rule i, appends its samples and sends its alerts; returns the number of samples. `result` is the
   * expression's value (or the error) when it was queried elsewhere; `env` then answers template queries.
   */
  private evalRule(
    i: number,
    ts: number,
    result?: Vector | Error,
    env: GroupDeps = this.deps,
    rStart = performance.now(),
  ): number {
    const rule = this.rules[i];
    let vec: Sample[];
    try {
      if (result instanceof Error) throw result;
      vec =
        rule.kind === 'alerting'
          ? rule.eval(env, ts, this.queryOffset, this.limit, result)
          : (rule as RecordingRule).eval(
              this.deps.engine,
              this.deps.queryable,
              ts,
              this.queryOffset,
              this.limit,
              result,
            );
      rule.health = 'ok';
      rule.lastError = '';
    } catch (e) {
      rule.health = 'err';
      rule.lastError = (e as Error).message;
      this.failures++;
      rule.lastEvaluation = ts;
      rule.evaluationTime = performance.now() - rStart;
      this.deps.logger?.warn({ group: this.name, rule: rule.name, err: rule.lastError }, 'Evaluating rule failed');
      return 0;
    }
    if (rule instanceof AlertingRule && this.deps.sender) {
      const alerts = rule.alertsToSend(ts, this.deps.resendDelay, this.interval, this.deps.externalURL);
      if (alerts.length > 0) this.deps.sender.send(alerts);
    }
    this.appendWithStaleness(i, vec, ts);
    rule.lastEvaluation = ts;
    rule.evaluationTime = performance.now() - rStart;
    return vec.length;
  }

  private appendWithStaleness(i: number, vec: Sample[], ts: number): void {
    const app = this.deps.appendable.appender();
    const current = new Map<number, Labels>();
    for (const s of vec) {
      try {
        app.append(0, s.labels, s.t, s.v);
      } catch (e) {
        this.deps.logger?.warn({ group: this.name, err: (e as Error).message }, 'Rule sample appending failed');
      }
      current.set(s.labels.hash(), s.labels);
    }
    const staleT = ts - this.queryOffset;
    for (const [h, l] of this.seriesInPreviousEval[i]) {
      if (current.has(h)) continue;
      try {
        app.append(0, l, staleT, STALE_NAN);
      } catch {
        // Out of order / duplicate: the series got a newer sample elsewhere; nothing to mark.
      }
    }
    app.commit();
    this.seriesInPreviousEval[i] = current;
  }

  private cleanupStaleSeries(t: number): void {
    const app = this.deps.appendable.appender();
    for (const l of this.staleSeries) {
      try {
        app.append(0, l, t, STALE_NAN);
      } catch {
        // superseded by a newer sample
      }
    }
    app.commit();
    this.staleSeries = [];
  }

  /** Writes staleness markers for every series this group wrote (group removed or stopped for good). */
  markAllStale(ts: number): void {
    const app = this.deps.appendable.appender();
    for (const m of this.seriesInPreviousEval) {
      for (const l of m.values()) {
        try {
          app.append(0, l, ts, STALE_NAN);
        } catch {
          // already superseded
        }
      }
    }
    app.commit();
    this.seriesInPreviousEval = this.rules.map(() => new Map());
  }

  /** Takes over the evaluation state of the previous version of this group (reload). */
  copyState(old: RuleGroup): void {
    this.lastEvaluation = old.lastEvaluation;
    this.evaluationTime = old.evaluationTime;
    this.lastEvalSamples = old.lastEvalSamples;
    this.shouldRestore = old.shouldRestore;
    this.evaluations = old.evaluations;
    this.failures = old.failures;
    this.missedIterations = old.missedIterations;
    const oldByKey = new Map<string, number[]>();
    old.rules.forEach((r, i) => {
      const k = r.key();
      const l = oldByKey.get(k);
      if (l) l.push(i);
      else oldByKey.set(k, [i]);
    });
    const used = new Set<number>();
    this.rules.forEach((r, i) => {
      const idx = oldByKey.get(r.key())?.shift();
      if (idx !== undefined) used.add(idx);
      if (idx === undefined) return;
      const o = old.rules[idx];
      this.seriesInPreviousEval[i] = old.seriesInPreviousEval[idx];
      r.health = o.health;
      r.lastError = o.lastError;
      r.lastEvaluation = o.lastEvaluation;
      r.evaluationTime = o.evaluationTime;
      if (r instanceof AlertingRule && o instanceof AlertingRule) {
        r.active = o.active;
        r.restored = o.restored;
      }
    });
    // Rules that are gone: their series become stale at this group's next evaluation.
    old.rules.forEach((_r, i) => {
      if (used.has(i)) return;
      for (const l of old.seriesInPreviousEval[i].values()) this.staleSeries.push(l);
    });
    this.staleSeries.push(...old.staleSeries);
  }

  /**
   * Restores the `for` state of active alerts from ALERTS_FOR_STATE after a restart (Prometheus's
   * RestoreForState): alerts whose series is within the outage tolerance keep their activeAt, shifted by the
   * downtime, and at least `forGracePeriod` is left before they fire.
   */
  restoreForState(ts: number): void {
    const mint = ts - this.deps.outageTolerance;
    const q = this.deps.queryable.querier();
    for (const rule of this.rules) {
      if (!(rule instanceof AlertingRule)) continue;
      if (rule.holdDuration < this.deps.forGracePeriod) {
        rule.restored = true;
        continue;
      }
      for (const a of rule.activeAlerts()) {
        const matchers: Matcher[] = [equalMatcher('__name__', 'ALERTS_FOR_STATE')];
        a.labels.forEach((n, v) => {
          matchers.push(equalMatcher(n, v));
        });
        const series = q.select(matchers, mint, ts);
        if (series.length === 0) continue;
        const it = series[0].iterator();
        let t = Number.NaN;
        let v = Number.NaN;
        while (it.next()) {
          if (Number.isNaN(it.v)) continue;
          t = it.t;
          v = it.v;
        }
        if (Number.isNaN(t)) continue;
        const downAt = Math.floor(t / 1000) * 1000;
        let activeAt = v * 1000;
        const remaining = rule.holdDuration - (downAt - activeAt);
        if (remaining <= 0) {
          // It was firing already; keep activeAt.
        } else if (remaining < this.deps.forGracePeriod) {
          activeAt = ts - rule.holdDuration + this.deps.forGracePeriod;
        } else {
          activeAt += ts - downAt;
        }
        a.activeAt = activeAt;
      }
      rule.restored = true;
    }
  }

  /** Starts the evaluation loop at the next aligned timestamp. */
  start(): void {
    if (this.running) return;
    this.running = true;
    let next = this.evalTimestamp(this.deps.now()) + this.interval;
    const tick = async () => {
      if (!this.running) return;
      const missed = Math.floor((this.deps.now() - next) / this.interval);
      if (missed > 0) {
        this.missedIterations += missed;
        next += missed * this.interval;
      }
      try {
        await this.evaluateAsync(next);
        if (this.running && this.shouldRestore) {
          this.shouldRestore = false;
          this.restoreForState(this.deps.now());
        }
      } catch (e) {
        this.deps.logger?.warn({ group: this.name, err: (e as Error).message }, 'Rule group evaluation failed');
      }
      if (!this.running) return;
      next += this.interval;
      this.timer = setTimeout(() => void tick(), Math.max(0, next - this.deps.now()));
    };
    this.timer = setTimeout(() => void tick(), Math.max(0, next - this.deps.now()));
  }

  /** One synchronous iteration (tests, `osprey test rules`): evaluate, then restore `for` state after the first. */
  runOnce(ts: number): void {
    this.evaluate(ts);
    if (this.shouldRestore) {
      this.shouldRestore = false;
      this.restoreForState(this.deps.now());
    }
  }

  stop(): void {
    this.running = false;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
  }
}

export function groupKey(file: string, name: string): string {
  return `${file}\u0000${name}`;
}
