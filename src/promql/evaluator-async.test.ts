/**
 * The asynchronous driver (used by the HTTP API) gives exactly the results and errors of the synchronous one
 * (used by rules and templates): every eval of the conformance scripts runs through both, the async one
 * yielding to the event loop at every checkpoint.
 */
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { relative } from 'node:path';
import { test } from 'node:test';
import { Labels } from '../model/index.ts';
import { Head } from '../tsdb/index.ts';
import { Engine } from './engine.ts';
import { parseScript } from './test-script.ts';
import { CONFORMANCE_ROOT, listScripts, load } from './test-script-runner.ts';
import { resultToJSON } from './value.ts';

const ROOT = CONFORMANCE_ROOT;

type Outcome = { ok: unknown } | { error: string };

function outcome(
  fn: () => { value: Parameters<typeof resultToJSON>[0]; warnings: string[]; infos: string[] },
): Outcome {
  try {
    const r = fn();
    return { ok: [resultToJSON(r.value), r.warnings, r.infos] };
  } catch (e) {
    return { error: `${(e as { type?: string }).type}: ${(e as Error).message}` };
  }
}

async function outcomeAsync(
  fn: () => Promise<{ value: Parameters<typeof resultToJSON>[0]; warnings: string[]; infos: string[] }>,
): Promise<Outcome> {
  try {
    const r = await fn();
    return { ok: [resultToJSON(r.value), r.warnings, r.infos] };
  } catch (e) {
    return { error: `${(e as { type?: string }).type}: ${(e as Error).message}` };
  }
}

test('the async driver agrees with the sync one on every conformance eval', { skip: !existsSync(ROOT) }, async () => {
  const engine = new Engine({ timeout: 100_000 });
  const opts = { sliceMs: 0 };
  let compared = 0;
  for (const path of listScripts(ROOT)) {
    const file = relative(ROOT, path);
    let head = new Head();
    for (const cmd of parseScript(readFileSync(path, 'utf8'))) {
      if (cmd.kind === 'clear') head = new Head();
      else if (cmd.kind === 'load') load(head, cmd);
      else {
        const where = `${file}:${cmd.line}: ${cmd.expr}`;
        if (cmd.instant) {
          const t = cmd.rangeVector ? cmd.rangeVector.end : cmd.time;
          const sync = outcome(() => engine.instantQuery(head, cmd.expr, t));
          const async = await outcomeAsync(() => engine.instantQueryAsync(head, cmd.expr, t, opts));
          assert.deepEqual(async, sync, where);
          // and as a range query around t, which exercises the step loops
          const rs = outcome(() => engine.rangeQuery(head, cmd.expr, t - 60_000, t + 60_000, 30_000));
          const ra = await outcomeAsync(() =>
            engine.rangeQueryAsync(head, cmd.expr, t - 60_000, t + 60_000, 30_000, opts),
          );
          assert.deepEqual(ra, rs, `${where} (as range query)`);
          compared += 2;
        } else {
          const sync = outcome(() => engine.rangeQuery(head, cmd.expr, cmd.start, cmd.end, cmd.step));
          const async = await outcomeAsync(() =>
            engine.rangeQueryAsync(head, cmd.expr, cmd.start, cmd.end, cmd.step, opts),
          );
          assert.deepEqual(async, sync, where);
          compared++;
        }
      }
    }
  }
  assert.ok(compared > 1000, `compared ${compared} queries`);
});

test('long range queries (series split into blocks of steps) agree too', async () => {
  const head = new Head();
  const app = head.appender();
  for (let s = 0; s < 5; s++) {
    const labels = Labels.fromObject({ __name__: 'c_total', s: String(s) });
    let ref = 0;
    let v = 0;
    for (let t = 0; t <= 4 * 3600_000; t += 15_000 + s * 1000) {
      // a reset now and then, and a gap in the middle
      v = t % 1_000_000 < 20_000 ? 0 : v + s + 1;
      if (t > 7200_000 && t < 7800_000) continue;
      ref = app.append(ref, labels, t, v);
    }
  }
  app.commit();
  const engine = new Engine();
  const queries = [
    'rate(c_total[5m])',
    'sum(increase(c_total[1h]))',
    'max_over_time(c_total[10m] offset 3m)',
    'resets(c_total[30m] @ 7200)',
    'stddev_over_time(c_total[2m])',
    'last_over_time(c_total[1m])',
    'rate(c_total[5m:30s])',
  ];
  for (const q of queries) {
    for (const step of [5_000, 7_000, 60_000]) {
      const sync = outcome(() => engine.rangeQuery(head, q, 0, 4 * 3600_000, step));
      const async = await outcomeAsync(() => engine.rangeQueryAsync(head, q, 0, 4 * 3600_000, step, { sliceMs: 0 }));
      assert.deepEqual(async, sync, `${q} step ${step}`);
      assert.ok('ok' in sync, `${q}: ${JSON.stringify(sync).slice(0, 200)}`);
    }
    // Steps at the edges of the blocks equal instant queries (a single step, no blocks) at those times.
    const step = 5_000;
    const range = engine.rangeQuery(head, q, 0, 4 * 3600_000, step).value;
    assert.equal(range.type, 'matrix');
    for (const i of [0, 1, 511, 512, 513, 1023, 1024, 1025, 1500, 2880]) {
      const t = i * step;
      const inst = engine.instantQuery(head, q, t).value;
      assert.equal(inst.type, 'vector');
      const fromRange: string[] = range.matrix.flatMap((s) => {
        const k = s.ts.indexOf(t);
        return k < 0 ? [] : [`${s.labels} ${s.vs[k]}`];
      });
      assert.deepEqual(fromRange.sort(), inst.vector.map((x) => `${x.labels} ${x.v}`).sort(), `${q} at step ${i}`);
    }
  }
});
