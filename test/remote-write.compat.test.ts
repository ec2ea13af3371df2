import assert from 'node:assert/strict';
import type { ChildProcess } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { Labels } from '../src/model/index.ts';
import { PROTO_V1, PROTO_V2, RemoteWriteManager } from '../src/remote/index.ts';
import { remoteWriteConfig } from '../src/remote/test-helpers.ts';
import { freePort } from '../src/testing/free-port.ts';
import { spawnPrometheus } from '../src/testing/prometheus.ts';
import { DB } from '../src/tsdb/index.ts';
import { getJSON, RW_OUTAGE_MS, tempDir, waitFor } from './helpers.ts';

// Debian's Prometheus 2.42 with --web.enable-remote-write-receiver receives what Osprey's queue ships from its WAL,
// including everything written while Prometheus was down.

function startPrometheus(dir: string, port: number): ChildProcess {
  return spawnPrometheus(dir, port, ['--web.enable-remote-write-receiver']);
}

async function stopProcess(p: ChildProcess): Promise<void> {
  if (p.exitCode !== null) return;
  await new Promise<void>((r) => {
    p.once('exit', () => r());
    p.kill('SIGTERM');
  });
}

test('Debian Prometheus receives every sample Osprey stored, across a receiver outage and an Osprey restart', async () => {
  const promDir = tempDir('osprey-rw-prom-');
  writeFileSync(join(promDir, 'prometheus.yml'), 'global:\n  scrape_interval: 1m\n');
  const port = await freePort();
  const promUrl = `http://127.0.0.1:${port}`;
  let prom = startPrometheus(promDir, port);
  const ospreyDir = tempDir('osprey-rw-');
  let db = DB.open(ospreyDir);
  let mgr = new RemoteWriteManager({ walDir: join(ospreyDir, 'wal'), dataDir: ospreyDir, pollInterval: 20 });
  try {
    await waitFor(async () => (await fetch(`${promUrl}/-/ready`)).ok, 30_000, 'prometheus ready');
    await mgr.applyConfig(
      [remoteWriteConfig(`${promUrl}/api/v1/write`, { name: 'prom' })],
      Labels.fromObject({ osprey: 'one' }),
    );
    await new Promise((r) => setTimeout(r, 100));
    const base = Date.now() - 20 * 60_000;
    const write = (from: number, to: number) => {
      // Reads `db` at call time: it is reopened below.
      for (let i = from; i < to; i++) {
        const app = db.appender();
        for (let s = 0; s < 20; s++) {
          app.append(0, Labels.fromObject({ __name__: 'osprey_rw_test', series: String(s) }), base + i * 1000, i * s);
        }
        app.commit();
      }
    };
    write(0, 300);
    const q = `${promUrl}/api/v1/query?query=${encodeURIComponent('sum(count_over_time(osprey_rw_test{osprey="one"}[1h]))')}`;
    await waitFor(async () => (await getJSON(q)).json.data?.result?.[0]?.value?.[1] === '6000', 20_000, '6000 samples');
    // Outage: Prometheus stops, Osprey keeps storing (and restarts, below), then Prometheus comes back.
    await stopProcess(prom);
    write(300, 600);
    await waitFor(async () => mgr.stats()[0].samplesRetried > 0, 10_000, 'retries');
    // Osprey restarts mid-stream while Prometheus is still down; the new queue resumes from its saved position.
    await mgr.stop();
    db.close();
    db = DB.open(ospreyDir);
    write(600, 900);
    mgr = new RemoteWriteManager({ walDir: join(ospreyDir, 'wal'), dataDir: ospreyDir, pollInterval: 20 });
    await mgr.applyConfig(
      [remoteWriteConfig(`${promUrl}/api/v1/write`, { name: 'prom' })],
      Labels.fromObject({ osprey: 'one' }),
    );
    // Prometheus stays down a few minutes; the restarted queue keeps retrying meanwhile.
    await new Promise((r) => setTimeout(r, RW_OUTAGE_MS));
    assert.ok(mgr.stats()[0].samplesRetried > 0, 'the queue kept retrying through the outage');
    prom = startPrometheus(promDir, port);
    await waitFor(async () => (await getJSON(q)).json.data?.result?.[0]?.value?.[1] === '18000', 60_000, '18000');
    // Values agree with what Osprey stored.
    const sumQ = `${promUrl}/api/v1/query?query=${encodeURIComponent('sum(sum_over_time(osprey_rw_test[1h]))')}`;
    const got = Number((await getJSON(sumQ)).json.data.result[0].value[1]);
    const osq = db.querier();
    let want = 0;
    for (const s of osq.select([], 0, Date.now())) {
      const it = s.iterator();
      while (it.next()) want += it.v;
    }
    assert.equal(got, want);
    assert.equal(mgr.stats()[0].samplesFailed, 0);
  } finally {
    await mgr.stop();
    db.close();
    await stopProcess(prom);
  }
});

test('a queue configured for remote write 2.0 falls back to 1.0 against Prometheus 2.42 and loses nothing', async () => {
  // Prometheus 2.42 predates 2.0: it answers 204 to a 2.0 body without writing anything and without the
  // X-Prometheus-Remote-Write-Samples-Written header, which is how the sender notices.
  const promDir = tempDir('osprey-rw2-prom-');
  writeFileSync(join(promDir, 'prometheus.yml'), 'global:\n  scrape_interval: 1m\n');
  const port = await freePort();
  const promUrl = `http://127.0.0.1:${port}`;
  const prom = startPrometheus(promDir, port);
  const ospreyDir = tempDir('osprey-rw2-');
  const db = DB.open(ospreyDir);
  const mgr = new RemoteWriteManager({ walDir: join(ospreyDir, 'wal'), dataDir: ospreyDir, pollInterval: 20 });
  try {
    await waitFor(async () => (await fetch(`${promUrl}/-/ready`)).ok, 30_000, 'prometheus ready');
    await mgr.applyConfig(
      [remoteWriteConfig(`${promUrl}/api/v1/write`, { name: 'prom2', protobuf_message: PROTO_V2 })],
      Labels.EMPTY,
    );
    await new Promise((r) => setTimeout(r, 100));
    const base = Date.now() - 10 * 60_000;
    for (let i = 0; i < 100; i++) {
      const app = db.appender();
      for (let s = 0; s < 5; s++) {
        app.append(0, Labels.fromObject({ __name__: 'osprey_rw2_test', series: String(s) }), base + i * 1000, i);
      }
      app.commit();
    }
    const q = `${promUrl}/api/v1/query?query=${encodeURIComponent('sum(count_over_time(osprey_rw2_test[1h]))')}`;
    await waitFor(async () => (await getJSON(q)).json.data?.result?.[0]?.value?.[1] === '500', 20_000, '500 samples');
    assert.equal(mgr.stats()[0].protobufMessage, PROTO_V1);
    assert.equal(mgr.stats()[0].samplesFailed, 0);
  } finally {
    await mgr.stop();
    db.close();
    await stopProcess(prom);
  }
});
