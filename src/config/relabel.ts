/**
 * relabel_configs and friends: schema, defaults and Prometheus's validation rules (relabel.Config.Validate),
 * with the same error wording.
 */
import { z } from 'zod';
import { AnchoredRegex, isLegacyLabelName, isValidLabelName, RegexError } from '../model/index.ts';
import { zstr, zstrlist, zuint } from './schema-scalars.ts';
import type { RelabelAction, RelabelConfig } from './types.ts';
import { type ConfigPath, goQuote, type IssueList } from './yaml-errors.ts';

export const relabelSchema = z.strictObject({
  source_labels: zstrlist().optional(),
  separator: zstr.optional(),
  regex: zstr.optional(),
  modulus: zuint.optional(),
  target_label: zstr.optional(),
  replacement: zstr.optional(),
  action: zstr.optional(),
});

export type RawRelabel = z.infer<typeof relabelSchema>;

export const RELABEL_ACTIONS: ReadonlySet<RelabelAction> = new Set<RelabelAction>([
  'replace',
  'keep',
  'drop',
  'keepequal',
  'dropequal',
  'hashmod',
  'labelmap',
  'labeldrop',
  'labelkeep',
  'lowercase',
  'uppercase',
]);

export const RELABEL_DEFAULTS = {
  separator: ';',
  regex: '(.*)',
  modulus: 0,
  target_label: '',
  replacement: '$1',
  action: 'replace' as RelabelAction,
};

export type NameValidationScheme = 'utf8' | 'legacy';

function validName(s: string, scheme: NameValidationScheme): boolean {
  return scheme === 'legacy' ? isLegacyLabelName(s) : isValidLabelName(s);
}

/** Prometheus's relabelTarget pattern: label name characters and $1 / ${name} references. */
const LEGACY_TEMPLATE = /^(?:(?:[a-zA-Z_]|\$(?:\{\w+\}|\w+))+\w*)+$/;

/**
 * Builds one relabel config with defaults and checks it. `nullMessage` is the context-specific error for a
 * null list item, e.g. "empty or null target relabeling rule".
 */
export function buildRelabel(
  raw: RawRelabel | null,
  path: ConfigPath,
  issues: IssueList,
  nullMessage: string,
  scheme: NameValidationScheme = 'utf8',
): RelabelConfig | null {
  if (raw === null) {
    issues.add(path, nullMessage);
    return null;
  }
  const action = (raw.action ?? RELABEL_DEFAULTS.action).toLowerCase() as RelabelAction;
  const c: RelabelConfig = {
    source_labels: raw.source_labels ?? [],
    separator: raw.separator ?? RELABEL_DEFAULTS.separator,
    regex: raw.regex ?? RELABEL_DEFAULTS.regex,
    modulus: raw.modulus ?? 0,
    target_label: raw.target_label ?? '',
    replacement: raw.replacement ?? RELABEL_DEFAULTS.replacement,
    action,
  };
  if (action === ('' as RelabelAction)) {
    issues.add([...path, 'action'], 'relabel action cannot be empty');
    return c;
  }
  if (!RELABEL_ACTIONS.has(action)) {
    issues.add([...path, 'action'], `unknown relabel action ${goQuote(raw.action ?? '')}`);
    return c;
  }
  for (let i = 0; i < c.source_labels.length; i++) {
    const l = c.source_labels[i];
    if (!validName(l, scheme)) issues.add([...path, 'source_labels', i], `${goQuote(l)} is not a valid label name`);
  }
  try {
    new AnchoredRegex(c.regex);
  } catch (e) {
    issues.add([...path, 'regex'], e instanceof RegexError ? e.message : `error parsing regexp: ${String(e)}`);
  }
  const at = (f: string) => (raw[f as keyof RawRelabel] !== undefined ? [...path, f] : path);
  if (action === 'hashmod' && c.modulus === 0)
    issues.add(at('modulus'), 'relabel configuration for hashmod requires non-zero modulus');
  const needsTarget =
    action === 'replace' ||
    action === 'hashmod' ||
    action === 'lowercase' ||
    action === 'uppercase' ||
    action === 'keepequal' ||
    action === 'dropequal';
  if (needsTarget && c.target_label === '') {
    issues.add(path, `relabel configuration for ${action} action requires 'target_label' value`);
  } else if (needsTarget) {
    const templated = action === 'replace' && c.target_label.includes('$');
    if (!templated && !validName(c.target_label, scheme))
      issues.add(
        [...path, 'target_label'],
        `${goQuote(c.target_label)} is invalid 'target_label' for ${action} action`,
      );
    if (templated && scheme === 'legacy' && !LEGACY_TEMPLATE.test(c.target_label))
      issues.add(
        [...path, 'target_label'],
        `${goQuote(c.target_label)} is invalid 'target_label' for ${action} action`,
      );
  }
  if ((action === 'lowercase' || action === 'uppercase') && c.replacement !== RELABEL_DEFAULTS.replacement)
    issues.add(at('replacement'), `'replacement' can not be set for ${action} action`);
  if (action === 'labelmap' && scheme === 'legacy' && !LEGACY_TEMPLATE.test(c.replacement))
    issues.add(at('replacement'), `${goQuote(c.replacement)} is invalid 'replacement' for ${action} action`);
  if (
    (action === 'keepequal' || action === 'dropequal') &&
    (c.regex !== RELABEL_DEFAULTS.regex ||
      c.modulus !== 0 ||
      c.separator !== RELABEL_DEFAULTS.separator ||
      c.replacement !== RELABEL_DEFAULTS.replacement)
  )
    issues.add(path, `${action} action requires only 'source_labels' and \`target_label\`, and no other fields`);
  if (
    (action === 'labeldrop' || action === 'labelkeep') &&
    (raw.source_labels !== undefined ||
      c.target_label !== '' ||
      c.modulus !== 0 ||
      c.separator !== RELABEL_DEFAULTS.separator ||
      c.replacement !== RELABEL_DEFAULTS.replacement)
  )
    issues.add(path, `${action} action requires only 'regex', and no other fields`);
  return c;
}

/** Builds a relabel list, dropping null entries (each reported). */
export function buildRelabelList(
  raws: (RawRelabel | null)[] | undefined,
  path: ConfigPath,
  issues: IssueList,
  nullMessage: string,
  scheme: NameValidationScheme = 'utf8',
): RelabelConfig[] {
  const out: RelabelConfig[] = [];
  if (!raws) return out;
  for (let i = 0; i < raws.length; i++) {
    const c = buildRelabel(raws[i], [...path, i], issues, nullMessage, scheme);
    if (c) out.push(c);
  }
  return out;
}
