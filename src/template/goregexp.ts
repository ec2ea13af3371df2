/** Go regexp semantics on RE2 (re2js): unanchored MatchString and ReplaceAllString with Go's $-expansion. */
import { RE2JS } from 're2js';

const cache = new Map<string, RE2JS>();

/** regexp.Compile; throws Go's "error parsing regexp: ..." message. */
export function compileGo(pattern: string): RE2JS {
  let re = cache.get(pattern);
  if (!re) {
    re = RE2JS.compile(pattern);
    if (cache.size > 500) cache.clear();
    cache.set(pattern, re);
  }
  return re;
}

/** regexp.MatchString (unanchored). */
export function matchString(pattern: string, s: string): boolean {
  return compileGo(pattern).matcher(s).find();
}

/** regexp.MustCompile as the template funcs use it: a bad pattern fails with Go's panic text. */
export function mustCompile(pattern: string): RE2JS {
  try {
    return compileGo(pattern);
  } catch (e) {
    throw new Error(`regexp: Compile(${goBackquote(pattern)}): ${(e as Error).message}`);
  }
}

function goBackquote(s: string): string {
  return s.includes('`') ? JSON.stringify(s) : `\`${s}\``;
}

function isWordChar(c: string): boolean {
  return /^[A-Za-z0-9_]$/.test(c);
}

/** Regexp.Expand's template language: $1, ${1}, $name, ${name}, $$. */
function expand(template: string, groups: (string | null)[], named: Record<string, number>): string {
  let out = '';
  let i = 0;
  while (i < template.length) {
    const d = template.indexOf('$', i);
    if (d < 0) {
      out += template.slice(i);
      break;
    }
    out += template.slice(i, d);
    i = d + 1;
    if (template[i] === '$') {
      out += '$';
      i++;
      continue;
    }
    let name = '';
    if (template[i] === '{') {
      const close = template.indexOf('}', i + 1);
      const inner = close < 0 ? '' : template.slice(i + 1, close);
      if (close < 0 || inner === '' || ![...inner].every(isWordChar)) {
        out += '$';
        continue;
      }
      name = inner;
      i = close + 1;
    } else {
      let j = i;
      while (j < template.length && isWordChar(template[j])) j++;
      if (j === i) {
        out += '$';
        continue;
      }
      name = template.slice(i, j);
      i = j;
    }
    if (/^[0-9]+$/.test(name)) {
      const n = Number(name);
      if (n < groups.length) out += groups[n] ?? '';
    } else if (Object.hasOwn(named, name)) {
      out += groups[named[name]] ?? '';
    }
  }
  return out;
}

/** Regexp.ReplaceAllString with Go's rules for empty matches and template expansion. */
export function replaceAllString(re: RE2JS, src: string, repl: string): string {
  const m = re.matcher(src);
  const named = re.namedGroups() as Record<string, number>;
  const ng = m.groupCount();
  let out = '';
  let lastMatchEnd = 0;
  let searchPos = 0;
  while (searchPos <= src.length) {
    if (!m.find(searchPos)) break;
    const a0 = m.start();
    const a1 = m.end();
    out += src.slice(lastMatchEnd, a0);
    if (a1 > lastMatchEnd || a0 === 0) {
      const groups: (string | null)[] = [];
      for (let g = 0; g <= ng; g++) groups.push(m.group(g));
      out += expand(repl, groups, named);
    }
    lastMatchEnd = a1;
    const cp = src.codePointAt(searchPos);
    const width = cp === undefined ? 1 : cp > 0xffff ? 2 : 1;
    if (searchPos + width > a1) searchPos += width;
    else if (searchPos + 1 > a1) searchPos++;
    else searchPos = a1;
  }
  out += src.slice(lastMatchEnd);
  return out;
}
