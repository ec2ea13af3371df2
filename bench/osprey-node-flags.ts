import { readFileSync } from 'node:fs';

/**
 * The Node flags bin/osprey.js runs with (from its `#!/usr/bin/env -S node ...` line), so a benchmark runs
 * Osprey as `npm start` and the installed command do.
 */
export function ospreyNodeFlags(): string[] {
  const first = readFileSync(new URL('../bin/osprey.js', import.meta.url), 'utf8').split('\n', 1)[0] ?? '';
  const m = /^#!\/usr\/bin\/env\s+(?:-S\s+)?node((?:\s+--\S+)*)\s*$/.exec(first);
  return m?.[1]
    ? m[1]
        .trim()
        .split(/\s+/)
        .filter((f) => f !== '')
    : [];
}
