/**
 * zod schema of a Prometheus rule file (rulefmt): groups of recording and alerting rules.
 * Field names and Go type names follow Prometheus so unknown-field errors read the same.
 */
import { z } from 'zod';
import { zduration, zint, zlist, zmap, zstr } from './schema-scalars.ts';
import type { ConfigPath } from './yaml-errors.ts';

function ruleSchema(strict: boolean) {
  const o = z.object({
    record: zstr.optional(),
    alert: zstr.optional(),
    expr: zstr.optional(),
    for: zduration.optional(),
    keep_firing_for: zduration.optional(),
    labels: zmap(zstr).optional(),
    annotations: zmap(zstr).optional(),
  });
  return strict ? o.strict() : o;
}

function groupSchema(strict: boolean) {
  const o = z.object({
    name: zstr.optional(),
    interval: zduration.optional(),
    query_offset: zduration.optional(),
    limit: zint.optional(),
    labels: zmap(zstr).optional(),
    rules: zlist(ruleSchema(strict)).optional(),
  });
  return strict ? o.strict() : o;
}

export function ruleFileSchema(strict: boolean) {
  const o = z.object({ groups: zlist(groupSchema(strict)).optional() });
  return strict ? o.strict() : o;
}

export type RawRuleFile = z.infer<ReturnType<typeof ruleFileSchema>>;

/** Go type names for "field x not found in type T" messages. */
export function ruleTypeNameAt(path: ConfigPath): string | undefined {
  if (path.length === 0) return 'rulefmt.RuleGroups';
  if (path.length === 2 && path[0] === 'groups') return 'rulefmt.RuleGroup';
  if (path.length === 4 && path[2] === 'rules') return 'rulefmt.Rule';
  return undefined;
}
