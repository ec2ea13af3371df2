/**
 * The rule manager: loads rule files into groups, runs their evaluation loops, and on reload keeps groups
 * that did not change and carries the alert state of unchanged rules into changed groups.
 */
import type { RuleGroupConfig } from '../config/rules-index.ts';
import type { Engine } from '../promql/index.ts';
import type { Appendable, Queryable } from '../tsdb/index.ts';
import { AlertingRule } from './alerting-rule.ts';
import { type GroupDeps, groupKey, RuleGroup } from './group.ts';
import type { AsyncRuleQuerier } from './query.ts';
import { RecordingRule, type Rule } from './recording-rule.ts';
import { loadRules } from './rule-files.ts';
import type { AlertSender } from './types.ts';

export interface RuleLogger {
  info(obj: object, msg: string): void;
  warn(obj: object, msg: string): void;
  error(obj: object, msg: string): void;
}

export interface RuleManagerOptions {
  engine: Engine;
  queryable: Queryable;
  appendable: Appendable;
  sender?: AlertSender;
  externalLabels?: Record<string, string>;
  externalURL?: string;
  logger?: RuleLogger;
  /** --rules.alert.resend-delay (default 1m). */
  resendDelay?: number;
  /** --rules.alert.for-outage-tolerance (default 1h). */
  outageTolerance?: number;
  /** --rules.alert.for-grace-period (default 10m). */
  forGracePeriod?: number;
  /** Clock in ms (tests). */
  now?: () => number;
  /** Restore `for` state from ALERTS_FOR_STATE on the first evaluation (default true; promtool tests: false). */
  restoreForState?: boolean;
  /** Label/annotation name validation of rule files. */
  nameValidation?: 'utf8' | 'legacy';
  /** Datasource mode: evaluate through this querier (when it returns one) instead of the local engine. */
  asyncQuerier?: () => AsyncRuleQuerier | null;
}

/** The parts of prometheus.yml's global section the rules use (ms). */
export interface RulesGlobalConfig {
  evaluation_interval: number;
  rule_query_offset?: number;
  external_labels?: Record<string, string>;
}

/** One group's metrics; times in seconds, counters since the group was created. */
export interface GroupMetrics {
  /** Prometheus's rule_group label value: "file;name". */
  group: string;
  interval: number;
  lastEvaluation: number;
  lastDuration: number;
  lastSamples: number;
  rules: number;
  evaluations: number;
  failures: number;
  missedIterations: number;
}

export class RuleManager {
  private readonly opts: RuleManagerOptions;
  private readonly deps: GroupDeps;
  private groupMap = new Map<string, RuleGroup>();
  private started = false;
  /** True after the first update: rules created by later reloads need no `for` restore. */
  private restoredOnce = false;

  constructor(opts: RuleManagerOptions) {
    this.opts = opts;
    this.deps = {
      engine: opts.engine,
      queryable: opts.queryable,
      appendable: opts.appendable,
      sender: opts.sender,
      externalLabels: opts.externalLabels ?? {},
      externalURL: opts.externalURL ?? '',
      resendDelay: opts.resendDelay ?? 60_000,
      outageTolerance: opts.outageTolerance ?? 3_600_000,
      forGracePeriod: opts.forGracePeriod ?? 600_000,
      now: opts.now ?? Date.now,
      logger: opts.logger,
      asyncQuerier: opts.asyncQuerier,
    };
    if (opts.restoreForState === false) this.restoredOnce = true;
  }

  /**
   * Loads the rule files (already glob-expanded) and swaps in the new groups. Throws ConfigError when a file is
   * invalid; the running groups are then left untouched.
   */
  update(files: readonly string[], global: RulesGlobalConfig): void {
    if (global.external_labels) this.deps.externalLabels = global.external_labels;
    const configs: RuleGroupConfig[] = [];
    for (const f of files) {
      configs.push(...loadRules(f, { nameValidation: this.opts.nameValidation }).groups);
    }
    this.updateGroups(configs, global);
  }

  /** Like update, from already parsed groups (promtool-style tests and callers that loaded the files). */
  updateGroups(configs: readonly RuleGroupConfig[], global: RulesGlobalConfig): void {
    const next = new Map<string, RuleGroup>();
    for (const c of configs) {
      const g = this.buildGroup(c, global);
      next.set(g.key(), g);
    }
    const now = this.deps.now();
    for (const [k, g] of next) {
      const old = this.groupMap.get(k);
      if (old?.equals(g)) {
        next.set(k, old);
        continue;
      }
      if (old) {
        old.stop();
        g.copyState(old);
      }
      if (this.started) g.start();
    }
    for (const [k, old] of this.groupMap) {
      const n = next.get(k);
      if (n === old) continue;
      old.stop();
      if (!n) old.markAllStale(now);
    }
    this.groupMap = next;
    this.restoredOnce = true;
  }

  private buildGroup(c: RuleGroupConfig, global: RulesGlobalConfig): RuleGroup {
    const rules: Rule[] = c.rules.map((r) => {
      const labels = { ...c.labels, ...r.labels };
      if (r.record !== undefined && r.record !== '') return new RecordingRule(r.record, r.expr, labels);
      return new AlertingRule({
        name: r.alert ?? '',
        expr: r.expr,
        holdDuration: r.for,
        keepFiringFor: r.keepFiringFor,
        labels,
        annotations: r.annotations,
        restored: this.restoredOnce,
      });
    });
    const g = new RuleGroup(
      {
        name: c.name,
        file: c.file,
        interval: c.interval || global.evaluation_interval || 60_000,
        queryOffset: c.queryOffset ?? global.rule_query_offset ?? 0,
        limit: c.limit,
        rules,
      },
      this.deps,
    );
    if (this.restoredOnce) g.shouldRestore = false;
    return g;
  }

  /** Starts the evaluation loops of all groups. */
  start(): void {
    this.started = true;
    for (const g of this.groupMap.values()) g.start();
  }

  /** Stops all loops (state is kept; no staleness markers, as Prometheus on shutdown). */
  stop(): void {
    this.started = false;
    for (const g of this.groupMap.values()) g.stop();
  }

  /** Groups in file order, then name (as /api/v1/rules lists them). */
  groups(): RuleGroup[] {
    return [...this.groupMap.values()];
  }

  /** Per-group figures for /metrics (prometheus_rule_group_* and prometheus_rule_evaluation_failures_total). */
  groupMetrics(): GroupMetrics[] {
    return this.groups().map((g) => ({
      group: `${g.file};${g.name}`,
      interval: g.interval / 1000,
      lastEvaluation: g.lastEvaluation / 1000,
      lastDuration: g.evaluationTime / 1000,
      lastSamples: g.lastEvalSamples,
      rules: g.rules.length,
      evaluations: g.evaluations,
      failures: g.failures,
      missedIterations: g.missedIterations,
    }));
  }

  /** Every alerting rule of every group. */
  alertingRules(): AlertingRule[] {
    const out: AlertingRule[] = [];
    for (const g of this.groupMap.values()) for (const r of g.rules) if (r instanceof AlertingRule) out.push(r);
    return out;
  }

  /** Evaluates every group once at `ts` (tests and `osprey test rules`). */
  evaluateAll(ts: number): void {
    for (const g of this.groupMap.values()) g.runOnce(ts);
  }
}

export { groupKey };
