/**
 * Unanchored RE2 search, as Go's regexp.MatchString / FindSubmatchIndex do (blackbox_exporter's regex
 * options search the body, a header or a line; they are not anchored like Prometheus label matchers).
 * JavaScript's RegExp never sees the user's pattern.
 */
import { RE2JS } from 're2js';

export interface SearchRegex {
  readonly source: string;
  /** Named groups, name -> index. */
  readonly namedGroups: Readonly<Record<string, number>>;
  /** Number of capturing groups. */
  readonly groupCount: number;
  /** True when the pattern occurs anywhere in `s`. */
  test(s: string): boolean;
  /** Groups of the first match (index 0 the whole match, '' for unset groups), or null. */
  exec(s: string): string[] | null;
  /** Go's Regexp.Expand: `$1`, `${1}`, `$name`, `${name}` in `template` from the groups of a match; `$$` is `$`. */
  expand(template: string, groups: string[]): string;
  /** `expand` with the template parsed once, for hot paths. */
  compileTemplate(template: string): (groups: string[]) => string;
}

export function compileSearchRegex(source: string): SearchRegex {
  let re: RE2JS;
  try {
    re = RE2JS.compile(source);
  } catch (e) {
    throw new Error(`error parsing regexp: ${(e as Error).message.replace(/^error parsing regexp: /, '')}`);
  }
  const named = re.namedGroups() as Record<string, number>;
  const lit = requiredLiteral(source);
  return {
    source,
    namedGroups: named,
    groupCount: re.groupCount(),
    test: (s) => (lit === '' || s.includes(lit)) && re.matcher(s).find(),
    exec(s) {
      if (lit !== '' && !s.includes(lit)) return null;
      const m = re.matcher(s);
      if (!m.find()) return null;
      const out: string[] = [];
      for (let i = 0; i <= m.groupCount(); i++) out.push(m.group(i) ?? '');
      return out;
    },
    compileTemplate(template) {
      // Split into literal text and group indices by expanding with marker groups.
      const marks: string[] = [];
      for (let i = 0; i <= re.groupCount(); i++) marks.push(`\u0000${i}\u0000`);
      const expanded = this.expand(template, marks);
      const parts = expanded.split('\u0000');
      const lits: string[] = [];
      const idx: number[] = [];
      for (let i = 0; i < parts.length; i++) {
        if (i % 2 === 0) lits.push(parts[i]);
        else idx.push(Number(parts[i]));
      }
      if (idx.length === 0) return () => lits[0];
      if (idx.length === 1 && lits[0] === '' && lits[1] === '') return (g) => g[idx[0]] ?? '';
      return (g) => {
        let out = lits[0];
        for (let i = 0; i < idx.length; i++) out += (g[idx[i]] ?? '') + lits[i + 1];
        return out;
      };
    },
    expand(template, groups) {
      let out = '';
      let i = 0;
      while (i < template.length) {
        const c = template[i];
        if (c !== '$' || i + 1 >= template.length) {
          out += c;
          i++;
          continue;
        }
        if (template[i + 1] === '$') {
          out += '$';
          i += 2;
          continue;
        }
        let name: string;
        let end: number;
        if (template[i + 1] === '{') {
          const close = template.indexOf('}', i + 2);
          if (close < 0) {
            out += c;
            i++;
            continue;
          }
          name = template.slice(i + 2, close);
          end = close + 1;
        } else {
          let j = i + 1;
          while (j < template.length && /[A-Za-z0-9_]/.test(template[j])) j++;
          name = template.slice(i + 1, j);
          end = j;
        }
        if (name === '') {
          out += c;
          i++;
          continue;
        }
        const idx = /^\d+$/.test(name) ? Number(name) : named[name];
        if (idx !== undefined && idx < groups.length) out += groups[idx];
        i = end;
      }
      return out;
    },
  };
}

const QUANTIFIER = new Set(['*', '?', '{', '+']);
const META = new Set(['\\', '.', '+', '*', '?', '(', ')', '|', '[', ']', '{', '}', '^', '$']);

/**
 * A literal every match must contain: the pattern's leading run of plain characters (escaped punctuation
 * included), when the pattern has no alternation or flags. Lines without it are rejected by a substring
 * search before the regex engine runs, which is what makes log rules cheap on non-matching lines.
 */
export function requiredLiteral(source: string): string {
  if (source.includes('|') || source.startsWith('(?')) return '';
  let i = source.startsWith('^') ? 1 : 0;
  let out = '';
  let lastLen = 0;
  while (i < source.length) {
    const c = source[i];
    if (c === '\\') {
      const n = source[i + 1];
      if (n === undefined || /[A-Za-z0-9]/.test(n)) break;
      lastLen = 1;
      out += n;
      i += 2;
      continue;
    }
    if (META.has(c)) {
      // The character before a quantifier is optional or repeated: not required as written.
      if (QUANTIFIER.has(c)) out = out.slice(0, out.length - lastLen);
      break;
    }
    lastLen = 1;
    out += c;
    i++;
  }
  return out;
}
