import assert from 'node:assert/strict';
import { test } from 'node:test';
import { compileRelabelConfigs } from './relabel.ts';
import { populateLabels, Target } from './target.ts';
import { relabelConfig as rc, scrapeConfig } from './test-helpers.ts';

test('populateLabels adds the scrape config defaults and instance', () => {
  const cfg = scrapeConfig({
    job_name: 'node',
    scrape_interval: 15_000,
    scrape_timeout: 5_000,
    params: { x: ['1', '2'] },
  });
  const r = populateLabels({ __address__: 'h:9100' }, { env: 'prod', __meta_foo: 'bar' }, cfg, []);
  assert.equal(r.error, undefined);
  assert.deepEqual(r.discovered.toObject(), {
    __address__: 'h:9100',
    __meta_foo: 'bar',
    __metrics_path__: '/metrics',
    __param_x: '1',
    __scheme__: 'http',
    __scrape_interval__: '15s',
    __scrape_timeout__: '5s',
    env: 'prod',
    job: 'node',
  });
  assert.deepEqual(r.labels!.toObject(), {
    __address__: 'h:9100',
    __metrics_path__: '/metrics',
    __param_x: '1',
    __scheme__: 'http',
    __scrape_interval__: '15s',
    __scrape_timeout__: '5s',
    env: 'prod',
    instance: 'h:9100',
    job: 'node',
  });
  const t = new Target(r.labels!, r.discovered, 'node', cfg.params);
  assert.deepEqual(t.labels.toObject(), { env: 'prod', instance: 'h:9100', job: 'node' });
  assert.equal(t.url, 'http://h:9100/metrics?x=1&x=2');
  assert.equal(t.intervalMs, 15_000);
  assert.equal(t.timeoutMs, 5_000);
});

test('populateLabels: target labels win over group labels, and no port is added', () => {
  const cfg = scrapeConfig({ job_name: 'j' });
  const r = populateLabels({ __address__: 'example.org', env: 'a' }, { env: 'b' }, cfg, []);
  assert.equal(r.labels!.get('env'), 'a');
  assert.equal(r.labels!.get('instance'), 'example.org');
  assert.equal(new Target(r.labels!, r.discovered, 'j', {}).url, 'http://example.org/metrics');
});

test('populateLabels: relabeling can change scheme, path, params and instance', () => {
  const cfg = scrapeConfig({
    job_name: 'blackbox',
    metrics_path: '/probe',
    params: { module: ['http_2xx'] },
  });
  const relabels = compileRelabelConfigs([
    rc({ source_labels: ['__address__'], target_label: '__param_target' }),
    rc({ source_labels: ['__param_target'], target_label: 'instance' }),
    rc({ target_label: '__address__', replacement: '127.0.0.1:9115' }),
    rc({ target_label: '__scheme__', replacement: 'https' }),
  ]);
  const r = populateLabels({ __address__: 'https://example.com/a b' }, {}, cfg, relabels);
  assert.equal(r.error, undefined);
  const t = new Target(r.labels!, r.discovered, 'blackbox', cfg.params);
  assert.equal(t.url, 'https://127.0.0.1:9115/probe?module=http_2xx&target=https%3A%2F%2Fexample.com%2Fa+b');
  assert.deepEqual(t.labels.toObject(), { instance: 'https://example.com/a b', job: 'blackbox' });
});

test('populateLabels: a target dropped by relabeling keeps its discovered labels', () => {
  const cfg = scrapeConfig({ job_name: 'j' });
  const relabels = compileRelabelConfigs([rc({ source_labels: ['env'], regex: 'prod', action: 'keep' })]);
  const r = populateLabels({ __address__: 'a:1' }, { env: 'dev' }, cfg, relabels);
  assert.equal(r.labels, null);
  assert.equal(r.error, undefined);
  assert.equal(r.discovered.get('env'), 'dev');
});

test('populateLabels: errors for missing address, bad address, bad durations', () => {
  const cfg = scrapeConfig({ job_name: 'j', scrape_interval: 10_000, scrape_timeout: 5_000 });
  const noAddr = compileRelabelConfigs([rc({ target_label: '__address__', replacement: '' })]);
  assert.equal(populateLabels({ __address__: 'a:1' }, {}, cfg, noAddr).error, 'no address');
  assert.equal(populateLabels({ __address__: 'a:1/x' }, {}, cfg, []).error, '"a:1/x" is not a valid hostname');
  const bigTimeout = compileRelabelConfigs([rc({ target_label: '__scrape_timeout__', replacement: '1m' })]);
  assert.equal(
    populateLabels({ __address__: 'a:1' }, {}, cfg, bigTimeout).error,
    'scrape timeout cannot be greater than scrape interval ("1m" > "10s")',
  );
  const zero = compileRelabelConfigs([rc({ target_label: '__scrape_interval__', replacement: '0s' })]);
  assert.equal(populateLabels({ __address__: 'a:1' }, {}, cfg, zero).error, 'scrape interval cannot be 0');
  const bad = compileRelabelConfigs([rc({ target_label: '__scrape_interval__', replacement: 'soon' })]);
  assert.match(populateLabels({ __address__: 'a:1' }, {}, cfg, bad).error!, /^error parsing scrape interval: /);
});

test('populateLabels: per-target scrape interval from relabeling', () => {
  const cfg = scrapeConfig({ job_name: 'j', scrape_interval: 60_000, scrape_timeout: 10_000 });
  const rel = compileRelabelConfigs([rc({ target_label: '__scrape_interval__', replacement: '30s' })]);
  const r = populateLabels({ __address__: 'a:1' }, {}, cfg, rel);
  const t = new Target(r.labels!, r.discovered, 'j', {});
  assert.equal(t.intervalMs, 30_000);
  assert.equal(t.timeoutMs, 10_000);
});
