/**
 * `osprey test rules`: runs promtool's rule unit-test files. Each test group loads its input series into a
 * fresh in-memory TSDB, evaluates the rule groups at every evaluation_interval step from start_timestamp,
 * compares firing alerts at each alert_rule_test eval_time and PromQL results at each promql_expr_test.
 */
import { readFileSync } from 'node:fs';
import { dirname, isAbsolute, join } from 'node:path';
import { ConfigError, globSync, parseWithSchema, YamlLiteral, YamlSource } from '../config/index.ts';
import type { RuleGroupConfig } from '../config/rules-index.ts';
import { formatDuration, Labels, STALE_NAN } from '../model/index.ts';
import { Engine } from '../promql/index.ts';
import { formatFloat } from '../template/index.ts';
import { Head } from '../tsdb/index.ts';
import { RuleManager } from './manager.ts';
import { parseRules } from './rule-files.ts';
import { parseSeriesLabels, parseSeriesValues } from './series-notation.ts';
import { type TestGroup, type UnitTestFile, unitTestFileSchema } from './unittest-schema.ts';

export interface UnitTestOptions {
  /** --run: regular expressions on test group names (joined with |). */
  run?: readonly string[];
  /** --ignore-unknown-fields for the rule files. */
  ignoreUnknownFields?: boolean;
}

export interface UnitTestReport {
  exitCode: 0 | 1;
  /** Text for stdout (promtool prints everything there). */
  output: string;
}

const MIN = 60_000;

/** Runs every test file; exit code 1 when any test failed or a file could not be loaded. */
export function runUnitTestFiles(files: readonly string[], opts: UnitTestOptions = {}): UnitTestReport {
  let out = '';
  let failed = false;
  const runRe = opts.run && opts.run.length > 0 ? new RegExp(opts.run.join('|')) : null;
  for (const f of files) {
    out += `Unit Testing:  ${f}\n`;
    const errs = runFile(f, runRe, opts);
    if (errs.length === 0) out += '  SUCCESS\n';
    else {
      failed = true;
      out += '  FAILED:\n';
      for (const e of errs) out += `${e}\n`;
    }
    out += '\n';
  }
  return { exitCode: failed ? 1 : 0, output: out };
}

function runFile(file: string, runRe: RegExp | null, opts: UnitTestOptions): string[] {
  let cfg: UnitTestFile;
  try {
    cfg = parseWithSchema(new YamlSource(readFileSync(file, 'utf8'), file), unitTestFileSchema);
  } catch (e) {
    return [errText(e)];
  }
  const evalInterval = cfg.evaluation_interval || MIN;
  const base = dirname(file);
  const ruleFiles: string[] = [];
  for (const rf of cfg.rule_files ?? []) {
    const p = isAbsolute(rf) ? rf : join(base, rf);
    const m = globSync(p);
    ruleFiles.push(...(m.length > 0 ? m : [p]));
  }
  const errs: string[] = [];
  for (const tg of cfg.tests ?? []) {
    if (!tg) continue;
    if (runRe && !runRe.test(tg.name ?? '')) continue;
    const groupErrs = runGroup(tg, cfg, ruleFiles, evalInterval, opts);
    // promtool names the group before each alert failure (and before the group's other failures once).
    let named = false;
    for (const e of groupErrs) {
      if (!named || e.startsWith('    alertname:')) errs.push(`    name: ${tg.name ?? ''},`);
      named = true;
      errs.push(e);
    }
  }
  return errs;
}

function errText(e: unknown): string {
  if (e instanceof ConfigError) return e.issues.map((i) => `    ${i}`).join('\n');
  return `    ${(e as Error).message}`;
}

/** Prometheus's model.Duration form ("5m", "1d", "0s"). */
function dur(ms: number): string {
  return ms === 0 ? '0s' : formatDuration(ms);
}

function startTime(v: string | undefined): number {
  if (v === undefined || v === '') return 0;
  if (/^-?\d+(\.\d+)?$/.test(v)) return Math.round(Number(v) * 1000);
  const t = Date.parse(v);
  if (Number.isNaN(t)) throw new Error(`invalid start_timestamp ${JSON.stringify(v)}`);
  return t;
}

function loadGroups(
  ruleFiles: string[],
  order: readonly string[] | undefined,
  opts: UnitTestOptions,
): RuleGroupConfig[] {
  const groups: RuleGroupConfig[] = [];
  for (const f of ruleFiles) {
    groups.push(...parseRules(readFileSync(f, 'utf8'), f, { ignoreUnknownFields: opts.ignoreUnknownFields }).groups);
  }
  if (!order || order.length === 0) return groups;
  const rank = new Map(order.map((n, i) => [n, i]));
  for (const g of groups) {
    if (!rank.has(g.name)) throw new Error(`group name ${g.name} missing from group_eval_order`);
  }
  return [...groups].sort((a, b) => (rank.get(a.name) as number) - (rank.get(b.name) as number));
}

function runGroup(
  tg: TestGroup,
  cfg: UnitTestFile,
  ruleFiles: string[],
  evalInterval: number,
  opts: UnitTestOptions,
): string[] {
  const head = new Head();
  const engine = new Engine();
  let mint: number;
  let groups: RuleGroupConfig[];
  try {
    mint = startTime(tg.start_timestamp);
    groups = loadGroups(ruleFiles, cfg.group_eval_order, opts);
    loadSeries(head, tg, mint, tg.interval || evalInterval);
  } catch (e) {
    return [errText(e)];
  }
  const manager = new RuleManager({
    engine,
    queryable: head,
    appendable: head,
    externalLabels: tg.external_labels ?? {},
    externalURL: tg.external_url ?? '',
    restoreForState: false,
    now: () => 0,
  });
  try {
    manager.updateGroups(groups, { evaluation_interval: evalInterval });
  } catch (e) {
    return [errText(e)];
  }
  const fuzzy = cfg.fuzzy_compare ?? false;
  const alertTests = (tg.alert_rule_test ?? []).filter((a) => a !== null);
  const exprTests = (tg.promql_expr_test ?? []).filter((p) => p !== null);
  const alertTimes = [...new Set(alertTests.map((a) => a.eval_time ?? 0))].sort((a, b) => a - b);
  let maxt = 0;
  for (const t of alertTimes) maxt = Math.max(maxt, t);
  for (const p of exprTests) maxt = Math.max(maxt, p.eval_time ?? 0);
  const errs: string[] = [];
  let curr = 0;
  const ruleGroups = manager.groups();
  for (let ts = mint; ts <= mint + maxt; ts += evalInterval) {
    const evalErrs: string[] = [];
    for (const g of ruleGroups) {
      g.evaluate(ts);
      for (const r of g.rules) {
        if (r.lastError) evalErrs.push(`    rule: ${r.name}, time: ${dur(ts - mint)}, err: ${r.lastError}`);
      }
    }
    if (evalErrs.length > 0) {
      errs.push(...evalErrs);
      break;
    }
    while (curr < alertTimes.length && ts - mint <= alertTimes[curr] && alertTimes[curr] < ts + evalInterval - mint) {
      const t = alertTimes[curr];
      for (const at of alertTests.filter((a) => (a.eval_time ?? 0) === t)) {
        const e = checkAlerts(manager, at, t);
        if (e) errs.push(e);
      }
      curr++;
    }
  }
  for (const p of exprTests) {
    const e = checkExpr(engine, head, p, mint, fuzzy);
    if (e) errs.push(e);
  }
  return errs;
}

function loadSeries(head: Head, tg: TestGroup, mint: number, interval: number): void {
  const app = head.appender();
  for (const s of tg.input_series ?? []) {
    if (!s) continue;
    const labels = parseSeriesLabels(s.series ?? '');
    const vals = parseSeriesValues(s.values ?? '');
    let ref = 0;
    for (let i = 0; i < vals.length; i++) {
      const v = vals[i];
      if (v === null) continue;
      ref = app.append(ref, labels, mint + i * interval, v === 'stale' ? STALE_NAN : v);
    }
  }
  app.commit();
}

interface LabelsAndAnnotations {
  labels: Labels;
  annotations: Labels;
}

function laString(x: LabelsAndAnnotations[]): string {
  if (x.length === 0) return '[]';
  const items = x.map(
    (a, i) =>
      `\n            ${i}:\n              Labels:${a.labels.toString()}\n              Annotations:${a.annotations.toString()}`,
  );
  return `[${items.join('')}\n            ]`;
}

function sortLA(x: LabelsAndAnnotations[]): LabelsAndAnnotations[] {
  return x.sort((a, b) => {
    const c = a.labels.toString().localeCompare(b.labels.toString());
    return c !== 0 ? c : a.annotations.toString().localeCompare(b.annotations.toString());
  });
}

function annotationLabels(o: Record<string, string>): Labels {
  // Labels.fromObject drops empty values; annotations keep them.
  const keys = Object.keys(o).sort();
  return Labels.fromSortedFlat(keys.flatMap((k) => [k, o[k]]));
}

function checkAlerts(
  manager: RuleManager,
  at: NonNullable<NonNullable<TestGroup['alert_rule_test']>[number]>,
  t: number,
): string | null {
  const name = at.alertname ?? '';
  const got: LabelsAndAnnotations[] = [];
  for (const r of manager.alertingRules()) {
    if (r.name !== name) continue;
    for (const a of r.activeAlerts()) {
      if (a.state === 'firing') got.push({ labels: a.labels, annotations: annotationLabels(a.annotations) });
    }
  }
  const exp: LabelsAndAnnotations[] = (at.exp_alerts ?? []).map((e) => ({
    labels: Labels.fromObject({ ...(e?.exp_labels ?? {}), alertname: name }),
    annotations: annotationLabels(e?.exp_annotations ?? {}),
  }));
  sortLA(got);
  sortLA(exp);
  const same =
    got.length === exp.length &&
    got.every((g, i) => g.labels.equals(exp[i].labels) && g.annotations.equals(exp[i].annotations));
  if (same) return null;
  return `    alertname: ${name}, time: ${dur(t)}, \n        exp:${laString(exp)}, \n        got:${laString(got)}`;
}

function sampleValue(v: unknown): number {
  if (v instanceof YamlLiteral) v = v.value;
  if (typeof v === 'number') return v;
  if (typeof v === 'string') {
    const l = v.trim().toLowerCase();
    if (l === 'nan') return Number.NaN;
    if (l === 'inf' || l === '+inf') return Number.POSITIVE_INFINITY;
    if (l === '-inf') return Number.NEGATIVE_INFINITY;
    return Number(v);
  }
  return 0;
}

const f64 = new Float64Array(1);
const i64 = new BigInt64Array(f64.buffer);
function bits(v: number): bigint {
  f64[0] = v;
  return i64[0];
}

/** Exact equality, or within one ULP with fuzzy_compare (NaN equals NaN). */
export function valuesEqual(a: number, b: number, fuzzy: boolean): boolean {
  if (Number.isNaN(a) && Number.isNaN(b)) return true;
  if (a === b) return true;
  if (!fuzzy || !Number.isFinite(a) || !Number.isFinite(b) || Math.sign(a) !== Math.sign(b)) return false;
  const d = bits(a) - bits(b);
  return d === 1n || d === -1n;
}

function checkExpr(
  engine: Engine,
  head: Head,
  p: NonNullable<NonNullable<TestGroup['promql_expr_test']>[number]>,
  mint: number,
  fuzzy: boolean,
): string | null {
  const expr = p.expr ?? '';
  const t = p.eval_time ?? 0;
  const prefix = `    expr: ${JSON.stringify(expr)}, time: ${dur(t)},`;
  let got: { labels: Labels; v: number }[];
  try {
    const res = engine.instantQuery(head, expr, mint + t).value;
    if (res.type === 'vector') got = res.vector.map((s) => ({ labels: s.labels, v: s.v }));
    else if (res.type === 'scalar') got = [{ labels: Labels.EMPTY, v: res.v }];
    else throw new Error('rule result is not a vector or scalar');
  } catch (e) {
    return `${prefix} err: ${(e as Error).message}`;
  }
  let exp: { labels: Labels; v: number }[];
  try {
    exp = (p.exp_samples ?? []).map((s) => {
      if (s?.histogram) throw new Error('native histogram samples are not supported');
      return { labels: s?.labels ? parseSeriesLabels(s.labels) : Labels.EMPTY, v: sampleValue(s?.value) };
    });
  } catch (e) {
    return `${prefix} err: ${(e as Error).message}`;
  }
  const byLabels = (a: { labels: Labels }, b: { labels: Labels }) =>
    a.labels.toString().localeCompare(b.labels.toString());
  got.sort(byLabels);
  exp.sort(byLabels);
  const same =
    got.length === exp.length &&
    got.every((g, i) => g.labels.equals(exp[i].labels) && valuesEqual(g.v, exp[i].v, fuzzy));
  if (same) return null;
  const fmt = (xs: { labels: Labels; v: number }[]) =>
    xs.map((x) => `${x.labels.toString()} ${formatFloat(x.v, 'E', -1)}`).join(', ');
  return `${prefix}\n        exp: ${fmt(exp)}\n        got: ${fmt(got)}`;
}
