#!/usr/bin/env -S node --max-semi-space-size=4
// --max-semi-space-size=4 (MiB): V8's young generation defaults to 16 MiB semi-spaces here; 4 MiB cut
// Osprey's resident memory by ~45 MiB scraping 100k series at no measurable CPU cost (bench/scrape.ts
// runs Osprey with the flags of this line). `npm start` passes the same flag.
//
// Runs lib/ (src/ compiled by `npm run build:lib`, part of `npm ci`) when it is newer than every file in src/;
// otherwise the TypeScript sources through tsx, so an edited checkout never runs stale code. lib/ saves tsx's
// loader thread (~35 MiB) and the start-up transpile. OSPREY_FROM_SOURCE=1 forces src/.
import { readdirSync, statSync } from 'node:fs';

const root = new URL('../', import.meta.url);

function newestMtime(dir) {
  let newest = 0;
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = new URL(e.name + (e.isDirectory() ? '/' : ''), dir);
    newest = Math.max(newest, e.isDirectory() ? newestMtime(p) : statSync(p).mtimeMs);
  }
  return newest;
}

function libIsFresh() {
  if (process.env.OSPREY_FROM_SOURCE === '1') return false;
  try {
    return statSync(new URL('lib/.built', root)).mtimeMs >= newestMtime(new URL('src/', root));
  } catch {
    return false;
  }
}

if (libIsFresh()) {
  await import('../lib/cli/main.js');
} else {
  const { register } = await import('tsx/esm/api');
  register();
  await import('../src/cli/main.ts');
}
