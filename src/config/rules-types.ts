/** Validated Prometheus rule files. Durations are in milliseconds. */

/** One rule as written: exactly one of `record` / `alert` is set. */
export interface RuleConfig {
  record?: string;
  alert?: string;
  expr: string;
  /** Alerting only; 0 when unset. */
  for: number;
  keepFiringFor: number;
  labels: Record<string, string>;
  annotations: Record<string, string>;
  /** 1-based position of the rule in its file. */
  line: number;
  col: number;
}

export interface RuleGroupConfig {
  name: string;
  /** Unset: the global evaluation_interval applies. */
  interval?: number;
  /** Unset: the global rule_query_offset applies. */
  queryOffset?: number;
  /** Maximum alerts / series per rule; 0 = no limit. */
  limit: number;
  /** Labels added to every rule of the group (rule labels win). */
  labels: Record<string, string>;
  rules: RuleConfig[];
  /** The file the group comes from. */
  file: string;
}

export interface RuleFileConfig {
  file: string;
  groups: RuleGroupConfig[];
}

export interface RuleFileOptions {
  /** Label/annotation name validation; default 'utf8' (Prometheus 3). */
  nameValidation?: 'utf8' | 'legacy';
  /** promtool's --ignore-unknown-fields. */
  ignoreUnknownFields?: boolean;
  /** Returns the PromQL parse error message of an expression, or null. Injected by src/rules (layering). */
  checkExpr?: (expr: string) => string | null;
  /** Returns the template parse error of a label/annotation value of alert `ruleName`, or null. */
  checkTemplate?: (text: string, ruleName: string) => string | null;
}
