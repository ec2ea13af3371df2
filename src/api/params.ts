import { parseDuration } from '../model/index.ts';
import { ApiError } from './respond.ts';

/**
 * Times used when start/end are absent. Prometheus uses the int64 extremes; JS numbers are exact only up
 * to 2^53, which is still far beyond any real timestamp in ms.
 */
export const MIN_TIME = Number.MIN_SAFE_INTEGER;
export const MAX_TIME = Number.MAX_SAFE_INTEGER;

/**
 * Parses an API time parameter: Unix seconds (float) or RFC3339, as Prometheus's parseTime does.
 * Returns milliseconds.
 */
export function parseTime(s: string, name: string): number {
  if (/^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(s)) {
    const f = Number(s);
    return Math.round(f * 1000);
  }
  // RFC3339 with optional fractional seconds.
  if (/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/.test(s)) {
    const ms = Date.parse(s);
    if (!Number.isNaN(ms)) return ms;
  }
  if (s === '0001-01-01T00:00:00Z' || s === '-292273086-05-16T16:47:06Z') return MIN_TIME;
  if (s === '292277025-08-18T07:12:54.999999999Z') return MAX_TIME;
  throw new ApiError('bad_data', `invalid parameter "${name}": cannot parse "${s}" to a valid timestamp`);
}

/** Parses a duration parameter: float seconds or a Prometheus duration. Returns ms. */
export function parseDurationParam(s: string, name: string): number {
  if (/^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(s)) {
    const f = Number(s);
    if (!Number.isFinite(f) || Math.abs(f * 1000) > Number.MAX_SAFE_INTEGER) {
      throw new ApiError(
        'bad_data',
        `invalid parameter "${name}": cannot parse "${s}" to a valid duration. It overflows int64`,
      );
    }
    return Math.round(f * 1000);
  }
  try {
    return parseDuration(s);
  } catch {
    throw new ApiError('bad_data', `invalid parameter "${name}": cannot parse "${s}" to a valid duration`);
  }
}

/** Reads a parameter from the query string or a form body, as Prometheus's r.FormValue does. */
export function param(req: { query: unknown; body: unknown }, name: string): string | undefined {
  const q = req.query as Record<string, string | string[] | undefined> | undefined;
  const b = req.body as Record<string, string | string[] | undefined> | undefined;
  const v = (b && typeof b === 'object' ? b[name] : undefined) ?? q?.[name];
  if (Array.isArray(v)) return v[0];
  return v;
}

/** All values of a repeated parameter such as match[]. */
export function paramAll(req: { query: unknown; body: unknown }, name: string): string[] {
  const out: string[] = [];
  for (const src of [req.query, req.body]) {
    if (!src || typeof src !== 'object') continue;
    const v = (src as Record<string, unknown>)[name];
    if (Array.isArray(v)) out.push(...(v as string[]));
    else if (typeof v === 'string') out.push(v);
  }
  return out;
}

export function parseLimit(s: string | undefined): number {
  if (s === undefined || s === '') return 0;
  const n = Number(s);
  if (!Number.isInteger(n) || n < 0) {
    throw new ApiError('bad_data', `limit must be a positive number`);
  }
  return n;
}
