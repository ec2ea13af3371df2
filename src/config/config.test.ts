import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { after, describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import fc from 'fast-check';
import { formatDuration } from '../model/index.ts';
import {
  ConfigError,
  checkConfigFiles,
  configToYaml,
  expandEnv,
  formatSize,
  globMatch,
  goQuote,
  loadPrometheusConfigFile,
  parseFileSD,
  parsePrometheusConfig,
  parseSize,
  redactedConfig,
} from './index.ts';

const parse = (text: string, opts: Parameters<typeof parsePrometheusConfig>[2] = {}) =>
  parsePrometheusConfig(text, 'prometheus.yml', { env: {}, ...opts });

function errorOf(fn: () => unknown): ConfigError {
  try {
    fn();
  } catch (e) {
    assert.ok(e instanceof ConfigError, `expected ConfigError, got ${String(e)}`);
    return e;
  }
  assert.fail('expected a ConfigError');
}

const HERE = dirname(fileURLToPath(import.meta.url));
const tmp = mkdtempSync(join(tmpdir(), 'osprey-config-'));
after(() => rmSync(tmp, { recursive: true, force: true }));

describe('defaults', () => {
  test('an empty file gets Prometheus 3 defaults', () => {
    const c = parse('');
    assert.equal(c.global.scrape_interval, 60_000);
    assert.equal(c.global.scrape_timeout, 10_000);
    assert.equal(c.global.evaluation_interval, 60_000);
    assert.equal(c.global.rule_query_offset, 0);
    assert.equal(c.global.metric_name_validation_scheme, 'utf8');
    assert.deepEqual(c.global.scrape_protocols, [
      'OpenMetricsText1.0.0',
      'OpenMetricsText0.0.1',
      'PrometheusText1.0.0',
      'PrometheusText0.0.4',
    ]);
    assert.deepEqual(c.scrape_configs, []);
    assert.deepEqual(c.alerting, { alert_relabel_configs: [], alertmanagers: [] });
  });

  test('a scrape config inherits global settings and gets the documented defaults', () => {
    const c = parse(`
global:
  scrape_interval: 30s
  sample_limit: 500
  body_size_limit: 10MB
scrape_configs:
  - job_name: node
    static_configs: [{targets: ['a:9100']}]
`);
    const sc = c.scrape_configs[0];
    assert.equal(sc.scrape_interval, 30_000);
    assert.equal(sc.scrape_timeout, 10_000);
    assert.equal(sc.metrics_path, '/metrics');
    assert.equal(sc.scheme, 'http');
    assert.equal(sc.honor_timestamps, true);
    assert.equal(sc.honor_labels, false);
    assert.equal(sc.enable_compression, true);
    assert.equal(sc.follow_redirects, true);
    assert.equal(sc.enable_http2, true);
    assert.equal(sc.sample_limit, 500);
    assert.equal(sc.body_size_limit, 10 * 1024 * 1024);
    assert.deepEqual(sc.static_configs, [{ targets: ['a:9100'], labels: {} }]);
  });

  test('default scrape_timeout is min(global timeout, interval)', () => {
    const c = parse(
      'scrape_configs:\n  - job_name: fast\n    scrape_interval: 5s\n  - job_name: slow\n    scrape_interval: 2m\n',
    );
    assert.equal(c.scrape_configs[0].scrape_timeout, 5_000);
    assert.equal(c.scrape_configs[1].scrape_timeout, 10_000);
  });

  test('relabel defaults and action case-insensitivity', () => {
    const c = parse(
      'scrape_configs:\n  - job_name: a\n    relabel_configs:\n      - target_label: x\n      - action: Drop\n',
    );
    assert.deepEqual(c.scrape_configs[0].relabel_configs[0], {
      source_labels: [],
      separator: ';',
      regex: '(.*)',
      modulus: 0,
      target_label: 'x',
      replacement: '$1',
      action: 'replace',
    });
    assert.equal(c.scrape_configs[0].relabel_configs[1].action, 'drop');
  });

  test('remote_write queue defaults are Prometheus 3 ones', () => {
    const rw = parse('remote_write:\n  - url: http://x/api/v1/write\n').remote_write[0];
    assert.deepEqual(rw.queue_config, {
      capacity: 10000,
      max_shards: 50,
      min_shards: 1,
      max_samples_per_send: 2000,
      batch_send_deadline: 5000,
      min_backoff: 30,
      max_backoff: 5000,
      retry_on_http_429: false,
      sample_age_limit: 0,
    });
    assert.equal(rw.remote_timeout, 30_000);
    assert.equal(rw.protobuf_message, 'prometheus.WriteRequest');
  });

  test('legacy bearer_token is folded into authorization', () => {
    const sc = parse('scrape_configs:\n  - job_name: a\n    bearer_token: abc\n').scrape_configs[0];
    assert.deepEqual(sc.authorization, { type: 'Bearer', credentials: 'abc' });
  });

  test('relative file paths resolve against the config folder', () => {
    const c = parse(
      'rule_files: [rules/*.yml]\nscrape_configs:\n  - job_name: a\n    tls_config: {ca_file: ca.pem}\n    file_sd_configs: [{files: [sd/*.json]}]\n',
      { baseDir: '/etc/osprey' },
    );
    assert.deepEqual(c.rule_files, ['/etc/osprey/rules/*.yml']);
    assert.equal(c.scrape_configs[0].tls_config.ca_file, '/etc/osprey/ca.pem');
    assert.deepEqual(c.scrape_configs[0].file_sd_configs, [
      { files: ['/etc/osprey/sd/*.json'], refresh_interval: 300_000 },
    ]);
  });

  test('osprey: is an optional free-form section', () => {
    assert.equal(parse('').osprey, undefined);
    assert.deepEqual(parse('osprey:\n  ui: {title: x}\n').osprey, { ui: { title: 'x' } });
  });
});

describe('YAML scalars read like Go yaml.v2', () => {
  test('plain numbers and booleans keep their text in string fields', () => {
    const c = parse(`
scrape_configs:
  - job_name: a
    honor_labels: yes
    static_configs:
      - targets: [a]
        labels: {version: 1.10, zip: 0123, enabled: yes, hex: 0x1F, quoted: "1.10", empty: }
    relabel_configs:
      - {regex: 1, target_label: t}
osprey:
  retries: 3
  ratio: 1.5
`);
    const sc = c.scrape_configs[0];
    assert.equal(sc.honor_labels, true);
    assert.deepEqual(sc.static_configs[0].labels, {
      version: '1.10',
      zip: '0123',
      enabled: 'yes',
      hex: '0x1F',
      quoted: '1.10',
      empty: '',
    });
    assert.equal(sc.relabel_configs[0].regex, '1');
    assert.deepEqual(c.osprey, { retries: 3, ratio: 1.5 });
  });

  test('anchors, aliases and merge keys', () => {
    const c = parse(`
scrape_configs:
  - &base
    job_name: a
    scrape_interval: 30s
    metrics_path: /m
  - <<: *base
    job_name: b
`);
    assert.deepEqual(
      c.scrape_configs.map((s) => [s.job_name, s.scrape_interval, s.metrics_path]),
      [
        ['a', 30_000, '/m'],
        ['b', 30_000, '/m'],
      ],
    );
  });
});

describe('errors', () => {
  const userFile = `global:
  scrape_interval: 15s

scrape_configs:
  - job_name: node
    scrape_interval: 1.5h
    static_configs:
      - targets: ['localhost:9100']
    relabel_config:
      - source_labels: [a]
`;

  test('file:line:col for a bad duration and a typo, all issues listed', () => {
    const e = errorOf(() => parse(userFile));
    assert.equal(
      e.message,
      'prometheus.yml:6:22: scrape_configs.0.scrape_interval: not a valid duration string: "1.5h"',
    );
    assert.equal(e.file, 'prometheus.yml');
    assert.equal(e.line, 6);
    assert.equal(e.col, 22);
    assert.equal(e.path, 'scrape_configs.0.scrape_interval');
    assert.equal(e.issues.length, 2);
    assert.match(
      e.issues[1],
      /^prometheus\.yml:9:5: scrape_configs\.0\.relabel_config: unknown field "relabel_config"/,
    );
  });

  test('YAML syntax errors carry line and column', () => {
    const e = errorOf(() => parse('global:\n\tscrape_interval: 1m\n'));
    assert.equal(e.line, 2);
    assert.match(e.message, /^prometheus\.yml:2:1: yaml: /);
  });

  test('wrong types read like Go yaml errors', () => {
    const e = errorOf(() => parse('scrape_configs:\n  - job_name: a\n    honor_labels: "yes"\n'));
    assert.equal(
      e.message,
      'prometheus.yml:3:19: scrape_configs.0.honor_labels: unmarshal errors: cannot unmarshal !!str into bool',
    );
  });

  test('duplicate keys and job names', () => {
    assert.match(
      errorOf(() => parse('global: {}\nglobal: {}\n')).message,
      /^prometheus\.yml:2:1: .*already set in type/,
    );
    const e = errorOf(() => parse('scrape_configs:\n  - job_name: a\n  - job_name: a\n'));
    assert.equal(
      e.message,
      'prometheus.yml:3:15: scrape_configs.1.job_name: found multiple scrape configs with job name "a"',
    );
  });

  test('scrape_timeout greater than scrape_interval', () => {
    const e = errorOf(() =>
      parse('scrape_configs:\n  - job_name: a\n    scrape_interval: 5s\n    scrape_timeout: 6s\n'),
    );
    assert.match(
      e.message,
      /:4:21: .*scrape timeout greater than scrape interval for scrape config with job name "a"$/,
    );
  });

  test('relabel rules are validated like Prometheus', () => {
    const cases: [string, RegExp][] = [
      ['- {action: replace, source_labels: [a]}', /requires 'target_label' value/],
      ['- {action: foo}', /unknown relabel action "foo"/],
      ['- {action: labeldrop, source_labels: [a], regex: x}', /labeldrop action requires only 'regex'/],
      ['- {action: hashmod, target_label: t}', /hashmod requires non-zero modulus/],
      ['- {regex: "a(b", target_label: t}', /error parsing regexp: missing closing \)/],
      ['- {target_label: ""}', /requires 'target_label' value/],
    ];
    for (const [rule, re] of cases) {
      const e = errorOf(() => parse(`scrape_configs:\n  - job_name: a\n    relabel_configs:\n      ${rule}\n`));
      assert.match(e.message, re, rule);
    }
    const legacy = errorOf(() =>
      parse(
        'global: {metric_name_validation_scheme: legacy}\nscrape_configs:\n  - job_name: a\n    relabel_configs:\n      - {target_label: "a.b"}\n',
      ),
    );
    assert.match(legacy.message, /"a\.b" is invalid 'target_label' for replace action/);
  });

  test('mutually exclusive auth settings use Prometheus messages', () => {
    const e = errorOf(() =>
      parse(
        'scrape_configs:\n  - job_name: a\n    basic_auth: {username: u, password: p}\n    authorization: {credentials: c}\n',
      ),
    );
    assert.match(e.message, /at most one of basic_auth, oauth2 & authorization must be configured/);
  });

  test('http_headers may not set reserved headers', () => {
    const e = errorOf(() =>
      parse('scrape_configs:\n  - job_name: a\n    http_headers:\n      authorization: {values: [x]}\n'),
    );
    assert.equal(
      e.message,
      'prometheus.yml:4:7: scrape_configs.0.http_headers.authorization: setting header "Authorization" is not allowed',
    );
    assert.equal(
      parse('scrape_configs:\n  - job_name: a\n    http_headers: {X-Team: {values: [a]}}\n').scrape_configs[0]
        .http_headers?.['X-Team'].values?.[0],
      'a',
    );
  });

  test('sizes need a unit', () => {
    const e = errorOf(() => parse('global:\n  body_size_limit: 100\n'));
    assert.equal(e.message, 'prometheus.yml:2:20: global.body_size_limit: units: unknown unit  in 100');
  });

  test('agent mode rejects rule_files', () => {
    assert.match(
      errorOf(() => parse('rule_files: [a.yml]\n', { agent: true })).message,
      /field rule_files is not allowed in agent mode/,
    );
    assert.deepEqual(parse('rule_files: [a.yml]\n', { baseDir: '' }).rule_files, ['a.yml']);
  });
});

describe('external labels', () => {
  test('braced and plain $VAR expand from the given environment, $$ is a dollar', () => {
    const c = parse(
      // biome-ignore lint/suspicious/noTemplateCurlyInString: ${VAR} is literal config text here
      'global:\n  external_labels:\n    a: ${REGION}\n    b: x-$REGION-y\n    c: $${REGION}\n    d: ${UNSET}z\n',
      {
        env: { REGION: 'eu1' },
      },
    );
    // biome-ignore lint/suspicious/noTemplateCurlyInString: the escaped reference stays literal
    assert.deepEqual(c.global.external_labels, { a: 'eu1', b: 'x-eu1-y', c: '${REGION}', d: 'z' });
  });

  test('expandEnv follows os.Expand edge cases', () => {
    assert.equal(expandEnv('a$', {}), 'a$');
    // biome-ignore lint/suspicious/noTemplateCurlyInString: os.Expand input
    assert.equal(expandEnv('a${}b', {}), 'ab');
    assert.equal(expandEnv('$ x', {}), '$ x');
    // biome-ignore lint/suspicious/noTemplateCurlyInString: os.Expand input
    assert.equal(expandEnv('${A}${B}', { A: '1', B: '2' }), '12');
  });
});

describe('printing', () => {
  const withSecrets = `
scrape_configs:
  - job_name: a
    basic_auth: {username: u, password: topsecret1}
    http_headers:
      X-Key: {secrets: [topsecret2]}
  - job_name: b
    bearer_token: topsecret3
    oauth2: {client_id: id, client_secret: topsecret4, token_url: http://x/token}
    consul_sd_configs:
      - server: localhost:8500
        token: topsecret5
remote_write:
  - url: http://x/write
    authorization: {credentials: topsecret6}
`;

  test('secrets are redacted in YAML and in the object form', () => {
    // bearer_token + oauth2 together is an error; print each part separately.
    const text = withSecrets.replace('    bearer_token: topsecret3\n', '');
    const y = configToYaml(parse(text));
    assert.ok(!/topsecret/.test(y), y);
    assert.equal(y.split('<secret>').length - 1, 5);
    const obj = redactedConfig(parse('scrape_configs:\n  - job_name: b\n    bearer_token: topsecret3\n'));
    assert.ok(!JSON.stringify(obj).includes('topsecret'));
    assert.match(JSON.stringify(obj), /"credentials":"<secret>"/);
  });

  test('values equal to the default are left out, others survive a round trip', () => {
    const c = parse(`
global: {scrape_native_histograms: true, sample_limit: 100}
scrape_configs:
  - job_name: a
    scrape_native_histograms: false
    honor_timestamps: false
    enable_compression: false
    follow_redirects: false
remote_read:
  - {url: http://x/read, filter_external_labels: false}
`);
    const y = configToYaml(c);
    assert.doesNotMatch(y, /honor_labels|insecure_skip_verify|modulus/);
    assert.deepEqual(parse(y), c);
  });

  test('durations and sizes print in Prometheus notation and round-trip', () => {
    const c = parse(`
global:
  scrape_interval: 90s
  evaluation_interval: 1h30m
  body_size_limit: 1536KB
scrape_configs:
  - job_name: a
    scrape_interval: 2w
    scrape_timeout: 1d1ms
`);
    const y = configToYaml(c);
    assert.match(y, /scrape_interval: 1m30s/);
    assert.match(y, /evaluation_interval: 1h30m/);
    assert.match(y, /body_size_limit: 1MiB512KiB/);
    assert.match(y, /scrape_interval: 2w/);
    assert.match(y, /scrape_timeout: 1d1ms/);
    const again = parse(y);
    assert.deepEqual(again, c);
  });
});

describe('scrape_config_files', () => {
  test('globbed files are merged, their paths resolve against their own folder', () => {
    const dir = join(tmp, 'merge');
    mkdirSync(join(dir, 'jobs'), { recursive: true });
    writeFileSync(join(dir, 'jobs', 'a.yml'), 'scrape_configs:\n  - job_name: a\n    tls_config: {ca_file: ca.pem}\n');
    writeFileSync(join(dir, 'jobs', 'b.yml'), 'scrape_configs:\n  - job_name: b\n');
    writeFileSync(join(dir, 'jobs', 'ignored.txt'), 'not yaml: [');
    writeFileSync(
      join(dir, 'prometheus.yml'),
      'global: {scrape_interval: 20s}\nscrape_config_files: [jobs/*.yml]\nscrape_configs:\n  - job_name: main\n',
    );
    const c = loadPrometheusConfigFile(join(dir, 'prometheus.yml'));
    assert.deepEqual(
      c.scrape_configs.map((s) => [s.job_name, s.scrape_interval]),
      [
        ['main', 20_000],
        ['a', 20_000],
        ['b', 20_000],
      ],
    );
    assert.equal(c.scrape_configs[1].tls_config.ca_file, join(dir, 'jobs', 'ca.pem'));
    assert.equal(c.source_file, join(dir, 'prometheus.yml'));
  });

  test('a duplicate job in an included file is reported at that file', () => {
    const dir = join(tmp, 'dup');
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'more.yml'), 'scrape_configs:\n  - job_name: main\n');
    writeFileSync(
      join(dir, 'prometheus.yml'),
      'scrape_config_files: [more.yml]\nscrape_configs:\n  - job_name: main\n',
    );
    const e = errorOf(() => loadPrometheusConfigFile(join(dir, 'prometheus.yml')));
    assert.equal(
      e.message,
      `${join(dir, 'more.yml')}:2:15: scrape_configs.0.job_name: found multiple scrape configs with job name "main"`,
    );
  });
});

describe('file_sd', () => {
  test('JSON and YAML target groups', () => {
    const json = parseFileSD('[{"targets":["a:1"],"labels":{"env":"prod"}},{"targets":["b:2"]}]', 'sd/x.json');
    assert.deepEqual(json, [
      { targets: ['a:1'], labels: { env: 'prod' }, source: 'sd/x.json:0' },
      { targets: ['b:2'], labels: {}, source: 'sd/x.json:1' },
    ]);
    const yml = parseFileSD('- targets: [a:1]\n  labels: {env: prod}\n- targets: [b:2]\n', 'x.yml');
    assert.deepEqual(
      yml.map((g) => g.targets),
      [['a:1'], ['b:2']],
    );
  });

  test('null groups, bad labels and unknown fields are rejected', () => {
    assert.throws(() => parseFileSD('[null]', 'x.json'), /nil target group item found \(index 0\)/);
    assert.throws(() => parseFileSD('- null\n', 'x.yaml'), /nil target group item found \(index 0\)/);
    assert.throws(() => parseFileSD('- targets: [a]\n  labelz: {}\n', 'x.yml'), /x\.yml:2:3: .*unknown field "labelz"/);
    assert.throws(() => parseFileSD('[{"targets":["a"],"labels":{"":"x"}}]', 'x.json'), /"" is not a valid label name/);
    assert.throws(() => parseFileSD('[]', 'x.txt'), /unsupported file extension/);
  });
});

describe('check config', () => {
  test('promtool-like output for good and bad files', () => {
    const good = join(tmp, 'good.yml');
    const bad = join(tmp, 'bad.yml');
    writeFileSync(good, 'scrape_configs:\n  - job_name: a\n');
    writeFileSync(bad, 'scrape_configs:\n  - job_name: a\n    scrape_interval: 1.5h\n');
    const r = checkConfigFiles([good, bad]);
    assert.equal(r.ok, false);
    assert.deepEqual(r.output.slice(0, 3), [
      `Checking ${good}`,
      ` SUCCESS: ${good} is valid prometheus config file syntax`,
      '',
    ]);
    assert.equal(r.output[3], `Checking ${bad}`);
    assert.equal(
      r.output[4],
      `  FAILED: ${bad}:3:22: scrape_configs.0.scrape_interval: not a valid duration string: "1.5h"`,
    );
    assert.equal(checkConfigFiles([good]).ok, true);
  });

  test('referenced files must exist unless syntax only', () => {
    const f = join(tmp, 'refs.yml');
    writeFileSync(f, 'rule_files: [missing.rules]\n');
    const r = checkConfigFiles([f]);
    assert.equal(r.ok, false);
    assert.ok(
      r.output.includes(`  FAILED: ${JSON.stringify(join(tmp, 'missing.rules'))} does not point to an existing file`),
    );
    assert.equal(checkConfigFiles([f], { syntaxOnly: true }).ok, true);
    assert.equal(checkConfigFiles([join(tmp, 'nope.yml')]).ok, false);
  });

  test('file_sd files: missing ones warn, broken ones fail', () => {
    const dir = join(tmp, 'sdcheck');
    mkdirSync(join(dir, 'sd'), { recursive: true });
    const f = join(dir, 'p.yml');
    writeFileSync(f, 'scrape_configs:\n  - job_name: a\n    file_sd_configs: [{files: [sd/*.json, missing.yml]}]\n');
    writeFileSync(join(dir, 'sd', 'ok.json'), '[{"targets": ["a:1"]}]');
    const good = checkConfigFiles([f]);
    assert.equal(good.ok, true);
    assert.ok(
      good.output.includes(
        `  WARNING: file ${JSON.stringify(join(dir, 'missing.yml'))} for file_sd in scrape job "a" does not exist`,
      ),
    );
    writeFileSync(join(dir, 'sd', 'bad.json'), '[null]');
    const bad = checkConfigFiles([f]);
    assert.equal(bad.ok, false);
    assert.match(
      bad.output.join('\n'),
      /FAILED: checking SD file ".*sd\/\*\.json": .*nil target group item found \(index 0\)/,
    );
  });
});

describe('docs', () => {
  test('the example in docs/configuration.md loads', () => {
    const md = readFileSync(join(HERE, '../../docs/configuration.md'), 'utf8');
    const example = /```yaml\n([\s\S]*?)```/.exec(md)?.[1];
    assert.ok(example, 'docs/configuration.md has a yaml example');
    const c = parse(example, { env: { REGION: 'eu1' } });
    assert.equal(c.global.external_labels.region, 'eu1');
    assert.deepEqual(
      c.scrape_configs.map((s) => s.job_name),
      ['osprey', 'node'],
    );
    assert.equal(c.scrape_configs[1].body_size_limit, 50 * 1024 * 1024);
  });
});

describe('helpers', () => {
  test('sizes are base 1024', () => {
    assert.equal(parseSize('100MB'), 100 * 1024 * 1024);
    assert.equal(parseSize('1KiB512B'), 1536);
    assert.equal(parseSize('1.5GB'), 1.5 * 1024 ** 3);
    assert.equal(parseSize('0'), 0);
    assert.equal(parseSize('-1GB'), -(1024 ** 3));
    assert.throws(() => parseSize('100'), /units: unknown unit {2}in 100/);
    assert.throws(() => parseSize('1XB'), /unknown unit XB in 1XB/);
    assert.equal(formatSize(15 * 1024 * 1024), '15MiB');
    assert.equal(formatSize(1536), '1KiB512B');
    assert.equal(formatSize(0), '0B');
  });

  test('property: sizes and durations survive printing and loading', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 2 ** 50 }), (n) => parseSize(formatSize(n)) === n),
      { numRuns: 300 },
    );
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 10 * 365 * 24 * 3600 * 1000 }), (ms) => {
        const c = parse(`global:\n  scrape_interval: ${formatDuration(ms)}\n  scrape_timeout: 1ms\n`);
        return c.global.scrape_interval === ms && parse(configToYaml(c)).global.scrape_interval === ms;
      }),
      { numRuns: 100 },
    );
  });

  test('glob matching like filepath.Match', () => {
    assert.ok(globMatch('*.yml', 'a.yml'));
    assert.ok(!globMatch('*.yml', 'a.yaml'));
    assert.ok(globMatch('a?c', 'abc'));
    assert.ok(globMatch('[a-c]x', 'bx'));
    assert.ok(!globMatch('[^a-c]x', 'bx'));
    assert.ok(globMatch('\\*', '*'));
    assert.throws(() => globMatch('[a', 'b'));
  });

  test('goQuote prints invalid bytes as \\x escapes', () => {
    assert.equal(goQuote('a"b\n'), '"a\\"b\\n"');
    assert.equal(goQuote(String.fromCharCode(0xdcff)), '"\\xff"');
  });
});
