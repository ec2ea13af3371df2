/**
 * The asynchronous driver (used by the HTTP API) gives exactly the results and errors of the synchronous one
 * (used by rules and templates): every eval of the conformance scripts runs through both, the async one
 * yielding to the event loop at every checkpoint.
 */
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { Head } from '../tsdb/index.ts';
import { Engine } from './engine.ts';
import { load } from './test-script-runner.ts';
import { parseScript } from './test-script.ts';
import { resultToJSON } from './value.ts';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '../../../shared/conformance/promql');

function listFiles(dir: string): string[] {
  const out: string[] = [];
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory()) out.push(...listFiles(p));
    else if (e.name.endsWith('.test')) out.push(p);
  }
  return out.sort();
}

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
  for (const path of listFiles(ROOT)) {
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
