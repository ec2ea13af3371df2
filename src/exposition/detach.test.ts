import assert from 'node:assert/strict';
import { test } from 'node:test';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import type { Labels } from '../model/index.ts';
import { createParser, detachString } from './index.ts';

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

function bigPage(seed: number): string {
  const lines: string[] = [`# HELP long_family_name_here A help text long enough to be sliced ${seed}`];
  for (let i = 0; i < 40_000; i++) {
    lines.push(`some_metric_name_${i}{path="/a/long/label/value/${i}/${seed}",x="y"} ${i}`);
  }
  return `${lines.join('\n')}\n`;
}

test('labels() and help() results do not keep the scraped page alive', () => {
  gc();
  const before = process.memoryUsage().heapUsed;
  const kept: (Labels | string)[] = [];
  for (let r = 0; r < 15; r++) {
    const p = createParser(bigPage(r), 'text'); // about 2.7 MB of UTF-16 each
    p.next();
    kept.push(p.help());
    p.next();
    kept.push(p.labels());
  }
  gc();
  const grown = (process.memoryUsage().heapUsed - before) / 1e6;
  // Pinned pages would hold about 40 MB; what we keep is a few hundred bytes.
  assert.ok(grown < 15, `heap grew by ${grown.toFixed(1)} MB`);
  assert.equal(kept.length, 30);
});

test('detachString returns an equal string', () => {
  const page = 'x'.repeat(100);
  assert.equal(detachString(page.slice(10, 50)), page.slice(10, 50));
  assert.equal(detachString('short'), 'short');
});
