/** The `data` objects of Prometheus's /api/v1/rules and /api/v1/alerts, built from the rule manager's groups. */
import { AlertingRule } from './alerting-rule.ts';
import type { RuleGroup } from './group.ts';
import type { Rule } from './recording-rule.ts';
import { type Alert, rfc3339 } from './types.ts';

export interface RulesFilter {
  type?: 'alert' | 'record';
  ruleName?: readonly string[];
  ruleGroup?: readonly string[];
  file?: readonly string[];
  excludeAlerts?: boolean;
}

export interface APIAlert {
  labels: Record<string, string>;
  annotations: Record<string, string>;
  state: string;
  activeAt?: string;
  keepFiringSince?: string;
  value: string;
}

/** Go's strconv.FormatFloat(v, 'e', -1, 64): shortest round-trip digits, two-digit exponent at least. */
export function formatFloatE(v: number): string {
  if (Number.isNaN(v)) return 'NaN';
  if (v === Number.POSITIVE_INFINITY) return '+Inf';
  if (v === Number.NEGATIVE_INFINITY) return '-Inf';
  const s = v.toExponential();
  const m = /^(-?[\d.]+)e([+-])(\d+)$/.exec(s);
  if (!m) return s;
  return `${m[1]}e${m[2]}${m[3].padStart(2, '0')}`;
}

export function alertToAPI(a: Alert): APIAlert {
  const out: APIAlert = {
    labels: a.labels.toObject(),
    annotations: { ...a.annotations },
    state: a.state,
    activeAt: rfc3339(a.activeAt),
    value: formatFloatE(a.value),
  };
  if (a.keepFiringSince !== 0) out.keepFiringSince = rfc3339(a.keepFiringSince);
  return out;
}

function ruleToAPI(r: Rule, excludeAlerts: boolean): Record<string, unknown> {
  const common = {
    health: r.health,
    ...(r.lastError ? { lastError: r.lastError } : {}),
    evaluationTime: r.evaluationTime / 1000,
    lastEvaluation: rfc3339(r.lastEvaluation, true),
  };
  if (r instanceof AlertingRule) {
    const out: Record<string, unknown> = {
      state: r.state(),
      name: r.name,
      query: r.query,
      duration: r.holdDuration / 1000,
      keepFiringFor: r.keepFiringFor / 1000,
      labels: r.labels,
      annotations: r.annotations,
      ...(excludeAlerts ? {} : { alerts: r.activeAlerts().map(alertToAPI) }),
      ...common,
      type: 'alerting',
    };
    return out;
  }
  return {
    name: r.name,
    query: r.query,
    ...(Object.keys(r.labels).length ? { labels: r.labels } : {}),
    ...common,
    type: 'recording',
  };
}

/** `data` of GET /api/v1/rules. Groups with no matching rule are left out when a rule filter is given. */
export function rulesData(groups: readonly RuleGroup[], f: RulesFilter = {}): { groups: unknown[] } {
  const out: unknown[] = [];
  const ruleFilter = f.type !== undefined || (f.ruleName?.length ?? 0) > 0;
  for (const g of groups) {
    if (f.ruleGroup?.length && !f.ruleGroup.includes(g.name)) continue;
    if (f.file?.length && !f.file.includes(g.file)) continue;
    const rules: unknown[] = [];
    for (const r of g.rules) {
      if (f.type === 'alert' && r.kind !== 'alerting') continue;
      if (f.type === 'record' && r.kind !== 'recording') continue;
      if (f.ruleName?.length && !f.ruleName.includes(r.name)) continue;
      rules.push(ruleToAPI(r, f.excludeAlerts ?? false));
    }
    if (ruleFilter && rules.length === 0) continue;
    out.push({
      name: g.name,
      file: g.file,
      rules,
      interval: g.interval / 1000,
      limit: g.limit,
      evaluationTime: g.evaluationTime / 1000,
      lastEvaluation: rfc3339(g.lastEvaluation, true),
    });
  }
  return { groups: out };
}

/** `data` of GET /api/v1/alerts: every pending or firing alert. */
export function alertsData(groups: readonly RuleGroup[]): { alerts: APIAlert[] } {
  const alerts: APIAlert[] = [];
  for (const g of groups) {
    for (const r of g.rules)
      if (r instanceof AlertingRule) for (const a of r.activeAlerts()) alerts.push(alertToAPI(a));
  }
  return { alerts };
}
