/**
 * PromQL lexer: turns a query into tokens in one linear pass.
 *
 * Keywords are recognised case-insensitively (as Prometheus does); the parser decides from context
 * whether a keyword-like word is a keyword, a metric name or a label name. Token descriptions
 * (`desc`) follow Prometheus's wording so parse errors read the same.
 */

export type TokenKind =
  | 'EOF'
  | 'IDENTIFIER'
  | 'METRIC_IDENTIFIER'
  | 'NUMBER'
  | 'DURATION'
  | 'STRING'
  | 'LEFT_PAREN'
  | 'RIGHT_PAREN'
  | 'LEFT_BRACE'
  | 'RIGHT_BRACE'
  | 'LEFT_BRACKET'
  | 'RIGHT_BRACKET'
  | 'COMMA'
  | 'COLON'
  | 'AT'
  | 'EQL'
  | 'OP'
  /** A lexing error at this point; `text` holds the message. The parser reports it when it gets here. */
  | 'ERROR';

export interface Token {
  kind: TokenKind;
  /** The source text of the token (for STRING, including quotes). */
  text: string;
  /** For STRING: the unquoted value. For OP and keyword identifiers: the lowercase spelling. */
  value: string;
  start: number;
  end: number;
}

/** A lexer error: message and position (offset into the input). */
export class LexError extends Error {
  readonly start: number;
  readonly end: number;
  constructor(message: string, start: number, end: number) {
    super(message);
    this.start = start;
    this.end = end;
  }
}

/** Words Prometheus treats as keywords (operators, aggregators, modifiers). */
export const KEYWORDS: ReadonlySet<string> = new Set([
  'and',
  'or',
  'unless',
  'atan2',
  'sum',
  'avg',
  'count',
  'min',
  'max',
  'group',
  'stddev',
  'stdvar',
  'topk',
  'bottomk',
  'count_values',
  'quantile',
  'limitk',
  'limit_ratio',
  'offset',
  'by',
  'without',
  'on',
  'ignoring',
  'group_left',
  'group_right',
  'bool',
  'start',
  'end',
  'step',
  'range',
  'anchored',
  'smoothed',
  'fill',
  'fill_left',
  'fill_right',
]);

const OPERATOR_WORDS = new Set(['and', 'or', 'unless', 'atan2']);
const AGGREGATOR_WORDS = new Set([
  'sum',
  'avg',
  'count',
  'min',
  'max',
  'group',
  'stddev',
  'stdvar',
  'topk',
  'bottomk',
  'count_values',
  'quantile',
  'limitk',
  'limit_ratio',
]);

/** Describes a token the way Prometheus's error messages do: `identifier "foo"`, `<op:+>`, `"("`. */
export function describeToken(t: Token): string {
  switch (t.kind) {
    case 'EOF':
      return 'end of input';
    case 'IDENTIFIER':
    case 'METRIC_IDENTIFIER': {
      const lower = t.text.toLowerCase();
      if (OPERATOR_WORDS.has(lower)) return `<op:${t.text}>`;
      if (AGGREGATOR_WORDS.has(lower)) return `<aggr:${t.text}>`;
      if (KEYWORDS.has(lower)) return `<${t.text}>`;
      return `${t.kind === 'IDENTIFIER' ? 'identifier' : 'metric identifier'} ${goQuote(t.text)}`;
    }
    case 'NUMBER':
      return `number ${shortQuote(t.text)}`;
    case 'DURATION':
      return `duration ${shortQuote(t.text)}`;
    case 'STRING':
      return `string ${shortQuote(t.text)}`;
    case 'OP':
      return `<op:${t.text}>`;
    case 'AT':
      return '<op:@>';
    default:
      return goQuote(t.text);
  }
}

function shortQuote(s: string): string {
  // Go's %.10q truncates the string to 10 runes before quoting.
  if ([...s].length > 10) return `${goQuote([...s].slice(0, 10).join(''))}...`;
  return goQuote(s);
}

/** Go's strconv.Quote: double-quoted with Go escapes, printable Unicode kept. */
export function goQuote(s: string): string {
  let out = '"';
  for (const ch of s) {
    const c = ch.codePointAt(0)!;
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
      case '\x07':
        out += '\\a';
        continue;
      case '\b':
        out += '\\b';
        continue;
      case '\f':
        out += '\\f';
        continue;
      case '\v':
        out += '\\v';
        continue;
    }
    if (c < 0x20 || c === 0x7f) out += `\\x${c.toString(16).padStart(2, '0')}`;
    else if (c >= 0xdc80 && c <= 0xdcff) out += `\\x${(c - 0xdc00).toString(16)}`;
    else if (c >= 0xd800 && c <= 0xdfff) out += '\\ufffd';
    else if (!isPrintable(c)) {
      out += c < 0x10000 ? `\\u${c.toString(16).padStart(4, '0')}` : `\\U${c.toString(16).padStart(8, '0')}`;
    } else out += ch;
  }
  return `${out}"`;
}

const NON_PRINTABLE = /[\p{Cc}\p{Cf}\p{Co}\p{Cn}\p{Zl}\p{Zp}\p{Zs}]/u;
function isPrintable(c: number): boolean {
  if (c < 0x80) return c >= 0x20 && c < 0x7f;
  if (c === 0x20) return true;
  return !NON_PRINTABLE.test(String.fromCodePoint(c));
}

function isDigit(c: number): boolean {
  return c >= 48 && c <= 57;
}
function isAlpha(c: number): boolean {
  return (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || c === 95;
}
function isAlphaNumeric(c: number): boolean {
  return isAlpha(c) || isDigit(c);
}
function isHexDigit(c: number): boolean {
  return isDigit(c) || (c >= 97 && c <= 102) || (c >= 65 && c <= 70);
}

/**
 * Splits a query into tokens, linear in the input length. A lexing error ends the list with an
 * ERROR token (instead of EOF), so that earlier syntax errors are still reported first.
 */
export function tokenize(input: string): Token[] {
  const tokens: Token[] = [];
  try {
    lexInto(input, tokens);
  } catch (e) {
    if (!(e instanceof LexError)) throw e;
    tokens.push({ kind: 'ERROR', text: e.message, value: e.message, start: e.start, end: e.end });
  }
  return tokens;
}

function lexInto(input: string, tokens: Token[]): void {
  const n = input.length;
  let i = 0;
  // Bracket nesting, for Prometheus's "unclosed"/"unexpected" bracket errors.
  let parenDepth = 0;
  let braceOpen = false;
  let bracketOpen = false;
  const push = (kind: TokenKind, start: number, end: number, value?: string): void => {
    const text = input.slice(start, end);
    tokens.push({ kind, text, value: value ?? text, start, end });
  };
  while (i < n) {
    const c = input.charCodeAt(i);
    const start = i;
    // Whitespace.
    if (c === 32 || c === 9 || c === 10 || c === 13) {
      i++;
      continue;
    }
    // Comments run to the end of the line.
    if (c === 35) {
      while (i < n && input.charCodeAt(i) !== 10) i++;
      continue;
    }
    if (braceOpen && (isDigit(c) || c === 46)) {
      throw new LexError(`unexpected character inside braces: '${input[i]}'`, start, i + 1);
    }
    if (isDigit(c) || (c === 46 && i + 1 < n && isDigit(input.charCodeAt(i + 1)))) {
      i = lexNumberOrDuration(input, i, tokens);
      continue;
    }
    if (isAlpha(c)) {
      i++;
      let hasColon = false;
      while (i < n) {
        const d = input.charCodeAt(i);
        if (isAlphaNumeric(d)) i++;
        else if (d === 58 && !braceOpen) {
          hasColon = true;
          i++;
        } else break;
      }
      const text = input.slice(start, i);
      const lower = text.toLowerCase();
      // Inf and NaN (any case) are numbers when they form a whole word.
      if (!hasColon && !braceOpen && (lower === 'inf' || lower === 'nan')) {
        push('NUMBER', start, i);
        continue;
      }
      push(hasColon ? 'METRIC_IDENTIFIER' : 'IDENTIFIER', start, i, KEYWORDS.has(lower) ? lower : text);
      continue;
    }
    if (c === 58 && !braceOpen) {
      // A colon starts a metric name (e.g. `:foo`) outside brackets, and separates range and step inside them.
      const next = i + 1 < n ? input.charCodeAt(i + 1) : 0;
      if (!bracketOpen && (isAlpha(next) || next === 58)) {
        i++;
        while (i < n && (isAlphaNumeric(input.charCodeAt(i)) || input.charCodeAt(i) === 58)) i++;
        push('METRIC_IDENTIFIER', start, i);
        continue;
      }
      i++;
      push('COLON', start, i);
      continue;
    }
    if (c === 34 || c === 39 || c === 96) {
      if (bracketOpen) throw new LexError(`unexpected character in duration expression: '${input[i]}'`, start, i + 1);
      i = lexString(input, i, tokens);
      continue;
    }
    i++;
    switch (c) {
      case 40: // (
        parenDepth++;
        push('LEFT_PAREN', start, i);
        continue;
      case 41: // )
        parenDepth--;
        if (parenDepth < 0) throw new LexError(`unexpected right parenthesis ')'`, start, i);
        push('RIGHT_PAREN', start, i);
        continue;
      case 123: // {
        if (braceOpen) throw new LexError(`unexpected left brace '{'`, start, i);
        braceOpen = true;
        push('LEFT_BRACE', start, i);
        continue;
      case 125: // }
        if (!braceOpen) throw new LexError(`unexpected character: '}'`, start, i);
        braceOpen = false;
        push('RIGHT_BRACE', start, i);
        continue;
      case 91: // [
        if (bracketOpen) throw new LexError(`unexpected left bracket '['`, start, i);
        bracketOpen = true;
        push('LEFT_BRACKET', start, i);
        continue;
      case 93: // ]
        if (!bracketOpen) throw new LexError(`unexpected right bracket ']'`, start, i);
        bracketOpen = false;
        push('RIGHT_BRACKET', start, i);
        continue;
      case 44:
        push('COMMA', start, i);
        continue;
      case 64:
        push('AT', start, i);
        continue;
      case 43: // +
      case 45: // -
      case 42: // *
      case 47: // /
      case 37: // %
      case 94: // ^
        if (braceOpen) throw new LexError(`unexpected character inside braces: '${input[start]}'`, start, i);
        push('OP', start, i);
        continue;
      case 61: // = == =~
        if (input.charCodeAt(i) === 61 && !braceOpen) {
          i++;
          push('OP', start, i);
        } else if (input.charCodeAt(i) === 126) {
          // Regex match operators exist only inside braces.
          if (!braceOpen) throw new LexError(`unexpected character after '=': '~'`, start, i + 1);
          i++;
          push('OP', start, i);
        } else push('EQL', start, i);
        continue;
      case 33: // != !~
        if (input.charCodeAt(i) === 61 || (input.charCodeAt(i) === 126 && braceOpen)) {
          i++;
          push('OP', start, i);
          continue;
        }
        throw new LexError(`unexpected character after '!': ${charDesc(input, i)}`, start, i);
      case 60: // < <=
      case 62: // > >=
        if (braceOpen) throw new LexError(`unexpected character inside braces: '${input[start]}'`, start, i);
        // <= >=, and the histogram trim operators </ >/
        if (input.charCodeAt(i) === 61 || input.charCodeAt(i) === 47) i++;
        push('OP', start, i);
        continue;
    }
    const cp = input.codePointAt(start)!;
    const ch = String.fromCodePoint(cp);
    if (braceOpen)
      throw new LexError(`unexpected character inside braces: ${goCharQuote(ch)}`, start, start + ch.length);
    throw new LexError(`unexpected character: ${goCharQuote(ch)}`, start, start + ch.length);
  }
  if (braceOpen) throw new LexError('unexpected end of input inside braces', n, n);
  if (bracketOpen) throw new LexError('unexpected end of input in duration expression', n, n);
  if (parenDepth > 0) throw new LexError('unclosed left parenthesis', n, n);
  tokens.push({ kind: 'EOF', text: '', value: '', start: n, end: n });
}

/** Go's "U+002E '.'" description of the character at i. */
function runeDesc(input: string, i: number): string {
  if (i >= input.length) return 'end of input';
  const ch = String.fromCodePoint(input.codePointAt(i)!);
  return `U+${hex4(ch)} ${goCharQuote(ch)}`;
}

function charDesc(input: string, i: number): string {
  if (i >= input.length) return 'end of input';
  return goCharQuote(String.fromCodePoint(input.codePointAt(i)!));
}

/** Go's %q of a rune: '\'' quoted. */
function goCharQuote(ch: string): string {
  const q = goQuote(ch);
  const inner = q.slice(1, -1).replace(/\\"/g, '"');
  return `'${inner === "'" ? "\\'" : inner}'`;
}

const DURATION_UNIT = /[smhdwy]/;

/** Scans a number or duration starting at `i`; pushes the token and returns the new position. */
function lexNumberOrDuration(input: string, i: number, tokens: Token[]): number {
  const start = i;
  const n = input.length;
  let hex = false;
  if (
    input.charCodeAt(i) === 48 &&
    (input[i + 1] === 'x' || input[i + 1] === 'X') &&
    i + 2 < n &&
    isHexDigit(input.charCodeAt(i + 2))
  ) {
    hex = true;
    i += 2;
    while (i < n && isHexDigit(input.charCodeAt(i))) i++;
  } else {
    while (i < n && isDigit(input.charCodeAt(i))) i++;
    if (input.charCodeAt(i) === 46) {
      i++;
      while (i < n && isDigit(input.charCodeAt(i))) i++;
    }
    const e = input.charCodeAt(i);
    if (e === 101 || e === 69) {
      let j = i + 1;
      const s = input.charCodeAt(j);
      if (s === 43 || s === 45) j++;
      if (j < n && isDigit(input.charCodeAt(j))) {
        i = j;
        while (i < n && isDigit(input.charCodeAt(i))) i++;
      }
    }
  }
  // A number followed directly by a unit is a duration, e.g. 5m, 1h30m, 100ms.
  if (!hex && i < n && DURATION_UNIT.test(input[i])) {
    let j = i + 1;
    if (input[j] === 's') j++;
    while (j < n && isDigit(input.charCodeAt(j))) {
      while (j < n && isDigit(input.charCodeAt(j))) j++;
      if (j < n && /[smhdw]/.test(input[j])) {
        j++;
        if (input[j] === 's') j++;
      } else {
        // Digits without a unit: Prometheus shows the text up to here.
        throw new LexError(`bad number or duration syntax: ${goQuote(input.slice(start, j))}`, start, j);
      }
    }
    if (!(j < n && isAlphaNumeric(input.charCodeAt(j)))) {
      tokens.push({ kind: 'DURATION', text: input.slice(start, j), value: input.slice(start, j), start, end: j });
      return j;
    }
    // Like Prometheus, the message shows the text up to and including the offending character.
    const k = Math.min(j + 1, n);
    throw new LexError(`bad number or duration syntax: ${goQuote(input.slice(start, k))}`, start, k);
  }
  if (i < n && (isAlphaNumeric(input.charCodeAt(i)) || input.charCodeAt(i) === 46)) {
    throw new LexError(`bad number or duration syntax: ${goQuote(input.slice(start, i + 1))}`, start, i + 1);
  }
  tokens.push({ kind: 'NUMBER', text: input.slice(start, i), value: input.slice(start, i), start, end: i });
  return i;
}

/** Scans a quoted string starting at `i` (at the quote); pushes a STRING token with the unquoted value. */
function lexString(input: string, i: number, tokens: Token[]): number {
  const start = i;
  const quote = input[i];
  const n = input.length;
  i++;
  if (quote === '`') {
    const close = input.indexOf('`', i);
    if (close < 0) throw new LexError('unterminated raw string', start, n);
    const value = input.slice(i, close);
    checkUtf8(value, i);
    tokens.push({ kind: 'STRING', text: input.slice(start, close + 1), value, start, end: close + 1 });
    return close + 1;
  }
  let value = '';
  let segStart = i;
  // Bytes from \x and octal escapes, decoded together so that escaped UTF-8 sequences form characters.
  const bytes: number[] = [];
  for (;;) {
    if (i >= n) throw new LexError('unterminated quoted string', start, n);
    const c = input[i];
    if (c === quote) break;
    if (c === '\n') throw new LexError('unterminated quoted string', start, i);
    if (c !== '\\') {
      if (bytes.length > 0) value += flushBytes(bytes);
      i++;
      continue;
    }
    value += input.slice(segStart, i);
    const e0 = input[i + 1];
    if (e0 !== 'x' && !(e0 >= '0' && e0 <= '7')) value += flushBytes(bytes);
    i++;
    if (i >= n) throw new LexError('escape sequence not terminated', start, n);
    const e = input[i];
    i++;
    switch (e) {
      case 'a':
        value += '\x07';
        break;
      case 'b':
        value += '\b';
        break;
      case 'f':
        value += '\f';
        break;
      case 'n':
        value += '\n';
        break;
      case 'r':
        value += '\r';
        break;
      case 't':
        value += '\t';
        break;
      case 'v':
        value += '\v';
        break;
      case '\\':
        value += '\\';
        break;
      case "'":
      case '"':
        if (e !== quote) throw new LexError(`unknown escape sequence U+${hex4(e)} '${e}'`, start, i);
        value += e;
        break;
      case 'x':
      case 'u':
      case 'U': {
        const len = e === 'x' ? 2 : e === 'u' ? 4 : 8;
        const digits = input.slice(i, i + len);
        if (digits.length < len || !/^[0-9a-fA-F]+$/.test(digits)) {
          throw new LexError(`illegal character ${runeDesc(input, i)} in escape sequence`, start, i);
        }
        i += len;
        const v = Number.parseInt(digits, 16);
        if (e === 'x') {
          bytes.push(v);
          segStart = i;
          continue;
        } else {
          if (v > 0x10ffff || (v >= 0xd800 && v <= 0xdfff)) {
            throw new LexError('escape sequence is invalid Unicode code point', start, i);
          }
          value += String.fromCodePoint(v);
        }
        break;
      }
      default:
        if (e >= '0' && e <= '7') {
          const digits = input.slice(i - 1, i + 2);
          if (!/^[0-7]{3}$/.test(digits)) {
            throw new LexError(`illegal character ${runeDesc(input, i)} in escape sequence`, start, i);
          }
          i += 2;
          const v = Number.parseInt(digits, 8);
          if (v > 255) throw new LexError('octal escape value > 255', start, i);
          bytes.push(v);
          segStart = i;
          continue;
        } else {
          const cp = input.codePointAt(i - 1)!;
          throw new LexError(
            `unknown escape sequence U+${hex4(String.fromCodePoint(cp))} ${goCharQuote(String.fromCodePoint(cp))}`,
            start,
            i,
          );
        }
    }
    segStart = i;
  }
  value += input.slice(segStart, i);
  value += flushBytes(bytes);
  checkUtf8(input.slice(start, i), start + 1);
  tokens.push({ kind: 'STRING', text: input.slice(start, i + 1), value, start, end: i + 1 });
  return i + 1;
}

/**
 * Decodes escaped bytes as UTF-8. Bytes that do not form valid UTF-8 (Go strings may hold any bytes)
 * become lone surrogates U+DC80..U+DCFF ("surrogateescape"), which goQuote prints back as \xHH and
 * which fail every valid-UTF-8 check, as the bytes would in Prometheus.
 */
export function flushBytes(bytes: number[]): string {
  if (bytes.length === 0) return '';
  let out: string;
  try {
    out = UTF8.decode(Uint8Array.from(bytes));
  } catch {
    out = '';
    for (const b of bytes) out += b < 0x80 ? String.fromCharCode(b) : String.fromCharCode(0xdc00 + b);
  }
  bytes.length = 0;
  return out;
}

const UTF8 = new TextDecoder('utf-8', { fatal: true });

function hex4(ch: string): string {
  return ch.codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0');
}

function checkUtf8(s: string, pos: number): void {
  if (!(s as unknown as { isWellFormed(): boolean }).isWellFormed()) throw new LexError('invalid UTF-8 rune', pos, pos);
}
