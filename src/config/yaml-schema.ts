/**
 * The generic first stage of every YAML config loader: syntax check, duplicate keys, then a zod schema,
 * with all problems thrown as one ConfigError (`file:line:col: path: message`).
 */
import type { z } from 'zod';
import { type ConfigIssue, type TypeNameAt, type YamlSource, zodIssuesToConfigIssues } from './yaml-errors.ts';

export interface SchemaParseOptions {
  /** Go type names for Prometheus/Alertmanager-compatible unknown-field wording. */
  typeNameAt?: TypeNameAt;
  /** Keys whose null value means '' rather than "unset". */
  keepNull?: ReadonlySet<string>;
}

/** Parses the YAML source and checks it against a schema; throws ConfigError listing every issue. */
export function parseWithSchema<S extends z.ZodType>(
  src: YamlSource,
  schema: S,
  opts: SchemaParseOptions = {},
): z.infer<S> {
  src.throwIfAny(src.syntaxIssues());
  const issues: ConfigIssue[] = src.duplicateKeyIssues(opts.typeNameAt);
  const js = src.toJS(opts.keepNull) ?? {};
  const res = schema.safeParse(js);
  if (!res.success) issues.push(...zodIssuesToConfigIssues(res.error.issues, js, opts.typeNameAt));
  src.throwIfAny(issues);
  return res.data as z.infer<S>;
}
