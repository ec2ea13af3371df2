import assert from 'node:assert/strict';
import { test } from 'node:test';
import { abortSignalOf, FlushCancellation } from './cancellation.ts';

test('listeners run once on abort, in order; removed and late ones never run', () => {
  const c = new FlushCancellation();
  const calls: string[] = [];
  const obj = { handleEvent: () => calls.push('object') };
  const removed = () => calls.push('removed');
  c.addEventListener('abort', () => calls.push('function'));
  c.addEventListener('abort', removed);
  c.addEventListener('abort', obj);
  c.removeEventListener('abort', removed);
  const reason = new Error('flush deadline exceeded');
  c.abort(reason);
  c.abort(new Error('again'));
  c.addEventListener('abort', () => calls.push('late'));
  assert.deepEqual(calls, ['function', 'object']);
  assert.equal(c.aborted, true);
  assert.equal(c.reason, reason);
});

test('its AbortSignal follows it, whether taken before or after the abort', () => {
  const before = new FlushCancellation();
  const s = before.signal;
  assert.equal(s.aborted, false);
  before.abort(new Error('stop'));
  assert.equal(s.aborted, true);
  assert.equal((s.reason as Error).message, 'stop');
  const after = new FlushCancellation();
  after.abort(new Error('late'));
  assert.equal(after.signal.aborted, true);
  assert.equal(abortSignalOf(after), after.signal);
  const plain = AbortSignal.abort();
  assert.equal(abortSignalOf(plain), plain);
});
