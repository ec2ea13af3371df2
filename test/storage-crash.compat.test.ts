import assert from 'node:assert/strict';
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { Labels } from '../src/model/index.ts';
import { encodeWriteRequestBody } from '../src/remote/index.ts';
import { openBlocks } from '../src/tsdb/block/index.ts';
import { startHttp } from './helpers.ts';

const KILLS = Number(process.env.OSPREY_CRASH_KILLS ?? 20);
const SERIES = 5;
const PER_BATCH = 20;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function start(dir: string, port: number, config: string, extra: string[] = []): ChildProcess {
  const child = spawn(
    process.execPath,
    [
      'bin/osprey.js',
      'run',
      `--storage.tsdb.path=${dir}`,
      `--web.listen-address=127.0.0.1:${port}`,
      '--web.enable-remote-write-receiver',
      `--config.file=${config}`,
      ...extra,
    ],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  // keep the tail of the output for the error message of a failed start
  let out = '';
  const keep = (d: Buffer) => {
    out = (out + d.toString()).slice(-20000);
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  (child as ChildProcess & { output: () => string }).output = () => out;
  return child;
}

/** Waits for the "listening on" line (the port is chosen by the OS: no race with other tests) and /-/ready. */
async function waitReady(child: ChildProcess): Promise<string> {
  const deadline = Date.now() + 30_000;
  while (Date.now() < deadline) {
    const out = (child as ChildProcess & { output?: () => string }).output?.() ?? '';
    if (child.exitCode !== null) {
      throw new Error(`osprey exited with ${child.exitCode} before becoming ready:\n${out}`);
    }
    const m = /listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(out);
    if (!m) {
      await sleep(50);
      continue;
    }
    const base = m[1];
    try {
      const r = await fetch(`${base}/-/ready`);
      if (r.status === 200) return base;
    } catch {
      // not listening yet
    }
    await sleep(50);
  }
  throw new Error('osprey did not become ready');
}

/** Timestamps per batch: batch k holds base + k*PER_BATCH + i for i < PER_BATCH, for every series. */
function batchBody(base: number, k: number): Uint8Array {
  const ts = Array.from({ length: PER_BATCH }, (_, i) => base + k * PER_BATCH + i);
  return encodeWriteRequestBody(
    Array.from({ length: SERIES }, (_, s) => ({
      labels: Labels.fromObject({ __name__: 'crash_rw', s: String(s) }),
      timestamps: ts,
      values: ts.map((t) => t * 2 + s),
    })),
  );
}

test(`no acknowledged sample is lost across ${KILLS} SIGKILLs during remote write and scraping`, async () => {
  const dir = mkdtempSync(join(tmpdir(), 'osprey-crash-'));
  const target = await startHttp((_req, res) => {
    res.setHeader('Content-Type', 'text/plain; version=0.0.4');
    res.end(
      `crash_scraped ${Math.random()}\n${Array.from({ length: 50 }, (_, i) => `crash_scraped_x{i="${i}"} ${i}`).join('\n')}\n`,
    );
  });
  const config = join(dir, 'prometheus.yml');
  writeFileSync(
    config,
    `global:\n  scrape_interval: 100ms\n  scrape_timeout: 100ms\nscrape_configs:\n  - job_name: t\n    static_configs:\n      - targets: ['${target.address}']\n`,
  );
  const data = join(dir, 'data');
  // about 15 minutes ago, so everything lies in the head and in one range query
  const base = Date.now() - 15 * 60_000;
  const acked: number[] = [];
  let nextBatch = 0;
  let child: ChildProcess | null = null;
  try {
    for (let round = 0; round <= KILLS; round++) {
      child = start(data, 0, config);
      const url = await waitReady(child);

      // every acknowledged sample is back
      if (acked.length > 0) {
        const res = await fetch(
          `${url}/api/v1/query?query=${encodeURIComponent('crash_rw[1h]')}&time=${(Date.now() / 1000).toFixed(3)}`,
        );
        const body = (await res.json()) as {
          data: { result: { metric: { s: string }; values: [number, string][] }[] };
        };
        const seen = new Map<string, Set<number>>();
        for (const r of body.data.result) seen.set(r.metric.s, new Set(r.values.map(([t]) => Math.round(t * 1000))));
        for (let s = 0; s < SERIES; s++) {
          const have = seen.get(String(s)) ?? new Set<number>();
          for (const k of acked) {
            for (let i = 0; i < PER_BATCH; i++) {
              const t = base + k * PER_BATCH + i;
              if (!have.has(t))
                assert.fail(`round ${round}: acknowledged sample s=${s} t=${t} (batch ${k}) is missing`);
            }
          }
        }
      }
      if (round === KILLS) break;

      // push batches concurrently with scraping until a random moment, then kill -9
      const killAt = Date.now() + 150 + Math.random() * 600;
      const pushers: Promise<void>[] = [];
      for (let w = 0; w < 3; w++) {
        pushers.push(
          (async () => {
            while (Date.now() < killAt + 200) {
              const k = nextBatch++;
              try {
                const r = await fetch(`${url}/api/v1/write`, {
                  method: 'POST',
                  headers: { 'Content-Type': 'application/x-protobuf', 'Content-Encoding': 'snappy' },
                  body: batchBody(base, k),
                });
                if (r.status === 204) acked.push(k);
                else await r.text();
              } catch {
                return; // the server is gone: not acknowledged
              }
            }
          })(),
        );
      }
      await sleep(Math.max(0, killAt - Date.now()));
      const exited = new Promise((r) => child!.once('exit', r));
      child.kill('SIGKILL');
      await exited;
      await Promise.all(pushers);
      const blocks = openBlocks(data);
      assert.deepEqual(
        blocks.errors.map((e) => `${e.dir}: ${e.error.message}`),
        [],
        'no block is unreadable',
      );
      for (const b of blocks.blocks) b.close();
    }
    assert.ok(acked.length > KILLS, `remote write was acknowledged (${acked.length} batches)`);
  } finally {
    if (child && child.exitCode === null) child.kill('SIGKILL');
    target.server.close();
  }
});

/** Blocks of the data dir: all readable, none overlapping another in time (a sample in two blocks would be duplicated). */
function checkBlocks(data: string, when: string): number {
  const blocks = openBlocks(data);
  assert.deepEqual(
    blocks.errors.map((e) => `${e.dir}: ${e.error.message}`),
    [],
    `${when}: no block is unreadable`,
  );
  const sorted = blocks.blocks.map((b) => b.meta).sort((a, b) => a.minTime - b.minTime);
  for (let i = 1; i < sorted.length; i++) {
    assert.ok(
      sorted[i].minTime >= sorted[i - 1].maxTime,
      `${when}: blocks ${sorted[i - 1].ulid} and ${sorted[i].ulid} overlap`,
    );
  }
  for (const b of blocks.blocks) b.close();
  return sorted.length;
}

test(`no acknowledged sample is lost or duplicated across ${KILLS} SIGKILLs during head compactions and block merges`, async () => {
  const dir = mkdtempSync(join(tmpdir(), 'osprey-crash-compact-'));
  const target = await startHttp((_req, res) => {
    res.setHeader('Content-Type', 'text/plain; version=0.0.4');
    res.end(
      `${Array.from({ length: 200 }, (_, i) => `crash_compact_scraped{i="${i}"} ${Math.random()}`).join('\n')}\n`,
    );
  });
  const config = join(dir, 'prometheus.yml');
  writeFileSync(
    config,
    `global:\n  scrape_interval: 100ms\n  scrape_timeout: 100ms\nscrape_configs:\n  - job_name: t\n    static_configs:\n      - targets: ['${target.address}']\n`,
  );
  const data = join(dir, 'data');
  // 2s blocks: the head is compacted every 2s of wall time, and 2s blocks are merged into 6s, 18s and 54s ones
  const flags = ['--storage.tsdb.min-block-duration=2s', '--storage.tsdb.max-block-duration=54s'];
  const CSERIES = 3;
  const PER = 5;
  const series = Array.from({ length: CSERIES }, (_, s) =>
    Labels.fromObject({ __name__: 'crash_compact', s: String(s) }),
  );
  const acked: number[] = []; // first timestamp of each acknowledged batch (PER samples 1ms apart)
  const began = Date.now();
  let last = began;
  let child: ChildProcess | null = null;
  const landed = { head: 0, merge: 0, halfWritten: 0 };
  try {
    for (let round = 0; round <= KILLS; round++) {
      child = start(data, 0, config, flags);
      const url = await waitReady(child);
      const output = (child as ChildProcess & { output: () => string }).output;
      // half-written blocks and half-deleted merge sources were cleaned up on start
      const leftovers = readdirSync(data).filter((n) => n.includes('.tmp'));
      assert.deepEqual(leftovers, [], `round ${round}: temporary block dirs left after start`);
      checkBlocks(data, `round ${round}`);

      if (acked.length > 0) {
        const span = Math.ceil((Date.now() - began) / 1000) + 60;
        const res = await fetch(
          `${url}/api/v1/query?query=${encodeURIComponent(`crash_compact[${span}s]`)}&time=${(Date.now() / 1000 + 1).toFixed(3)}`,
        );
        const body = (await res.json()) as {
          data: { result: { metric: { s: string }; values: [number, string][] }[] };
        };
        for (let s = 0; s < CSERIES; s++) {
          const r = body.data.result.find((x) => x.metric.s === String(s));
          const ts = (r?.values ?? []).map(([t]) => Math.round(t * 1000));
          const have = new Set(ts);
          assert.equal(have.size, ts.length, `round ${round}: series ${s} has duplicated timestamps`);
          for (const t0 of acked) {
            for (let i = 0; i < PER; i++) {
              if (!have.has(t0 + i)) assert.fail(`round ${round}: acknowledged sample s=${s} t=${t0 + i} is missing`);
            }
          }
        }
      }
      if (round === KILLS) break;

      // remote write (one sender, in time order) while Osprey compacts; kill -9 shortly after a head
      // compaction (even rounds) or a block merge (odd rounds) has started
      const want = round % 2 === 0 ? 'Compacting head range' : 'Merging blocks';
      const from = output().length;
      let stop = false;
      const pusher = (async () => {
        while (!stop) {
          const t0 = Math.max(Date.now(), last + 1);
          last = t0 + PER - 1;
          const ts = Array.from({ length: PER }, (_, i) => t0 + i);
          try {
            const r = await fetch(`${url}/api/v1/write`, {
              method: 'POST',
              headers: { 'Content-Type': 'application/x-protobuf', 'Content-Encoding': 'snappy' },
              body: encodeWriteRequestBody(series.map((labels) => ({ labels, timestamps: ts, values: ts }))),
            });
            if (r.status === 204) acked.push(t0);
            else await r.text();
          } catch {
            return; // the server is gone: not acknowledged
          }
          await sleep(5);
        }
      })();
      const deadline = Date.now() + 15_000;
      while (Date.now() < deadline && !output().slice(from).includes(want)) await sleep(10);
      if (round % 4 === 0) {
        // every other head round: kill while the worker has a block half-written (its temporary dir exists)
        const until = Date.now() + 3000;
        while (Date.now() < until && !readdirSync(data).some((n) => n.endsWith('.tmp-for-creation')))
          await new Promise((r) => setImmediate(r));
      } else {
        // A merge of the small test blocks takes tens of ms from lib/ (compiled), so its window is shorter.
        await sleep(Math.random() * (want === 'Merging blocks' ? 40 : 200));
      }
      const exited = new Promise((r) => child!.once('close', r));
      child.kill('SIGKILL');
      await exited;
      stop = true;
      await pusher;
      // did the kill land inside a compaction? (a start line without its end line)
      const out = output().slice(from);
      // the worker thread loads under bin/osprey.js (tsx registered in the worker), no main-thread fallback
      assert.ok(!out.includes('Compaction worker failed'), `round ${round}: ${out.slice(-3000)}`);
      const lastStart = (m: string) => out.lastIndexOf(m);
      if (lastStart('Compacting head range') > Math.max(lastStart('Wrote block'), lastStart('Head range changed')))
        landed.head++;
      if (lastStart('Merging blocks') > lastStart('Merged blocks')) landed.merge++;
      if (readdirSync(data).some((n) => n.endsWith('.tmp-for-creation'))) landed.halfWritten++;
    }
    assert.ok(acked.length > KILLS, `remote write was acknowledged (${acked.length} batches)`);
    console.log(
      `kills inside a head compaction: ${landed.head}, inside a block merge: ${landed.merge}; ` +
        `kills that left a half-written block: ${landed.halfWritten}`,
    );
    assert.ok(landed.head >= KILLS / 4, `${landed.head} kills landed inside a head compaction`);
    assert.ok(landed.merge >= KILLS / 4, `${landed.merge} kills landed inside a block merge`);
    // and the restarts after those cleaned the half-written blocks up (checked at the top of each round)
    assert.ok(landed.halfWritten >= 1, 'at least one kill left a half-written block');
  } finally {
    if (child && child.exitCode === null) child.kill('SIGKILL');
    target.server.close();
  }
});
