import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { JsonLinesAppender, readJsonLines, rewriteJsonLines } from './jsonl-file.ts';

const dir = mkdtempSync(join(tmpdir(), 'osprey-jsonl-'));
after(() => rmSync(dir, { recursive: true, force: true }));

test('appended lines are written together after the batch interval, or at once on flush', async () => {
  const file = join(dir, 'a.jsonl');
  const a = new JsonLinesAppender(file, undefined, 30);
  a.append({ n: 1 });
  a.append({ n: 2 });
  assert.deepEqual(readJsonLines(file), [], 'not written yet');
  assert.equal(a.queued, 2);
  await sleep(80);
  assert.deepEqual(readJsonLines(file), [{ n: 1 }, { n: 2 }], 'written by the timer');
  a.append({ n: 3 });
  a.flush();
  assert.deepEqual(readJsonLines(file), [{ n: 1 }, { n: 2 }, { n: 3 }], 'flush writes at once');
  a.close();
});

test('after a rewrite (a new file replaces the old one) appends go to the new file', () => {
  const file = join(dir, 'b.jsonl');
  const a = new JsonLinesAppender(file);
  a.append({ n: 1 });
  a.flush();
  a.append({ n: 2 });
  a.discard();
  rewriteJsonLines(file, [{ n: 'kept' }]);
  a.append({ n: 3 });
  a.close();
  assert.deepEqual(readJsonLines(file), [{ n: 'kept' }, { n: 3 }]);
  assert.equal(readFileSync(file, 'utf8').split('\n').length, 3);
});

test('a write error is reported, not thrown', () => {
  const errors: unknown[] = [];
  const a = new JsonLinesAppender(join(dir, 'missing-dir', 'c.jsonl'), (e) => errors.push(e));
  a.append({ n: 1 });
  a.flush();
  assert.equal(errors.length, 1);
});
