import { readdirSync, statSync } from 'node:fs';
import { dirname, isAbsolute, join, resolve, sep } from 'node:path';

/** Glob expansion as Go's filepath.Glob: `*`, `?` and `[...]` within one path element, sorted results. */

const GLOB_CHARS = /[*?[]/;

export function hasGlob(s: string): boolean {
  return GLOB_CHARS.test(s);
}

/** Converts one path element pattern to an anchored RegExp. */
function elementRegExp(pat: string): RegExp {
  let re = '^';
  for (let i = 0; i < pat.length; i++) {
    const c = pat[i];
    if (c === '*') re += '[^/]*';
    else if (c === '?') re += '[^/]';
    else if (c === '[') {
      const end = pat.indexOf(']', i + 2);
      if (end < 0) {
        re += '\\[';
        continue;
      }
      let cls = pat.slice(i + 1, end);
      if (cls.startsWith('^')) cls = `^${cls.slice(1)}`;
      re += `[${cls.replace(/\\/g, '\\\\')}]`;
      i = end;
    } else if (c === '\\' && i + 1 < pat.length) {
      re += `\\${pat[++i]}`;
    } else re += c.replace(/[.+^${}()|\]\\]/g, '\\$&');
  }
  return new RegExp(`${re}$`);
}

/** Files matching `pattern` (absolute or relative to cwd), sorted; directories are skipped. */
export function globFiles(pattern: string): string[] {
  const abs = isAbsolute(pattern) ? pattern : resolve(pattern);
  if (!hasGlob(abs)) return isFile(abs) ? [abs] : [];
  const parts = abs.split(sep);
  let bases = [parts[0] === '' ? sep : parts[0]];
  for (let i = 1; i < parts.length; i++) {
    const part = parts[i];
    if (part === '') continue;
    const next: string[] = [];
    if (!hasGlob(part)) {
      for (const b of bases) next.push(join(b, part));
    } else {
      const re = elementRegExp(part);
      for (const b of bases) {
        let entries: string[];
        try {
          entries = readdirSync(b);
        } catch {
          continue;
        }
        for (const e of entries.sort()) if (re.test(e)) next.push(join(b, e));
      }
    }
    bases = next;
  }
  return bases.filter(isFile).sort();
}

function isFile(p: string): boolean {
  try {
    return statSync(p).isFile();
  } catch {
    return false;
  }
}

/** The deepest directory of a pattern without glob characters (what to watch). */
export function watchDir(pattern: string): string {
  const abs = isAbsolute(pattern) ? pattern : resolve(pattern);
  let d = dirname(abs);
  while (hasGlob(d)) d = dirname(d);
  return d;
}
