import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Fifo } from './fifo.ts';

test('items leave in the order they came, across many pushes and shifts', () => {
  const q = new Fifo<number>();
  assert.equal(q.shift(), undefined);
  let next = 0;
  let expected = 0;
  for (let round = 0; round < 50; round++) {
    for (let i = 0; i < 100; i++) q.push(next++);
    for (let i = 0; i < 60; i++) assert.equal(q.shift(), expected++);
  }
  assert.equal(q.size, next - expected);
  assert.equal(q.peek(), expected);
  assert.deepEqual(
    q.drain(),
    Array.from({ length: next - expected }, (_, i) => expected + i),
  );
  assert.equal(q.size, 0);
  assert.equal(q.peek(), undefined);
});
