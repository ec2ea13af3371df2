/**
 * Generic YAML source handling for every config loader (prometheus.yml, alertmanager.yml, rule files, ...):
 * parse with positions, turn schema issues into `file:line:col: path: message`, and throw one ConfigError
 * that carries all issues. Nothing here knows about a particular file format.
 */

import type { ScalarTag } from 'yaml';
import { type Document, isMap, isScalar, isSeq, LineCounter, type Node, parseDocument } from 'yaml';
import type { z } from 'zod';
import { documentToPlain, unwrapLiterals, YAML11_BOOL_TAG, YamlLiteral } from './yaml-values.ts';

export type ConfigPath = readonly (string | number)[];

export interface ConfigIssue {
  path: ConfigPath;
  message: string;
  /** Point at the mapping key of the last path element instead of its value (unknown/duplicate fields). */
  atKey?: boolean;
  /** Explicit position (YAML syntax errors), 1-based. */
  line?: number;
  col?: number;
}

/** A config file that failed to load. `message` is the first issue; `issues` has all of them. */
export class ConfigError extends Error {
  readonly file: string;
  readonly line: number;
  readonly col: number;
  /** Dotted path of the first issue, e.g. "scrape_configs.0.scrape_interval" ('' for the document). */
  readonly path: string;
  readonly issues: string[];

  constructor(file: string, line: number, col: number, path: string, issues: string[]) {
    super(issues[0] ?? `${file}: invalid configuration`);
    this.name = 'ConfigError';
    this.file = file;
    this.line = line;
    this.col = col;
    this.path = path;
    this.issues = issues;
  }
}

/** "scrape_configs.0.job_name"; odd keys (dots, spaces, invalid UTF-8) are Go-quoted. */
export function pathToString(path: ConfigPath): string {
  return path.map((p) => (typeof p === 'number' || /^[\w\-/:]*$/.test(p) ? String(p) : goQuote(p))).join('.');
}

/** Issues collected while validating; paths are relative to the document root. */
export class IssueList {
  readonly items: ConfigIssue[] = [];
  add(path: ConfigPath, message: string, atKey = false): void {
    this.items.push({ path, message, atKey });
  }
  get length(): number {
    return this.items.length;
  }
}

const BINARY_TAG: ScalarTag = {
  tag: 'tag:yaml.org,2002:binary',
  default: false,
  resolve(src: string, onError: (msg: string) => void): string {
    const s = src.replace(/\s+/g, '');
    if (s.length % 4 !== 0 || !/^[A-Za-z0-9+/]*={0,2}$/.test(s)) {
      onError('!!binary value contains invalid base64 data');
      return '';
    }
    return bytesToString(Buffer.from(s, 'base64'));
  },
};

/**
 * Go strings are byte strings; YAML !!binary may decode to invalid UTF-8. Invalid bytes become lone
 * surrogates U+DC80..U+DCFF (like Python's surrogateescape), so validity checks fail and goQuote prints \xNN.
 */
function bytesToString(b: Uint8Array): string {
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(b);
  } catch {
    let out = '';
    for (const byte of b) out += byte < 0x80 ? String.fromCharCode(byte) : String.fromCharCode(0xdc00 + byte);
    return out;
  }
}

/** Quotes a string the way Go's %q does (enough for error messages). */
export function goQuote(s: string): string {
  let out = '"';
  for (const ch of s) {
    const c = ch.codePointAt(0)!;
    if (ch === '"') out += '\\"';
    else if (ch === '\\') out += '\\\\';
    else if (c === 0x0a) out += '\\n';
    else if (c === 0x09) out += '\\t';
    else if (c === 0x0d) out += '\\r';
    else if (c >= 0xdc80 && c <= 0xdcff) out += `\\x${(c - 0xdc00).toString(16).padStart(2, '0')}`;
    else if (c < 0x20 || c === 0x7f) out += `\\x${c.toString(16).padStart(2, '0')}`;
    else if (c >= 0xd800 && c <= 0xdfff) out += '\\ufffd';
    else out += ch;
  }
  return `${out}"`;
}

/**
 * Go type name of the mapping at a path, for Prometheus-compatible wording of unknown/duplicate field errors
 * ("field x not found in type config.plain"). Loaders without such expectations pass nothing.
 */
export type TypeNameAt = (path: ConfigPath) => string | undefined;

function goSuffix(typeNameAt: TypeNameAt | undefined, path: ConfigPath, text: string): string {
  const t = typeNameAt?.(path);
  return t ? ` (${text} ${t})` : '';
}

/** A parsed YAML file that can map config paths back to line:col. */
export class YamlSource {
  readonly file: string;
  readonly doc: Document.Parsed;
  private readonly lines: LineCounter;

  constructor(text: string, file: string) {
    this.file = file;
    this.lines = new LineCounter();
    // Duplicate keys are reported by duplicateKeyIssues() with the config's own wording.
    this.doc = parseDocument(text, {
      lineCounter: this.lines,
      uniqueKeys: false,
      merge: true,
      customTags: [BINARY_TAG, YAML11_BOOL_TAG],
      prettyErrors: false,
    });
  }

  /** YAML syntax errors (bad indentation, bad !!binary, ...). */
  syntaxIssues(): ConfigIssue[] {
    return this.doc.errors.map((e) => {
      const pos = this.lines.linePos(e.pos[0]);
      return { path: [], message: `yaml: ${e.message.replace(/ at line \d+, column \d+[\s\S]*$/, '')}`, ...pos };
    });
  }

  /**
   * The document as plain JS (see yaml-values.ts: plain numbers/booleans come as YamlLiteral). Null mapping
   * values are dropped (a null field is an unset field), except for keys in `keepNull`, which become ''.
   */
  toJS(keepNull: ReadonlySet<string> = new Set()): unknown {
    try {
      return documentToPlain(this.doc, keepNull);
    } catch (e) {
      this.throwIfAny([{ path: [], message: `yaml: ${(e as Error).message}` }]);
      throw e;
    }
  }

  /** `field X already set in type T` for every repeated key in a mapping. */
  duplicateKeyIssues(typeNameAt?: TypeNameAt): ConfigIssue[] {
    const out: ConfigIssue[] = [];
    // One shared path stack; copied only when a duplicate is found (this walk runs on every reload).
    const path: (string | number)[] = [];
    const walk = (node: unknown) => {
      if (isMap(node)) {
        const seen = new Set<string>();
        for (const pair of node.items) {
          const k = isScalar(pair.key) ? String(pair.key.value) : String(pair.key);
          if (seen.has(k)) {
            const kn = pair.key as Node;
            const pos = kn?.range ? this.lines.linePos(kn.range[0]) : undefined;
            out.push({
              path: [...path, k],
              message: `duplicate field ${goQuote(k)}${goSuffix(typeNameAt, [...path], `field ${k} already set in type`)}`,
              ...pos,
            });
          }
          seen.add(k);
          if (isMap(pair.value) || isSeq(pair.value)) {
            path.push(k);
            walk(pair.value);
            path.pop();
          }
        }
      } else if (isSeq(node)) {
        for (let i = 0; i < node.items.length; i++) {
          const it = node.items[i];
          if (!isMap(it) && !isSeq(it)) continue;
          path.push(i);
          walk(it);
          path.pop();
        }
      }
    };
    walk(this.doc.contents);
    return out;
  }

  /** 1-based position of the value (or key) at `path`; the nearest existing ancestor when it is missing. */
  position(path: ConfigPath, atKey = false): { line: number; col: number } {
    let node: unknown = this.doc.contents;
    let offset = (node as Node | null)?.range?.[0] ?? 0;
    for (let i = 0; i < path.length; i++) {
      const seg = path[i];
      const last = i === path.length - 1;
      if (isMap(node)) {
        const pair = node.items.find((p) => (isScalar(p.key) ? String(p.key.value) : String(p.key)) === String(seg));
        if (!pair) break;
        const key = pair.key as Node | null;
        const val = pair.value as Node | null;
        const valHasText = val?.range && val.range[1] > val.range[0];
        if ((last && atKey) || !valHasText) {
          if (key?.range) offset = key.range[0];
          if (!valHasText) break;
        } else offset = val!.range![0];
        node = val;
      } else if (isSeq(node)) {
        const item = node.items[Number(seg)] as Node | null | undefined;
        if (!item) break;
        if (item.range) offset = item.range[0];
        node = item;
      } else break;
    }
    return this.lines.linePos(offset);
  }

  format(issue: ConfigIssue): string {
    const pos =
      issue.line !== undefined ? { line: issue.line, col: issue.col ?? 1 } : this.position(issue.path, issue.atKey);
    const p = pathToString(issue.path);
    return `${this.file}:${pos.line}:${pos.col}: ${p ? `${p}: ` : ''}${issue.message}`;
  }

  /** Throws one ConfigError carrying every issue; does nothing when there are none. */
  throwIfAny(issues: readonly ConfigIssue[]): void {
    if (issues.length === 0) return;
    const first = issues[0];
    const pos =
      first.line !== undefined ? { line: first.line, col: first.col ?? 1 } : this.position(first.path, first.atKey);
    throw new ConfigError(
      this.file,
      pos.line,
      pos.col,
      pathToString(first.path),
      issues.map((i) => this.format(i)),
    );
  }
}

function yamlKind(v: unknown): string {
  if (v instanceof YamlLiteral) v = v.value;
  if (Array.isArray(v)) return '!!seq';
  if (v === null || v === undefined) return '!!null';
  switch (typeof v) {
    case 'string':
      return '!!str';
    case 'boolean':
      return '!!bool';
    case 'number':
      return Number.isInteger(v) ? '!!int' : '!!float';
    default:
      return '!!map';
  }
}

const GO_TYPE: Record<string, string> = {
  string: 'string',
  number: 'int',
  int: 'int',
  boolean: 'bool',
  object: 'a mapping',
  record: 'a mapping',
  array: 'a sequence',
};

/** Go-yaml style type mismatch message. */
export function unmarshalMessage(value: unknown, expected: string): string {
  return `unmarshal errors: cannot unmarshal ${yamlKind(value)} into ${GO_TYPE[expected] ?? expected}`;
}

/**
 * Converts zod issues to ConfigIssues. Unknown keys become one issue per key, pointing at the key, with
 * Go's wording in parentheses so messages match Prometheus's tests.
 */
export function zodIssuesToConfigIssues(
  issues: readonly z.core.$ZodIssue[],
  root: unknown,
  typeNameAt?: TypeNameAt,
): ConfigIssue[] {
  const out: ConfigIssue[] = [];
  for (const iss of issues) {
    const path = iss.path.filter((p): p is string | number => typeof p !== 'symbol');
    if (iss.code === 'unrecognized_keys') {
      for (const k of iss.keys) {
        out.push({
          path: [...path, k],
          atKey: true,
          message: `unknown field ${goQuote(k)}${goSuffix(typeNameAt, path, `field ${k} not found in type`)}`,
        });
      }
    } else if (iss.code === 'invalid_type') {
      out.push({ path, message: unmarshalMessage(valueAt(root, path), iss.expected) });
    } else if (iss.code === 'invalid_value') {
      out.push({
        path,
        message: `invalid value ${goQuote(String(unwrapLiterals(valueAt(root, path))))}, expected one of: ${iss.values.map(String).join(', ')}`,
      });
    } else {
      out.push({ path, message: iss.message });
    }
  }
  return out;
}

export function valueAt(root: unknown, path: ConfigPath): unknown {
  let v = root;
  for (const seg of path) {
    if (v === null || typeof v !== 'object') return undefined;
    v = (v as Record<string | number, unknown>)[seg];
  }
  return v;
}
