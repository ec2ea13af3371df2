import assert from 'node:assert/strict';
import { test } from 'node:test';
import { FlushSlots } from './flush-slots.ts';

const turn = () => new Promise((r) => setImmediate(r));

/** Flushes that end when told to. */
function controlled(slots: FlushSlots, n: number) {
  const started: number[] = [];
  const end: (() => void)[] = [];
  for (let i = 0; i < n; i++)
    slots.run(() => {
      started.push(i);
      return new Promise<void>((r) => {
        end[i] = r;
      });
    });
  return { started, end };
}

test('at most `limit` flushes run at once; the rest start in order as others end', async () => {
  const slots = new FlushSlots({ limit: 2, maxWaitMs: 60_000 });
  const { started, end } = controlled(slots, 5);
  assert.deepEqual(started, [0, 1]);
  assert.equal(slots.pending, 5);
  end[1]?.();
  await turn();
  assert.deepEqual(started, [0, 1, 2]);
  end[0]?.();
  end[2]?.();
  await turn();
  end[3]?.();
  end[4]?.();
  await turn();
  assert.deepEqual(started, [0, 1, 2, 3, 4]);
  assert.equal(slots.pending, 0);
  slots.close();
});

test('a flush that waited maxWaitMs starts even when every slot is held (a stuck receiver)', async () => {
  const slots = new FlushSlots({ limit: 2, maxWaitMs: 100 });
  const t0 = Date.now();
  const { started } = controlled(slots, 3);
  await new Promise((r) => setTimeout(r, 50));
  controlled(slots, 1); // a fourth, queued 50 ms later
  assert.deepEqual(started, [0, 1]);
  while (started.length < 3 && Date.now() - t0 < 5_000) await new Promise((r) => setTimeout(r, 10));
  const third = Date.now() - t0;
  assert.deepEqual(started, [0, 1, 2]);
  assert.ok(third >= 95, `the third started after ${third} ms`);
  assert.equal(slots.running, 3);
  while (slots.running < 4 && Date.now() - t0 < 5_000) await new Promise((r) => setTimeout(r, 10));
  assert.equal(slots.running, 4, 'the fourth started once it too was overdue');
  slots.close();
});
