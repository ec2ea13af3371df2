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
}

export function compileSearchRegex(source: string): SearchRegex {
  let re: RE2JS;
  try {
    re = RE2JS.compile(source);
  } catch (e) {
    throw new Error(`error parsing regexp: ${(e as Error).message.replace(/^error parsing regexp: /, '')}`);
  }
  const named = re.namedGroups() as Record<string, number>;
  return {
    source,
    namedGroups: named,
    groupCount: re.groupCount(),
    test: (s) => re.matcher(s).find(),
    exec(s) {
      const m = re.matcher(s);
      if (!m.find()) return null;
      const out: string[] = [];
      for (let i = 0; i <= m.groupCount(); i++) out.push(m.group(i) ?? '');
      return out;
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
