/** Conversions shared by the Prometheus and Alertmanager function sets. */
import { formatFloat } from './floatfmt.ts';
import { sprintf } from './fmt.ts';
import { GoDuration } from './gotime.ts';
import { typeName } from './values.ts';

const FLOAT_RE = /^[+-]?(?:(?:[0-9]+\.?[0-9]*|\.[0-9]+)(?:[eE][+-]?[0-9]+)?|inf|infinity|nan)$/i;

/** strconv.ParseFloat(s, 64) with Go's error text. */
export function parseGoFloat(s: string): number {
  if (!FLOAT_RE.test(s)) throw new Error(`strconv.ParseFloat: parsing ${JSON.stringify(s)}: invalid syntax`);
  const l = s.toLowerCase().replace(/^\+/, '');
  if (l === 'inf' || l === 'infinity') return Number.POSITIVE_INFINITY;
  if (l === '-inf' || l === '-infinity') return Number.NEGATIVE_INFINITY;
  if (l === 'nan' || l === '-nan') return Number.NaN;
  const v = Number(s);
  if (!Number.isFinite(v)) throw new Error(`strconv.ParseFloat: parsing ${JSON.stringify(s)}: value out of range`);
  return v;
}

/** Prometheus's ConvertToFloat: float64, ints, numeric strings and durations (as seconds). */
export function convertToFloat(i: unknown): number {
  if (typeof i === 'number') return i;
  if (typeof i === 'bigint') return Number(i);
  if (typeof i === 'string') return parseGoFloat(i);
  if (i instanceof GoDuration) return i.Seconds();
  throw new Error(`can't convert ${typeName(i)} to float`);
}

/** fmt.Sprintf("%.4g", v). */
export function g4(v: number): string {
  return sprintf('%.4g', [v]);
}

/** Prometheus's humanizeDuration (seconds in, "1d 2h 3m 4s" / "1.5s" / "150ms" out). */
export function humanizeDuration(i: unknown): string {
  let v = convertToFloat(i);
  if (Number.isNaN(v) || !Number.isFinite(v)) return g4(v);
  if (v === 0) return '0s';
  if (Math.abs(v) >= 1) {
    let sign = '';
    if (v < 0) {
      sign = '-';
      v = -v;
    }
    const total = BigInt(Math.trunc(v));
    const seconds = total % 60n;
    const minutes = (total / 60n) % 60n;
    const hours = (total / 3600n) % 24n;
    const days = total / 86400n;
    if (days !== 0n) return `${sign}${days}d ${hours}h ${minutes}m ${seconds}s`;
    if (hours !== 0n) return `${sign}${hours}h ${minutes}m ${seconds}s`;
    if (minutes !== 0n) return `${sign}${minutes}m ${seconds}s`;
    return `${sign}${sprintf('%.4g', [v])}s`;
  }
  let prefix = '';
  for (const p of ['m', 'u', 'n', 'p', 'f', 'a', 'z', 'y']) {
    if (Math.abs(v) >= 1) break;
    prefix = p;
    v *= 1000;
  }
  return `${sprintf('%.4g', [v])}${prefix}s`;
}

export { formatFloat };
