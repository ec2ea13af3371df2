/** encoding/json.Marshal for template values (Alertmanager's toJson): sorted map keys, HTML-safe escaping. */
import { formatFloat } from './floatfmt.ts';
import { GoDuration } from './gotime.ts';
import { kindOf, mapGet, mapKeys } from './values.ts';

function encodeString(s: string): string {
  let out = '"';
  for (const ch of s) {
    const cp = ch.codePointAt(0) ?? 0;
    switch (ch) {
      case '"':
        out += '\\"';
        continue;
      case '\\':
        out += '\\\\';
        continue;
      case '\n':
        out += '\\n';
        continue;
      case '\r':
        out += '\\r';
        continue;
      case '\t':
        out += '\\t';
        continue;
      case '<':
      case '>':
      case '&':
        out += `\\u00${cp.toString(16)}`;
        continue;
    }
    if (cp < 0x20) out += `\\u00${cp.toString(16).padStart(2, '0')}`;
    else if (cp === 0x2028 || cp === 0x2029) out += `\\u${cp.toString(16)}`;
    else if (cp >= 0xd800 && cp < 0xe000) out += '\\ufffd';
    else out += ch;
  }
  return `${out}"`;
}

function encodeFloat(f: number): string {
  if (!Number.isFinite(f)) throw new Error(`json: unsupported value: ${formatFloat(f, 'g', -1)}`);
  const abs = Math.abs(f);
  if (abs !== 0 && (abs < 1e-6 || abs >= 1e21)) {
    return formatFloat(f, 'e', -1).replace(/e([+-])0(\d)$/, 'e$1$2');
  }
  return formatFloat(f, 'f', -1);
}

export function goJson(v: unknown): string {
  if (v instanceof GoDuration) return v.ns.toString();
  if (typeof v === 'object' && v !== null && typeof (v as { toJSON?: unknown }).toJSON === 'function') {
    const j = (v as { toJSON: () => unknown }).toJSON();
    // A struct's JSON object keeps its field order, like Go's encoding of struct fields.
    if (kindOf(v) === 'struct' && typeof j === 'object' && j !== null && !Array.isArray(j) && !(j instanceof Map)) {
      const o = j as Record<string, unknown>;
      return `{${Object.keys(o)
        .map((k) => `${encodeString(k)}:${goJson(o[k])}`)
        .join(',')}}`;
    }
    return goJson(j);
  }
  switch (kindOf(v)) {
    case 'invalid':
    case 'nil':
      return 'null';
    case 'bool':
      return v ? 'true' : 'false';
    case 'int':
      return (v as bigint).toString();
    case 'float':
      return encodeFloat(v as number);
    case 'string':
      return encodeString(v as string);
    case 'slice':
      return `[${(v as unknown[]).map(goJson).join(',')}]`;
    case 'map': {
      const m = v as Map<unknown, unknown>;
      return `{${mapKeys(m)
        .map((k) => `${encodeString(String(k))}:${goJson(mapGet(m, k).value)}`)
        .join(',')}}`;
    }
    case 'func':
      throw new Error('json: unsupported type: func()');
    case 'struct': {
      const o = v as Record<string, unknown>;
      const keys = Object.keys(o).filter((k) => typeof o[k] !== 'function');
      return `{${keys.map((k) => `${encodeString(k)}:${goJson(o[k])}`).join(',')}}`;
    }
  }
}
