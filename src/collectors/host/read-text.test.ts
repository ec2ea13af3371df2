import assert from 'node:assert/strict';
import { test } from 'node:test';
import { makeFakeTree } from '../test-util.ts';
import { readText } from './read-text.ts';

test('readText reads files larger than its buffer and concurrent reads do not mix', async () => {
  const big = `intr ${'0 '.repeat(40_000)}\n`;
  const t = await makeFakeTree({ 'proc/big': big, 'proc/small': 'x y z\n' });
  try {
    const [a, b, c] = await Promise.all([
      readText(`${t.proc}/big`),
      readText(`${t.proc}/small`),
      readText(`${t.proc}/big`),
    ]);
    assert.equal(a, big);
    assert.equal(b, 'x y z\n');
    assert.equal(c, big);
    assert.equal(await readText('/proc/self/stat').then((s) => s.split(' ')[0]), String(process.pid));
  } finally {
    await t.cleanup();
  }
});

test('readText rejects with the fs error code', async () => {
  await assert.rejects(readText('/nonexistent/osprey-file'), { code: 'ENOENT' });
});
