import assert from 'node:assert/strict';
import { test } from 'node:test';
import { QueryGate } from './query-gate.ts';

const far = () => Date.now() + 60_000;

test('the gate admits up to max queries, then the others in arrival order', async () => {
  const gate = new QueryGate(2);
  await gate.enter(undefined, far());
  await gate.enter(undefined, far());
  const admitted: string[] = [];
  const c = gate.enter(undefined, far()).then(() => admitted.push('c'));
  const d = gate.enter(undefined, far()).then(() => admitted.push('d'));
  assert.equal(gate.queries, 4);
  await new Promise((r) => setImmediate(r));
  assert.deepEqual(admitted, []);
  gate.leave();
  await c;
  assert.deepEqual(admitted, ['c']);
  gate.leave();
  await d;
  assert.deepEqual(admitted, ['c', 'd']);
  gate.leave();
  gate.leave();
  assert.equal(gate.queries, 0);
});

test('a waiting query leaves the queue when its client goes away or its deadline passes', async () => {
  const gate = new QueryGate(1);
  await gate.enter(undefined, far());
  const ac = new AbortController();
  const canceled = gate.enter(ac.signal, far());
  const timedOut = gate.enter(undefined, Date.now() + 20);
  const next = gate.enter(undefined, far());
  ac.abort();
  await assert.rejects(canceled, { type: 'canceled', message: 'query was canceled in query queue' });
  await assert.rejects(timedOut, { type: 'timeout', message: 'query timed out in query queue' });
  assert.equal(gate.queries, 2);
  gate.leave();
  await next; // the queue skipped the two that left
  gate.leave();
  assert.equal(gate.queries, 0);
});
