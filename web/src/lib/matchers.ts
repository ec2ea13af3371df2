// Alertmanager matchers: name, operator (=, !=, =~, !~), value. Used by the silence form and alert links.

export interface Matcher {
  name: string;
  value: string;
  isRegex: boolean;
  isEqual: boolean;
}

export type Op = '=' | '!=' | '=~' | '!~';

export const opOf = (m: Matcher): Op => (m.isRegex ? (m.isEqual ? '=~' : '!~') : m.isEqual ? '=' : '!=');

export function fromOp(name: string, op: Op, value: string): Matcher {
  return { name, value, isRegex: op === '=~' || op === '!~', isEqual: op === '=' || op === '=~' };
}

/** `name="value"` with Go-style quoting of the value. */
export function matcherString(m: Matcher): string {
  return `${m.name}${opOf(m)}${JSON.stringify(m.value)}`;
}

const LABEL_NAME = /^[a-zA-Z_][a-zA-Z0-9_]*$/;

/** Returns an error text for an invalid matcher, or null. */
export function validateMatcher(m: Matcher): string | null {
  if (!m.name) return 'label name is empty';
  if (!LABEL_NAME.test(m.name)) return `invalid label name "${m.name}"`;
  if (m.isRegex) {
    // The browser's RegExp is not RE2, but it catches typos like unbalanced brackets; the server validates for real.
    if (/\(\?[=!<]|\\[1-9]/.test(m.value)) return 'lookarounds and backreferences are not supported (RE2)';
    try {
      new RegExp(`^(?:${m.value})$`);
    } catch (e) {
      return `invalid regular expression: ${(e as Error).message}`;
    }
  }
  return null;
}

/** Parses `{a="b", c=~"d"}` or `a="b",c=~"d"`; throws with a readable message. */
export function parseMatchers(input: string): Matcher[] {
  let s = input.trim();
  if (s.startsWith('{')) s = s.slice(1);
  if (s.endsWith('}')) s = s.slice(0, -1);
  const out: Matcher[] = [];
  let i = 0;
  const skipWs = () => {
    while (i < s.length && /[\s,]/.test(s[i])) i++;
  };
  skipWs();
  while (i < s.length) {
    const nm = /^[a-zA-Z_][a-zA-Z0-9_]*/.exec(s.slice(i));
    if (!nm) throw new Error(`expected a label name at "${s.slice(i, i + 10)}"`);
    i += nm[0].length;
    while (s[i] === ' ') i++;
    const op = /^(=~|!~|!=|=)/.exec(s.slice(i));
    if (!op) throw new Error(`expected an operator after "${nm[0]}"`);
    i += op[0].length;
    while (s[i] === ' ') i++;
    let value = '';
    if (s[i] === '"') {
      let j = i + 1;
      while (j < s.length && s[j] !== '"') j += s[j] === '\\' ? 2 : 1;
      if (j >= s.length) throw new Error('unterminated quoted value');
      value = JSON.parse(s.slice(i, j + 1));
      i = j + 1;
    } else {
      const v = /^[^,}\s]*/.exec(s.slice(i))!;
      value = v[0];
      i += value.length;
    }
    out.push(fromOp(nm[0], op[0] as Op, value));
    skipWs();
  }
  return out;
}

/** Link to a new silence prefilled with the given labels as equality matchers. */
export function newSilenceLink(labels: Record<string, string>): string {
  const ms = Object.keys(labels)
    .filter((k) => k !== '__name__')
    .sort()
    .map((k) => matcherString({ name: k, value: labels[k], isRegex: false, isEqual: true }));
  return `/silences/new?${new URLSearchParams({ filter: `{${ms.join(',')}}` })}`;
}
