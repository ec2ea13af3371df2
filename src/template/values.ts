/**
 * How Go values are represented in JS for templates:
 *   undefined        -> an invalid reflect.Value ("<no value>"), e.g. a missing map key
 *   null             -> nil
 *   boolean, string  -> bool, string
 *   bigint           -> int (integer constants in templates, len, index results, ...)
 *   number           -> float64 (all JS numbers from data, like Prometheus's $value)
 *   Array            -> slice
 *   Map, plain object-> map (keys sorted when ranging or printing)
 *   other objects    -> struct: fields are properties, methods are function properties
 *   function         -> func
 * A class may set `static goTypeName = 'template.KV'` to name its type in messages.
 */

export type GoKind = 'invalid' | 'nil' | 'bool' | 'int' | 'float' | 'string' | 'slice' | 'map' | 'func' | 'struct';

export function isPlainObject(v: object): boolean {
  const p = Object.getPrototypeOf(v);
  return p === Object.prototype || p === null;
}

export function kindOf(v: unknown): GoKind {
  switch (typeof v) {
    case 'undefined':
      return 'invalid';
    case 'boolean':
      return 'bool';
    case 'bigint':
      return 'int';
    case 'number':
      return 'float';
    case 'string':
      return 'string';
    case 'function':
      return 'func';
    case 'object':
      if (v === null) return 'nil';
      if (Array.isArray(v)) return 'slice';
      if (v instanceof Map || isPlainObject(v)) return 'map';
      return 'struct';
    default:
      return 'struct';
  }
}

export function isMap(v: unknown): v is Map<unknown, unknown> | Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v) && (v instanceof Map || isPlainObject(v));
}

/** The Go type name as fmt prints it (%T, %!d(int=...)). */
export function typeName(v: unknown): string {
  switch (kindOf(v)) {
    case 'invalid':
    case 'nil':
      return '<nil>';
    case 'bool':
      return 'bool';
    case 'int':
      return 'int';
    case 'float':
      return 'float64';
    case 'string':
      return 'string';
    case 'func':
      return 'func()';
    case 'slice': {
      const ctor = (v as object).constructor as { goTypeName?: string };
      if (ctor !== Array && ctor?.goTypeName) return ctor.goTypeName;
      return '[]interface {}';
    }
    case 'map': {
      const ctor = (v as object).constructor as { goTypeName?: string } | undefined;
      if (ctor && ctor !== Map && ctor !== Object && ctor.goTypeName) return ctor.goTypeName;
      return 'map[string]interface {}';
    }
    case 'struct': {
      const ctor = (v as object).constructor as { goTypeName?: string; name?: string } | undefined;
      return ctor?.goTypeName ?? ctor?.name ?? 'struct {}';
    }
  }
}

function compareKeys(a: unknown, b: unknown): number {
  if (typeof a === 'string' && typeof b === 'string') return a < b ? -1 : a > b ? 1 : 0;
  if ((typeof a === 'number' || typeof a === 'bigint') && (typeof b === 'number' || typeof b === 'bigint')) {
    return a < b ? -1 : a > b ? 1 : 0;
  }
  const sa = String(a);
  const sb = String(b);
  return sa < sb ? -1 : sa > sb ? 1 : 0;
}

/** Map keys in Go's sorted order. */
export function mapKeys(m: Map<unknown, unknown> | Record<string, unknown>): unknown[] {
  const keys = m instanceof Map ? [...m.keys()] : Object.keys(m);
  return keys.sort(compareKeys);
}

export function mapSize(m: Map<unknown, unknown> | Record<string, unknown>): number {
  return m instanceof Map ? m.size : Object.keys(m).length;
}

/** Looks up a key; returns undefined when absent. */
export function mapGet(
  m: Map<unknown, unknown> | Record<string, unknown>,
  key: unknown,
): { found: boolean; value: unknown } {
  if (m instanceof Map) {
    if (m.has(key)) return { found: true, value: m.get(key) };
    // Go map keys of one type: let an int constant find a float key and vice versa only when equal.
    if (typeof key === 'bigint' && m.has(Number(key))) return { found: true, value: m.get(Number(key)) };
    return { found: false, value: undefined };
  }
  const k = typeof key === 'string' ? key : String(key);
  if (Object.hasOwn(m, k)) return { found: true, value: (m as Record<string, unknown>)[k] };
  return { found: false, value: undefined };
}

/**
 * The zero value of a map's element type for missingkey=zero. JS maps carry no element type, so a map
 * whose values are all strings (like Prometheus's $labels or Alertmanager's KV) is taken as
 * map[string]string (zero ""), anything else (including an empty map) as map[string]interface{} (zero: a nil interface, which prints as <no value>).
 */
export function mapZero(m: Map<unknown, unknown> | Record<string, unknown>): unknown {
  const ctor = (m as object).constructor as { goZeroValue?: unknown } | undefined;
  if (ctor && 'goZeroValue' in ctor) return ctor.goZeroValue;
  let n = 0;
  const vals = m instanceof Map ? m.values() : Object.values(m);
  for (const v of vals) {
    if (typeof v !== 'string') return null;
    n++;
  }
  return n > 0 ? '' : null;
}

/** Go's truth: zero values and empty collections are false. The second result is false if not applicable. */
export function truth(v: unknown): boolean {
  switch (kindOf(v)) {
    case 'invalid':
    case 'nil':
      return false;
    case 'bool':
      return v as boolean;
    case 'int':
      return (v as bigint) !== 0n;
    case 'float':
      return (v as number) !== 0;
    case 'string':
      return (v as string).length > 0;
    case 'slice':
      return (v as unknown[]).length > 0;
    case 'map':
      return mapSize(v as Map<unknown, unknown>) > 0;
    case 'func':
      return true;
    case 'struct':
      // named integer types such as time.Duration are false when zero
      if (typeof (v as { ns?: unknown }).ns === 'bigint' && (v as object).constructor.name === 'GoDuration') {
        return (v as { ns: bigint }).ns !== 0n;
      }
      return true;
  }
}

/** Byte length of a string as Go's len() counts it. */
export function utf8Len(s: string): number {
  let n = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x80) n += 1;
    else if (c < 0x800) n += 2;
    else if (c >= 0xd800 && c < 0xdc00 && i + 1 < s.length) {
      n += 4;
      i++;
    } else n += 3;
  }
  return n;
}

export function hasMethod(v: unknown, name: string): boolean {
  return typeof v === 'object' && v !== null && typeof (v as Record<string, unknown>)[name] === 'function';
}

/** A map[string]string: missing keys read as "" under missingkey=zero, even when the map is empty. */
export class StringMap extends Map<string, string> {
  static goTypeName = 'map[string]string';
  static goZeroValue = '';
  static from(obj: Record<string, string> | Map<string, string> | undefined | null): StringMap {
    const m = new StringMap();
    if (!obj) return m;
    for (const [k, v] of obj instanceof Map ? obj.entries() : Object.entries(obj)) m.set(k, v);
    return m;
  }
}
