import assert from 'node:assert/strict';
import { appendFileSync, mkdirSync, mkdtempSync, renameSync, rmSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { ConfigError } from '../../config/index.ts';
import { seriesValue, viewFamilies } from '../test-util.ts';
import { LogCollector, logsConfigFromValue, parseLogsConfig } from './index.ts';

const dir = mkdtempSync(join(tmpdir(), 'osprey-logs-'));
after(() => rmSync(dir, { recursive: true, force: true }));
let n = 0;
const fresh = () => join(dir, `case${++n}`);

function yamlFor(path: string, extra = ''): string {
  return `
scrape_configs: []
osprey:
  logs:
    - path: ${JSON.stringify(path)}
      ${extra}
      metrics:
        - name: app_errors_total
          type: counter
          help: Errors by component.
          match: 'ERROR (?P<component>\\w+)'
          labels: {component: '$component'}
          max_series: 2
        - name: app_latency_seconds
          type: histogram
          match: 'took (?P<latency>[0-9.]+)s'
          value: '$latency'
          buckets: [0.1, 1]
        - name: app_queue_length
          type: gauge
          match: 'queue=(\\d+)'
          value: '\${1}'
`;
}

async function collector(path: string, extra = '', positionsFile?: string) {
  const c = new LogCollector(parseLogsConfig(yamlFor(path, extra)), { pollIntervalMs: 0, positionsFile });
  await c.start();
  return c;
}

const view = async (c: LogCollector) => viewFamilies(await c.collect());

describe('log rules', () => {
  test('are read from osprey.logs with defaults', () => {
    const [f] = parseLogsConfig(yamlFor('/var/log/app.log'));
    assert.deepEqual(f.paths, ['/var/log/app.log']);
    assert.equal(f.fromBeginning, false);
    assert.deepEqual(
      f.metrics.map((m) => [m.name, m.type, m.maxSeries]),
      [
        ['app_errors_total', 'counter', 2],
        ['app_latency_seconds', 'histogram', 1000],
        ['app_queue_length', 'gauge', 1000],
      ],
    );
    assert.deepEqual(parseLogsConfig('scrape_configs: []\n'), []);
  });

  test('report problems with file:line:col', () => {
    const bad = (metric: string, re: RegExp) =>
      assert.throws(
        () => parseLogsConfig(`osprey:\n  logs:\n    - path: /x\n      metrics:\n        - ${metric}\n`, 'p.yml'),
        (e: unknown) => e instanceof ConfigError && re.test(e.message),
      );
    bad("{name: x_total, match: '(a'}", /^p\.yml:5:\d+: osprey\.logs\.0\.metrics\.0\.match: error parsing regexp/);
    bad('{name: x, type: summary, match: a}', /osprey\.logs\.0\.metrics\.0\.type: invalid type "summary"/);
    bad('{name: x, type: gauge, match: a}', /value is required for a gauge/);
    bad("{name: x, match: '(?P<a>b)', labels: {l: '$b'}}", /refers to \$b, which is not a group/);
    bad("{name: 'bad-name', match: a}", /invalid metric name/);
    assert.throws(
      () =>
        parseLogsConfig(
          'osprey:\n  logs:\n    - path: /x\n      metrics: [{name: a_total, match: a}, {name: a_total, match: b}]\n',
        ),
      /already defined at osprey\.logs\.0\.metrics\.0/,
    );
    bad('{name: x, match: a, colour: red}', /^p\.yml:5:\d+: .*unknown field "colour"/);
    assert.throws(
      () => logsConfigFromValue([{ path: '/x', metrics: [{ name: 'x', match: '(' }] }]),
      /osprey\.logs\.0\.metrics\.0\.match/,
    );
  });
});

describe('log collector', () => {
  test('starts at the end, counts appended lines, handles partial lines, histograms, gauges', async () => {
    const p = fresh();
    writeFileSync(p, 'ERROR old line before start\n');
    const c = await collector(p);
    appendFileSync(
      p,
      'ERROR db connection lost\nINFO fine\nERROR db again\nERROR api broke\nreq took 0.05s\nreq took 0.5',
    );
    let f = await view(c);
    assert.equal(seriesValue(f, 'app_errors_total', '{component="db"}'), 2);
    assert.equal(seriesValue(f, 'app_errors_total', '{component="api"}'), 1);
    assert.equal(f.get('app_errors_total')!.series.has('{component="old"}'), false);
    assert.equal(seriesValue(f, 'app_latency_seconds', 'app_latency_seconds_count{}'), 1, 'the unfinished line waits');
    appendFileSync(p, '1s\nqueue=7\nqueue=3\n');
    f = await view(c);
    assert.equal(seriesValue(f, 'app_latency_seconds', 'app_latency_seconds_count{}'), 2);
    assert.equal(seriesValue(f, 'app_latency_seconds', 'app_latency_seconds_bucket{le="0.1"}'), 1);
    assert.equal(seriesValue(f, 'app_latency_seconds', 'app_latency_seconds_bucket{le="1.0"}'), 2);
    assert.equal(seriesValue(f, 'app_latency_seconds', 'app_latency_seconds_bucket{le="+Inf"}'), 2);
    assert.equal(seriesValue(f, 'app_latency_seconds', 'app_latency_seconds_sum{}'), 0.56);
    assert.equal(seriesValue(f, 'app_queue_length'), 3);
    assert.equal(seriesValue(f, 'osprey_log_lines_read_total', `{file="${p}"}`), 8);
    assert.equal(seriesValue(f, 'osprey_log_lines_matched_total', `{file="${p}"}`), 7);
    await c.stop();
  });

  test('follows rotation by rename and a new file, without losing the old file tail', async () => {
    const p = fresh();
    writeFileSync(p, '');
    const c = await collector(p);
    appendFileSync(p, 'ERROR a\n');
    await c.poll();
    appendFileSync(p, 'ERROR a\n');
    renameSync(p, `${p}.1`);
    writeFileSync(p, 'ERROR a\nERROR a\nERROR a\n');
    const f = await view(c);
    assert.equal(seriesValue(f, 'app_errors_total', '{component="a"}'), 5);
    appendFileSync(p, 'ERROR a\n');
    assert.equal(seriesValue(await view(c), 'app_errors_total', '{component="a"}'), 6);
    await c.stop();
  });

  test('a glob that also matches the rotated name does not count lines twice', async () => {
    const d = fresh();
    mkdirSync(d);
    const p = join(d, 'app.log');
    writeFileSync(p, '');
    const c = await collector(join(d, 'app.log*'));
    appendFileSync(p, 'ERROR a\nERROR a\n');
    await c.poll();
    renameSync(p, `${p}.1`);
    writeFileSync(p, 'ERROR a\n');
    assert.equal(seriesValue(await view(c), 'app_errors_total', '{component="a"}'), 3);
    await c.stop();
  });

  test('follows truncation (copytruncate) and files that appear later', async () => {
    const p = fresh();
    const c = await collector(p);
    writeFileSync(p, 'ERROR a\nERROR a\n');
    assert.equal(
      seriesValue(await view(c), 'app_errors_total', '{component="a"}'),
      2,
      'a file created later is read from its start',
    );
    truncateSync(p, 0);
    appendFileSync(p, 'ERROR b\n');
    const f = await view(c);
    assert.equal(seriesValue(f, 'app_errors_total', '{component="b"}'), 1);
    assert.equal(seriesValue(f, 'app_errors_total', '{component="a"}'), 2);
    await c.stop();
  });

  test('bounds label cardinality and counts what it drops; bad values and huge lines are counted, not fatal', async () => {
    const p = fresh();
    writeFileSync(p, '');
    const c = await collector(p, 'max_line_bytes: 100');
    appendFileSync(
      p,
      `ERROR a\nERROR b\nERROR c\nERROR c\nqueue=x\n${'y'.repeat(500)}\n\u0000\u00ff binary\nERROR a\n`,
    );
    const f = await view(c);
    assert.equal(f.get('app_errors_total')!.series.size, 2);
    assert.equal(seriesValue(f, 'app_errors_total', '{component="a"}'), 2);
    assert.equal(seriesValue(f, 'osprey_log_lines_dropped_total', `{file="${p}", reason="series_limit"}`), 2);
    assert.equal(seriesValue(f, 'osprey_log_lines_dropped_total', `{file="${p}", reason="line_too_long"}`), 1);
    assert.equal(seriesValue(f, 'osprey_log_lines_read_total', `{file="${p}"}`), 8);
    await c.stop();
  });

  test('from_beginning reads existing content; positions survive a restart without recounting or skipping', async () => {
    const p = fresh();
    const pos = `${p}.positions`;
    writeFileSync(p, 'ERROR a\nERROR a\n');
    const c1 = await collector(p, 'from_beginning: true', pos);
    assert.equal(seriesValue(await view(c1), 'app_errors_total', '{component="a"}'), 2);
    appendFileSync(p, 'ERROR a\nERROR b');
    await c1.stop();
    appendFileSync(p, '\nERROR b\n');
    const c2 = await collector(p, 'from_beginning: true', pos);
    const f = await view(c2);
    assert.equal(
      f.get('app_errors_total')!.series.has('{component="a"}'),
      false,
      'lines read before the restart are not recounted',
    );
    assert.equal(seriesValue(f, 'app_errors_total', '{component="b"}'), 2, 'the unfinished line is read again in full');
    await c2.stop();
  });

  test('directories matching the glob and missing directories are skipped, never fatal', async () => {
    const d = fresh();
    mkdirSync(join(d, 'sub.log'), { recursive: true });
    const errors: string[] = [];
    const cfg = [
      ...parseLogsConfig(yamlFor(join(d, '*.log'))),
      ...parseLogsConfig(yamlFor(join(d, 'missing', '*.log'))),
    ];
    const c = new LogCollector(cfg, { pollIntervalMs: 0, onError: (f) => errors.push(f) });
    await c.start();
    writeFileSync(join(d, 'x.log'), 'ERROR a\n');
    const f = viewFamilies(await c.collect());
    await c.stop();
    assert.equal(seriesValue(f, 'app_errors_total', '{component="a"}'), 1);
    assert.deepEqual(errors, []);
  });
});
