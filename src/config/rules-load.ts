/**
 * Loading and validating Prometheus rule files with rulefmt's checks and wording; every problem is
 * reported as `file:line:col: group "g", rule N, "name": message`.
 */
import { readFileSync } from 'node:fs';
import { isLegacyLabelName, isLegacyMetricName, isValidLabelName, isWellFormed } from '../model/index.ts';
import { ruleFileSchema, ruleTypeNameAt } from './rules-schema.ts';
import type { RuleConfig, RuleFileConfig, RuleFileOptions, RuleGroupConfig } from './rules-types.ts';
import { ConfigError, type ConfigPath, goQuote, YamlSource } from './yaml-errors.ts';
import { parseWithSchema } from './yaml-schema.ts';

interface Problem {
  path: ConfigPath;
  atKey?: boolean;
  message: string;
}

/** Parses rule file text; throws ConfigError with every problem (the first one is `message`). */
export function parseRuleFile(text: string, file: string, opts: RuleFileOptions = {}): RuleFileConfig {
  const src = new YamlSource(text, file);
  const raw = parseWithSchema(src, ruleFileSchema(!opts.ignoreUnknownFields), { typeNameAt: ruleTypeNameAt });
  const problems: Problem[] = [];
  const groups: RuleGroupConfig[] = [];
  const seen = new Set<string>();
  const legacy = opts.nameValidation === 'legacy';
  const labelOk = (n: string) => (legacy ? isLegacyLabelName(n) : isValidLabelName(n));
  (raw.groups ?? []).forEach((g, gi) => {
    const gpath: ConfigPath = ['groups', gi];
    if (!g) {
      problems.push({ path: gpath, message: 'Groupname must not be empty' });
      return;
    }
    const name = g.name ?? '';
    if (name === '') problems.push({ path: gpath, message: 'Groupname must not be empty' });
    else if (seen.has(name))
      problems.push({ path: [...gpath, 'name'], message: `groupname: ${goQuote(name)} is repeated in the same file` });
    seen.add(name);
    for (const k of Object.keys(g.labels ?? {})) {
      if (!labelOk(k) || k === '__name__')
        problems.push({
          path: [...gpath, 'labels', k],
          atKey: true,
          message: `group ${goQuote(name)}: invalid label name: ${k}`,
        });
    }
    const rules: RuleConfig[] = [];
    (g.rules ?? []).forEach((r, ri) => {
      const rpath: ConfigPath = [...gpath, 'rules', ri];
      const pos = src.position(rpath);
      const rule = r ?? {};
      const ruleName = rule.alert ?? rule.record ?? '';
      const add = (field: string | null, message: string, atKey = false) =>
        problems.push({
          path: field === null ? rpath : [...rpath, field],
          atKey,
          message: `group ${goQuote(name)}, rule ${ri + 1}, ${goQuote(ruleName)}: ${message}`,
        });
      validateRule(rule, add, labelOk, legacy, opts);
      rules.push({
        record: rule.record,
        alert: rule.alert,
        expr: rule.expr ?? '',
        for: rule.for ?? 0,
        keepFiringFor: rule.keep_firing_for ?? 0,
        labels: rule.labels ?? {},
        annotations: rule.annotations ?? {},
        line: pos.line,
        col: pos.col,
      });
    });
    groups.push({
      name,
      interval: g.interval,
      queryOffset: g.query_offset,
      limit: g.limit ?? 0,
      labels: g.labels ?? {},
      rules,
      file,
    });
  });
  if (problems.length > 0) {
    const lines = problems.map((p) => {
      const pos = src.position(p.path, p.atKey);
      return { pos, text: `${file}:${pos.line}:${pos.col}: ${p.message}` };
    });
    throw new ConfigError(
      file,
      lines[0].pos.line,
      lines[0].pos.col,
      '',
      lines.map((l) => l.text),
    );
  }
  return { file, groups };
}

type RawRule = {
  record?: string;
  alert?: string;
  expr?: string;
  for?: number;
  keep_firing_for?: number;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
};

function validateRule(
  r: RawRule,
  add: (field: string | null, message: string, atKey?: boolean) => void,
  labelOk: (n: string) => boolean,
  legacy: boolean,
  opts: RuleFileOptions,
): void {
  const hasRecord = r.record !== undefined && r.record !== '';
  const hasAlert = r.alert !== undefined && r.alert !== '';
  if (hasRecord && hasAlert) add('record', "only one of 'record' and 'alert' must be set");
  else if (!hasRecord && !hasAlert) add(null, "one of 'record' or 'alert' must be set");
  if (r.expr === undefined || r.expr === '') add(null, "field 'expr' must be set in rule");
  else if (opts.checkExpr) {
    const err = opts.checkExpr(r.expr);
    if (err !== null) add('expr', `could not parse expression: ${err}`);
  }
  if (hasRecord) {
    if (r.annotations && Object.keys(r.annotations).length > 0)
      add('annotations', "invalid field 'annotations' in recording rule", true);
    if (r.for) add('for', "invalid field 'for' in recording rule", true);
    if (r.keep_firing_for) add('keep_firing_for', "invalid field 'keep_firing_for' in recording rule", true);
    const rec = r.record as string;
    if (legacy ? !isLegacyMetricName(rec) : !isWellFormed(rec)) add('record', `invalid recording rule name: ${rec}`);
    else if (rec.includes('{') && rec.includes('}'))
      add('record', `braces present in the recording rule name; should it be in expr?: ${rec}`);
  }
  for (const [k, v] of Object.entries(r.labels ?? {})) {
    if (!labelOk(k) || k === '__name__') add('labels', `invalid label name: ${k}`);
    if (!isWellFormed(v)) add('labels', `invalid label value: ${v}`);
  }
  for (const k of Object.keys(r.annotations ?? {})) {
    if (!labelOk(k)) add('annotations', `invalid annotation name: ${k}`);
  }
  if (hasAlert && opts.checkTemplate) {
    const name = r.alert as string;
    for (const [field, kind] of [
      ['labels', 'label'],
      ['annotations', 'annotation'],
    ] as const) {
      for (const [k, v] of Object.entries(r[field] ?? {})) {
        const err = opts.checkTemplate(v, name);
        if (err !== null) add(field, `${kind} ${goQuote(k)}: ${err}`);
      }
    }
  }
}

/** Reads and parses a rule file; a missing file becomes a ConfigError naming it. */
export function loadRuleFile(path: string, opts: RuleFileOptions = {}): RuleFileConfig {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    throw new ConfigError(path, 0, 0, '', [`${path}: ${(e as Error).message}`]);
  }
  return parseRuleFile(text, path, opts);
}
