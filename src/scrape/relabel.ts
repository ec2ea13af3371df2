import { createHash } from 'node:crypto';
import { RE2JS } from 're2js';
import type { RelabelAction, RelabelConfig } from '../config/types.ts';
import { AnchoredRegex, isLegacyLabelName, isValidLabelName, type Labels, LabelsBuilder } from '../model/index.ts';
import { type ExpandTemplate, expandTemplate, parseExpandTemplate } from './expand.ts';

/**
 * Prometheus relabeling (relabel_configs, metric_relabel_configs, alert/write relabeling).
 * Regexes are RE2, fully anchored; they are compiled once by compileRelabelConfigs.
 */

export type NameValidationScheme = 'utf8' | 'legacy';

/** A relabel regex: fast anchored matching plus capture groups when a replacement needs them. */
export class RelabelRegex {
  readonly source: string;
  readonly anchored: AnchoredRegex;
  private captureRe: RE2JS | null = null;

  constructor(source: string) {
    this.source = source;
    this.anchored = new AnchoredRegex(source);
  }

  matches(s: string): boolean {
    return this.anchored.matches(s);
  }

  private re(): RE2JS {
    if (this.captureRe === null) this.captureRe = RE2JS.compile(`^(?s:${this.source})$`);
    return this.captureRe;
  }

  groupCount(): number {
    return this.re().groupCount();
  }

  namedGroups(): Record<string, number> {
    return this.re().namedGroups() as Record<string, number>;
  }

  /** Capture groups of a full match (index 0 = whole), '' for unset groups; null when no match. */
  exec(s: string): string[] | null {
    const m = this.re().matcher(s);
    if (!m.matches()) return null;
    const n = m.groupCount();
    const out = new Array<string>(n + 1);
    for (let i = 0; i <= n; i++) out[i] = m.group(i) ?? '';
    return out;
  }
}

export interface CompiledRelabelConfig {
  readonly action: RelabelAction;
  readonly sourceLabels: readonly string[];
  readonly separator: string;
  readonly regex: RelabelRegex;
  readonly modulus: number;
  readonly targetLabel: string;
  readonly replacement: string;
  readonly targetTemplate: ExpandTemplate;
  readonly replacementTemplate: ExpandTemplate;
  /** regex "(.*)", replacement "$1" and a literal target: replace copies the value. */
  readonly identityReplace: boolean;
  readonly validation: NameValidationScheme;
}

export interface CompileRelabelOptions {
  /** Which label names a `replace` may create; default 'utf8' (Prometheus 3). */
  validation?: NameValidationScheme;
}

/** Compiles relabel configs once. Throws model's RegexError for an invalid regex. */
export function compileRelabelConfigs(
  cfgs: readonly RelabelConfig[],
  opts: CompileRelabelOptions = {},
): CompiledRelabelConfig[] {
  return cfgs.map((c) => compileOne(c, opts.validation ?? 'utf8'));
}

function compileOne(c: RelabelConfig, validation: NameValidationScheme): CompiledRelabelConfig {
  const regexSrc = c.regex ?? '(.*)';
  const regex = new RelabelRegex(regexSrc);
  const action = c.action ?? 'replace';
  const replacement = c.replacement ?? '$1';
  const targetLabel = c.target_label ?? '';
  const needsTemplates = action === 'replace' || action === 'labelmap';
  const gc = needsTemplates ? regex.groupCount() : 0;
  const named = needsTemplates ? regex.namedGroups() : {};
  const targetTemplate = parseExpandTemplate(targetLabel, gc, named);
  const replacementTemplate = parseExpandTemplate(replacement, gc, named);
  return {
    action,
    sourceLabels: c.source_labels ?? [],
    separator: c.separator ?? ';',
    regex,
    modulus: c.modulus ?? 0,
    targetLabel,
    replacement,
    targetTemplate,
    replacementTemplate,
    identityReplace: regexSrc === '(.*)' && replacement === '$1' && targetTemplate.constant,
    validation,
  };
}

/** Applies the configs in order. Returns null when the labels are dropped. */
export function relabel(labels: Labels, cfgs: readonly CompiledRelabelConfig[]): Labels | null {
  if (cfgs.length === 0) return labels;
  const lb = new LabelsBuilder(labels);
  if (!relabelBuilder(lb, cfgs)) return null;
  return lb.labels();
}

/** Relabels a builder in place. Returns false when the labels are dropped. */
export function relabelBuilder(lb: LabelsBuilder, cfgs: readonly CompiledRelabelConfig[]): boolean {
  for (const cfg of cfgs) {
    if (!applyOne(lb, cfg)) return false;
  }
  return true;
}

function sourceValue(lb: LabelsBuilder, cfg: CompiledRelabelConfig): string {
  const src = cfg.sourceLabels;
  if (src.length === 1) return lb.get(src[0]);
  let val = '';
  for (let i = 0; i < src.length; i++) {
    if (i > 0) val += cfg.separator;
    val += lb.get(src[i]);
  }
  return val;
}

function isValidTarget(name: string, scheme: NameValidationScheme): boolean {
  return scheme === 'legacy' ? isLegacyLabelName(name) : isValidLabelName(name);
}

function snapshot(lb: LabelsBuilder): string[] {
  const pairs: string[] = [];
  lb.range((n, v) => {
    pairs.push(n, v);
  });
  return pairs;
}

function applyOne(lb: LabelsBuilder, cfg: CompiledRelabelConfig): boolean {
  switch (cfg.action) {
    case 'drop':
      return !cfg.regex.matches(sourceValue(lb, cfg));
    case 'keep':
      return cfg.regex.matches(sourceValue(lb, cfg));
    case 'dropequal':
      return lb.get(cfg.targetLabel) !== sourceValue(lb, cfg);
    case 'keepequal':
      return lb.get(cfg.targetLabel) === sourceValue(lb, cfg);
    case 'replace': {
      const val = sourceValue(lb, cfg);
      if (cfg.identityReplace) {
        if (!isValidTarget(cfg.targetLabel, cfg.validation)) return true;
        lb.set(cfg.targetLabel, val);
        return true;
      }
      const groups = cfg.regex.exec(val);
      if (groups === null) return true;
      const target = expandTemplate(cfg.targetTemplate, groups);
      if (!isValidTarget(target, cfg.validation)) return true;
      // An empty result deletes the label (LabelsBuilder.set does that).
      lb.set(target, expandTemplate(cfg.replacementTemplate, groups));
      return true;
    }
    case 'lowercase':
      lb.set(cfg.targetLabel, sourceValue(lb, cfg).toLowerCase());
      return true;
    case 'uppercase':
      lb.set(cfg.targetLabel, sourceValue(lb, cfg).toUpperCase());
      return true;
    case 'hashmod':
      lb.set(cfg.targetLabel, hashMod(sourceValue(lb, cfg), cfg.modulus));
      return true;
    case 'labelmap': {
      const pairs = snapshot(lb);
      for (let i = 0; i < pairs.length; i += 2) {
        const groups = cfg.regex.exec(pairs[i]);
        if (groups === null) continue;
        lb.set(expandTemplate(cfg.replacementTemplate, groups), pairs[i + 1]);
      }
      return true;
    }
    case 'labeldrop': {
      const pairs = snapshot(lb);
      for (let i = 0; i < pairs.length; i += 2) if (cfg.regex.matches(pairs[i])) lb.del(pairs[i]);
      return true;
    }
    case 'labelkeep': {
      const pairs = snapshot(lb);
      for (let i = 0; i < pairs.length; i += 2) if (!cfg.regex.matches(pairs[i])) lb.del(pairs[i]);
      return true;
    }
    default:
      throw new Error(`relabel: unknown relabel action type ${JSON.stringify(cfg.action)}`);
  }
}

/**
 * Prometheus's hashmod: md5 of the value, read as a big-endian uint64 from its last 8 bytes
 * (Go's shift of the first 8 bytes past 64 bits yields 0), modulo `modulus`, printed in decimal.
 */
export function hashMod(value: string, modulus: number): string {
  if (!(modulus > 0)) return '0';
  const d = createHash('md5').update(value, 'utf8').digest();
  const n = d.readBigUInt64BE(8);
  return (n % BigInt(modulus)).toString();
}
