/**
 * Upstream Prometheus config test data (../shared/conformance/prometheus-config): every good file loads,
 * every bad file is rejected with the expected text. Known differences: conformance-known-failures.tsv.
 */
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { after, describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import {
  ConfigError,
  checkConfigFiles,
  configToYaml,
  loadPrometheusConfigFile,
  parseFileSD,
  parsePrometheusConfig,
  parseTargetGroupYaml,
  redactedConfig,
} from './index.ts';

const HERE = dirname(fileURLToPath(import.meta.url));
const DIR = process.env.OSPREY_PROM_CONFIG_CONFORMANCE ?? join(HERE, '../../../shared/conformance/prometheus-config');
const PROMTOOL_DIR = join(DIR, '../promtool-unittest');

function readTSV(path: string): string[][] {
  return readFileSync(path, 'utf8')
    .split('\n')
    .slice(1)
    .filter((l) => l.trim() !== '')
    .map((l) => l.split('\t'));
}

const known = new Map<string, string>(
  readTSV(join(HERE, 'conformance-known-failures.tsv'))
    .filter((r) => !r[0].startsWith('#'))
    .map((r) => [r[0], r[1] ?? '']),
);

let ran = 0;
let passed = 0;
const failed: string[] = [];
const knownFailed: string[] = [];
const nowPassing: string[] = [];

/** Runs one case; a failure listed in the known-failures file is reported but does not fail the run. */
function check(name: string, fn: () => void): void {
  test(name, () => {
    ran++;
    try {
      fn();
    } catch (e) {
      if (known.has(name)) {
        knownFailed.push(`${name}: ${known.get(name)}`);
        return;
      }
      failed.push(name);
      throw e;
    }
    passed++;
    if (known.has(name)) nowPassing.push(name);
  });
}

function messageOf(e: unknown): string {
  if (e instanceof ConfigError) return e.issues.join('\n');
  return String((e as Error)?.message ?? e);
}

const UPSTREAM_PREFIX = /^parsing YAML file testdata\/[^:]+: /;

describe('prometheus-config conformance', { skip: !existsSync(DIR) && 'conformance data not found' }, () => {
  const files = existsSync(DIR) ? readdirSync(DIR) : [];
  const expectations = existsSync(DIR) ? readTSV(join(DIR, 'expected-errors.tsv')) : [];
  const expected = new Map<string, { subs: string[]; context: string }>();
  for (const [file, sub, context] of expectations) {
    const e = expected.get(file) ?? { subs: [], context: context ?? '' };
    if (sub) e.subs.push(sub.replace(UPSTREAM_PREFIX, ''));
    expected.set(file, e);
  }
  const extraGood = new Set([
    'otlp_empty.yml',
    'scrape_config_default_validation_mode.yml',
    'scrape_config_global_validation_mode.yml',
    'scrape_config_local_validation_mode.yml',
    'scrape_config_local_global_validation_mode.yml',
    'scrape_config_local_infer_escaping.yml',
  ]);
  const agentGood = new Set(['agent_mode.good.yml', 'agent_mode.without_remote_writes.yml']);

  for (const f of files.filter((f) => f.endsWith('.good.yml') || extraGood.has(f) || agentGood.has(f)).sort()) {
    check(f, () => {
      loadPrometheusConfigFile(join(DIR, f), { env: {}, agent: agentGood.has(f) });
    });
  }

  const bad = new Set([...files.filter((f) => f.endsWith('.bad.yml')), ...expected.keys()]);
  for (const f of [...bad].sort()) {
    const exp = expected.get(f) ?? { subs: [], context: '' };
    check(f, () => {
      let err: unknown;
      try {
        if (f === 'static_config.bad.yml') parseTargetGroupYaml(readFileSync(join(DIR, f), 'utf8'), f);
        else loadPrometheusConfigFile(join(DIR, f), { env: {}, agent: exp.context.includes('agent mode') });
      } catch (e) {
        err = e;
      }
      assert.ok(err instanceof ConfigError, `${f} must be rejected with a ConfigError, got ${String(err)}`);
      const msg = messageOf(err);
      assert.match(err.message, /^[^:]+:\d+:\d+: /, 'message starts with file:line:col');
      for (const sub of exp.subs) assert.ok(msg.includes(sub), `${f}: expected ${JSON.stringify(sub)} in:\n${msg}`);
    });
  }

  const sd = join(DIR, 'file_sd');
  for (const f of ['valid.json', 'valid.yml', 'valid2.yml', 'valid3.yml']) {
    check(`file_sd/${f}`, () => {
      const groups = parseFileSD(readFileSync(join(sd, f), 'utf8'), f);
      assert.ok(groups.length >= 2);
      for (const g of groups) assert.ok(g.targets.length > 0);
    });
  }
  check('file_sd/valid.yml == valid3.yml == valid.json', () => {
    const strip = (gs: ReturnType<typeof parseFileSD>) => gs.map(({ targets, labels }) => ({ targets, labels }));
    const a = strip(parseFileSD(readFileSync(join(sd, 'valid.yml'), 'utf8'), 'valid.yml'));
    assert.deepEqual(strip(parseFileSD(readFileSync(join(sd, 'valid3.yml'), 'utf8'), 'valid3.yml')), a);
    assert.deepEqual(strip(parseFileSD(readFileSync(join(sd, 'valid.json'), 'utf8'), 'valid.json')), a);
    assert.deepEqual(a, [
      { targets: ['localhost:9090', 'example.org:443'], labels: { foo: 'bar' } },
      { targets: ['my.domain'], labels: {} },
    ]);
  });
  for (const f of ['invalid_nil.json', 'invalid_nil.yml']) {
    check(`file_sd/${f}`, () => {
      assert.throws(() => parseFileSD(readFileSync(join(sd, f), 'utf8'), f), /nil target group item found \(index 1\)/);
    });
  }

  // Facts the upstream tests assert about loaded configs (README section 3).
  const load = (f: string, env: Record<string, string> = {}) => loadPrometheusConfigFile(join(DIR, f), { env });
  check('conf.good.yml: 29 secrets redacted, never mysecret', () => {
    const y = configToYaml(load('conf.good.yml'));
    assert.equal(y.split('<secret>').length - 1, 29);
    assert.ok(!y.includes('mysecret'));
  });
  check('external_labels.good.yml: env expansion', () => {
    assert.deepEqual(load('external_labels.good.yml').global.external_labels, {
      bar: 'foo',
      baz: 'foobar',
      foo: '',
      // biome-ignore lint/suspicious/noTemplateCurlyInString: $${TEST} expands to the literal text
      qux: 'foo${TEST}',
      xyz: 'foo$bar',
    });
    const withEnv = load('external_labels.good.yml', { TEST: 'TestValue' }).global.external_labels;
    assert.equal(withEnv.baz, 'fooTestValuebar');
    assert.equal(withEnv.foo, 'TestValue');
  });
  check('tsdb_retention_percentage_float.good.yml: 0.5', () => {
    const st = load('tsdb_retention_percentage_float.good.yml').storage as {
      tsdb: { retention: { percentage: number } };
    };
    assert.equal(st.tsdb.retention.percentage, 0.5);
  });
  check('tsdb_chunk_encoding_floats_xor(2).good.yml', () => {
    for (const [f, want] of [
      ['tsdb_chunk_encoding_floats_xor.good.yml', 'xor'],
      ['tsdb_chunk_encoding_floats_xor2.good.yml', 'xor2'],
    ]) {
      const st = load(f).storage as { tsdb: { chunk_encoding: { floats: string } } };
      assert.equal(st.tsdb.chunk_encoding.floats, want);
    }
  });
  check('remote_write_retry_on_rate_limit.good.yml survives marshalling', () => {
    const c = load('remote_write_retry_on_rate_limit.good.yml');
    const again = parsePrometheusConfig(configToYaml(c), 'again.yml', { env: {} });
    for (const cfg of [c, again])
      assert.deepEqual(
        cfg.remote_write.map((r) => r.queue_config.retry_on_http_429),
        [true, false],
      );
  });
  check('scrape_interval_larger.good.yml: timeout <= interval', () => {
    for (const sc of load('scrape_interval_larger.good.yml').scrape_configs)
      assert.ok(sc.scrape_timeout <= sc.scrape_interval, `${sc.scrape_timeout} > ${sc.scrape_interval}`);
  });
  check('conf.good.yml loads the same after marshalling (apart from secrets)', () => {
    const c = load('conf.good.yml');
    const again = parsePrometheusConfig(configToYaml(c), join(DIR, 'conf.good.yml'), { env: {} });
    assert.deepEqual(redactedConfig(again), redactedConfig(c));
  });
  check('roundtrip.good.yml loads the same after marshalling', () => {
    const c = load('roundtrip.good.yml');
    const again = parsePrometheusConfig(configToYaml(c), join(DIR, 'roundtrip.good.yml'), { env: {} });
    again.source_file = c.source_file;
    assert.deepEqual(redactedConfig(again), redactedConfig(c));
    assert.equal(configToYaml(again), configToYaml(c));
  });
});

/** `promtool check config` rows of promtool-unittest/expected-results.tsv (lint options are not ours). */
describe('promtool check config conformance', {
  skip: !existsSync(PROMTOOL_DIR) && 'conformance data not found',
}, () => {
  const rows = existsSync(PROMTOOL_DIR) ? readTSV(join(PROMTOOL_DIR, 'expected-results.tsv')) : [];
  // Upstream passed paths as testdata/<file>; we pass them relative to the working folder the same way.
  const rel = relative(process.cwd(), PROMTOOL_DIR) || '.';
  for (const [command, file, options, code, expectedError] of rows) {
    if (command !== 'check config' || (options && options !== '--syntax-only')) continue;
    const name = `check config ${file}${options ? ` ${options}` : ''}`;
    check(name, () => {
      const r = checkConfigFiles([join(rel, file)], { syntaxOnly: options === '--syntax-only' });
      assert.equal(r.ok ? '0' : '1', code, r.output.join('\n'));
      if (expectedError) {
        const want = expectedError.replaceAll('testdata/', `${rel}/`);
        // Our messages add `file:line:col: path: ` in front of the upstream text.
        const got = r.output
          .filter((l) => l.startsWith('  FAILED: '))
          .map((l) => l.slice('  FAILED: '.length).replace(/^[^:\s]+:\d+:\d+: (?:[\w.\-"]+: )?/, ''));
        assert.ok(got.includes(want), `expected ${JSON.stringify(want)} in ${JSON.stringify(got)}`);
      }
    });
  }
});

after(() => {
  console.log(
    `config conformance (prometheus-config + promtool check config): ran ${ran}, passed ${passed}, failed ${failed.length + knownFailed.length}`,
  );
  if (failed.length) console.log(`unexpected failures: ${failed.join(', ')}`);
  for (const k of knownFailed) console.log(`known failure: ${k}`);
  for (const k of nowPassing)
    console.log(`known failure now passes (remove from conformance-known-failures.tsv): ${k}`);
});
