import assert from 'node:assert/strict';
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
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

function start(dir: string, port: number, config: string): ChildProcess {
  const child = spawn(
    process.execPath,
    [
      'bin/osprey.js',
      'run',
      `--storage.tsdb.path=${dir}`,
      `--web.listen-address=127.0.0.1:${port}`,
      '--web.enable-remote-write-receiver',
      `--config.file=${config}`,
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
