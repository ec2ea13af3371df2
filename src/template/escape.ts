/** Go's text/template escapers: HTMLEscapeString, JSEscapeString and url.QueryEscape. */

export function htmlEscape(s: string): string {
  let out = '';
  for (const ch of s) {
    switch (ch) {
      case '<':
        out += '&lt;';
        break;
      case '>':
        out += '&gt;';
        break;
      case '&':
        out += '&amp;';
        break;
      case "'":
        out += '&#39;';
        break;
      case '"':
        out += '&#34;';
        break;
      case '\0':
        out += '\uFFFD';
        break;
      default:
        out += ch;
    }
  }
  return out;
}

function isPrintRune(cp: number): boolean {
  const ch = String.fromCodePoint(cp);
  if (/[\p{Cc}\p{Cf}\p{Cs}\p{Co}\p{Cn}\p{Zl}\p{Zp}]/u.test(ch)) return false;
  if (/\p{Zs}/u.test(ch) && cp !== 0x20) return false;
  return true;
}

export function jsEscape(s: string): string {
  let out = '';
  for (const ch of s) {
    const cp = ch.codePointAt(0) ?? 0;
    switch (ch) {
      case '\\':
        out += '\\\\';
        continue;
      case "'":
        out += "\\'";
        continue;
      case '"':
        out += '\\"';
        continue;
      case '<':
        out += '\\u003C';
        continue;
      case '>':
        out += '\\u003E';
        continue;
      case '&':
        out += '\\u0026';
        continue;
      case '=':
        out += '\\u003D';
        continue;
    }
    if (cp < 0x80) {
      if (cp < 0x20 || cp === 0x7f) out += `\\u${cp.toString(16).toUpperCase().padStart(4, '0')}`;
      else out += ch;
    } else if (isPrintRune(cp)) out += ch;
    else out += `\\u${cp.toString(16).toUpperCase().padStart(4, '0')}`;
  }
  return out;
}

function shouldEscapeQuery(b: number): boolean {
  if ((b >= 0x41 && b <= 0x5a) || (b >= 0x61 && b <= 0x7a) || (b >= 0x30 && b <= 0x39)) return false;
  return !(b === 0x2d || b === 0x5f || b === 0x2e || b === 0x7e);
}

/** url.QueryEscape: spaces become '+', everything but unreserved bytes is %XX. */
export function queryEscape(s: string): string {
  const bytes = Buffer.from(s, 'utf8');
  let out = '';
  for (const b of bytes) {
    if (b === 0x20) out += '+';
    else if (shouldEscapeQuery(b)) out += `%${b.toString(16).toUpperCase().padStart(2, '0')}`;
    else out += String.fromCharCode(b);
  }
  return out;
}

/** url.PathEscape. */
export function pathEscape(s: string): string {
  const bytes = Buffer.from(s, 'utf8');
  let out = '';
  for (const b of bytes) {
    const unreserved =
      (b >= 0x41 && b <= 0x5a) ||
      (b >= 0x61 && b <= 0x7a) ||
      (b >= 0x30 && b <= 0x39) ||
      '-_.~$&+:=@'.includes(String.fromCharCode(b));
    if (unreserved) out += String.fromCharCode(b);
    else out += `%${b.toString(16).toUpperCase().padStart(2, '0')}`;
  }
  return out;
}

/** url.QueryUnescape. Throws Go's error text on a bad escape. */
export function queryUnescape(s: string): string {
  const bytes: number[] = [];
  for (let i = 0; i < s.length; i++) {
    const c = s[i];
    if (c === '%') {
      const h = s.slice(i + 1, i + 3);
      if (!/^[0-9a-fA-F]{2}$/.test(h)) {
        let bad = s.slice(i, i + 3);
        if (bad.length > 3) bad = bad.slice(0, 3);
        throw new Error(`invalid URL escape ${JSON.stringify(bad)}`);
      }
      bytes.push(Number.parseInt(h, 16));
      i += 2;
    } else if (c === '+') bytes.push(0x20);
    else {
      const ch = String.fromCodePoint(s.codePointAt(i) ?? 0);
      i += ch.length - 1;
      for (const b of Buffer.from(ch, 'utf8')) bytes.push(b);
    }
  }
  return Buffer.from(bytes).toString('utf8');
}

/** html/template's escaping of text and attribute values (also escapes '+', unlike text/template's html). */
export function htmlTemplateEscape(s: string): string {
  return htmlEscape(s).replace(/\+/g, '&#43;');
}
