/** filepath.Match-style matching of one path segment: * ? [abc] [a-z] [^x] and \ escapes. No RegExp. */
export function globMatch(pattern: string, name: string): boolean {
  return matchAt(pattern, 0, name, 0);
}

function matchAt(p: string, pi: number, s: string, si: number): boolean {
  while (pi < p.length) {
    const c = p[pi];
    if (c === '*') {
      while (p[pi] === '*') pi++;
      if (pi === p.length) return !s.slice(si).includes('/');
      for (let k = si; k <= s.length; k++) {
        if (k > si && s[k - 1] === '/') return false;
        if (matchAt(p, pi, s, k)) return true;
      }
      return false;
    }
    if (si >= s.length) return false;
    if (c === '?') {
      if (s[si] === '/') return false;
      pi++;
      si++;
      continue;
    }
    if (c === '[') {
      const r = matchClass(p, pi + 1, s[si]);
      if (!r.ok) return false;
      pi = r.next;
      si++;
      continue;
    }
    if (c === '\\' && pi + 1 < p.length) {
      if (p[pi + 1] !== s[si]) return false;
      pi += 2;
      si++;
      continue;
    }
    if (c !== s[si]) return false;
    pi++;
    si++;
  }
  return si === s.length;
}

function matchClass(p: string, i: number, ch: string): { ok: boolean; next: number } {
  let negate = false;
  if (p[i] === '^') {
    negate = true;
    i++;
  }
  let matched = false;
  let first = true;
  while (i < p.length && (first || p[i] !== ']')) {
    first = false;
    let lo = p[i];
    if (lo === '\\') lo = p[++i];
    i++;
    let hi = lo;
    if (p[i] === '-' && p[i + 1] !== ']' && i + 1 < p.length) {
      hi = p[i + 1];
      if (hi === '\\') {
        hi = p[i + 2];
        i++;
      }
      i += 2;
    }
    if (lo <= ch && ch <= hi) matched = true;
  }
  if (p[i] !== ']') return { ok: false, next: i };
  return { ok: matched !== negate, next: i + 1 };
}
