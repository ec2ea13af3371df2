/**
 * zod building blocks that read YAML scalars the way Go's yaml decoder does: numbers and booleans are
 * accepted where a string is expected, durations use Prometheus syntax, sizes use Base2Bytes.
 * Reusable by every config schema (prometheus.yml, alertmanager.yml, web config, ...).
 */
import { z } from 'zod';
import { DurationError, parseDuration } from '../model/index.ts';
import { parseSize, SizeError } from './units.ts';
import { unmarshalMessage } from './yaml-errors.ts';
import { unwrapLiterals, YamlLiteral } from './yaml-values.ts';

/** A string; plain YAML ints, floats and booleans are taken as their text, as Go decodes them into strings. */
export const zstr = z.any().transform((v, ctx): string => {
  if (typeof v === 'string') return v;
  if (v instanceof YamlLiteral) return v.source;
  // A null map value or list item is Go's zero value (optional fields never get here: unset stays unset).
  if (v === null || v === undefined) return '';
  if (typeof v === 'number' || typeof v === 'boolean' || typeof v === 'bigint') return String(v);
  ctx.addIssue({ code: 'custom', message: unmarshalMessage(v, 'string') });
  return z.NEVER;
});

export const zbool = z.any().transform((w, ctx): boolean => {
  const v = w instanceof YamlLiteral ? w.value : w;
  if (v === null || v === undefined) return false;
  if (typeof v === 'boolean') return v;
  ctx.addIssue({ code: 'custom', message: unmarshalMessage(v, 'boolean') });
  return z.NEVER;
});

export const zint = z.any().transform((w, ctx): number => {
  const v = w instanceof YamlLiteral ? w.value : w;
  if (v === null || v === undefined) return 0;
  if (typeof v === 'number' && Number.isInteger(v)) return v;
  ctx.addIssue({ code: 'custom', message: unmarshalMessage(v, 'int') });
  return z.NEVER;
});

export const zuint = z.any().transform((w, ctx): number => {
  const v = w instanceof YamlLiteral ? w.value : w;
  if (v === null || v === undefined) return 0;
  if (typeof v === 'number' && Number.isInteger(v) && v >= 0) return v;
  ctx.addIssue({ code: 'custom', message: unmarshalMessage(v, 'uint') });
  return z.NEVER;
});

export const zfloat = z.any().transform((w, ctx): number => {
  const v = w instanceof YamlLiteral ? w.value : w;
  if (v === null || v === undefined) return 0;
  if (typeof v === 'number') return v;
  ctx.addIssue({ code: 'custom', message: unmarshalMessage(v, 'float64') });
  return z.NEVER;
});

/** Prometheus duration ("30s", "1h30m") -> milliseconds. */
export const zduration = z.any().transform((w, ctx): number => {
  const v = w instanceof YamlLiteral ? w.source : w;
  if (typeof v !== 'string' && typeof v !== 'number') {
    ctx.addIssue({ code: 'custom', message: unmarshalMessage(v, 'string') });
    return z.NEVER;
  }
  try {
    return parseDuration(String(v));
  } catch (e) {
    ctx.addIssue({ code: 'custom', message: e instanceof DurationError ? e.message : String(e) });
    return z.NEVER;
  }
});

/** Base2Bytes size ("100MB") -> bytes. */
export const zsize = z.any().transform((w, ctx): number => {
  const v = w instanceof YamlLiteral ? w.source : w;
  if (typeof v !== 'string' && typeof v !== 'number') {
    ctx.addIssue({ code: 'custom', message: unmarshalMessage(v, 'string') });
    return z.NEVER;
  }
  try {
    return parseSize(String(v));
  } catch (e) {
    ctx.addIssue({ code: 'custom', message: e instanceof SizeError ? e.message : String(e) });
    return z.NEVER;
  }
});

/** A sequence whose items may be null (so loaders can report "empty or null ..." with their own words). */
export function zlist<T extends z.ZodType>(item: T) {
  return z.array(item.nullable());
}

export function zstrlist() {
  return z.array(zstr);
}

export function zmap<T extends z.ZodType>(value: T) {
  return z.record(z.string(), value);
}

/** Any YAML mapping (free-form sections); values come back as plain JS. */
export const zanymap = z.record(z.string(), z.unknown()).transform((m) => unwrapLiterals(m) as Record<string, unknown>);
