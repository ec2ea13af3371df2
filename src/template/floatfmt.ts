/**
 * strconv.FormatFloat for float64 with formats e E f g G and precision (-1 = shortest), exact like Go:
 * shortest digits come from JS (both pick the shortest round-tripping, closest digits); fixed
 * precision rounds the exact binary value half-to-even, which differs from toFixed on exact ties.
 */

interface Decimal {
  /** Significant digits without leading/trailing zeros ("" for zero). */
  d: string;
  /** Decimal point position: value = 0.d × 10^dp. */
  dp: number;
}

const f64 = new Float64Array(1);
const u32 = new Uint32Array(f64.buffer);
const LITTLE = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

/** Exact decimal expansion of a finite, non-negative double. */
function exactDecimal(x: number): Decimal {
  if (x === 0) return { d: '', dp: 0 };
  f64[0] = x;
  const hi = u32[LITTLE ? 1 : 0];
  const lo = u32[LITTLE ? 0 : 1];
  const bexp = (hi >>> 20) & 0x7ff;
  let mant = (BigInt(hi & 0xfffff) << 32n) | BigInt(lo);
  let e: number;
  if (bexp === 0) e = -1074;
  else {
    mant |= 1n << 52n;
    e = bexp - 1075;
  }
  let digits: string;
  let dp: number;
  if (e >= 0) {
    digits = (mant << BigInt(e)).toString();
    dp = digits.length;
  } else {
    digits = (mant * 5n ** BigInt(-e)).toString();
    dp = digits.length + e;
  }
  return trim({ d: digits, dp });
}

function trim(dec: Decimal): Decimal {
  let d = dec.d;
  let dp = dec.dp;
  let i = 0;
  while (i < d.length && d[i] === '0') i++;
  d = d.slice(i);
  dp -= i;
  let j = d.length;
  while (j > 0 && d[j - 1] === '0') j--;
  d = d.slice(0, j);
  if (d === '') dp = 0;
  return { d, dp };
}

/** Rounds to nd significant digits, half to even (exact because the expansion is exact). */
function roundDigits(dec: Decimal, nd: number): Decimal {
  if (nd < 0) return { d: '', dp: 0 };
  if (nd >= dec.d.length) return dec;
  const d = dec.d;
  let up: boolean;
  const next = d.charCodeAt(nd) - 48;
  if (next > 5) up = true;
  else if (next < 5) up = false;
  else if (nd + 1 < d.length)
    up = true; // more nonzero digits follow (trimmed, so any digit left is > 0)
  else up = nd > 0 && (d.charCodeAt(nd - 1) - 48) % 2 === 1;
  if (!up) return trim({ d: d.slice(0, nd), dp: dec.dp });
  // increment
  const arr = d.slice(0, nd).split('');
  let k = nd - 1;
  while (k >= 0) {
    if (arr[k] === '9') {
      arr[k] = '0';
      k--;
    } else {
      arr[k] = String.fromCharCode(arr[k].charCodeAt(0) + 1);
      break;
    }
  }
  if (k < 0) return trim({ d: `1${arr.join('')}`, dp: dec.dp + 1 });
  return trim({ d: arr.join(''), dp: dec.dp });
}

/** Shortest round-trip digits, via JS's own shortest conversion. */
function shortestDecimal(x: number): Decimal {
  if (x === 0) return { d: '', dp: 0 };
  const s = x.toExponential(); // "d.ddde+N"
  const m = /^(\d)(?:\.(\d+))?e([+-]\d+)$/.exec(s);
  if (!m) throw new Error(`unexpected exponential form ${s}`);
  return trim({ d: m[1] + (m[2] ?? ''), dp: Number(m[3]) + 1 });
}

function digitAt(dec: Decimal, i: number): string {
  return i < dec.d.length ? dec.d[i] : '0';
}

function fmtE(dec: Decimal, prec: number, ch: 'e' | 'E'): string {
  let s = digitAt(dec, 0);
  if (prec > 0) {
    s += '.';
    for (let i = 1; i <= prec; i++) s += digitAt(dec, i);
  }
  let exp = dec.d === '' ? 0 : dec.dp - 1;
  const sign = exp < 0 ? '-' : '+';
  if (exp < 0) exp = -exp;
  return `${s}${ch}${sign}${exp < 10 ? `0${exp}` : exp}`;
}

function fmtF(dec: Decimal, prec: number): string {
  let s = '';
  if (dec.dp > 0) {
    for (let i = 0; i < dec.dp; i++) s += digitAt(dec, i);
  } else s = '0';
  if (prec > 0) {
    s += '.';
    for (let i = 0; i < prec; i++) {
      const j = dec.dp + i;
      s += j < 0 ? '0' : digitAt(dec, j);
    }
  }
  return s;
}

/** strconv.FormatFloat(x, fmt, prec, 64). */
export function formatFloat(x: number, fmt: 'e' | 'E' | 'f' | 'g' | 'G', prec: number): string {
  if (Number.isNaN(x)) return 'NaN';
  if (x === Number.POSITIVE_INFINITY) return '+Inf';
  if (x === Number.NEGATIVE_INFINITY) return '-Inf';
  const neg = x < 0 || Object.is(x, -0);
  const ax = Math.abs(x);
  const shortest = prec < 0;
  let dec: Decimal;
  if (shortest) {
    dec = shortestDecimal(ax);
    switch (fmt) {
      case 'e':
      case 'E':
        prec = Math.max(dec.d.length - 1, 0);
        break;
      case 'f':
        prec = Math.max(dec.d.length - dec.dp, 0);
        break;
      case 'g':
      case 'G':
        prec = dec.d.length;
        break;
    }
  } else {
    const exact = exactDecimal(ax);
    switch (fmt) {
      case 'e':
      case 'E':
        dec = roundDigits(exact, prec + 1);
        break;
      case 'f':
        dec = roundDigits(exact, exact.dp + prec);
        break;
      default:
        if (prec === 0) prec = 1;
        dec = roundDigits(exact, prec);
    }
  }
  let body: string;
  switch (fmt) {
    case 'e':
    case 'E':
      body = fmtE(dec, prec, fmt);
      break;
    case 'f':
      body = fmtF(dec, prec);
      break;
    default: {
      let eprec = prec;
      const nd = dec.d.length;
      if (eprec > nd && nd >= dec.dp) eprec = nd;
      if (shortest) eprec = 6;
      const exp = dec.dp - 1;
      if (dec.d !== '' && (exp < -4 || exp >= eprec)) {
        let p = prec;
        if (p > nd) p = nd;
        body = fmtE(dec, Math.max(p - 1, 0), fmt === 'g' ? 'e' : 'E');
      } else {
        let p = prec;
        if (p > dec.dp) p = nd;
        body = fmtF(dec, Math.max(p - dec.dp, 0));
      }
    }
  }
  return neg ? `-${body}` : body;
}

/** strconv.FormatFloat(x, 'x'|'X', prec, 64): hexadecimal mantissa and binary exponent. */
export function formatHexFloat(x: number, prec: number, upper: boolean): string {
  if (Number.isNaN(x)) return 'NaN';
  if (x === Number.POSITIVE_INFINITY) return '+Inf';
  if (x === Number.NEGATIVE_INFINITY) return '-Inf';
  const neg = x < 0 || Object.is(x, -0);
  let out: string;
  if (x === 0) {
    out = `0x0${prec > 0 ? `.${'0'.repeat(prec)}` : ''}p+00`;
  } else {
    f64[0] = Math.abs(x);
    const hi = u32[LITTLE ? 1 : 0];
    const lo = u32[LITTLE ? 0 : 1];
    let bexp = (hi >>> 20) & 0x7ff;
    let frac = (BigInt(hi & 0xfffff) << 32n) | BigInt(lo);
    let exp: number;
    if (bexp === 0) {
      // subnormal: normalise so the leading 1 is implicit
      exp = -1022;
      while ((frac & (1n << 52n)) === 0n) {
        frac <<= 1n;
        exp--;
      }
      frac &= (1n << 52n) - 1n;
    } else exp = bexp - 1023;
    bexp = 0;
    let lead = 1n;
    let digits = frac.toString(16).padStart(13, '0');
    if (prec >= 0 && prec < 13) {
      const shift = BigInt((13 - prec) * 4);
      const full = (lead << 52n) | frac;
      let q = full >> shift;
      const rem = full & ((1n << shift) - 1n);
      const half = 1n << (shift - 1n);
      if (rem > half || (rem === half && (q & 1n) === 1n)) q++;
      if (q >> BigInt(prec * 4) >= 2n) {
        q >>= 1n;
        exp++;
        // after renormalising, the dropped bit was zero for a power-of-two carry
      }
      lead = q >> BigInt(prec * 4);
      digits = prec > 0 ? (q & ((1n << BigInt(prec * 4)) - 1n)).toString(16).padStart(prec, '0') : '';
    } else if (prec < 0) {
      digits = digits.replace(/0+$/, '');
    } else {
      digits = digits + '0'.repeat(prec - 13);
    }
    const es = exp < 0 ? '-' : '+';
    const ea = Math.abs(exp);
    out = `0x${lead.toString(16)}${digits ? `.${digits}` : ''}p${es}${ea < 10 ? `0${ea}` : ea}`;
  }
  if (upper) out = out.toUpperCase();
  return neg ? `-${out}` : out;
}
