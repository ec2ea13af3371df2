import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import Fastify from 'fastify';
import { registerRemoteReadRoute } from '../api/v1-read.ts';
import type { RemoteReadConfig } from '../config/types.ts';
import { Labels, Matcher, MatchType } from '../model/index.ts';
import { DB } from '../tsdb/index.ts';
import { RemoteReadService, START_TIME_MARGIN } from './query-prepare.ts';
import { RemoteReadClient } from './remote-read.ts';
import { remoteReadConfig } from './test-helpers.ts';

const cfg = (over: Partial<RemoteReadConfig> = {}): RemoteReadConfig =>
  remoteReadConfig('http://127.0.0.1:1/api/v1/read', { remote_timeout: 5000, ...over });

const tempDir = (p: string) => mkdtempSync(join(tmpdir(), p));

const sel = (...kv: string[]) => {
  const out: Matcher[] = [];
  for (let i = 0; i < kv.length; i += 2) out.push(new Matcher(MatchType.Equal, kv[i], kv[i + 1]));
  return out;
};

test('read_recent: false reads only ranges reaching before the local start time, cut there', () => {
  const c = new RemoteReadClient(cfg());
  assert.equal(c.clampMaxt(sel('__name__', 'x'), 100, 500, 200), 200);
  assert.equal(c.clampMaxt(sel('__name__', 'x'), 100, 150, 200), 150);
  assert.equal(c.clampMaxt(sel('__name__', 'x'), 201, 500, 200), null);
  const recent = new RemoteReadClient(cfg({ read_recent: true }));
  assert.equal(recent.clampMaxt(sel('__name__', 'x'), 201, 500, 200), 500);
  c.close();
  recent.close();
});

test('required_matchers must all be present as equality matchers', () => {
  const c = new RemoteReadClient(cfg({ read_recent: true, required_matchers: { a: '1', b: '2' } }));
  assert.equal(c.clampMaxt(sel('a', '1'), 0, 10, 0), null);
  assert.equal(c.clampMaxt([...sel('a', '1'), new Matcher(MatchType.Regex, 'b', '2')], 0, 10, 0), null);
  assert.equal(c.clampMaxt(sel('a', '1', 'b', '2', 'c', '3'), 0, 10, 0), 10);
  c.close();
});

test('local start time: oldest block or now, plus a 4h margin', () => {
  const db = DB.open(tempDir('osprey-rrq-'));
  const a = new RemoteReadService({ local: db, lookbackDelta: 300_000, oldestBlockTime: () => 1000, now: () => 5 });
  assert.equal(a.localStartTime(), 1000 + START_TIME_MARGIN);
  const b = new RemoteReadService({
    local: db,
    lookbackDelta: 300_000,
    oldestBlockTime: () => undefined,
    now: () => 5,
  });
  assert.equal(b.localStartTime(), 5 + START_TIME_MARGIN);
  db.close();
});

test('external labels are sent as matchers unless the selector names them, and removed from the answer', async () => {
  const remote = DB.open(tempDir('osprey-rrq-'));
  const app = remote.appender();
  app.append(0, Labels.fromObject({ __name__: 'm', dc: 'eu', k: 'a' }), 1000, 1);
  app.append(0, Labels.fromObject({ __name__: 'm', dc: 'us', k: 'b' }), 1000, 2);
  app.commit();
  const f = Fastify();
  registerRemoteReadRoute(f, { storage: remote, externalLabels: () => Labels.EMPTY });
  const url = await f.listen({ host: '127.0.0.1', port: 0 });
  const local = DB.open(tempDir('osprey-rrq-'));
  try {
    const svc = new RemoteReadService({ local, lookbackDelta: 300_000 });
    svc.applyConfig([cfg({ url: `${url}/api/v1/read`, read_recent: true })], { dc: 'eu' });
    const p = await svc.prepareQuery('m', 1000, 1000, 0);
    assert.ok(p);
    assert.deepEqual(p.warnings, []);
    const got = p.queryable.querier().select(sel('__name__', 'm'), 0, 2000);
    assert.deepEqual(
      got.map((s) => s.labels.toString()),
      ['{__name__="m", k="a"}'],
    );
    // A selector that names dc gets exactly what it asks for, dc kept.
    const p2 = await svc.prepareQuery('m{dc="us"}', 1000, 1000, 0);
    const got2 = p2!.queryable.querier().select(sel('__name__', 'm', 'dc', 'us'), 0, 2000);
    assert.deepEqual(
      got2.map((s) => s.labels.toString()),
      ['{__name__="m", dc="us", k="b"}'],
    );
    svc.close();
  } finally {
    await f.close();
    remote.close();
    local.close();
  }
});
