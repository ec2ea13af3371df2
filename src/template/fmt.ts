/** A Go fmt implementation for template values: Sprint, Sprintln, Sprintf with Go's verbs, flags and errors. */
import { formatFloat, formatHexFloat } from './floatfmt.ts';
import { canBackquote, quoteGo, quoteRuneGo } from './goquote.ts';
import { GoDuration, GoTime } from './gotime.ts';
import { isMap, kindOf, mapGet, mapKeys, typeName } from './values.ts';

interface Flags {
  plus: boolean;
  minus: boolean;
  sharp: boolean;
  space: boolean;
  zero: boolean;
  plusV: boolean;
  sharpV: boolean;
  wid: number;
  widPresent: boolean;
  prec: number;
  precPresent: boolean;
}

function newFlags(): Flags {
  return {
    plus: false,
    minus: false,
    sharp: false,
    space: false,
    zero: false,
    plusV: false,
    sharpV: false,
    wid: 0,
    widPresent: false,
    prec: 0,
    precPresent: false,
  };
}

function runeCount(s: string): number {
  let n = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c >= 0xd800 && c < 0xdc00 && i + 1 < s.length) i++;
    n++;
  }
  return n;
}

function truncateRunes(s: string, n: number): string {
  let i = 0;
  let count = 0;
  while (i < s.length && count < n) {
    const c = s.charCodeAt(i);
    i += c >= 0xd800 && c < 0xdc00 && i + 1 < s.length ? 2 : 1;
    count++;
  }
  return s.slice(0, i);
}

class Printer {
  buf = '';
  f: Flags = newFlags();
  private erroring = false;

  private padding(n: number): string {
    if (n <= 0) return '';
    return (this.f.zero && !this.f.minus ? '0' : ' ').repeat(n);
  }

  pad(s: string): void {
    const f = this.f;
    if (!f.widPresent || f.wid === 0) {
      this.buf += s;
      return;
    }
    const width = f.wid - runeCount(s);
    if (f.minus) this.buf += s + ' '.repeat(Math.max(width, 0));
    else this.buf += this.padding(width) + s;
  }

  private truncate(s: string): string {
    if (this.f.precPresent) return truncateRunes(s, this.f.prec);
    return s;
  }

  badVerb(verb: string, arg: unknown): void {
    this.erroring = true;
    this.buf += `%!${verb}(`;
    if (arg === null || arg === undefined) this.buf += '<nil>';
    else {
      this.buf += `${typeName(arg)}=`;
      this.printArg(arg, 'v', 0);
    }
    this.buf += ')';
    this.erroring = false;
  }

  fmtBool(v: boolean, verb: string): void {
    if (verb === 't' || verb === 'v') this.pad(v ? 'true' : 'false');
    else this.badVerb(verb, v);
  }

  fmtInteger(v: bigint, verb: string): void {
    switch (verb) {
      case 'v':
      case 'd': {
        this.fmtIntegerBase(v, 10, verb, false);
        return;
      }
      case 'b': {
        this.fmtIntegerBase(v, 2, verb, false);
        return;
      }
      case 'o':
      case 'O': {
        this.fmtIntegerBase(v, 8, verb, false);
        return;
      }
      case 'x': {
        this.fmtIntegerBase(v, 16, verb, false);
        return;
      }
      case 'X': {
        this.fmtIntegerBase(v, 16, verb, true);
        return;
      }
      case 'c': {
        this.pad(String.fromCodePoint(validRune(v)));
        return;
      }
      case 'q': {
        this.pad(quoteRuneGo(validRune(v), this.f.plus));
        return;
      }
      case 'U': {
        const cp = v < 0n ? v + (1n << 64n) : v;
        let s = `U+${cp.toString(16).toUpperCase().padStart(4, '0')}`;
        if (this.f.sharp && v >= 0n && v <= 0x10ffffn) s += ` '${String.fromCodePoint(Number(v))}'`;
        this.pad(s);
        return;
      }
      default: {
        this.badVerb(verb, v);
        return;
      }
    }
  }

  private fmtIntegerBase(v: bigint, base: number, verb: string, upper: boolean): void {
    const f = this.f;
    const neg = v < 0n;
    const a = neg ? -v : v;
    let prec = -1;
    if (f.precPresent) {
      prec = f.prec;
      if (prec === 0 && v === 0n) {
        const oldZero = f.zero;
        f.zero = false;
        this.buf += f.widPresent ? ' '.repeat(f.wid) : '';
        f.zero = oldZero;
        return;
      }
    } else if (f.zero && !f.minus && f.widPresent) {
      prec = f.wid;
      if (neg || f.plus || f.space) prec--;
    }
    let digits = a.toString(base);
    if (upper) digits = digits.toUpperCase();
    if (prec > digits.length) digits = '0'.repeat(prec - digits.length) + digits;
    if (f.sharp) {
      if (base === 2) digits = `0b${digits}`;
      else if (base === 8 && digits[0] !== '0') digits = `0${digits}`;
      else if (base === 16) digits = (upper ? '0X' : '0x') + digits;
    }
    if (verb === 'O') digits = `0o${digits}`;
    if (neg) digits = `-${digits}`;
    else if (f.plus) digits = `+${digits}`;
    else if (f.space) digits = ` ${digits}`;
    const oldZero = f.zero;
    f.zero = false;
    this.pad(digits);
    f.zero = oldZero;
  }

  fmtFloat(v: number, verb: string): void {
    switch (verb) {
      case 'v': {
        this.fmtFloatVerb(v, 'g', -1);
        return;
      }
      case 'g':
      case 'G': {
        this.fmtFloatVerb(v, verb, -1);
        return;
      }
      case 'e':
      case 'E':
      case 'f': {
        this.fmtFloatVerb(v, verb, 6);
        return;
      }
      case 'F': {
        this.fmtFloatVerb(v, 'f', 6);
        return;
      }
      case 'x':
      case 'X': {
        this.fmtFloatVerb(v, verb, -1);
        return;
      }
      default: {
        this.badVerb(verb, v);
        return;
      }
    }
  }

  private fmtFloatVerb(v: number, verb: 'e' | 'E' | 'f' | 'g' | 'G' | 'x' | 'X', prec: number): void {
    const f = this.f;
    if (f.precPresent) prec = f.prec;
    let num = verb === 'x' || verb === 'X' ? formatHexFloat(v, prec, verb === 'X') : formatFloat(v, verb, prec);
    if (num[0] !== '-' && num[0] !== '+') num = `+${num}`;
    if (f.space && num[0] === '+' && !f.plus) num = ` ${num.slice(1)}`;
    if (f.sharp && !/[IN]/.test(num[1])) {
      // %#: always a decimal point; for %g/%v/%x keep trailing zeros up to the precision (default 6).
      let digits = 0;
      if (verb === 'g' || verb === 'G' || verb === 'x') digits = prec === -1 ? 6 : prec;
      let tail = '';
      let hasDot = false;
      let sawNonzero = false;
      let body = num;
      for (let i = 1; i < body.length; i++) {
        const c = body[i];
        if (c === '.') hasDot = true;
        else if (c === 'p' || c === 'P' || ((c === 'e' || c === 'E') && verb !== 'x' && verb !== 'X')) {
          tail = body.slice(i);
          body = body.slice(0, i);
          break;
        } else {
          if (c !== '0') sawNonzero = true;
          if (sawNonzero) digits--;
        }
      }
      if (!hasDot) {
        if (body.length === 2 && body[1] === '0') digits--;
        body += '.';
      }
      if (digits > 0) body += '0'.repeat(digits);
      num = body + tail;
    }
    if (num[1] === 'I' || num[1] === 'N') {
      const oldZero = f.zero;
      f.zero = false;
      if (num[1] === 'N' && !f.space && !f.plus) num = num.slice(1);
      this.pad(num);
      f.zero = oldZero;
      return;
    }
    if (f.plus || num[0] !== '+') {
      if (f.zero && !f.minus && f.widPresent && f.wid > num.length) {
        this.buf += num[0] + '0'.repeat(f.wid - num.length) + num.slice(1);
        return;
      }
      this.pad(num);
      return;
    }
    this.pad(num.slice(1));
  }

  fmtString(s: string, verb: string): void {
    switch (verb) {
      case 'v':
        if (this.f.sharpV) {
          this.pad(quoteGo(s));
          return;
        }
        {
          this.pad(this.truncate(s));
          return;
        }
      case 's': {
        this.pad(this.truncate(s));
        return;
      }
      case 'x':
      case 'X': {
        this.fmtSx(s, verb === 'X');
        return;
      }
      case 'q': {
        const t = this.truncate(s);
        if (this.f.sharp && canBackquote(t)) {
          this.pad(`\`${t}\``);
          return;
        }
        this.pad(quoteGo(t, this.f.plus));
        return;
      }
      default: {
        this.badVerb(verb, s);
        return;
      }
    }
  }

  private fmtSx(s: string, upper: boolean): void {
    let bytes = Buffer.from(s, 'utf8');
    if (this.f.precPresent && this.f.prec < bytes.length) bytes = bytes.subarray(0, this.f.prec);
    let out = '';
    for (let i = 0; i < bytes.length; i++) {
      if (this.f.space && i > 0) out += ' ';
      if (this.f.sharp && (this.f.space || i === 0)) out += upper ? '0X' : '0x';
      let h = bytes[i].toString(16).padStart(2, '0');
      if (upper) h = h.toUpperCase();
      out += h;
    }
    this.pad(out);
  }

  private handleMethods(arg: unknown, verb: string): boolean {
    if (this.erroring) return false;
    if (typeof arg !== 'object' || arg === null) return false;
    if (this.f.sharpV) return false;
    if (!'vsxXq'.includes(verb)) return false;
    const o = arg as Record<string, unknown>;
    let s: unknown;
    if (typeof o.Error === 'function') s = (o.Error as () => unknown).call(o);
    else if (typeof o.String === 'function') s = (o.String as () => unknown).call(o);
    else return false;
    this.fmtString(String(s), verb);
    return true;
  }

  printArg(arg: unknown, verb: string, depth: number): void {
    if (arg === null || arg === undefined) {
      if (verb === 'T' || verb === 'v') this.pad('<nil>');
      else this.badVerb(verb, arg);
      return;
    }
    if (verb === 'T') {
      this.fmtString(typeName(arg), 's');
      return;
    }
    switch (typeof arg) {
      case 'boolean': {
        this.fmtBool(arg, verb);
        return;
      }
      case 'bigint': {
        this.fmtInteger(arg, verb);
        return;
      }
      case 'number': {
        this.fmtFloat(arg, verb);
        return;
      }
      case 'string': {
        this.fmtString(arg, verb);
        return;
      }
    }
    if (arg instanceof Date) arg = GoTime.fromDate(arg);
    if (arg instanceof GoDuration && !'vsxXq'.includes(verb)) {
      this.fmtInteger(arg.ns, verb);
      return;
    }
    if (this.handleMethods(arg, verb)) return;
    this.printValue(arg, verb, depth);
  }

  private printValue(v: unknown, verb: string, depth: number): void {
    if (depth > 0 && this.handleMethods(v, verb)) return;
    switch (kindOf(v)) {
      case 'invalid':
      case 'nil':
        if (depth === 0) this.buf += '<invalid reflect.Value>';
        else if (verb === 'v') this.buf += '<nil>';
        else this.badVerb(verb, null);
        return;
      case 'slice': {
        const a = v as unknown[];
        const sharp = this.f.sharpV;
        this.buf += sharp ? `${typeName(v)}{` : '[';
        for (let i = 0; i < a.length; i++) {
          if (i > 0) this.buf += sharp ? ', ' : ' ';
          this.printElem(a[i], verb, depth + 1);
        }
        this.buf += sharp ? '}' : ']';
        return;
      }
      case 'map': {
        const m = v as Map<unknown, unknown>;
        const sharp = this.f.sharpV;
        this.buf += sharp ? `${typeName(v)}{` : 'map[';
        const keys = mapKeys(m);
        for (let i = 0; i < keys.length; i++) {
          if (i > 0) this.buf += sharp ? ', ' : ' ';
          this.printElem(keys[i], verb, depth + 1);
          this.buf += ':';
          this.printElem(mapGet(m, keys[i]).value, verb, depth + 1);
        }
        this.buf += sharp ? '}' : ']';
        return;
      }
      case 'func':
        if (verb === 'v' || verb === 'p') this.pad('0x0');
        else this.badVerb(verb, v);
        return;
      case 'struct': {
        const o = v as Record<string, unknown>;
        const sharp = this.f.sharpV;
        this.buf += sharp ? `${typeName(v)}{` : '{';
        const keys = Object.keys(o).filter((k) => typeof o[k] !== 'function');
        keys.forEach((k, i) => {
          if (i > 0) this.buf += sharp ? ', ' : ' ';
          if (this.f.plusV || sharp) this.buf += `${k}:`;
          this.printElem(o[k], verb, depth + 1);
        });
        this.buf += '}';
        return;
      }
      default:
        this.printArg(v, verb, depth);
    }
  }

  private printElem(v: unknown, verb: string, depth: number): void {
    if (v === null || v === undefined) {
      // a nil interface inside a container prints as <nil> whatever the verb
      this.buf += this.f.sharpV ? 'interface {}(nil)' : '<nil>';
      return;
    }
    switch (typeof v) {
      case 'boolean':
      case 'bigint':
      case 'number':
      case 'string': {
        this.printArg(v, verb, depth);
        return;
      }
    }
    this.printValue(v, verb, depth);
  }
}

function validRune(v: bigint): number {
  if (v < 0n || v > 0x10ffffn) return 0xfffd;
  const n = Number(v);
  if (n >= 0xd800 && n < 0xe000) return 0xfffd;
  return n;
}

/** fmt.Sprint: spaces between operands when neither side is a string. */
export function sprint(args: readonly unknown[]): string {
  const p = new Printer();
  let prevString = false;
  for (let i = 0; i < args.length; i++) {
    const isString = typeof args[i] === 'string';
    if (i > 0 && !isString && !prevString) p.buf += ' ';
    p.f = newFlags();
    p.printArg(args[i], 'v', 0);
    prevString = isString;
  }
  return p.buf;
}

/** fmt.Sprintln: always spaces, then a newline. */
export function sprintln(args: readonly unknown[]): string {
  const p = new Printer();
  for (let i = 0; i < args.length; i++) {
    if (i > 0) p.buf += ' ';
    p.f = newFlags();
    p.printArg(args[i], 'v', 0);
  }
  return `${p.buf}\n`;
}

/** Formats one value with %v (what {{.}} prints once it knows the value is valid). */
export function formatV(v: unknown): string {
  const p = new Printer();
  p.printArg(v, 'v', 0);
  return p.buf;
}

function parseNum(s: string, i: number): { num: number; present: boolean; i: number } {
  let num = 0;
  let present = false;
  while (i < s.length && s[i] >= '0' && s[i] <= '9') {
    if (num > 1e6) return { num: 0, present: false, i: s.length };
    num = num * 10 + (s.charCodeAt(i) - 48);
    present = true;
    i++;
  }
  return { num, present, i };
}

/** fmt.Sprintf with Go's verbs, flags, width/precision (including * and [n] indexes) and error forms. */
export function sprintf(format: string, args: readonly unknown[]): string {
  const p = new Printer();
  const end = format.length;
  let argNum = 0;
  let reordered = false;
  let goodArgNum = true;
  let afterIndex = false;

  const argNumber = (i: number): void => {
    // "[n]" explicit argument index
    if (i >= end || format[i] !== '[') return;
    reordered = true;
    for (let j = i + 1; j < end; j++) {
      if (format[j] === ']') {
        const r = parseNum(format, i + 1);
        if (!r.present || r.i !== j) {
          goodArgNum = false;
          idx = j + 1;
          afterIndex = false;
          return;
        }
        const n = r.num - 1;
        if (n >= 0 && n < args.length) {
          argNum = n;
          idx = j + 1;
          afterIndex = true;
          return;
        }
        goodArgNum = false;
        idx = j + 1;
        afterIndex = true;
        return;
      }
    }
    goodArgNum = false;
    idx = i + 1;
  };
  const intFromArg = (): { n: number; ok: boolean } => {
    if (argNum >= args.length) return { n: 0, ok: false };
    const a = args[argNum];
    argNum++;
    if (typeof a === 'bigint') {
      if (a > 1000000n || a < -1000000n) return { n: 0, ok: false };
      return { n: Number(a), ok: true };
    }
    return { n: 0, ok: false };
  };

  let idx = 0;
  while (idx < end) {
    goodArgNum = true;
    const lasti = idx;
    while (idx < end && format[idx] !== '%') idx++;
    if (idx > lasti) p.buf += format.slice(lasti, idx);
    if (idx >= end) break;
    idx++;
    p.f = newFlags();
    const f = p.f;
    flags: for (; idx < end; idx++) {
      switch (format[idx]) {
        case '#':
          f.sharp = true;
          break;
        case '0':
          f.zero = !f.minus;
          break;
        case '+':
          f.plus = true;
          break;
        case '-':
          f.minus = true;
          f.zero = false;
          break;
        case ' ':
          f.space = true;
          break;
        default:
          break flags;
      }
    }
    afterIndex = false;
    argNumber(idx);
    if (idx < end && format[idx] === '*') {
      idx++;
      const r = intFromArg();
      f.wid = r.n;
      f.widPresent = r.ok;
      if (!r.ok) p.buf += '%!(BADWIDTH)';
      if (f.wid < 0) {
        f.wid = -f.wid;
        f.minus = true;
        f.zero = false;
      }
      afterIndex = false;
    } else {
      const r = parseNum(format, idx);
      f.wid = r.num;
      f.widPresent = r.present;
      idx = r.i;
      if (afterIndex && f.widPresent) goodArgNum = false;
    }
    if (idx + 1 < end && format[idx] === '.') {
      idx++;
      if (afterIndex) goodArgNum = false;
      afterIndex = false;
      argNumber(idx);
      if (idx < end && format[idx] === '*') {
        idx++;
        const r = intFromArg();
        f.prec = r.n;
        f.precPresent = r.ok;
        if (f.prec < 0) {
          f.prec = 0;
          f.precPresent = false;
        }
        if (!f.precPresent) p.buf += '%!(BADPREC)';
        afterIndex = false;
      } else {
        const r = parseNum(format, idx);
        f.prec = r.num;
        f.precPresent = true;
        idx = r.i;
      }
    }
    if (!afterIndex) argNumber(idx);
    if (idx >= end) {
      p.buf += '%!(NOVERB)';
      break;
    }
    const cp = format.codePointAt(idx) ?? 0;
    const verb = String.fromCodePoint(cp);
    idx += verb.length;
    if (verb === '%') {
      p.buf += '%';
      continue;
    }
    if (!goodArgNum) {
      p.buf += `%!${verb}(BADINDEX)`;
      continue;
    }
    if (argNum >= args.length) {
      p.buf += `%!${verb}(MISSING)`;
      continue;
    }
    let v = verb;
    if (verb === 'v') {
      f.sharpV = f.sharp;
      f.sharp = false;
      f.plusV = f.plus;
      f.plus = false;
    } else if (verb === 'w') v = 'v';
    p.printArg(args[argNum], v, 0);
    argNum++;
  }
  if (!reordered && argNum < args.length) {
    p.f = newFlags();
    p.buf += '%!(EXTRA ';
    for (let i = argNum; i < args.length; i++) {
      if (i > argNum) p.buf += ', ';
      const a = args[i];
      if (a === null || a === undefined) p.buf += '<nil>';
      else {
        p.buf += `${typeName(a)}=`;
        p.printArg(a, 'v', 0);
      }
    }
    p.buf += ')';
  }
  return p.buf;
}

export { isMap };
