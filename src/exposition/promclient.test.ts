import assert from 'node:assert/strict';
import { test } from 'node:test';
import client from 'prom-client';
import { formatFromContentType } from './index.ts';
import { parseAll } from './test-helpers.ts';

/** A registry as an app instrumented with prom-client has it: default metrics plus its own. */
function appRegistry(): client.Registry {
  const r = new client.Registry();
  client.collectDefaultMetrics({ register: r });
  const c = new client.Counter({
    name: 'app_requests_total',
    help: 'Requests "x" \\ y\nz',
    labelNames: ['path', 'code'],
    registers: [r],
  });
  c.inc({ path: '/a"b\\c\nd', code: '200' }, 3);
  c.inc({ path: '/ünï€ødé', code: '500' });
  const h = new client.Histogram({
    name: 'app_latency_seconds',
    help: 'Latency',
    labelNames: ['route'],
    buckets: [0.1, 1],
    registers: [r],
  });
  h.observe({ route: '/x' }, 0.5);
  const s = new client.Summary({ name: 'app_size_bytes', help: 'Sizes', labelNames: ['kind'], registers: [r] });
  s.observe({ kind: 'k' }, 10);
  return r;
}

function sampleLines(page: string): number {
  return page.split('\n').filter((l) => l !== '' && !l.startsWith('#')).length;
}

for (const om of [false, true]) {
  test(`parses prom-client register.metrics() (${om ? 'OpenMetrics' : 'text'})`, async () => {
    const r = appRegistry();
    if (om) r.setContentType(client.openMetricsContentType as never);
    const page = await r.metrics();
    const format = formatFromContentType(r.contentType);
    assert.equal(format, om ? 'openmetrics' : 'text');
    const { samples, types, help } = parseAll(page, format);
    assert.equal(samples.length, sampleLines(page));
    assert.ok(samples.length > 30, `only ${samples.length} samples`);

    const counterFamily = om ? 'app_requests' : 'app_requests_total';
    assert.equal(types[counterFamily], 'counter');
    assert.equal(help[counterFamily], 'Requests "x" \\ y\nz');
    const reqs = samples.filter((s) => s.labels.__name__ === 'app_requests_total');
    assert.deepEqual(
      reqs.map((s) => [s.labels.path, s.labels.code, s.value, s.type]),
      [
        ['/a"b\\c\nd', '200', 3, 'counter'],
        ['/ünï€ødé', '500', 1, 'counter'],
      ],
    );
    const buckets = samples.filter((s) => s.labels.__name__ === 'app_latency_seconds_bucket');
    assert.deepEqual(
      buckets.map((s) => [s.labels.le, s.value, s.type]),
      [
        // Prometheus 3 normalises le to the OpenMetrics float form in both formats.
        ['0.1', 0, 'histogram'],
        ['1.0', 1, 'histogram'],
        ['+Inf', 1, 'histogram'],
      ],
    );
    const quantiles = samples.filter((s) => s.labels.__name__ === 'app_size_bytes' && s.labels.quantile !== undefined);
    assert.equal(quantiles.length, 7);
    assert.ok(quantiles.every((q) => q.value === 10 && q.type === 'summary'));
    assert.equal(samples.find((s) => s.labels.__name__ === 'app_size_bytes_count')?.value, 1);
    for (const name of ['process_cpu_user_seconds_total', 'nodejs_heap_size_total_bytes', 'nodejs_version_info']) {
      assert.ok(
        samples.some((s) => s.labels.__name__ === name),
        `missing default metric ${name}`,
      );
    }
  });
}
