import assert from 'node:assert/strict';
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { Labels } from '../src/model/index.ts';
import { PROTO_V1, PROTO_V2, RemoteWriteManager } from '../src/remote/index.ts';
import { remoteWriteConfig } from '../src/remote/test-helpers.ts';
import { freePort } from '../src/testing/free-port.ts';
import { DB } from '../src/tsdb/index.ts';
import { RW_OUTAGE_MS, tempDir, waitFor } from './helpers.ts';

// Debian's VictoriaMetrics 1.79 receives Osprey's remote-write stream on /api/v1/write. Two queues ship the same WAL:
// one configured for 1.0, one for 2.0 (VictoriaMetrics 1.79 does not speak 2.0: it answers 204 without the
// X-Prometheus-Remote-Write-*-Written headers, so that queue must fall back to 1.0 and lose nothing). They are told
// apart by an external label. VictoriaMetrics is stopped for an outage, Osprey restarts mid-stream, and in the end
// VictoriaMetrics holds exactly the samples Osprey stored, per series, timestamps and values.

const VM = '/usr/bin/victoria-metrics';

function startVM(dir: string, port: number): ChildProcess {
  return spawn(
    VM,
    [
      `-httpListenAddr=127.0.0.1:${port}`,
      `-storageDataPath=${dir}`,
      '-retentionPeriod=100y',
      // At-least-once delivery can resend a batch; keep one sample per millisecond as Prometheus does.
      '-dedup.minScrapeInterval=1ms',
    ],
    { stdio: 'ignore' },
  );
}

async function stopProcess(p: ChildProcess): Promise<void> {
  if (p.exitCode !== null || p.signalCode !== null) return;
  await new Promise<void>((r) => {
    p.once('exit', () => r());
    p.kill('SIGTERM');
  });
}

type SeriesSamples = Map<string, { t: number[]; v: number[] }>;

/** Everything VictoriaMetrics holds for the metric, via /api/v1/export after a forced flush. */
async function exportVM(base: string, match: string): Promise<SeriesSamples> {
  await fetch(`${base}/internal/force_flush`);
  const r = await fetch(`${base}/api/v1/export?match[]=${encodeURIComponent(match)}`);
  assert.equal(r.status, 200);
  const out: SeriesSamples = new Map();
  for (const line of (await r.text()).split('\n')) {
    if (!line) continue;
    const j = JSON.parse(line) as { metric: Record<string, string>; values: number[]; timestamps: number[] };
    const key = Labels.fromObject(j.metric).toString();
    const cur = out.get(key) ?? { t: [], v: [] };
    // Export may split a series into several lines (one per storage block); merge and order them.
    const pairs = j.timestamps.map((t, i) => [t, j.values[i]] as const);
    for (const [t, v] of pairs) {
      cur.t.push(t);
      cur.v.push(v);
    }
    out.set(key, cur);
  }
  for (const s of out.values()) {
    const idx = s.t.map((_, i) => i).sort((a, b) => s.t[a] - s.t[b]);
    s.t = idx.map((i) => s.t[i]);
    s.v = idx.map((i) => s.v[i]);
  }
  return out;
}

function count(m: SeriesSamples): number {
  let n = 0;
  for (const s of m.values()) n += s.t.length;
  return n;
}

test('Debian VictoriaMetrics receives exactly what Osprey stored (1.0 and 2.0-with-fallback queues), across an outage and an Osprey restart', {
  skip: existsSync(VM) ? false : `${VM} not installed`,
}, async () => {
  const vmDir = tempDir('osprey-rw-vm-');
  const port = await freePort();
  const vmUrl = `http://127.0.0.1:${port}`;
  let vm = startVM(vmDir, port);
  const ospreyDir = tempDir('osprey-rw-vm-src-');
  let db = DB.open(ospreyDir);
  const walDir = join(ospreyDir, 'wal');
  const newManagers = async () => {
    const m1 = new RemoteWriteManager({ walDir, dataDir: ospreyDir, pollInterval: 20 });
    const m2 = new RemoteWriteManager({ walDir, dataDir: ospreyDir, pollInterval: 20 });
    await m1.applyConfig(
      [remoteWriteConfig(`${vmUrl}/api/v1/write`, { name: 'vm1' })],
      Labels.fromObject({ queue: 'v1' }),
    );
    await m2.applyConfig(
      [remoteWriteConfig(`${vmUrl}/api/v1/write`, { name: 'vm2', protobuf_message: PROTO_V2 })],
      Labels.fromObject({ queue: 'v2' }),
    );
    return [m1, m2];
  };
  let mgrs: RemoteWriteManager[] = [];
  const SERIES = 20;
  const base = Date.now() - 30 * 60_000;
  const write = (from: number, to: number) => {
    for (let i = from; i < to; i++) {
      const app = db.appender();
      for (let s = 0; s < SERIES; s++) {
        // Values with fractions, negatives and large magnitudes check that doubles arrive bit-exact.
        const v = s === 0 ? i * 0.1 : s === 1 ? -i * 1e9 - 0.25 : i * s;
        app.append(0, Labels.fromObject({ __name__: 'osprey_rw_vm', series: String(s) }), base + i * 1000, v);
      }
      app.commit();
    }
  };
  const total = () => mgrs.reduce((n, m) => n + m.stats()[0].samplesSent, 0);
  try {
    await waitFor(async () => (await fetch(`${vmUrl}/health`)).ok, 30_000, 'victoria-metrics ready');
    mgrs = await newManagers();
    await new Promise((r) => setTimeout(r, 100));
    write(0, 300);
    await waitFor(async () => total() >= 2 * 300 * SERIES, 20_000, 'first 6000 samples per queue sent');
    assert.equal(count(await exportVM(vmUrl, '{__name__="osprey_rw_vm"}')), 2 * 300 * SERIES);
    // Outage: VictoriaMetrics stops, Osprey keeps storing and restarts, then VictoriaMetrics comes back.
    await stopProcess(vm);
    write(300, 600);
    await waitFor(async () => mgrs.every((m) => m.stats()[0].samplesRetried > 0), 10_000, 'retries');
    for (const m of mgrs) await m.stop();
    db.close();
    db = DB.open(ospreyDir);
    write(600, 900);
    mgrs = await newManagers();
    write(900, 1000);
    // VictoriaMetrics stays down a few minutes; the restarted queues keep retrying meanwhile.
    await new Promise((r) => setTimeout(r, RW_OUTAGE_MS));
    assert.ok(
      mgrs.every((m) => m.stats()[0].samplesRetried > 0),
      'the queues kept retrying through the outage',
    );
    vm = startVM(vmDir, port);
    await waitFor(async () => (await fetch(`${vmUrl}/health`).catch(() => null))?.ok, 30_000, 'vm back');
    const want = 1000 * SERIES;
    await waitFor(
      async () => count(await exportVM(vmUrl, '{__name__="osprey_rw_vm"}')) >= 2 * want,
      60_000,
      `${2 * want} samples in VictoriaMetrics`,
    );
    // Compare series by series with what Osprey stored (plus each queue's external label).
    const got = await exportVM(vmUrl, '{__name__="osprey_rw_vm"}');
    assert.equal(got.size, 2 * SERIES);
    const q = db.querier();
    let compared = 0;
    for (const s of q.select([], 0, Date.now())) {
      const t: number[] = [];
      const v: number[] = [];
      const it = s.iterator();
      while (it.next()) {
        t.push(it.t);
        v.push(it.v);
      }
      assert.equal(t.length, 1000);
      for (const queue of ['v1', 'v2']) {
        const key = Labels.fromObject({ ...s.labels.toObject(), queue }).toString();
        const r = got.get(key);
        assert.ok(r, `VictoriaMetrics lacks ${key}`);
        assert.deepEqual(r.t, t, `timestamps of ${key}`);
        // VictoriaMetrics keeps values as decimals with at most 12 significant digits (0.30000000000000004 comes
        // back as 0.3), so values agree to that precision rather than bit for bit.
        assert.equal(r.v.length, v.length);
        for (let i = 0; i < v.length; i++) {
          const tol = 1e-12 * Math.max(Math.abs(v[i]), Math.abs(r.v[i]));
          if (Math.abs(r.v[i] - v[i]) > tol)
            assert.fail(`${key} @${t[i]}: VictoriaMetrics has ${r.v[i]}, Osprey ${v[i]}`);
        }
        compared++;
      }
    }
    assert.equal(compared, 2 * SERIES);
    // Nothing was dropped; the 2.0 queue found out VictoriaMetrics 1.79 speaks 1.0 only.
    for (const m of mgrs) assert.equal(m.stats()[0].samplesFailed, 0);
    assert.equal(mgrs[1].stats()[0].protobufMessage, PROTO_V1);
  } finally {
    for (const m of mgrs) await m.stop();
    db.close();
    await stopProcess(vm);
  }
});
