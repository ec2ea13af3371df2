/**
 * Executor for parsed templates, following Go's text/template evaluation rules: pipelines, variables,
 * field/method/map lookup, missingkey modes, range/with/if, template calls and Go's error texts.
 * Async functions are supported by replay: see AsyncContext.
 */
import {
  type ActionNode,
  type ArgNode,
  type BranchNode,
  type ChainNode,
  type CommandNode,
  errorContext,
  type FieldNode,
  type IdentifierNode,
  type Node,
  type NumberNode,
  nodeString,
  type PipeNode,
  type TemplateNode,
  type Tree,
  type VariableNode,
} from './ast.ts';
import { ArgTypeError, BUILTINS, type TemplateFunc } from './builtins.ts';
import { htmlTemplateEscape } from './escape.ts';
import { formatV, sprint } from './fmt.ts';
import { quoteGo } from './goquote.ts';
import { isPlainObject, kindOf, mapGet, mapKeys, mapZero, truth, typeName } from './values.ts';

export type MissingKey = 'default' | 'invalid' | 'zero' | 'error';

export class TemplateExecError extends Error {
  override name = 'TemplateExecError';
}

/** Thrown inside an execution to pause it until an async function's result is known. */
class Suspend {
  constructor(readonly promise: Promise<unknown>) {}
}

/** Memo of async function results so a replayed execution can go past the call synchronously. */
export class AsyncContext {
  readonly asyncNames = new Set<string>();
  readonly results = new Map<string, { ok: true; value: unknown } | { ok: false; error: unknown }>();
  seq = 0;
}

export interface TemplateSet {
  lookup(name: string): Tree | undefined;
  func(name: string): TemplateFunc | undefined;
  missingKey: MissingKey;
  /** Escape every action's output for HTML (an approximation of html/template). */
  escapeHtml: boolean;
  /** Upper bound on range iterations in one execution. */
  maxRangeIterations: number;
}

/** `this` inside a template function: gives access to the template set (Prometheus's tmpl needs it). */
export interface FuncContext {
  executeTemplate(name: string, data: unknown): string;
  /** Marks a string as safe HTML (not escaped when the set escapes HTML), for safeHtml. */
  markSafe(s: string): void;
}

const MAX_EXEC_DEPTH = 1000;
/** Default bound on range iterations per execution, so a template like {{ range 1000000000000 }} ends. */
export const MAX_RANGE_ITERATIONS = 10_000_000;

class BreakSignal {}
class ContinueSignal {}
const BREAK = new BreakSignal();
const CONTINUE = new ContinueSignal();

const OBJECT_PROTO_NAMES = new Set(Object.getOwnPropertyNames(Object.prototype));
const ARRAY_PROTO_NAMES = new Set(Object.getOwnPropertyNames(Array.prototype));
const MAP_PROTO_NAMES = new Set(Object.getOwnPropertyNames(Map.prototype));

interface Variable {
  name: string;
  value: unknown;
}

/** Marker for "no final value" in a pipeline stage. */
const MISSING = Symbol('missing');

export class ExecState implements FuncContext {
  private vars: Variable[];
  private node: { pos: number; tree: Tree['root']['tree'] } | null = null;
  private out = '';
  private depth = 0;
  private iterations = 0;
  private safe: Set<string> = new Set();

  constructor(
    private readonly set: TemplateSet,
    private tree: Tree,
    root: unknown,
    private readonly async: AsyncContext | null,
  ) {
    this.vars = [{ name: '$', value: root }];
  }

  run(dot: unknown): string {
    this.walk(dot, this.tree.root);
    return this.out;
  }

  markSafe(s: string): void {
    this.safe.add(s);
  }

  executeTemplate(name: string, data: unknown): string {
    const t = this.set.lookup(name);
    if (!t) throw new Error(`template ${quoteGo(name)} not defined`);
    const sub = new ExecState(this.set, t, data, this.async);
    sub.depth = this.depth + 1;
    sub.safe = this.safe;
    if (sub.depth >= MAX_EXEC_DEPTH) throw new Error(`exceeded maximum template depth (${MAX_EXEC_DEPTH})`);
    return sub.run(data);
  }

  private at(n: { pos: number; tree: Tree['root']['tree'] }): void {
    this.node = n;
  }

  private errorf(msg: string): never {
    const name = this.tree.name;
    if (!this.node) throw new TemplateExecError(`template: ${name}: ${msg}`);
    const location = errorContext(this.node);
    const context = nodeString(this.node as Node);
    throw new TemplateExecError(`template: ${location}: executing ${quoteGo(name)} at <${context}>: ${msg}`);
  }

  // ---- walking ----

  private walk(dot: unknown, node: Node): void {
    this.at(node);
    switch (node.kind) {
      case 'action': {
        this.walkAction(dot, node);
        return;
      }
      case 'text':
        // html/template drops HTML comments from the template's own text
        this.out += this.set.escapeHtml ? stripHtmlComments(node.text) : node.text;
        return;
      case 'comment':
        return;
      case 'list':
        for (const n of node.nodes) this.walk(dot, n);
        return;
      case 'if':
      case 'with': {
        this.walkIfOrWith(node.kind, dot, node);
        return;
      }
      case 'range': {
        this.walkRange(dot, node);
        return;
      }
      case 'template': {
        this.walkTemplate(dot, node);
        return;
      }
      case 'break':
        throw BREAK;
      case 'continue':
        throw CONTINUE;
    }
  }

  private walkAction(dot: unknown, node: ActionNode): void {
    const val = this.evalPipeline(dot, node.pipe);
    if (node.pipe.decl.length === 0) this.printValue(node, val);
  }

  private printValue(node: ActionNode, v: unknown): void {
    this.at(node);
    if (v === undefined || v === null) {
      this.out += this.set.escapeHtml ? '' : '<no value>';
      return;
    }
    if (typeof v === 'function') this.errorf(`can't print ${nodeString(node)} of type ${typeName(v)}`);
    const s = typeof v === 'string' ? v : formatV(v);
    this.out += this.set.escapeHtml && !this.safe.has(s) ? htmlTemplateEscape(s) : s;
  }

  private mark(): number {
    return this.vars.length;
  }
  private pop(mark: number): void {
    this.vars.length = mark;
  }

  private walkIfOrWith(kind: 'if' | 'with', dot: unknown, node: BranchNode): void {
    const mark = this.mark();
    try {
      const val = this.evalPipeline(dot, node.pipe);
      if (truth(val)) {
        this.walk(kind === 'with' ? val : dot, node.list);
      } else if (node.elseList) {
        this.walk(dot, node.elseList);
      }
    } finally {
      this.pop(mark);
    }
  }

  private walkRange(dot: unknown, node: BranchNode): void {
    this.at(node);
    const mark = this.mark();
    try {
      const val = this.evalPipeline(dot, node.pipe);
      const mark2 = this.mark();
      const decl = node.pipe.decl;
      const one = (elem: unknown, index: unknown): boolean => {
        if (++this.iterations > this.set.maxRangeIterations) {
          this.at(node);
          this.errorf(`range exceeded ${this.set.maxRangeIterations} iterations`);
        }
        if (decl.length > 0) {
          if (node.pipe.isAssign) {
            if (decl.length > 1) {
              this.setVar(decl[0].ident[0], index);
              this.setVar(decl[1].ident[0], elem);
            } else this.setVar(decl[0].ident[0], elem);
          } else {
            this.setTopVar(1, elem);
            if (decl.length > 1) this.setTopVar(2, index);
          }
        }
        try {
          this.walk(elem, node.list);
        } catch (e) {
          if (e === BREAK) return false;
          if (e !== CONTINUE) throw e;
        } finally {
          this.pop(mark2);
        }
        return true;
      };
      switch (kindOf(val)) {
        case 'slice': {
          const a = val as unknown[];
          if (a.length === 0) break;
          for (let i = 0; i < a.length; i++) if (!one(a[i], BigInt(i))) break;
          return;
        }
        case 'map': {
          const m = val as Map<unknown, unknown>;
          const keys = mapKeys(m);
          if (keys.length === 0) break;
          for (const k of keys) if (!one(mapGet(m, k).value, k)) break;
          return;
        }
        case 'int': {
          const n = val as bigint;
          if (decl.length > 1) this.errorf(`can't use ${formatV(val)} to iterate over more than one variable`);
          if (n <= 0n) break;
          for (let i = 0n; i < n; i++) if (!one(i, i)) break;
          return;
        }
        case 'invalid':
        case 'nil':
          break;
        case 'func': {
          // Go 1.23 iterator functions are not supported.
          this.errorf(`range can't iterate over ${formatV(val)}`);
          break;
        }
        default:
          this.errorf(`range can't iterate over ${formatV(val)}`);
      }
      if (node.elseList) this.walk(dot, node.elseList);
    } finally {
      this.pop(mark);
    }
  }

  private walkTemplate(dot: unknown, node: TemplateNode): void {
    this.at(node);
    const t = this.set.lookup(node.name);
    if (!t) this.errorf(`template ${quoteGo(node.name)} not defined`);
    if (this.depth + 1 >= MAX_EXEC_DEPTH) this.errorf(`exceeded maximum template depth (${MAX_EXEC_DEPTH})`);
    const newDot = node.pipe ? this.evalPipeline(dot, node.pipe) : undefined;
    const sub = new ExecState(this.set, t, newDot, this.async);
    sub.depth = this.depth + 1;
    sub.safe = this.safe;
    sub.iterations = this.iterations;
    this.out += sub.run(newDot);
    this.iterations = sub.iterations;
  }

  // ---- variables ----

  private push(name: string, value: unknown): void {
    this.vars.push({ name, value });
  }
  private setVar(name: string, value: unknown): void {
    for (let i = this.vars.length - 1; i >= 0; i--) {
      if (this.vars[i].name === name) {
        this.vars[i].value = value;
        return;
      }
    }
    this.errorf(`undefined variable: ${name}`);
  }
  private setTopVar(n: number, value: unknown): void {
    this.vars[this.vars.length - n].value = value;
  }
  private varValue(name: string): unknown {
    for (let i = this.vars.length - 1; i >= 0; i--) {
      if (this.vars[i].name === name) return this.vars[i].value;
    }
    this.errorf(`undefined variable: ${name}`);
  }

  // ---- pipelines and commands ----

  private evalPipeline(dot: unknown, pipe: PipeNode): unknown {
    this.at(pipe);
    let value: unknown = MISSING;
    for (const cmd of pipe.cmds) {
      value = this.evalCommand(dot, cmd, value);
    }
    for (const v of pipe.decl) {
      if (pipe.isAssign) this.setVar(v.ident[0], value);
      else this.push(v.ident[0], value);
    }
    return value;
  }

  private notAFunction(args: ArgNode[], final: unknown): void {
    if (args.length > 1 || final !== MISSING) {
      this.errorf(`can't give argument to non-function ${nodeString(args[0])}`);
    }
  }

  private evalCommand(dot: unknown, cmd: CommandNode, final: unknown): unknown {
    const first = cmd.args[0];
    switch (first.kind) {
      case 'field':
        return this.evalFieldNode(dot, first, cmd.args, final);
      case 'chain':
        return this.evalChainNode(dot, first, cmd.args, final);
      case 'identifier':
        return this.evalFunction(dot, first, cmd, cmd.args, final);
      case 'pipe':
        this.notAFunction(cmd.args, final);
        return this.evalPipeline(dot, first);
      case 'variable':
        return this.evalVariableNode(dot, first, cmd.args, final);
    }
    this.at(first);
    this.notAFunction(cmd.args, final);
    switch (first.kind) {
      case 'bool':
        return first.value;
      case 'dot':
        return dot;
      case 'nil':
        this.errorf('nil is not a command');
        break;
      case 'number':
        return this.numberValue(first);
      case 'string':
        return first.text;
    }
    this.errorf(`can't evaluate command ${JSON.stringify(nodeString(first))}`);
  }

  private evalFieldNode(dot: unknown, field: FieldNode, args: ArgNode[], final: unknown): unknown {
    this.at(field);
    return this.evalFieldChain(dot, dot, field, field.ident, args, final);
  }

  private evalChainNode(dot: unknown, chain: ChainNode, args: ArgNode[], final: unknown): unknown {
    this.at(chain);
    if (chain.node.kind === 'nil') this.errorf(`indirection through explicit nil in ${nodeString(chain)}`);
    const pipe = this.evalArg(dot, chain.node);
    return this.evalFieldChain(dot, pipe, chain, chain.field, args, final);
  }

  private evalVariableNode(dot: unknown, v: VariableNode, args: ArgNode[], final: unknown): unknown {
    this.at(v);
    const value = this.varValue(v.ident[0]);
    if (v.ident.length === 1) {
      this.notAFunction(args, final);
      return value;
    }
    return this.evalFieldChain(dot, value, v, v.ident.slice(1), args, final);
  }

  private evalFieldChain(
    dot: unknown,
    receiver: unknown,
    node: ArgNode,
    ident: string[],
    args: ArgNode[],
    final: unknown,
  ): unknown {
    const n = ident.length;
    let iface = false;
    for (let i = 0; i < n - 1; i++) {
      const untyped = isUntypedContainer(receiver);
      receiver = this.evalField(dot, ident[i], node, null, MISSING, receiver, iface);
      // A value read from map[string]interface{} has the static type interface {} in Go's messages.
      iface = untyped;
    }
    return this.evalField(dot, ident[n - 1], node, args, final, receiver, iface);
  }

  private evalField(
    dot: unknown,
    fieldName: string,
    node: ArgNode,
    args: ArgNode[] | null,
    final: unknown,
    receiver: unknown,
    iface = false,
  ): unknown {
    if (receiver === undefined) {
      if (this.set.missingKey === 'error') this.errorf(`nil data; no entry for key ${quoteGo(fieldName)}`);
      return undefined;
    }
    if (receiver === null) this.errorf(`nil pointer evaluating interface {}.${fieldName}`);
    const recvType = iface ? 'interface {}' : typeName(receiver);
    const hasArgs = (args !== null && args.length > 1) || final !== MISSING;
    // methods first, like Go
    const method = this.findMethod(receiver, fieldName);
    if (method) {
      return this.evalCall(dot, method, false, node, fieldName, args ?? [node], final, receiver);
    }
    const k = kindOf(receiver);
    if (k === 'map') {
      if (hasArgs) this.errorf(`${fieldName} is not a method but has arguments`);
      const m = receiver as Map<unknown, unknown>;
      const r = mapGet(m, fieldName);
      if (r.found) return r.value;
      switch (this.set.missingKey) {
        case 'zero':
          return mapZero(m);
        case 'error':
          this.errorf(`map has no entry for key ${quoteGo(fieldName)}`);
          break;
        default:
          return undefined;
      }
    }
    if (k === 'struct' && fieldName in (receiver as object)) {
      if (hasArgs) this.errorf(`${fieldName} has arguments but cannot be invoked as function`);
      return (receiver as Record<string, unknown>)[fieldName];
    }
    this.errorf(`can't evaluate field ${fieldName} in type ${recvType}`);
  }

  private findMethod(receiver: unknown, name: string): TemplateFunc | null {
    if (typeof receiver !== 'object' || receiver === null) return null;
    if (OBJECT_PROTO_NAMES.has(name)) return null;
    const isArr = Array.isArray(receiver);
    if (isArr && ARRAY_PROTO_NAMES.has(name)) return null;
    const isMapObj = receiver instanceof Map;
    if (isMapObj && MAP_PROTO_NAMES.has(name)) return null;
    // Plain objects used as maps: a function value is data, not a method, unless it's the own property.
    if (isPlainObject(receiver)) {
      const v = Object.hasOwn(receiver, name) ? (receiver as Record<string, unknown>)[name] : undefined;
      return typeof v === 'function' ? (v as TemplateFunc) : null;
    }
    if (isMapObj || isArr) {
      const v = (receiver as unknown as Record<string, unknown>)[name];
      return typeof v === 'function' ? (v as TemplateFunc) : null;
    }
    const v = (receiver as Record<string, unknown>)[name];
    return typeof v === 'function' ? (v as TemplateFunc) : null;
  }

  private evalFunction(dot: unknown, node: IdentifierNode, cmd: CommandNode, args: ArgNode[], final: unknown): unknown {
    this.at(node);
    const name = node.name;
    const fn = this.set.func(name);
    if (!fn) this.errorf(`${quoteGo(name)} is not a defined function`);
    const isBuiltin = BUILTINS[name] === fn;
    return this.evalCall(dot, fn, isBuiltin, cmd, name, args, final, undefined);
  }

  private evalCall(
    dot: unknown,
    fn: TemplateFunc,
    isBuiltin: boolean,
    node: ArgNode | CommandNode,
    name: string,
    args: ArgNode[],
    final: unknown,
    receiver: unknown,
  ): unknown {
    const argNodes = args.slice(1);
    const numIn = argNodes.length + (final !== MISSING ? 1 : 0);
    const arity = fn.goArity;
    if (arity) {
      const [min, max] = arity;
      if (max === -1) {
        if (numIn < min) this.errorf(`wrong number of args for ${name}: want at least ${min} got ${numIn}`);
      } else if (numIn < min || numIn > max) {
        this.errorf(`wrong number of args for ${name}: want ${max} got ${numIn}`);
      }
    }
    if (isBuiltin && (name === 'and' || name === 'or')) {
      let v: unknown;
      for (const a of argNodes) {
        v = this.evalArg(dot, a);
        if (truth(v) === (name === 'or')) return v;
      }
      if (final !== MISSING) v = final;
      return v;
    }
    // printf's format parameter is a Go string: a non-string constant is rejected before the call.
    if (isBuiltin && name === 'printf' && argNodes.length > 0) {
      const f = argNodes[0];
      if (f.kind === 'number' || f.kind === 'bool' || f.kind === 'nil') {
        this.at(f);
        this.errorf(`expected string; found ${nodeString(f)}`);
      }
    }
    const argv: unknown[] = [];
    for (const a of argNodes) argv.push(this.evalArg(dot, a));
    if (final !== MISSING) argv.push(final);
    if (isBuiltin && name === 'call') return this.builtinCall(node, argNodes, argv);
    return this.invoke(fn, receiver, argv, node, name);
  }

  private builtinCall(node: ArgNode | CommandNode, argNodes: ArgNode[], argv: unknown[]): unknown {
    const f = argv[0];
    const label = argNodes.length ? nodeString(argNodes[0]) : 'call';
    if (f === undefined || f === null) {
      this.at(node);
      this.errorf(`error calling call: call of nil`);
    }
    if (typeof f !== 'function') {
      this.at(node);
      this.errorf(`error calling call: non-function ${label} of type ${typeName(f)}`);
    }
    return this.invoke(f as TemplateFunc, undefined, argv.slice(1), node, 'call');
  }

  private invoke(
    fn: TemplateFunc,
    receiver: unknown,
    argv: unknown[],
    node: ArgNode | CommandNode,
    name: string,
  ): unknown {
    const async = this.async;
    let key = '';
    if (async?.asyncNames.has(name)) {
      key = `${async.seq++}:${name}`;
      const r = async.results.get(key);
      if (r) {
        if (r.ok) return r.value;
        this.at(node);
        this.errorf(`error calling ${name}: ${errMessage(r.error)}`);
      }
    }
    let result: unknown;
    try {
      result = fn.apply(receiver === undefined ? this : receiver, argv);
    } catch (e) {
      if (e instanceof TemplateExecError || e instanceof Suspend) throw e;
      this.at(node);
      if (e instanceof ArgTypeError) this.errorf(e.message);
      this.errorf(`error calling ${name}: ${errMessage(e)}`);
    }
    if (result !== null && typeof result === 'object' && typeof (result as Promise<unknown>).then === 'function') {
      if (!async) {
        this.at(node);
        this.errorf(`error calling ${name}: function returned a Promise; use executeAsync`);
      }
      if (!key) {
        async.asyncNames.add(name);
        key = `${async.seq++}:${name}`;
      }
      const k = key;
      const p = Promise.resolve(result).then(
        (value) => {
          async.results.set(k, { ok: true, value });
        },
        (error) => {
          async.results.set(k, { ok: false, error });
        },
      );
      throw new Suspend(p);
    }
    return result;
  }

  /** Evaluates an argument node to a value (Go's evalArg with an interface{} parameter). */
  private evalArg(dot: unknown, n: ArgNode): unknown {
    this.at(n);
    switch (n.kind) {
      case 'dot':
        return dot;
      case 'nil':
        return null;
      case 'field':
        return this.evalFieldNode(dot, n, [n], MISSING);
      case 'variable':
        return this.evalVariableNode(dot, n, [n], MISSING);
      case 'pipe':
        return this.evalPipeline(dot, n);
      case 'identifier':
        return this.evalFunction(dot, n, { kind: 'command', pos: n.pos, tree: n.tree, args: [n] }, [n], MISSING);
      case 'chain':
        return this.evalChainNode(dot, n, [n], MISSING);
      case 'bool':
        return n.value;
      case 'number':
        return this.numberValue(n);
      case 'string':
        return n.text;
    }
  }

  private numberValue(n: NumberNode): bigint | number {
    const v = n.value;
    if (typeof v === 'bigint' && (v > MAX_INT || v < MIN_INT)) {
      this.at(n);
      this.errorf(`${n.text} overflows int`);
    }
    return v;
  }
}

const MAX_INT = (1n << 63n) - 1n;
const MIN_INT = -(1n << 63n);

function stripHtmlComments(text: string): string {
  if (!text.includes('<!--')) return text;
  let out = '';
  let i = 0;
  while (i < text.length) {
    const a = text.indexOf('<!--', i);
    if (a < 0) {
      out += text.slice(i);
      break;
    }
    out += text.slice(i, a);
    const b = text.indexOf('-->', a + 4);
    if (b < 0) break;
    i = b + 3;
  }
  return out;
}

/** Plain objects, Maps and arrays stand for Go's map[string]interface{} and []interface{}. */
function isUntypedContainer(v: unknown): boolean {
  if (typeof v !== 'object' || v === null) return false;
  const p = Object.getPrototypeOf(v);
  return p === Object.prototype || p === null || p === Map.prototype || p === Array.prototype;
}

function errMessage(e: unknown): string {
  if (e instanceof Error) return e.message;
  return sprint([e]);
}

export interface RunOptions {
  set: TemplateSet;
  tree: Tree;
  data: unknown;
}

/** Runs synchronously; an async function call fails with a clear error. */
export function runSync(o: RunOptions): string {
  try {
    return new ExecState(o.set, o.tree, o.data, null).run(o.data);
  } catch (e) {
    throw stackOverflowAsExecError(e, o.tree);
  }
}

/** Deeply nested templates can exhaust the JS stack before the depth limit: report it like Go's limit. */
function stackOverflowAsExecError(e: unknown, tree: Tree): unknown {
  if (e instanceof RangeError && /call stack/i.test(e.message)) {
    return new TemplateExecError(`template: ${tree.name}: exceeded maximum template depth (${MAX_EXEC_DEPTH})`);
  }
  return e;
}

const MAX_REPLAYS = 10_000;

/** Runs with async functions allowed: each pending call pauses the run, which is replayed once it resolves. */
export async function runAsync(o: RunOptions): Promise<string> {
  const ctx = new AsyncContext();
  for (let i = 0; i < MAX_REPLAYS; i++) {
    ctx.seq = 0;
    try {
      return new ExecState(o.set, o.tree, o.data, ctx).run(o.data);
    } catch (e) {
      if (e instanceof Suspend) {
        await e.promise;
        continue;
      }
      throw stackOverflowAsExecError(e, o.tree);
    }
  }
  throw new TemplateExecError(`template: ${o.tree.name}: too many asynchronous calls`);
}

export { MISSING };
