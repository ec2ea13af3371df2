/**
 * Helpers for the parser tests: a position-free, comparable form of an AST, and the queries of the
 * upstream PromQL test scripts.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Matcher } from '../model/index.ts';
import type { Expr } from './ast.ts';

/** A JSON string of the tree without positions; NaN/Inf made comparable; matchers as [type, name, value]. */
export function astKey(e: Expr): string {
  return JSON.stringify(e, (key, value) => {
    // Positions and the literal spelling of durations (90s vs 1m30s) carry no meaning.
    if (key === 'pos' || key === 'text') return undefined;
    // The printer sorts matchers by name, as Prometheus does; order carries no meaning.
    if (key === 'matchers' && Array.isArray(value)) {
      return (value as Matcher[])
        .map((m) => [m.type, m.name, m.value])
        .sort((a, b) => (a.join('\0') < b.join('\0') ? -1 : 1));
    }
    if (value instanceof Matcher) return [value.type, value.name, value.value];
    if (typeof value === 'number') {
      if (Number.isNaN(value)) return 'NaN';
      if (!Number.isFinite(value)) return value > 0 ? '+Inf' : '-Inf';
      if (Object.is(value, -0)) return '-0';
    }
    return value;
  });
}

export interface ScriptQuery {
  file: string;
  line: number;
  query: string;
  /** Set for `eval_fail` with `expected_fail_message` / `expected_fail_regexp` (legacy forms). */
  expectedFailMessage?: string;
  expectedFailRegexp?: string;
  legacyFail: boolean;
}

export const CONFORMANCE_DIR = fileURLToPath(new URL('../../../shared/conformance/promql', import.meta.url));

const EVAL_INSTANT = /^(eval(?:_fail|_warn|_info|_ordered)?)\s+instant\s+at\s+\S+\s+(.*)$/;
const EVAL_RANGE = /^(eval(?:_fail|_warn|_info|_ordered)?)\s+range\s+from\s+\S+\s+to\s+\S+\s+step\s+\S+\s+(.*)$/;

/** Every eval query of the upstream test scripts, with its file and line. */
export function scriptQueries(dir: string = CONFORMANCE_DIR): ScriptQuery[] {
  const files: string[] = [];
  const walk = (d: string, prefix: string): void => {
    for (const ent of readdirSync(d, { withFileTypes: true })) {
      if (ent.isDirectory()) walk(join(d, ent.name), `${prefix}${ent.name}/`);
      else if (ent.name.endsWith('.test')) files.push(`${prefix}${ent.name}`);
    }
  };
  walk(dir, '');
  files.sort();
  const out: ScriptQuery[] = [];
  for (const file of files) {
    const lines = readFileSync(join(dir, file), 'utf8').split('\n');
    let current: ScriptQuery | null = null;
    for (let i = 0; i < lines.length; i++) {
      const l = lines[i].trim();
      const m = EVAL_INSTANT.exec(l) ?? EVAL_RANGE.exec(l);
      if (m) {
        current = { file, line: i + 1, query: m[2], legacyFail: m[1] === 'eval_fail' };
        out.push(current);
        continue;
      }
      if (l === '' || l.startsWith('#')) {
        current = null;
        continue;
      }
      if (current?.legacyFail) {
        if (l.startsWith('expected_fail_message '))
          current.expectedFailMessage = l.slice('expected_fail_message '.length).trim();
        if (l.startsWith('expected_fail_regexp '))
          current.expectedFailRegexp = l.slice('expected_fail_regexp '.length).trim();
      }
    }
  }
  return out;
}

/** Reads a known-failures file: one `file:line<TAB>reason` per line; `#` comments. */
export function readKnownFailures(path: string): Map<string, string> {
  const out = new Map<string, string>();
  let text = '';
  try {
    text = readFileSync(path, 'utf8');
  } catch {
    return out;
  }
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) continue;
    const tab = line.indexOf('\t');
    if (tab < 0) out.set(line, '');
    else out.set(line.slice(0, tab), line.slice(tab + 1));
  }
  return out;
}
