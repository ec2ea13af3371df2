/** Go text/template's predefined functions (except and/or, which the executor short-circuits). */
import { htmlEscape, jsEscape, queryEscape } from './escape.ts';
import { sprint, sprintf, sprintln } from './fmt.ts';
import { GoDuration } from './gotime.ts';
import { isMap, kindOf, mapGet, mapSize, mapZero, truth, typeName, utf8Len } from './values.ts';

/** A template function with optional Go-style arity (checked before the call like Go's reflect.Call). */
export type TemplateFunc = ((...args: any[]) => unknown) & { goArity?: [number, number] };

/** Marks a function's arity: [min, max]; max -1 means variadic. */
export function withArity<F extends (...args: any[]) => unknown>(fn: F, min: number, max = min): F & TemplateFunc {
  (fn as TemplateFunc).goArity = [min, max];
  return fn;
}

export class BuiltinError extends Error {}
/** A wrong argument type, reported by Go before the call (no "error calling" prefix). */
export class ArgTypeError extends BuiltinError {}

const errBadComparisonType = 'invalid type for comparison';
const errBadComparison = 'incompatible types for comparison';
const errNoComparison = 'missing argument for comparison';

type BasicKind = 'bool' | 'int' | 'float' | 'string' | 'other' | 'invalid';

function basicKind(v: unknown): BasicKind {
  const k = kindOf(v);
  if (k === 'bool' || k === 'int' || k === 'float' || k === 'string') return k;
  if (k === 'invalid' || k === 'nil') return 'invalid';
  return 'other';
}

function isNilLike(v: unknown): boolean {
  return v === null || v === undefined;
}

/** Named integer types (time.Duration) compare as their integer value. */
function unwrap(v: unknown): unknown {
  return v instanceof GoDuration ? v.ns : v;
}

export function eq(arg1: unknown, ...rest: unknown[]): boolean {
  if (rest.length === 0) throw new BuiltinError(errNoComparison);
  arg1 = unwrap(arg1);
  rest = rest.map(unwrap);
  const k1 = basicKind(arg1);
  for (const arg of rest) {
    const k2 = basicKind(arg);
    let t = false;
    if (k1 !== k2) {
      if (!isNilLike(arg1) && !isNilLike(arg)) {
        throw new BuiltinError(`${errBadComparison}: ${typeName(arg1)} and ${typeName(arg)}`);
      }
      t = isNilLike(arg1) && isNilLike(arg);
    } else {
      switch (k1) {
        case 'bool':
        case 'int':
        case 'float':
        case 'string':
          t = arg1 === arg;
          break;
        case 'invalid':
          t = true;
          break;
        default: {
          const ka = kindOf(arg1);
          const kb = kindOf(arg);
          if (ka === 'slice' || ka === 'map' || ka === 'func' || kb === 'slice' || kb === 'map' || kb === 'func') {
            throw new BuiltinError(`non-comparable type ${sprintf('%s', [arg1])}: ${typeName(arg1)}`);
          }
          t = arg1 === arg;
        }
      }
    }
    if (t) return true;
  }
  return false;
}

export function ne(a: unknown, b: unknown): boolean {
  return !eq(a, b);
}

export function lt(a: unknown, b: unknown): boolean {
  a = unwrap(a);
  b = unwrap(b);
  const k1 = basicKind(a);
  const k2 = basicKind(b);
  if (k1 === 'invalid' || k1 === 'other' || k2 === 'invalid' || k2 === 'other')
    throw new BuiltinError(errBadComparisonType);
  if (k1 !== k2) throw new BuiltinError(`${errBadComparison}: ${typeName(a)} and ${typeName(b)}`);
  if (k1 === 'bool') throw new BuiltinError(errBadComparisonType);
  return (a as number) < (b as number);
}

export function le(a: unknown, b: unknown): boolean {
  return lt(a, b) || eq(a, b);
}

export function gt(a: unknown, b: unknown): boolean {
  return !le(a, b);
}

export function ge(a: unknown, b: unknown): boolean {
  return !lt(a, b);
}

export function length(item: unknown): bigint {
  switch (kindOf(item)) {
    case 'string':
      return BigInt(utf8Len(item as string));
    case 'slice':
      return BigInt((item as unknown[]).length);
    case 'map':
      return BigInt(mapSize(item as Map<unknown, unknown>));
    case 'invalid':
    case 'nil':
      throw new BuiltinError('len of nil pointer');
    default:
      throw new BuiltinError(`len of type ${typeName(item)}`);
  }
}

function indexArg(index: unknown, cap: number): number {
  if (typeof index !== 'bigint') {
    if (isNilLike(index)) throw new BuiltinError('cannot index slice/array with nil');
    throw new BuiltinError(`cannot index slice/array with type ${typeName(index)}`);
  }
  if (index < 0n || index > BigInt(cap)) throw new BuiltinError(`index out of range: ${index}`);
  return Number(index);
}

export function index(item: unknown, ...indexes: unknown[]): unknown {
  let v = item;
  if (isNilLike(v)) throw new BuiltinError('index of untyped nil');
  for (const ix of indexes) {
    switch (kindOf(v)) {
      case 'string': {
        const bytes = Buffer.from(v as string, 'utf8');
        const x = indexArg(ix, bytes.length);
        if (x === bytes.length) throw new BuiltinError(`index out of range: ${x}`);
        v = BigInt(bytes[x]);
        break;
      }
      case 'slice': {
        const a = v as unknown[];
        const x = indexArg(ix, a.length);
        if (x === a.length) throw new BuiltinError(`index out of range: ${x}`);
        v = a[x];
        break;
      }
      case 'map': {
        const m = v as Map<unknown, unknown>;
        if (isNilLike(ix)) throw new BuiltinError('value is nil; should be of type string');
        // plain objects and typed maps (KV, StringMap) have string keys; a plain Map may have any key
        const stringKeyed = !(m instanceof Map) || m.constructor !== Map;
        if (stringKeyed && typeof ix !== 'string') {
          throw new BuiltinError(`value has type ${typeName(ix)}; should be string`);
        }
        const r = mapGet(m, ix);
        v = r.found ? r.value : indexZero(m);
        break;
      }
      case 'invalid':
      case 'nil':
        throw new BuiltinError('index of untyped nil');
      default:
        throw new BuiltinError(`can't index item of type ${typeName(v)}`);
    }
  }
  return v;
}

/** The zero value `index` returns for a missing key: "" for string maps, else no value. */
function indexZero(m: Map<unknown, unknown> | Record<string, unknown>): unknown {
  return mapZero(m);
}

export function slice(item: unknown, ...indexes: unknown[]): unknown {
  if (isNilLike(item)) throw new BuiltinError('slice of untyped nil');
  if (indexes.length > 3) throw new BuiltinError(`too many slice indexes: ${indexes.length}`);
  const k = kindOf(item);
  let cap: number;
  if (k === 'string') {
    if (indexes.length === 3) throw new BuiltinError('cannot 3-index slice a string');
    cap = Buffer.byteLength(item as string, 'utf8');
  } else if (k === 'slice') cap = (item as unknown[]).length;
  else throw new BuiltinError(`can't slice item of type ${typeName(item)}`);
  const idx = [0, cap];
  for (let i = 0; i < indexes.length; i++) {
    const x = indexArg(indexes[i], cap);
    idx[i] = x;
  }
  if (idx[0] > idx[1]) throw new BuiltinError(`invalid slice index: ${idx[0]} > ${idx[1]}`);
  if (indexes.length === 3 && idx[1] > idx[2]) throw new BuiltinError(`invalid slice index: ${idx[1]} > ${idx[2]}`);
  if (k === 'string')
    return Buffer.from(item as string, 'utf8')
      .subarray(idx[0], idx[1])
      .toString('utf8');
  return (item as unknown[]).slice(idx[0], idx[1]);
}

function evalArgsString(args: unknown[]): string {
  if (args.length === 1 && typeof args[0] === 'string') return args[0];
  return sprint(args);
}

export function not(arg: unknown): boolean {
  return !truth(arg);
}

/** The builtin function table: name -> [function, min args, max args (-1 variadic)]. */
export const BUILTINS: Record<string, TemplateFunc> = {
  eq: withArity(eq, 1, -1),
  ne: withArity(ne, 2),
  lt: withArity(lt, 2),
  le: withArity(le, 2),
  gt: withArity(gt, 2),
  ge: withArity(ge, 2),
  len: withArity(length, 1),
  index: withArity(index, 1, -1),
  slice: withArity(slice, 1, -1),
  not: withArity(not, 1),
  print: withArity((...a: unknown[]) => sprint(a), 0, -1),
  println: withArity((...a: unknown[]) => sprintln(a), 0, -1),
  printf: withArity(
    (format: unknown, ...a: unknown[]) => {
      if (typeof format !== 'string') {
        if (format === undefined || format === null) throw new ArgTypeError('invalid value; expected string');
        throw new ArgTypeError(`wrong type for value; expected string; got ${typeName(format)}`);
      }
      return sprintf(format, a);
    },
    1,
    -1,
  ),
  html: withArity((...a: unknown[]) => htmlEscape(evalArgsString(a)), 0, -1),
  js: withArity((...a: unknown[]) => jsEscape(evalArgsString(a)), 0, -1),
  urlquery: withArity((...a: unknown[]) => queryEscape(evalArgsString(a)), 0, -1),
  // and, or and call are handled by the executor; these entries make them known to the parser.
  and: withArity(() => undefined, 1, -1),
  or: withArity(() => undefined, 1, -1),
  call: withArity(() => undefined, 1, -1),
};

export { isMap };
