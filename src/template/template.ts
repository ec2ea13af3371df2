/** The public Template type: a named entry into a set of parsed templates sharing functions and options. */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import type { Tree } from './ast.ts';
import { BUILTINS, type TemplateFunc } from './builtins.ts';
import {
  MAX_RANGE_ITERATIONS,
  type MissingKey,
  runAsync,
  runSync,
  TemplateExecError,
  type TemplateSet,
} from './exec.ts';
import { globMatch } from './glob.ts';
import { quoteGo } from './goquote.ts';
import { isEmptyTree, parseTemplates } from './parser.ts';

export type FuncMap = Record<string, TemplateFunc>;

export interface TemplateOptions {
  /** Go's missingkey option. Prometheus and Alertmanager use 'zero'. Default 'default'. */
  missingKey?: MissingKey;
  /**
   * HTML-escape the output of every action, as html/template does in text and attribute contexts
   * (an approximation: no contextual JS/CSS/URL escaping). Strings passed through safeHtml are not escaped.
   */
  escapeHtml?: boolean;
  /** Bound on range iterations per execution (default ten million); exceeding it is an execution error. */
  maxRangeIterations?: number;
}

class SharedSet implements TemplateSet {
  trees = new Map<string, Tree>();
  funcs: FuncMap = {};
  missingKey: MissingKey = 'default';
  escapeHtml = false;
  maxRangeIterations = MAX_RANGE_ITERATIONS;

  lookup(name: string): Tree | undefined {
    return this.trees.get(name);
  }
  func(name: string): TemplateFunc | undefined {
    return Object.hasOwn(this.funcs, name)
      ? this.funcs[name]
      : Object.hasOwn(BUILTINS, name)
        ? BUILTINS[name]
        : undefined;
  }
  hasFunction = (name: string): boolean => this.func(name) !== undefined;
}

export class Template {
  private constructor(
    readonly name: string,
    private readonly set: SharedSet,
  ) {}

  /** A new, empty template set whose main template is `name`. */
  static new(name: string, funcs?: FuncMap, opts?: TemplateOptions): Template {
    const set = new SharedSet();
    if (funcs) Object.assign(set.funcs, funcs);
    if (opts?.missingKey) set.missingKey = opts.missingKey;
    if (opts?.escapeHtml) set.escapeHtml = true;
    if (opts?.maxRangeIterations) set.maxRangeIterations = opts.maxRangeIterations;
    return new Template(name, set);
  }

  /** Parses `text` as template `name` (plus any templates it defines). Throws TemplateParseError. */
  static parse(name: string, text: string, funcs?: FuncMap, opts?: TemplateOptions): Template {
    return Template.new(name, funcs, opts).parse(text);
  }

  /** Adds functions (must happen before parsing text that uses them). */
  funcs(map: FuncMap): this {
    Object.assign(this.set.funcs, map);
    return this;
  }

  /** Go's Option("missingkey=zero") etc. */
  option(opt: string): this {
    const m = /^missingkey=(default|invalid|zero|error)$/.exec(opt);
    if (!m) throw new Error(`unrecognized option: ${opt}`);
    this.set.missingKey = m[1] as MissingKey;
    return this;
  }

  /**
   * Parses more text into this set as this template's body (Go's t.Parse): `define`d templates are added,
   * replacing earlier ones; a body that is only whitespace and comments does not replace an existing one.
   */
  parse(text: string): this {
    const trees = parseTemplates(this.name, text, { hasFunction: this.set.hasFunction });
    for (const t of trees) this.addParseTree(t);
    return this;
  }

  /** Adds a parsed tree under its name, following Go's associate rule. */
  addParseTree(tree: Tree): this {
    const old = this.set.trees.get(tree.name);
    if (old && isEmptyTree(tree.root)) return this;
    this.set.trees.set(tree.name, tree);
    return this;
  }

  /** Another template of the same set (Go's t.New(name)). */
  new(name: string): Template {
    return new Template(name, this.set);
  }

  lookup(name: string): Template | undefined {
    return this.set.trees.has(name) ? new Template(name, this.set) : undefined;
  }

  /** Names of all templates in the set, sorted. */
  definedTemplates(): string[] {
    return [...this.set.trees.keys()].sort();
  }

  /** A copy of the set that can get more definitions without changing this one. */
  clone(opts?: TemplateOptions): Template {
    const set = new SharedSet();
    set.trees = new Map(this.set.trees);
    set.funcs = { ...this.set.funcs };
    set.missingKey = this.set.missingKey;
    set.escapeHtml = opts?.escapeHtml ?? this.set.escapeHtml;
    if (opts?.missingKey) set.missingKey = opts.missingKey;
    set.maxRangeIterations = opts?.maxRangeIterations ?? this.set.maxRangeIterations;
    return new Template(this.name, set);
  }

  private treeFor(name: string | undefined): Tree {
    const n = name ?? this.name;
    const tree = this.set.trees.get(n);
    if (!tree) {
      if (name !== undefined && name !== this.name) {
        throw new TemplateExecError(
          `template: no template ${quoteGo(n)} associated with template ${quoteGo(this.name)}`,
        );
      }
      throw new TemplateExecError(`template: ${n}: ${quoteGo(n)} is an incomplete or empty template`);
    }
    return tree;
  }

  /** Executes this template (or the named one in the set) synchronously. Throws TemplateExecError. */
  execute(data: unknown, name?: string): string {
    return runSync({ set: this.set, tree: this.treeFor(name), data });
  }

  /** Executes allowing functions that return Promises (e.g. Prometheus's query). */
  executeAsync(data: unknown, name?: string): Promise<string> {
    try {
      return runAsync({ set: this.set, tree: this.treeFor(name), data });
    } catch (e) {
      return Promise.reject(e);
    }
  }
}

/**
 * Go's ParseFiles: each file becomes a template named after its base name, all in one set.
 * The returned template is the first file's.
 */
export function parseFiles(paths: string[], funcs?: FuncMap, opts?: TemplateOptions): Template {
  if (paths.length === 0) throw new Error('template: no files named in call to ParseFiles');
  let t: Template | undefined;
  for (const p of paths) {
    const text = readFileSync(p, 'utf8');
    const name = basename(p);
    if (!t) t = Template.new(name, funcs, opts);
    const target = name === t.name ? t : t.new(name);
    target.parse(text);
  }
  return t as Template;
}

/** Expands shell-style globs (filepath.Glob: * ? [..] within one path segment) into sorted file paths. */
export function expandGlob(pattern: string): string[] {
  if (!/[*?[]/.test(pattern)) {
    try {
      statSync(pattern);
      return [pattern];
    } catch {
      return [];
    }
  }
  const dir = dirname(pattern);
  const base = basename(pattern);
  const dirs = /[*?[]/.test(dir) ? expandGlob(dir) : [dir];
  const out: string[] = [];
  for (const d of dirs) {
    let entries: string[];
    try {
      entries = readdirSync(d);
    } catch {
      continue;
    }
    for (const e of entries.sort()) if (globMatch(base, e)) out.push(join(d, e));
  }
  return out;
}

/**
 * Alertmanager's `templates:` loading: every glob is expanded and every file parsed into one set
 * (on top of `base`, e.g. the default templates).
 */
export function parseGlobs(base: Template, globs: string[]): Template {
  const t = base.clone();
  for (const g of globs) {
    for (const file of expandGlob(g)) {
      t.new(basename(file)).parse(readFileSync(file, 'utf8'));
    }
  }
  return t;
}
