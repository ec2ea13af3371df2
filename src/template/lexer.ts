/**
 * Lexer for Go text/template syntax. Produces the whole token list up front; the parser walks it.
 * Positions are JS string indexes; errors convert them to Go's byte-based positions when needed.
 */
export enum Tok {
  Error,
  EOF,
  Text,
  LeftDelim,
  RightDelim,
  Comment,
  Space,
  Bool,
  Char,
  CharConstant,
  Number,
  String,
  RawString,
  Identifier,
  Field,
  Variable,
  Dot,
  Nil,
  Pipe,
  LeftParen,
  RightParen,
  Declare,
  Assign,
  // keywords
  Block,
  Break,
  Continue,
  Define,
  Else,
  End,
  If,
  Range,
  Template,
  With,
}

export interface Token {
  t: Tok;
  val: string;
  pos: number;
  line: number;
}

const KEYWORDS: Record<string, Tok> = {
  block: Tok.Block,
  break: Tok.Break,
  continue: Tok.Continue,
  define: Tok.Define,
  else: Tok.Else,
  end: Tok.End,
  if: Tok.If,
  range: Tok.Range,
  template: Tok.Template,
  with: Tok.With,
  nil: Tok.Nil,
};

const LEFT = '{{';
const RIGHT = '}}';
const TRIM = '-';

function isSpace(c: string): boolean {
  return c === ' ' || c === '\t' || c === '\r' || c === '\n';
}

const UNICODE_ALNUM = /^[\p{L}\p{Nd}]$/u;

function isAlnum(c: string): boolean {
  const k = c.charCodeAt(0);
  if (k < 0x80) return (k >= 0x61 && k <= 0x7a) || (k >= 0x41 && k <= 0x5a) || (k >= 0x30 && k <= 0x39) || k === 0x5f;
  return UNICODE_ALNUM.test(c);
}

/** Tokenizes the whole text. Stops at the first error, which becomes the last token (Tok.Error). */
export function lex(text: string): Token[] {
  const out: Token[] = [];
  let pos = 0;
  let line = 1;
  let trimNextText = false;
  let parenDepth = 0;

  const emit = (t: Tok, start: number, end: number, startLine: number) => {
    out.push({ t, val: text.slice(start, end), pos: start, line: startLine });
  };
  const countLines = (a: number, b: number) => {
    for (let i = a; i < b; i++) if (text.charCodeAt(i) === 10) line++;
  };
  const fail = (msg: string) => {
    out.push({ t: Tok.Error, val: msg, pos, line });
  };

  outer: while (true) {
    // ---- text ----
    let start = pos;
    if (trimNextText) {
      while (start < text.length && isSpace(text[start])) start++;
      countLines(pos, start);
      pos = start;
      trimNextText = false;
    }
    const idx = text.indexOf(LEFT, pos);
    const textEnd = idx < 0 ? text.length : idx;
    let trimmedEnd = textEnd;
    let hasLeftTrim = false;
    if (idx >= 0 && text.startsWith(TRIM, idx + 2) && isSpace(text[idx + 3] ?? '')) {
      hasLeftTrim = true;
      while (trimmedEnd > pos && isSpace(text[trimmedEnd - 1])) trimmedEnd--;
    }
    if (trimmedEnd > pos) emit(Tok.Text, pos, trimmedEnd, line);
    countLines(pos, textEnd);
    pos = textEnd;
    if (idx < 0) {
      out.push({ t: Tok.EOF, val: '', pos, line });
      return out;
    }
    // ---- left delimiter ----
    const delimStart = pos;
    pos += LEFT.length;
    if (hasLeftTrim) pos += 2; // "- "
    // comment?
    let afterMarker = pos;
    if (text.startsWith('/*', afterMarker)) {
      const endC = text.indexOf('*/', afterMarker + 2);
      if (endC < 0) {
        pos = delimStart;
        fail('unclosed comment');
        return out;
      }
      const commentStart = afterMarker;
      let p = endC + 2;
      let rightTrim = false;
      if (
        text.startsWith(` ${TRIM}${RIGHT}`, p) ||
        text.startsWith(`\t${TRIM}${RIGHT}`, p) ||
        text.startsWith(`\n${TRIM}${RIGHT}`, p) ||
        text.startsWith(`\r${TRIM}${RIGHT}`, p)
      ) {
        rightTrim = true;
        p += 4;
      } else if (text.startsWith(RIGHT, p)) {
        p += 2;
      } else {
        pos = endC;
        fail('comment ends before closing delimiter');
        return out;
      }
      const startLine = line;
      countLines(delimStart, p);
      out.push({ t: Tok.Comment, val: text.slice(commentStart, endC + 2), pos: commentStart, line: startLine });
      pos = p;
      trimNextText = rightTrim;
      continue;
    }
    emit(Tok.LeftDelim, delimStart, delimStart + 2, line);
    afterMarker = pos;
    parenDepth = 0;
    // ---- inside action ----
    while (true) {
      // right delimiter, possibly with trim marker
      if (isSpace(text[pos] ?? '')) {
        let p = pos;
        while (p < text.length && isSpace(text[p])) p++;
        if (text.startsWith(`${TRIM}${RIGHT}`, p) && p > pos) {
          // " -}}": the space before the marker belongs to the marker
          const sl = line;
          countLines(pos, p);
          if (p > pos) emit(Tok.Space, pos, p, sl);
          pos = p;
          if (parenDepth > 0) {
            fail('unclosed left paren');
            return out;
          }
          emit(Tok.RightDelim, pos + 1, pos + 3, line);
          pos += 3;
          trimNextText = true;
          continue outer;
        }
        const sl = line;
        countLines(pos, p);
        emit(Tok.Space, pos, p, sl);
        pos = p;
        continue;
      }
      if (text.startsWith(RIGHT, pos)) {
        if (parenDepth > 0) {
          fail('unclosed left paren');
          return out;
        }
        emit(Tok.RightDelim, pos, pos + 2, line);
        pos += 2;
        continue outer;
      }
      if (pos >= text.length) {
        fail('unclosed action');
        return out;
      }
      const c = text[pos];
      const s = pos;
      if (c === '=') {
        pos++;
        emit(Tok.Assign, s, pos, line);
      } else if (c === ':') {
        if (text[pos + 1] !== '=') {
          fail('expected :=');
          return out;
        }
        pos += 2;
        emit(Tok.Declare, s, pos, line);
      } else if (c === '|') {
        pos++;
        emit(Tok.Pipe, s, pos, line);
      } else if (c === '"') {
        pos++;
        while (true) {
          const ch = text[pos];
          if (ch === '\\') {
            pos++;
            const n = text[pos];
            if (n === undefined || n === '\n') {
              fail('unterminated quoted string');
              return out;
            }
            pos++;
          } else if (ch === undefined || ch === '\n') {
            fail('unterminated quoted string');
            return out;
          } else if (ch === '"') {
            pos++;
            break;
          } else pos++;
        }
        emit(Tok.String, s, pos, line);
      } else if (c === '`') {
        const e = text.indexOf('`', pos + 1);
        if (e < 0) {
          fail('unterminated raw quoted string');
          return out;
        }
        pos = e + 1;
        const sl = line;
        countLines(s, pos);
        emit(Tok.RawString, s, pos, sl);
      } else if (c === "'") {
        pos++;
        while (true) {
          const ch = text[pos];
          if (ch === '\\') {
            pos++;
            if (text[pos] === undefined || text[pos] === '\n') {
              fail('unterminated character constant');
              return out;
            }
            pos++;
          } else if (ch === undefined || ch === '\n') {
            fail('unterminated character constant');
            return out;
          } else if (ch === "'") {
            pos++;
            break;
          } else pos++;
        }
        emit(Tok.CharConstant, s, pos, line);
      } else if (c === '$') {
        pos++;
        while (pos < text.length && isAlnum(text[pos])) pos++;
        emit(Tok.Variable, s, pos, line);
      } else if (c === '.') {
        const n = text[pos + 1];
        if (n !== undefined && n >= '0' && n <= '9') {
          if (!lexNumber()) return out;
        } else {
          pos++;
          if (n !== undefined && isAlnum(n)) {
            while (pos < text.length && isAlnum(text[pos])) pos++;
            emit(Tok.Field, s, pos, line);
          } else {
            emit(Tok.Dot, s, pos, line);
          }
        }
      } else if (c === '+' || c === '-' || (c >= '0' && c <= '9')) {
        if (!lexNumber()) return out;
      } else if (isAlnum(c)) {
        while (pos < text.length && isAlnum(text[pos])) pos++;
        const word = text.slice(s, pos);
        const kw = KEYWORDS[word];
        if (kw !== undefined) emit(kw, s, pos, line);
        else if (word === 'true' || word === 'false') emit(Tok.Bool, s, pos, line);
        else emit(Tok.Identifier, s, pos, line);
        // a word must be followed by something that ends it
        const nx = text[pos];
        if (nx !== undefined && !isSpace(nx) && !'.,|()=:'.includes(nx) && !text.startsWith(RIGHT, pos)) {
          fail(`bad character ${goRuneDesc(nx.codePointAt(0) ?? 0)}`);
          return out;
        }
      } else if (c === '(') {
        pos++;
        parenDepth++;
        emit(Tok.LeftParen, s, pos, line);
      } else if (c === ')') {
        pos++;
        parenDepth--;
        if (parenDepth < 0) {
          fail('unexpected right paren');
          return out;
        }
        emit(Tok.RightParen, s, pos, line);
      } else if (c === ',') {
        pos++;
        emit(Tok.Char, s, pos, line);
      } else if (c >= ' ' && c <= '~') {
        pos++;
        emit(Tok.Char, s, pos, line);
      } else {
        const cp = text.codePointAt(pos) ?? 0;
        fail(`unrecognized character in action: ${goRuneDesc(cp)}`);
        return out;
      }
    }
  }

  /** Go's scanNumber: advances over one number; false if an alphanumeric follows it. */
  function scanNumber(): boolean {
    if (text[pos] === '+' || text[pos] === '-') pos++;
    let digits = '0123456789_';
    if (text[pos] === '0' && /[xXoObB]/.test(text[pos + 1] ?? '')) {
      const b = text[pos + 1].toLowerCase();
      pos += 2;
      digits = b === 'x' ? '0123456789abcdefABCDEF_' : b === 'o' ? '01234567_' : '01_';
    }
    while (pos < text.length && digits.includes(text[pos])) pos++;
    if (text[pos] === '.') {
      pos++;
      while (pos < text.length && digits.includes(text[pos])) pos++;
    }
    if (digits.length === 11 && /[eE]/.test(text[pos] ?? '')) {
      pos++;
      if (text[pos] === '+' || text[pos] === '-') pos++;
      while (pos < text.length && '0123456789_'.includes(text[pos])) pos++;
    }
    if (digits.length === 23 && /[pP]/.test(text[pos] ?? '')) {
      pos++;
      if (text[pos] === '+' || text[pos] === '-') pos++;
      while (pos < text.length && '0123456789_'.includes(text[pos])) pos++;
    }
    if (text[pos] === 'i') pos++;
    const nx = text[pos];
    if (nx !== undefined && isAlnum(nx)) {
      pos++;
      return false;
    }
    return true;
  }

  function lexNumber(): boolean {
    const s = pos;
    const bad = () => {
      const t = text.slice(s, pos);
      pos = s;
      fail(`bad number syntax: ${JSON.stringify(t)}`);
      return false;
    };
    if (!scanNumber()) return bad();
    if (text[pos] === '+' || text[pos] === '-') {
      // a complex constant like 1+2i: the second part must end in 'i'
      if (!scanNumber() || text[pos - 1] !== 'i') return bad();
    }
    emit(Tok.Number, s, pos, line);
    return true;
  }
}

export function goQuoteRune(c: string): string {
  if (c === "'") return "'\\''";
  return `'${c}'`;
}

function goRuneDesc(cp: number): string {
  const hex = cp.toString(16).toUpperCase().padStart(4, '0');
  return `U+${hex} ${goQuoteRune(String.fromCodePoint(cp))}`;
}
