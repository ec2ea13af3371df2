import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { Labels } from '../model/index.ts';
import { DB } from '../tsdb/index.ts';
import { RemoteWriteManager, renderRemoteWriteMetrics } from './remote-write-manager.ts';
import { remoteWriteConfig, startReceiver, waitFor } from './test-helpers.ts';

const dirs: string[] = [];
after(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

function tmp(): string {
  const d = mkdtempSync(join(tmpdir(), 'osprey-rw-'));
  dirs.push(d);
  return d;
}

const a = Labels.fromObject({ __name__: 'up', job: 'a' });
const b = Labels.fromObject({ __name__: 'http_requests_total', job: 'b' });

function write(db: DB, from: number, to: number): void {
  for (let t = from; t < to; t++) {
    const app = db.appender();
    app.append(0, a, t * 1000, t);
    app.append(0, b, t * 1000, t * 10);
    app.commit();
  }
}

function count(m: Map<string, { t: number; v: number }[]>): number {
  let n = 0;
  for (const l of m.values()) n += l.length;
  return n;
}

test('ships samples from the WAL in order, with external labels and remote-write headers', async () => {
  const dir = tmp();
  const db = DB.open(dir);
  const recv = await startReceiver();
  const mgr = new RemoteWriteManager({ walDir: join(dir, 'wal'), dataDir: dir, pollInterval: 10 });
  await mgr.applyConfig(
    [
      remoteWriteConfig(recv.url, {
        name: 'r1',
        basic_auth: { username: 'u', password: 'p' },
        headers: { 'X-Scope-OrgID': 't1' },
      }),
    ],
    Labels.fromObject({ region: 'eu', job: 'ignored' }),
  );
  await new Promise((r) => setTimeout(r, 30));
  write(db, 1, 301);
  await waitFor(() => count(recv.samples) === 600);
  const sa = recv.samples.get('{__name__="up", job="a", region="eu"}');
  assert.ok(sa, `keys: ${[...recv.samples.keys()]}`);
  assert.deepEqual(
    sa.map((s) => s.t),
    Array.from({ length: 300 }, (_, i) => (i + 1) * 1000),
  );
  const sb = recv.samples.get('{__name__="http_requests_total", job="b", region="eu"}');
  assert.deepEqual(
    sb?.map((s) => s.v),
    Array.from({ length: 300 }, (_, i) => (i + 1) * 10),
  );
  const h = recv.requests[0].headers;
  assert.equal(h['content-encoding'], 'snappy');
  assert.equal(h['content-type'], 'application/x-protobuf');
  assert.equal(h['x-prometheus-remote-write-version'], '0.1.0');
  assert.match(String(h['user-agent']), /^Osprey\//);
  assert.equal(h.authorization, `Basic ${Buffer.from('u:p').toString('base64')}`);
  assert.equal(h['x-scope-orgid'], 't1');
  // The receiver has the samples before the sender has read the response.
  await waitFor(() => mgr.stats()[0].samplesSent === 600);
  assert.equal(mgr.stats()[0].highestSentTimestamp, 300);
  await mgr.stop();
  db.close();
  await recv.close();
});

test('write_relabel_configs drop series and count them as dropped', async () => {
  const dir = tmp();
  const db = DB.open(dir);
  const recv = await startReceiver();
  const mgr = new RemoteWriteManager({ walDir: join(dir, 'wal'), dataDir: dir, pollInterval: 10 });
  await mgr.applyConfig(
    [
      remoteWriteConfig(recv.url, {
        write_relabel_configs: [{ source_labels: ['__name__'], regex: 'http_.*', action: 'drop' } as never],
      }),
    ],
    Labels.EMPTY,
  );
  await new Promise((r) => setTimeout(r, 30));
  write(db, 1, 51);
  await waitFor(() => mgr.stats()[0].samplesSent === 50 && mgr.stats()[0].samplesDropped === 50);
  assert.deepEqual([...recv.samples.keys()], ['{__name__="up", job="a"}']);
  await mgr.stop();
  db.close();
  await recv.close();
});

test('retries 5xx and 429 with backoff, drops 4xx with a counted failure', async () => {
  const dir = tmp();
  const db = DB.open(dir);
  // First request: 503, second 429, third 400 (dropped), then success.
  const codes = [503, 429, 400];
  const recv = await startReceiver((n) => codes[n] ?? 204);
  const mgr = new RemoteWriteManager({ walDir: join(dir, 'wal'), dataDir: dir, pollInterval: 10 });
  await mgr.applyConfig([remoteWriteConfig(recv.url, { queue_config: { max_shards: 1 } as never })], Labels.EMPTY);
  await new Promise((r) => setTimeout(r, 30));
  write(db, 1, 11);
  await waitFor(() => mgr.stats()[0].samplesFailed === 20);
  assert.equal(mgr.stats()[0].samplesRetried, 40);
  assert.equal(mgr.stats()[0].samplesSent, 0);
  write(db, 11, 21);
  await waitFor(() => mgr.stats()[0].samplesSent === 20);
  assert.deepEqual(
    recv.samples.get('{__name__="up", job="a"}')?.map((s) => s.t),
    Array.from({ length: 10 }, (_, i) => (i + 11) * 1000),
  );
  await mgr.stop();
  db.close();
  await recv.close();
});

test('resumes from its saved WAL position after an outage and a restart, in order, nothing lost', async () => {
  const dir = tmp();
  let db = DB.open(dir);
  let down = false;
  const recv = await startReceiver(() => (down ? 503 : 204));
  const cfg = [remoteWriteConfig(recv.url, { name: 'resume' })];
  let mgr = new RemoteWriteManager({ walDir: join(dir, 'wal'), dataDir: dir, pollInterval: 10 });
  await mgr.applyConfig(cfg, Labels.EMPTY);
  await new Promise((r) => setTimeout(r, 30));
  write(db, 1, 101);
  await waitFor(() => count(recv.samples) === 200);
  down = true;
  write(db, 101, 201);
  await waitFor(() => mgr.stats()[0].samplesRetried > 0);
  await mgr.stop();
  // Osprey restarts: a new DB (new WAL segment) and a new queue with the same name.
  db.close();
  db = DB.open(dir);
  write(db, 201, 301);
  mgr = new RemoteWriteManager({ walDir: join(dir, 'wal'), dataDir: dir, pollInterval: 10 });
  await mgr.applyConfig(cfg, Labels.EMPTY);
  await new Promise((r) => setTimeout(r, 100));
  assert.equal(count(recv.samples), 200, 'nothing accepted while the receiver is down');
  down = false;
  await waitFor(() => count(recv.samples) >= 600);
  await new Promise((r) => setTimeout(r, 100));
  const ts = recv.samples.get('{__name__="up", job="a"}')?.map((s) => s.t);
  assert.deepEqual(
    ts,
    Array.from({ length: 300 }, (_, i) => (i + 1) * 1000),
  );
  assert.equal(count(recv.samples), 600);
  await mgr.stop();
  db.close();
  await recv.close();
});

test('renders prometheus_remote_storage_* metrics; applyConfig rejects duplicate remote names', async () => {
  const dir = tmp();
  const recv = await startReceiver();
  const mgr = new RemoteWriteManager({ walDir: join(dir, 'wal'), dataDir: dir, pollInterval: 10 });
  await assert.rejects(
    mgr.applyConfig(
      [remoteWriteConfig(recv.url, { name: 'x' }), remoteWriteConfig(recv.url, { name: 'x' })],
      Labels.EMPTY,
    ),
    /duplicate remote write/,
  );
  await mgr.applyConfig([remoteWriteConfig(recv.url, { name: 'x' })], Labels.EMPTY);
  const text = renderRemoteWriteMetrics(mgr.stats());
  assert.match(text, new RegExp(`prometheus_remote_storage_samples_total\\{remote_name="x",url="${recv.url}"\\} 0\\n`));
  assert.match(text, /prometheus_remote_storage_shards\{remote_name="x",.*\} 1\n/);
  await mgr.stop();
  await recv.close();
});
