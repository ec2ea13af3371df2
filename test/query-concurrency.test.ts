/**
 * Queries over real HTTP are evaluated cooperatively: a slow query does not hold up a fast one, a query whose
 * client disconnects stops, --query.timeout / the timeout parameter answer 503 with Prometheus's JSON, and
 * --query.max-concurrency makes excess queries wait (execQueueTime).
 */
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { Labels } from '../src/model/index.ts';
import type { OspreyServer } from '../src/server.ts';
import { getJSON, startOsprey, waitFor } from './helpers.ts';

const SERIES = 200;
const SPAN = 6 * 3600_000;
const END = Math.floor(Date.now() / 15_000) * 15_000;

/** SERIES gauges with a sample every 15s over the last 6h. */
function loadData(server: OspreyServer): void {
  const app = server.db.appender();
  for (let s = 0; s < SERIES; s++) {
    const labels = Labels.fromObject({ __name__: 'load', instance: `host${s}`, job: `job${s % 5}` });
    let ref = 0;
    for (let t = END - SPAN; t <= END; t += 15_000) ref = app.append(ref, labels, t, Math.sin(t / 1e6 + s) * 10 + s);
  }
  app.commit();
}

function rangeQuery(query: string, stepSeconds: number, extra: Record<string, string> = {}) {
  return new URLSearchParams({
    query,
    start: String((END - SPAN / 2) / 1000),
    end: String(END / 1000),
    step: String(stepSeconds),
    ...extra,
  });
}

/** A second or two of work at step 10s (1080 steps); ten times that at step 1s. */
const SLOW = 'sum(stddev_over_time(load[1h]))';

async function enginequeries(url: string): Promise<number> {
  const text = await (await fetch(`${url}/metrics`)).text();
  const m = /^osprey_engine_queries (\S+)$/m.exec(text);
  assert.ok(m, 'osprey_engine_queries is exported');
  return Number(m[1]);
}

describe('query concurrency, cancellation and timeouts', () => {
  let server: OspreyServer;
  let url: string;
  let queryLog: string;
  before(async () => {
    let dir: string;
    ({ server, url, dir } = await startOsprey('global:\n  query_log_file: queries.log\n'));
    queryLog = join(dir, 'queries.log');
    loadData(server);
  });
  const loggedErrors = () =>
    existsSync(queryLog)
      ? readFileSync(queryLog, 'utf8')
          .split('\n')
          .filter((l) => l !== '')
          .map((l) => JSON.parse(l).error as string | undefined)
      : [];
  after(async () => server.stop());

  test('a fast query issued while a slow one runs answers first', async () => {
    const order: string[] = [];
    const slow = getJSON(`${url}/api/v1/query_range?${rangeQuery(SLOW, 10)}`).then((r) => {
      order.push('slow');
      return r;
    });
    await waitFor(async () => (await enginequeries(url)) >= 1, 10_000, 'the slow query to start');
    const t0 = performance.now();
    const fast = await getJSON(`${url}/api/v1/query?query=vector(1)`);
    const fastMs = performance.now() - t0;
    order.push('fast');
    const s = await slow;
    assert.equal(fast.json.status, 'success');
    assert.equal(s.json.status, 'success', JSON.stringify(s.json).slice(0, 300));
    assert.deepEqual(order, ['fast', 'slow'], `fast query took ${fastMs.toFixed(0)} ms`);
    assert.equal(s.json.data.result.length, 1);
  });

  test('the timeout parameter stops a long query with 503 and errorType "timeout"', async () => {
    const t0 = performance.now();
    const r = await getJSON(`${url}/api/v1/query_range?${rangeQuery(SLOW, 1, { timeout: '500ms' })}`);
    const ms = performance.now() - t0;
    assert.equal(r.status, 503);
    assert.deepEqual(r.json, {
      status: 'error',
      errorType: 'timeout',
      error: 'query timed out in expression evaluation',
    });
    assert.ok(ms < 5000, `answered after ${ms.toFixed(0)} ms`);
    assert.ok(loggedErrors().includes('query timed out in expression evaluation'), loggedErrors().join());
    await waitFor(async () => (await enginequeries(url)) === 0, 5000, 'no query running');
  });

  test('a query whose client disconnects stops', async () => {
    const ac = new AbortController();
    // Takes far longer than this test waits (the timeout test shows it outlasts its 500ms).
    const q = fetch(`${url}/api/v1/query_range?${rangeQuery(SLOW, 1)}`, { signal: ac.signal }).catch(
      (e: Error) => e.name,
    );
    await waitFor(async () => (await enginequeries(url)) >= 1, 10_000, 'the query to start');
    await new Promise((r) => setTimeout(r, 300));
    assert.equal(await enginequeries(url), 1, 'still running before the disconnect');
    const t0 = performance.now();
    ac.abort();
    assert.equal(await q, 'AbortError');
    await waitFor(async () => (await enginequeries(url)) === 0, 3000, 'the query to stop after the disconnect');
    const stoppedMs = performance.now() - t0;
    assert.ok(stoppedMs < 3000, `stopped ${stoppedMs.toFixed(0)} ms after the disconnect`);
    // The query log records why it ended, as Prometheus's does.
    assert.ok(loggedErrors().includes('query was canceled in expression evaluation'), loggedErrors().join());
  });
});

describe('--query.max-concurrency', () => {
  let server: OspreyServer;
  let url: string;
  before(async () => {
    ({ server, url } = await startOsprey(null, { 'query.max-concurrency': '1' }));
    loadData(server);
  });
  after(async () => server.stop());

  test('with 1, a second query waits for the first and reports its queue time', async () => {
    const metrics = await (await fetch(`${url}/metrics`)).text();
    assert.match(metrics, /^osprey_engine_queries_concurrent_max 1$/m);
    const slow = getJSON(`${url}/api/v1/query_range?${rangeQuery(SLOW, 10, { stats: 'all' })}`);
    await waitFor(async () => (await enginequeries(url)) >= 1, 10_000, 'the slow query to start');
    const fast = await getJSON(`${url}/api/v1/query?query=vector(1)&stats=all`);
    const s = await slow;
    assert.equal(s.json.status, 'success');
    const slowTimings = s.json.data.stats.timings;
    assert.ok(slowTimings.execQueueTime < 0.05, `the first query waited ${slowTimings.execQueueTime}s`);
    const timings = fast.json.data.stats.timings;
    // it waited for (most of) the first query's evaluation
    assert.ok(timings.execQueueTime > 0.05, `execQueueTime ${timings.execQueueTime}`);
    assert.ok(timings.execQueueTime < slowTimings.innerEvalTime + 0.5, 'no longer than the first query ran');
    assert.ok(timings.execTotalTime >= timings.execQueueTime);
    const after = await (await fetch(`${url}/metrics`)).text();
    assert.match(after, /^osprey_engine_query_duration_seconds_count\{slice="queue_time"\} [1-9]/m);
  });

  test("a query waiting in the queue times out with Prometheus's error", async () => {
    const slow = getJSON(`${url}/api/v1/query_range?${rangeQuery(SLOW, 10)}`);
    await waitFor(async () => (await enginequeries(url)) >= 1, 10_000, 'the slow query to start');
    const r = await getJSON(`${url}/api/v1/query?query=vector(1)&timeout=50ms`);
    assert.equal(r.status, 503);
    assert.deepEqual(r.json, { status: 'error', errorType: 'timeout', error: 'query timed out in query queue' });
    assert.equal((await slow).json.status, 'success');
  });
});
