/** Go string literal quoting and unquoting (strconv.Quote / strconv.Unquote semantics). */

const SIMPLE_ESC: Record<string, string> = {
  a: '\x07',
  b: '\b',
  f: '\f',
  n: '\n',
  r: '\r',
  t: '\t',
  v: '\v',
  '\\': '\\',
  "'": "'",
  '"': '"',
};

/** Unquotes a Go interpreted string ("...") or rune ('x') literal body. Throws on bad syntax. */
export function unquoteGo(lit: string): string {
  const q = lit[0];
  if (q === '`') {
    if (lit.length < 2 || lit[lit.length - 1] !== '`') throw new Error('invalid syntax');
    return lit.slice(1, -1).replace(/\r/g, '');
  }
  if ((q !== '"' && q !== "'") || lit.length < 2 || lit[lit.length - 1] !== q) throw new Error('invalid syntax');
  const body = lit.slice(1, -1);
  let out = '';
  const bytes: number[] = [];
  const flushBytes = () => {
    if (bytes.length) {
      out += Buffer.from(bytes).toString('utf8');
      bytes.length = 0;
    }
  };
  for (let i = 0; i < body.length; i++) {
    const c = body[i];
    if (c === q && q === '"') throw new Error('invalid syntax');
    if (c !== '\\') {
      flushBytes();
      out += c;
      continue;
    }
    i++;
    const e = body[i];
    if (e === undefined) throw new Error('invalid syntax');
    if (e in SIMPLE_ESC) {
      if ((e === "'" && q === '"') || (e === '"' && q === "'")) throw new Error('invalid syntax');
      flushBytes();
      out += SIMPLE_ESC[e];
    } else if (e === 'x' || e === 'u' || e === 'U') {
      const n = e === 'x' ? 2 : e === 'u' ? 4 : 8;
      const hex = body.slice(i + 1, i + 1 + n);
      if (hex.length !== n || !/^[0-9a-fA-F]+$/.test(hex)) throw new Error('invalid syntax');
      const v = Number.parseInt(hex, 16);
      i += n;
      if (e === 'x') {
        if (q === "'") {
          flushBytes();
          out += String.fromCodePoint(v);
        } else bytes.push(v);
      } else {
        if (v > 0x10ffff || (v >= 0xd800 && v < 0xe000)) throw new Error('invalid syntax');
        flushBytes();
        out += String.fromCodePoint(v);
      }
    } else if (e >= '0' && e <= '7') {
      const oct = body.slice(i, i + 3);
      if (!/^[0-7]{3}$/.test(oct)) throw new Error('invalid syntax');
      const v = Number.parseInt(oct, 8);
      if (v > 255) throw new Error('invalid syntax');
      i += 2;
      if (q === "'") {
        flushBytes();
        out += String.fromCodePoint(v);
      } else bytes.push(v);
    } else {
      throw new Error('invalid syntax');
    }
  }
  flushBytes();
  if (q === "'" && [...out].length !== 1) throw new Error('invalid syntax');
  return out;
}

function isPrint(cp: number): boolean {
  if (cp < 0x20 || cp === 0x7f) return false;
  if (cp >= 0x80 && cp < 0xa0) return false;
  if (cp === 0xad) return false;
  if (cp >= 0xd800 && cp < 0xe000) return false;
  if (cp === 0xfffd) return true;
  // Treat format / unassigned / separators (other than space) as non-printable, like unicode.IsPrint.
  const ch = String.fromCodePoint(cp);
  if (/[\p{Cc}\p{Cf}\p{Cs}\p{Co}\p{Cn}\p{Zl}\p{Zp}]/u.test(ch)) return false;
  if (/\p{Zs}/u.test(ch) && cp !== 0x20) return false;
  return true;
}

function hexPad(v: number, n: number): string {
  return v.toString(16).padStart(n, '0');
}

function escRune(cp: number, quote: string, asciiOnly: boolean): string {
  const ch = String.fromCodePoint(cp);
  if (ch === quote || ch === '\\') return `\\${ch}`;
  if (asciiOnly ? cp < 0x80 && isPrint(cp) : isPrint(cp)) return ch;
  switch (cp) {
    case 7:
      return '\\a';
    case 8:
      return '\\b';
    case 12:
      return '\\f';
    case 10:
      return '\\n';
    case 13:
      return '\\r';
    case 9:
      return '\\t';
    case 11:
      return '\\v';
  }
  if (cp < 0x20 || cp === 0x7f) return `\\x${hexPad(cp, 2)}`;
  if (cp < 0x10000) return `\\u${hexPad(cp, 4)}`;
  return `\\U${hexPad(cp, 8)}`;
}

/** strconv.Quote (or QuoteToASCII when asciiOnly). Lone surrogates print as \ufffd like invalid UTF-8 would. */
export function quoteGo(s: string, asciiOnly = false): string {
  let out = '"';
  for (const ch of s) {
    let cp = ch.codePointAt(0) ?? 0;
    if (cp >= 0xd800 && cp < 0xe000) cp = 0xfffd;
    out += escRune(cp, '"', asciiOnly);
  }
  return `${out}"`;
}

/** strconv.QuoteRune. */
export function quoteRuneGo(cp: number, asciiOnly = false): string {
  if (cp > 0x10ffff || (cp >= 0xd800 && cp < 0xe000) || cp < 0) cp = 0xfffd;
  return `'${escRune(cp, "'", asciiOnly)}'`;
}

/** strconv.CanBackquote. */
export function canBackquote(s: string): boolean {
  for (const ch of s) {
    const cp = ch.codePointAt(0) ?? 0;
    if (ch === '`' || cp === 0xfeff) return false;
    if (cp < 0x20 && cp !== 9) return false;
    if (cp === 0x7f) return false;
  }
  return true;
}
