import assert from 'node:assert/strict';
import type { ChildProcess } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { freePort } from '../src/testing/free-port.ts';
import { spawnPrometheus } from '../src/testing/prometheus.ts';
import { getJSON, startHttp, startOsprey, tempDir, waitFor } from './helpers.ts';

// Differential test: Debian's Prometheus and Osprey scrape the same target with the same prometheus.yml,
// then answer the same API requests. Their answers must agree.

const PAGE = `# HELP temperature_celsius Temperature.
# TYPE temperature_celsius gauge
temperature_celsius{room="a"} 21.5
temperature_celsius{room="b"} 19
temperature_celsius{room="c",floor="2"} -3.25
# HELP events_total Events.
# TYPE events_total counter
events_total{kind="x"} 10
events_total{kind="y"} 1e3
special_values{v="inf"} +Inf
special_values{v="nan"} NaN
`;

let target: Awaited<ReturnType<typeof startHttp>>;
let osprey: Awaited<ReturnType<typeof startOsprey>>;
let prom: ChildProcess;
let promUrl = '';

before(async () => {
  target = await startHttp((_req, res) => {
    res.setHeader('content-type', 'text/plain; version=0.0.4');
    res.end(PAGE);
  });
  const cfg = `
global:
  scrape_interval: 1s
  scrape_timeout: 1s
scrape_configs:
  - job_name: t
    static_configs:
      - targets: ['${target.address}']
        labels:
          site: lab
`;
  const dir = tempDir('osprey-prom-');
  writeFileSync(join(dir, 'prometheus.yml'), cfg);
  const port = await freePort();
  promUrl = `http://127.0.0.1:${port}`;
  prom = spawnPrometheus(dir, port);
  osprey = await startOsprey(cfg);
  // Both have scraped a few times.
  for (const base of [promUrl, osprey.url]) {
    await waitFor(
      async () => {
        const r = await getJSON(`${base}/api/v1/query?query=count_over_time(up[1m])`);
        return Number(r.json.data?.result?.[0]?.value?.[1] ?? 0) >= 3;
      },
      30_000,
      `${base} scraping`,
    );
  }
});

after(async () => {
  prom?.kill('SIGKILL');
  await osprey?.server.stop();
  target?.server.close();
});

function normalise(result: any[]): any[] {
  return result
    .map((s) => ({ metric: s.metric, value: s.value?.[1] }))
    .sort((a, b) => JSON.stringify(a.metric).localeCompare(JSON.stringify(b.metric)));
}

const QUERIES = [
  'temperature_celsius',
  'temperature_celsius{room=~"a|b"}',
  'temperature_celsius{floor=""}',
  'events_total',
  'special_values',
  'up',
  'sum by (site) (temperature_celsius)',
  'max(temperature_celsius) - min(temperature_celsius)',
  'count(temperature_celsius) by (job)',
  'temperature_celsius > 0',
  'events_total / on(instance, job) group_left temperature_celsius{room="a"}',
  'scrape_samples_scraped',
  'topk(2, temperature_celsius)',
  'label_replace(temperature_celsius, "r", "$1", "room", "(.*)")',
  'abs(temperature_celsius{room="c"})',
];

test('instant queries give the same series and values as Prometheus', async () => {
  const t = (Date.now() - 2000) / 1000;
  let same = 0;
  for (const q of QUERIES) {
    const url = (b: string) => `${b}/api/v1/query?query=${encodeURIComponent(q)}&time=${t}`;
    const [p, o] = await Promise.all([getJSON(url(promUrl)), getJSON(url(osprey.url))]);
    assert.equal(o.status, p.status, q);
    assert.equal(o.json.data.resultType, p.json.data.resultType, q);
    assert.deepEqual(normalise(o.json.data.result), normalise(p.json.data.result), q);
    same++;
  }
  console.log(`# prometheus-diff: ${same}/${QUERIES.length} queries agree`);
});

test('series, labels and label values agree with Prometheus', async () => {
  for (const path of [
    '/api/v1/series?match[]=temperature_celsius',
    '/api/v1/series?match[]={job="t",__name__=~"events.*|special.*"}',
    '/api/v1/labels?match[]={job="t"}',
    '/api/v1/label/room/values',
    '/api/v1/label/job/values',
  ]) {
    const [p, o] = await Promise.all([getJSON(promUrl + path), getJSON(osprey.url + path)]);
    assert.equal(o.status, p.status, path);
    const sort = (x: any[]) => [...x].sort((a, b) => JSON.stringify(a).localeCompare(JSON.stringify(b)));
    assert.deepEqual(sort(o.json.data), sort(p.json.data), path);
  }
});

test('malformed requests get the same error type and status as Prometheus', async () => {
  for (const path of [
    '/api/v1/query?query=sum(',
    '/api/v1/query?query=up&time=notatime',
    '/api/v1/query_range?query=up&start=10&end=0&step=1',
    '/api/v1/query_range?query=up&start=0&end=10&step=0',
    '/api/v1/series',
  ]) {
    const [p, o] = await Promise.all([getJSON(promUrl + path), getJSON(osprey.url + path)]);
    assert.equal(o.status, p.status, path);
    assert.equal(o.json.status, 'error', path);
    assert.equal(o.json.errorType, p.json.errorType, path);
  }
});
