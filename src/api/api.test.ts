import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { Labels, Matcher as M, type Matcher, MatchType } from '../model/index.ts';
import { encodeWriteRequestBody } from '../remote/index.ts';
import type { Appendable, Querier, Queryable, Series } from '../tsdb/interfaces.ts';
import type { ApiDeps } from './deps.ts';
import { createHttpServer } from './http-server.ts';
import { ApiError } from './respond.ts';

/** A tiny store standing in for the TSDB: labels -> samples, matched naively. */
class ListStore implements Queryable, Appendable {
  series: { labels: Labels; t: number[]; v: number[] }[] = [];
  querier(): Querier {
    const sel = (ms: readonly Matcher[]) => this.series.filter((s) => ms.every((m) => m.matches(s.labels.get(m.name))));
    return {
      select: (ms) =>
        sel(ms).map(
          (s): Series => ({
            labels: s.labels,
            iterator: () => {
              let i = -1;
              return {
                next: () => ++i < s.t.length,
                seek: () => false,
                get t() {
                  return s.t[i];
                },
                get v() {
                  return s.v[i];
                },
              };
            },
          }),
        ),
      labelNames: (ms) => [...new Set(sel(ms).flatMap((s) => s.labels.names()))].sort(),
      labelValues: (n, ms) =>
        [
          ...new Set(
            sel(ms)
              .map((s) => s.labels.get(n))
              .filter((v) => v !== ''),
          ),
        ].sort(),
    };
  }
  appender() {
    const staged: { labels: Labels; t: number; v: number }[] = [];
    return {
      append: (_ref: number, labels: Labels, t: number, v: number) => {
        staged.push({ labels, t, v });
        return 1;
      },
      commit: () => {
        for (const s of staged) {
          let e = this.series.find((x) => x.labels.equals(s.labels));
          if (!e) this.series.push((e = { labels: s.labels, t: [], v: [] }));
          e.t.push(s.t);
          e.v.push(s.v);
        }
      },
      rollback: () => {
        staged.length = 0;
      },
    };
  }
}

const store = new ListStore();
let reloadShouldFail = false;
const deps: ApiDeps = {
  storage: store,
  query: {
    instant: async (q, t) => {
      if (q === '')
        throw new ApiError('bad_data', 'invalid parameter "query": 1:1: parse error: no expression found in input');
      return { data: { resultType: 'scalar', result: [t / 1000, '1'] } };
    },
    range: async (_q, s, e, step) => ({ data: { resultType: 'matrix', result: [], s, e, step } }),
    format: (q) => q.trim(),
    parse: (q) => ({ type: 'numberLiteral', val: q }),
  },
  remoteWriteAppendable: store,
  targets: () => ({ activeTargets: [{ scrapePool: 'a', health: 'up' }], droppedTargets: [] }),
  configYaml: () => 'global:\n  scrape_interval: 1m\n',
  flags: () => ({ 'query.lookback-delta': '5m' }),
  buildInfo: () => ({ version: '0.1.0' }),
  runtimeInfo: () => ({}),
  headStats: () => ({
    numSeries: 1,
    numSamples: 1,
    chunkCount: 1,
    minTime: 0,
    maxTime: 1,
    outOfOrderSamples: 0,
    duplicateSamples: 0,
    seriesCountByMetricName: [{ name: 'up', value: 1 }],
    labelValueCountByLabelName: [],
    memoryInBytesByLabelName: [],
    seriesCountByLabelValuePair: [],
  }),
  lifecycleEnabled: true,
  reload: async () => {
    if (reloadShouldFail) throw new Error('prometheus.yml:3:5: unknown field "scrape_intervl"');
  },
  ready: () => true,
  selfMetrics: async () => ({ body: 'osprey_up 1\n', contentType: 'text/plain; version=0.0.4' }),
  metadata: () => ({}),
  limits: { maxBodyBytes: 1024 * 1024, maxSeriesResponse: 0 },
};
const parseSelector = (s: string): Matcher[] => {
  const m = /^(\w+)$/.exec(s);
  if (!m) throw new Error(`1:1: parse error: unexpected character in selector`);
  return [new M(MatchType.Equal, '__name__', m[1])];
};
const app = createHttpServer({ deps, parseSelector });
let base = '';
before(async () => {
  await app.listen({ host: '127.0.0.1', port: 0 });
  const a = app.server.address() as { port: number };
  base = `http://127.0.0.1:${a.port}`;
  store.series.push(
    { labels: Labels.fromObject({ __name__: 'up', job: 'a' }), t: [1000], v: [1] },
    { labels: Labels.fromObject({ __name__: 'up', job: 'b' }), t: [1000], v: [0] },
    { labels: Labels.fromObject({ __name__: 'other', job: 'a', x: 'y' }), t: [1000], v: [0] },
  );
});
after(() => app.close());

async function get(path: string, init?: RequestInit) {
  const r = await fetch(base + path, init);
  const text = await r.text();
  let json: any;
  try {
    json = JSON.parse(text);
  } catch {
    json = undefined;
  }
  return { status: r.status, json, text, headers: r.headers };
}

test('query accepts GET and form POST, with RFC3339 or unix times', async () => {
  let r = await get('/api/v1/query?query=1&time=1700000000.5');
  assert.equal(r.status, 200);
  assert.deepEqual(r.json, { status: 'success', data: { resultType: 'scalar', result: [1700000000.5, '1'] } });
  r = await get('/api/v1/query', {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: 'query=1&time=2023-11-14T22:13:20Z',
  });
  assert.equal(r.json.data.result[0], 1700000000);
});

test('bad parameters give Prometheus error JSON with status 400', async () => {
  let r = await get('/api/v1/query?query=');
  assert.equal(r.status, 400);
  assert.equal(r.json.status, 'error');
  assert.equal(r.json.errorType, 'bad_data');
  r = await get('/api/v1/query?query=1&time=yesterday');
  assert.equal(r.status, 400);
  assert.equal(r.json.error, 'invalid parameter "time": cannot parse "yesterday" to a valid timestamp');
  r = await get('/api/v1/query_range?query=1&start=10&end=5&step=1');
  assert.match(r.json.error, /end timestamp must not be before start time/);
  r = await get('/api/v1/query_range?query=1&start=0&end=100000&step=1');
  assert.match(r.json.error, /exceeded maximum resolution of 11,000 points/);
  r = await get('/api/v1/query_range?query=1&start=0&end=10&step=0');
  assert.match(r.json.error, /zero or negative query resolution step/);
  r = await get('/api/v1/query_range?query=1&start=0&end=100&step=1m');
  assert.equal(r.json.data.step, 60000);
});

test('series, labels and label values filter by match[] and sort', async () => {
  let r = await get('/api/v1/series?match[]=up');
  assert.deepEqual(r.json.data, [
    { __name__: 'up', job: 'a' },
    { __name__: 'up', job: 'b' },
  ]);
  r = await get('/api/v1/series');
  assert.equal(r.status, 400);
  assert.equal(r.json.error, 'no match[] parameter provided');
  r = await get('/api/v1/series?match[]=%7B');
  assert.equal(r.status, 400);
  assert.match(r.json.error, /^invalid parameter "match\[\]": /);
  r = await get('/api/v1/labels');
  assert.deepEqual(r.json.data, ['__name__', 'job', 'x']);
  r = await get('/api/v1/labels?match[]=up');
  assert.deepEqual(r.json.data, ['__name__', 'job']);
  r = await get('/api/v1/label/job/values');
  assert.deepEqual(r.json.data, ['a', 'b']);
  r = await get('/api/v1/label/__name__/values?limit=1');
  assert.deepEqual(r.json.data, ['other']);
  assert.deepEqual(r.json.warnings, ['results truncated due to limit']);
});

test('status endpoints return Prometheus shapes', async () => {
  assert.deepEqual((await get('/api/v1/status/config')).json.data, { yaml: 'global:\n  scrape_interval: 1m\n' });
  assert.equal((await get('/api/v1/status/buildinfo')).json.data.version, '0.1.0');
  const tsdb = (await get('/api/v1/status/tsdb')).json.data;
  assert.equal(tsdb.headStats.numSeries, 1);
  assert.deepEqual(tsdb.seriesCountByMetricName, [{ name: 'up', value: 1 }]);
  assert.equal((await get('/api/v1/targets?state=dropped')).json.data.activeTargets.length, 0);
  assert.equal((await get('/api/v1/targets')).json.data.activeTargets.length, 1);
  assert.equal((await get('/api/v1/nope')).status, 404);
  assert.equal((await get('/-/healthy')).status, 200);
  assert.equal((await get('/-/ready')).status, 200);
  assert.match((await get('/metrics')).text, /osprey_up 1/);
});

test('a failed reload answers 500 with the reason', async () => {
  assert.equal((await get('/-/reload', { method: 'POST' })).status, 200);
  reloadShouldFail = true;
  const r = await get('/-/reload', { method: 'POST' });
  assert.equal(r.status, 500);
  assert.match(r.text, /prometheus\.yml:3:5: unknown field "scrape_intervl"/);
  reloadShouldFail = false;
});

test('remote write stores samples and rejects malformed bodies with 400', async () => {
  const labels = Labels.fromObject({ __name__: 'rw_metric', job: 'rw' });
  const body = encodeWriteRequestBody([{ labels, timestamps: [5000, 6000], values: new Float64Array([1, 2]) }]);
  let r = await get('/api/v1/write', {
    method: 'POST',
    headers: { 'content-type': 'application/x-protobuf', 'content-encoding': 'snappy' },
    body,
  });
  assert.equal(r.status, 204);
  const s = store.series.find((x) => x.labels.equals(labels));
  assert.deepEqual(s?.v, [1, 2]);
  r = await get('/api/v1/write', {
    method: 'POST',
    headers: { 'content-type': 'application/x-protobuf', 'content-encoding': 'snappy' },
    body: new Uint8Array([0xff, 0xff, 0xff]),
  });
  assert.equal(r.status, 400);
  assert.match(r.text, /snappy/);
  r = await get('/api/v1/write', {
    method: 'POST',
    headers: { 'content-type': 'application/x-protobuf', 'content-encoding': 'snappy' },
    body: new Uint8Array(2 * 1024 * 1024),
  });
  assert.equal(r.status, 413);
});
