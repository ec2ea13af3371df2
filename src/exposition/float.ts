import { NORMAL_NAN } from '../model/index.ts';

/**
 * Float parsing and formatting with Go's rules, because exposition text is produced and read by
 * Go's strconv in Prometheus and client_golang.
 */

/** Why the last parseGoFloat call failed ('' when it succeeded). Avoids allocating a result object. */
export let floatError = '';

/**
 * Parses s[a, b) the way Prometheus does (strconv.ParseFloat, minus hex floats and underscores):
 * optional sign, decimal mantissa with optional fraction and exponent, or inf/infinity/nan in any
 * letter case. Out-of-range values are errors, as in Go. Returns NaN and sets floatError on failure.
 */
export function parseGoFloat(s: string, a: number, b: number): number {
  floatError = '';
  const len = b - a;
  if (len <= 0) {
    floatError = 'empty value';
    return Number.NaN;
  }
  // Fast path: short unsigned integers, the most common values on a scrape page.
  if (len <= 15) {
    let v = 0;
    let i = a;
    for (; i < b; i++) {
      const d = s.charCodeAt(i) - 48;
      if (d < 0 || d > 9) break;
      v = v * 10 + d;
    }
    if (i === b) return v;
  }
  let i = a;
  let c = s.charCodeAt(i);
  let neg = false;
  if (c === 43 /* + */ || c === 45 /* - */) {
    neg = c === 45;
    i++;
    if (i === b) return bad(s, a, b);
    c = s.charCodeAt(i);
  }
  if (c === 105 || c === 73 /* i I */) {
    const n = b - i;
    if ((n === 3 && eqFold(s, i, 'inf')) || (n === 8 && eqFold(s, i, 'infinity'))) {
      return neg ? Number.NEGATIVE_INFINITY : Number.POSITIVE_INFINITY;
    }
    return bad(s, a, b);
  }
  if (c === 110 || c === 78 /* n N */) {
    // Go accepts no sign in front of NaN.
    if (i === a && b - i === 3 && eqFold(s, i, 'nan')) return NORMAL_NAN;
    return bad(s, a, b);
  }
  let digits = 0;
  while (i < b && isDigit(s.charCodeAt(i))) {
    i++;
    digits++;
  }
  if (i < b && s.charCodeAt(i) === 46 /* . */) {
    i++;
    while (i < b && isDigit(s.charCodeAt(i))) {
      i++;
      digits++;
    }
  }
  if (digits === 0) return bad(s, a, b);
  if (i < b) {
    c = s.charCodeAt(i);
    if (c !== 101 && c !== 69 /* e E */) return bad(s, a, b);
    i++;
    if (i < b) {
      c = s.charCodeAt(i);
      if (c === 43 || c === 45) i++;
    }
    let expDigits = 0;
    while (i < b && isDigit(s.charCodeAt(i))) {
      i++;
      expDigits++;
    }
    if (expDigits === 0 || i !== b) return bad(s, a, b);
  }
  const v = Number(s.slice(a, b));
  if (v === Number.POSITIVE_INFINITY || v === Number.NEGATIVE_INFINITY) {
    floatError = `value ${JSON.stringify(s.slice(a, b))} out of range`;
    return Number.NaN;
  }
  return v;
}

function bad(s: string, a: number, b: number): number {
  const tok = s.slice(a, b);
  if (/[pP_]/.test(tok)) floatError = `unsupported character in float ${JSON.stringify(tok)}`;
  else floatError = `invalid float ${JSON.stringify(tok)}`;
  return Number.NaN;
}

function isDigit(c: number): boolean {
  return c >= 48 && c <= 57;
}

/** Case-insensitive ASCII comparison of s at i with a lower-case word. */
function eqFold(s: string, i: number, word: string): boolean {
  for (let k = 0; k < word.length; k++) {
    if ((s.charCodeAt(i + k) | 0x20) !== word.charCodeAt(k)) return false;
  }
  return true;
}

/**
 * Go's strconv.FormatFloat(f, 'g', -1, 64), as client_golang writes sample values:
 * shortest round-trip digits; exponent form when the decimal exponent is < -4 or >= 6
 * (so 1e+06, 1.5e+07, 8.253202432e+09 as node_exporter prints), with at least two exponent digits.
 */
export function formatGoFloat(f: number): string {
  if (Number.isInteger(f) && f > -1e6 && f < 1e6) {
    return f === 0 && 1 / f < 0 ? '-0' : String(f);
  }
  if (Number.isNaN(f)) return 'NaN';
  if (f === Number.POSITIVE_INFINITY) return '+Inf';
  if (f === Number.NEGATIVE_INFINITY) return '-Inf';
  const e = f.toExponential(); // shortest digits, e.g. "1.5e+7"
  const ePos = e.indexOf('e');
  const exp = Number(e.slice(ePos + 1));
  if (exp < -4 || exp >= 6) {
    const mant = e.slice(0, ePos);
    const sign = exp < 0 ? '-' : '+';
    const ae = exp < 0 ? -exp : exp;
    return `${mant}e${sign}${ae < 10 ? '0' : ''}${ae}`;
  }
  return String(f);
}

/** client_golang's OpenMetrics float form: like formatGoFloat, with ".0" added to integral values. */
export function formatOpenMetricsFloat(f: number): string {
  const s = formatGoFloat(f);
  if (Number.isNaN(f) || f === Number.POSITIVE_INFINITY || f === Number.NEGATIVE_INFINITY) return s;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c === 46 || c === 101) return s; // '.' or 'e'
  }
  return `${s}.0`;
}
