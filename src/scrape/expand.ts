/**
 * Go's Regexp.Expand template language, as relabeling uses it for `replacement` and `target_label`:
 * `$1`, `${1}`, `$name`, `${name}`, `$$` for a literal dollar. A `$` not followed by a valid
 * reference is kept as text. References to groups that do not exist expand to "".
 * The name after `$` is the longest run of letters, digits and `_`, so `$1x` means group "1x".
 */

/** A parsed template: literal strings alternate with group indexes (-1 = no such group). */
export interface ExpandTemplate {
  /** literals.length === groups.length + 1 */
  literals: string[];
  groups: number[];
  /** True when the template has no references (expansion is the literal itself). */
  constant: boolean;
}

const NAME_CHAR = /[\p{L}\p{Nd}_]/u;

/**
 * Parses `template` against a regex with `groupCount` capture groups and the given named groups.
 */
export function parseExpandTemplate(
  template: string,
  groupCount: number,
  named: Record<string, number>,
): ExpandTemplate {
  const literals: string[] = [];
  const groups: number[] = [];
  let lit = '';
  let i = 0;
  while (i < template.length) {
    const d = template.indexOf('$', i);
    if (d < 0) {
      lit += template.slice(i);
      break;
    }
    lit += template.slice(i, d);
    i = d + 1;
    if (template[i] === '$') {
      lit += '$';
      i++;
      continue;
    }
    const ref = extractRef(template, i);
    if (ref === null) {
      lit += '$'; // malformed: the dollar is plain text
      continue;
    }
    i = ref.end;
    literals.push(lit);
    lit = '';
    groups.push(resolveGroup(ref.name, groupCount, named));
  }
  literals.push(lit);
  return { literals, groups, constant: groups.length === 0 };
}

function extractRef(s: string, from: number): { name: string; end: number } | null {
  let i = from;
  if (i >= s.length) return null;
  const brace = s[i] === '{';
  if (brace) i++;
  const start = i;
  while (i < s.length) {
    const cp = s.codePointAt(i)!;
    const ch = String.fromCodePoint(cp);
    if (!NAME_CHAR.test(ch)) break;
    i += ch.length;
  }
  if (i === start) return null;
  const name = s.slice(start, i);
  if (brace) {
    if (s[i] !== '}') return null;
    i++;
  }
  return { name, end: i };
}

function resolveGroup(name: string, groupCount: number, named: Record<string, number>): number {
  let num = 0;
  for (let k = 0; k < name.length; k++) {
    const c = name.charCodeAt(k);
    if (c < 48 || c > 57 || num >= 1e8) {
      num = -1;
      break;
    }
    num = num * 10 + (c - 48);
  }
  if (name.length > 1 && name[0] === '0') num = -1;
  if (num >= 0) return num <= groupCount ? num : -1;
  const idx = named[name];
  return idx === undefined ? -1 : idx;
}

/** Expands a parsed template with the groups of a match (index 0 = whole match, '' for unset groups). */
export function expandTemplate(t: ExpandTemplate, groups: readonly string[]): string {
  if (t.constant) return t.literals[0];
  let out = t.literals[0];
  for (let k = 0; k < t.groups.length; k++) {
    const g = t.groups[k];
    if (g >= 0 && g < groups.length) out += groups[g];
    out += t.literals[k + 1];
  }
  return out;
}
