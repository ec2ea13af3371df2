/**
 * Alertmanager's label matcher syntax, as written in alertmanager.yml (`matchers:`), amtool and the API's
 * `filter=` parameter: `foo=bar`, `foo="bar"`, `{a=~"b.*", c!="d"}`, comma-separated lists.
 * The UTF-8 parser is tried first; input it rejects is parsed by the classic parser (Alertmanager's default
 * "fallback" mode). Regexes compile to RE2 through the model's Matcher; JS RegExp never sees a pattern.
 */
import { compareStrings, Matcher, type MatchType, RegexError } from '../model/index.ts';

export class MatcherParseError extends Error {}

const OPS: readonly string[] = ['=~', '!~', '!=', '='];

function isSpace(c: string): boolean {
  return c === ' ' || c === '\t' || c === '\n' || c === '\r';
}

/** Characters that end an unquoted token in the UTF-8 syntax. */
function isReserved(c: string): boolean {
  return isSpace(c) || c === '{' || c === '}' || c === ',' || c === '=' || c === '!' || c === '~' || c === '"';
}

class Scanner {
  pos = 0;
  constructor(readonly s: string) {}
  skipSpace(): void {
    while (this.pos < this.s.length && isSpace(this.s[this.pos])) this.pos++;
  }
  peek(): string {
    return this.s[this.pos] ?? '';
  }
  done(): boolean {
    return this.pos >= this.s.length;
  }
  fail(msg: string): never {
    throw new MatcherParseError(`${this.pos}:${this.pos + 1}: ${msg}`);
  }
  /** A double-quoted string with Go escapes, or an unquoted token. */
  token(what: string): string {
    this.skipSpace();
    if (this.peek() === '"') return this.quoted();
    const start = this.pos;
    while (this.pos < this.s.length && !isReserved(this.s[this.pos])) this.pos++;
    if (this.pos === start) this.fail(`expected ${what}`);
    return this.s.slice(start, this.pos);
  }
  quoted(): string {
    const start = this.pos;
    this.pos++;
    while (this.pos < this.s.length) {
      const c = this.s[this.pos];
      if (c === '\\') this.pos += 2;
      else if (c === '"') {
        this.pos++;
        return unquoteGo(this.s.slice(start, this.pos));
      } else this.pos++;
    }
    this.fail('missing end "');
  }
  op(): MatchType {
    this.skipSpace();
    for (const o of OPS) {
      if (this.s.startsWith(o, this.pos)) {
        this.pos += o.length;
        return o as MatchType;
      }
    }
    this.fail('expected an operator such as =, !=, =~ or !~');
  }
}

/** Go strconv.Unquote for double-quoted strings. */
export function unquoteGo(q: string): string {
  if (q.length < 2 || q[0] !== '"' || q[q.length - 1] !== '"')
    throw new MatcherParseError(`invalid quoted string ${q}`);
  let out = '';
  for (let i = 1; i < q.length - 1; i++) {
    const c = q[i];
    if (c === '"') throw new MatcherParseError(`unescaped double quote in ${q}`);
    if (c !== '\\') {
      out += c;
      continue;
    }
    const n = q[++i];
    switch (n) {
      case 'n':
        out += '\n';
        break;
      case 't':
        out += '\t';
        break;
      case 'r':
        out += '\r';
        break;
      case '\\':
      case '"':
      case "'":
        out += n;
        break;
      case 'a':
        out += '\x07';
        break;
      case 'b':
        out += '\b';
        break;
      case 'f':
        out += '\f';
        break;
      case 'v':
        out += '\v';
        break;
      case 'x':
      case 'u':
      case 'U': {
        const len = n === 'x' ? 2 : n === 'u' ? 4 : 8;
        const hex = q.slice(i + 1, i + 1 + len);
        if (hex.length !== len || !/^[0-9a-fA-F]+$/.test(hex)) throw new MatcherParseError(`invalid escape in ${q}`);
        out += String.fromCodePoint(Number.parseInt(hex, 16));
        i += len;
        break;
      }
      default:
        throw new MatcherParseError(`invalid escape \\${n} in ${q}`);
    }
  }
  return out;
}

function newMatcher(type: MatchType, name: string, value: string): Matcher {
  try {
    return new Matcher(type, name, value);
  } catch (e) {
    if (e instanceof RegexError) throw new MatcherParseError(e.message);
    throw e;
  }
}

function parseUTF8(input: string): Matcher[] {
  const sc = new Scanner(input);
  sc.skipSpace();
  let braces = false;
  if (sc.peek() === '{') {
    braces = true;
    sc.pos++;
  }
  const out: Matcher[] = [];
  for (;;) {
    sc.skipSpace();
    if (sc.done()) {
      if (braces) sc.fail('missing closing "}"');
      break;
    }
    if (braces && sc.peek() === '}') {
      sc.pos++;
      sc.skipSpace();
      if (!sc.done()) sc.fail('unexpected input after "}"');
      break;
    }
    const name = sc.token('label name');
    const op = sc.op();
    const value = sc.token('label value');
    if (name === '') sc.fail('label name must not be empty');
    out.push(newMatcher(op, name, value));
    sc.skipSpace();
    if (sc.peek() === ',') {
      sc.pos++;
      continue;
    }
    if (sc.done() || (braces && sc.peek() === '}')) continue;
    sc.fail(`unexpected ${JSON.stringify(sc.peek())}`);
  }
  return out;
}

const CLASSIC_RE = /^\s*([a-zA-Z_:][a-zA-Z0-9_:]*)\s*(=~|=|!=|!~)\s*([\s\S]*?)\s*$/;

/** Splits on commas outside double quotes. */
function splitClassic(s: string): string[] {
  const parts: string[] = [];
  let cur = '';
  let inQuote = false;
  for (let i = 0; i < s.length; i++) {
    const c = s[i];
    if (c === '\\' && inQuote) {
      cur += c + (s[i + 1] ?? '');
      i++;
      continue;
    }
    if (c === '"') inQuote = !inQuote;
    if (c === ',' && !inQuote) {
      parts.push(cur);
      cur = '';
    } else cur += c;
  }
  parts.push(cur);
  return parts;
}

function parseClassicOne(s: string): Matcher {
  const m = CLASSIC_RE.exec(s);
  if (!m) throw new MatcherParseError(`bad matcher format: ${s}`);
  let value = m[3];
  if (value.startsWith('"') && value.endsWith('"') && value.length >= 2) value = unquoteGo(value);
  else if (value.includes('"')) throw new MatcherParseError(`matcher value contains unescaped double quote: ${value}`);
  return newMatcher(m[2] as MatchType, m[1], value);
}

function parseClassic(input: string): Matcher[] {
  let s = input.trim();
  if (s.startsWith('{')) s = s.slice(1);
  if (s.endsWith('}')) s = s.slice(0, -1);
  if (s.trim() === '') return [];
  const out: Matcher[] = [];
  for (const part of splitClassic(s)) {
    if (part.trim() === '') continue;
    out.push(parseClassicOne(part));
  }
  return out;
}

/** Parses a matcher list (`{a="b", c=~"d"}` or `a=b,c=~d`). Throws MatcherParseError. */
export function parseMatchers(input: string): Matcher[] {
  try {
    return parseUTF8(input);
  } catch (e) {
    if (!(e instanceof MatcherParseError)) throw e;
    try {
      return parseClassic(input);
    } catch {
      throw e;
    }
  }
}

/** Parses exactly one matcher. */
export function parseMatcher(input: string): Matcher {
  const ms = parseMatchers(input);
  if (ms.length !== 1) throw new MatcherParseError(`expected exactly one matcher, got ${ms.length}: ${input}`);
  return ms[0];
}

/** Alertmanager's matcher order (by name, then value, then type) used for route keys. */
export function sortMatchers(ms: Matcher[]): Matcher[] {
  return ms.sort(
    (a, b) => compareStrings(a.name, b.name) || compareStrings(a.value, b.value) || compareStrings(a.type, b.type),
  );
}

/** `{a="b",c=~"d"}` as Alertmanager prints a matcher list. */
export function matchersToString(ms: readonly Matcher[]): string {
  return `{${ms.map(matcherToString).join(',')}}`;
}

/** `name="value"`; the name is quoted when it is not a classic label name. */
export function matcherToString(m: Matcher): string {
  const n = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/.test(m.name) ? m.name : JSON.stringify(m.name);
  return `${n}${m.type}${JSON.stringify(m.value)}`;
}

/** True when every matcher accepts the label set (a missing label is the empty string). */
export function matchersMatch(ms: readonly Matcher[], get: (name: string) => string): boolean {
  for (const m of ms) if (!m.matches(get(m.name))) return false;
  return true;
}
