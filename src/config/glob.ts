/**
 * Go filepath.Match / filepath.Glob semantics for the patterns config files allow (wildcards only in the
 * last path element, as Prometheus enforces for rule_files, scrape_config_files and file_sd files).
 * No RegExp: a small matcher with `*`, `?`, `[...]` (ranges, `^` negation) and `\` escapes.
 */
import { existsSync, readdirSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';

export class GlobError extends Error {}

/** Matches one path element against a pattern. Throws GlobError on a malformed pattern. */
export function globMatch(pattern: string, name: string): boolean {
  const p = [...pattern];
  const s = [...name];
  let pi = 0;
  let si = 0;
  let starP = -1;
  let starS = 0;
  while (si < s.length) {
    if (pi < p.length) {
      const c = p[pi];
      if (c === '*') {
        starP = ++pi;
        starS = si;
        continue;
      }
      if (c === '?' && s[si] !== '/') {
        pi++;
        si++;
        continue;
      }
      if (c === '[') {
        const r = matchClass(p, pi, s[si]);
        if (r.matched) {
          pi = r.end;
          si++;
          continue;
        }
      } else if (c === '\\') {
        if (pi + 1 >= p.length) throw new GlobError('syntax error in pattern');
        if (p[pi + 1] === s[si]) {
          pi += 2;
          si++;
          continue;
        }
      } else if (c !== '?' && c === s[si]) {
        pi++;
        si++;
        continue;
      }
    }
    if (starP >= 0 && s[starS] !== '/') {
      pi = starP;
      si = ++starS;
      continue;
    }
    validate(p, pi);
    return false;
  }
  while (pi < p.length && p[pi] === '*') pi++;
  if (pi < p.length) validate(p, pi);
  return pi === p.length;
}

/** Go reports ErrBadPattern for malformed patterns even when the name does not match. */
function validate(p: string[], from: number): void {
  for (let i = from; i < p.length; i++) {
    if (p[i] === '\\') {
      if (i + 1 >= p.length) throw new GlobError('syntax error in pattern');
      i++;
    } else if (p[i] === '[') i = matchClass(p, i, '').end - 1;
  }
}

function matchClass(p: string[], start: number, ch: string): { matched: boolean; end: number } {
  let i = start + 1;
  let negate = false;
  if (p[i] === '^') {
    negate = true;
    i++;
  }
  let matched = false;
  let first = true;
  while (true) {
    if (i >= p.length) throw new GlobError('syntax error in pattern');
    if (p[i] === ']' && !first) {
      i++;
      break;
    }
    first = false;
    let lo = p[i];
    if (lo === '\\') lo = p[++i];
    if (lo === undefined || (lo === '-' && p[i] !== '\\')) throw new GlobError('syntax error in pattern');
    i++;
    let hi = lo;
    if (p[i] === '-' && p[i + 1] !== ']') {
      hi = p[i + 1] === '\\' ? p[i + 2] : p[i + 1];
      i += p[i + 1] === '\\' ? 3 : 2;
      if (hi === undefined) throw new GlobError('syntax error in pattern');
    }
    if (ch !== '' && lo <= ch && ch <= hi) matched = true;
  }
  return { matched: negate ? !matched && ch !== '' : matched, end: i };
}

export function hasMeta(p: string): boolean {
  return /[*?[\\]/.test(p);
}

/** filepath.Glob for patterns with wildcards only in the last element; sorted; missing folders give []. */
export function globSync(pattern: string): string[] {
  if (!hasMeta(pattern)) return existsSync(pattern) ? [pattern] : [];
  const dir = dirname(pattern);
  const base = basename(pattern);
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return [];
  }
  return names
    .filter((n) => globMatch(base, n))
    .sort()
    .map((n) => join(dir, n));
}
