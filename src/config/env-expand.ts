/**
 * ${VAR} / $VAR expansion with the rules of Go's os.Expand, as Prometheus applies it to external label values:
 * `$$` gives `$`, unset variables expand to '', `${}` and an unterminated `${` are dropped, and a `$` not
 * followed by a name stays as it is.
 */
const SPECIAL = new Set(['*', '#', '$', '@', '!', '?', '-', '0', '1', '2', '3', '4', '5', '6', '7', '8', '9']);

function isAlphaNum(c: string): boolean {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c === '_';
}

/** Returns [name, width consumed after the '$']. */
function shellName(s: string, from: number): [string, number] {
  if (s[from] === '{') {
    if (s.length - from > 2 && SPECIAL.has(s[from + 1]) && s[from + 2] === '}') return [s[from + 1], 3];
    for (let i = from + 1; i < s.length; i++) {
      if (s[i] === '}') {
        if (i === from + 1) return ['', 2];
        return [s.slice(from + 1, i), i - from + 1];
      }
    }
    return ['', 1];
  }
  if (SPECIAL.has(s[from])) return [s[from], 1];
  let i = from;
  while (i < s.length && isAlphaNum(s[i])) i++;
  return [s.slice(from, i), i - from];
}

export function expandEnv(s: string, env: Record<string, string | undefined>): string {
  if (!s.includes('$')) return s;
  let out = '';
  let i = 0;
  for (let j = 0; j < s.length; j++) {
    if (s[j] === '$' && j + 1 < s.length) {
      out += s.slice(i, j);
      const [name, w] = shellName(s, j + 1);
      if (name === '' && w > 0) {
        // bad syntax: the characters are eaten
      } else if (name === '') out += '$';
      else out += name === '$' ? '$' : (env[name] ?? '');
      j += w;
      i = j + 1;
    }
  }
  return out + s.slice(i);
}
