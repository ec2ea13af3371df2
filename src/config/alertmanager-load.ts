/**
 * Loading alertmanager.yml: YAML with positions -> zod shape check -> build (defaults, inheritance, checks).
 * Every problem becomes one ConfigError listing all issues as `file:line:col: path: message`.
 */
import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { isMap, isScalar, isSeq, type Node } from 'yaml';
import { buildAlertmanager } from './alertmanager-build.ts';
import { alertmanagerSchema, alertmanagerTypeNameAt } from './alertmanager-schema.ts';
import type { AlertmanagerConfig } from './alertmanager-types.ts';
import {
  ConfigError,
  type ConfigIssue,
  goQuote,
  IssueList,
  YamlSource,
  zodIssuesToConfigIssues,
} from './yaml-errors.ts';

export interface AlertmanagerParseOptions {
  /** Folder that relative paths (templates, *_file) resolve against; default: the folder of `file`. */
  baseDir?: string;
}

const REGEX_MAPS = new Set(['match_re', 'source_match_re', 'target_match_re']);

/** A regex map entry without a value (`match_re: {label: }`) is an error in Alertmanager, not an unset field. */
function nullRegexIssues(src: YamlSource): ConfigIssue[] {
  const out: ConfigIssue[] = [];
  const walk = (node: unknown, path: (string | number)[]) => {
    if (isMap(node)) {
      for (const pair of node.items) {
        const k = isScalar(pair.key) ? String(pair.key.value) : String(pair.key);
        const v = pair.value as Node | null;
        if (REGEX_MAPS.has(k) && isMap(v)) {
          for (const e of v.items) {
            const val = e.value as Node | null;
            if (val === null || (isScalar(val) && val.value === null)) {
              const name = isScalar(e.key) ? String(e.key.value) : String(e.key);
              out.push({
                path: [...path, k, name],
                atKey: true,
                message: `invalid regexp value for ${goQuote(name)}`,
              });
            }
          }
        }
        walk(v, [...path, k]);
      }
    } else if (isSeq(node)) {
      node.items.forEach((it, i) => {
        walk(it, [...path, i]);
      });
    }
  };
  walk(src.doc.contents, []);
  return out;
}

/** Parses alertmanager.yml text. `file` names the source in messages. */
export function parseAlertmanagerConfig(
  text: string,
  file: string,
  opts: AlertmanagerParseOptions = {},
): AlertmanagerConfig {
  const src = new YamlSource(text, file);
  src.throwIfAny(src.syntaxIssues());
  const issues: ConfigIssue[] = src.duplicateKeyIssues(alertmanagerTypeNameAt);
  issues.push(...nullRegexIssues(src));
  const js = src.toJS() ?? {};
  const res = alertmanagerSchema.safeParse(js);
  if (!res.success) issues.push(...zodIssuesToConfigIssues(res.error.issues, js, alertmanagerTypeNameAt));
  src.throwIfAny(issues);
  const list = new IssueList();
  const cfg = buildAlertmanager(res.data!, opts.baseDir ?? dirname(file), text, list);
  src.throwIfAny(list.items);
  return cfg;
}

/** Reads and parses an alertmanager.yml; relative paths resolve against its folder. */
export function loadAlertmanagerConfigFile(path: string): AlertmanagerConfig {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    throw new ConfigError(path, 0, 0, '', [`${path}: ${(e as Error).message}`]);
  }
  const abs = resolve(path);
  const cfg = parseAlertmanagerConfig(text, path, { baseDir: dirname(abs) });
  cfg.source_file = abs;
  return cfg;
}

/** The bare message of a ConfigError's first issue (without `file:line:col: path: `). */
export function configErrorMessage(e: ConfigError): string {
  const first = e.issues[0] ?? e.message;
  const prefix = `${e.file}:${e.line}:${e.col}: ${e.path ? `${e.path}: ` : ''}`;
  return first.startsWith(prefix) ? first.slice(prefix.length) : first;
}
