/**
 * Differential test against Debian's real promtool (2.42): user-style configs that both Prometheus 2.42
 * and 3.x agree on must be accepted or rejected by Osprey the same way (`check config --syntax-only`).
 * Debian's build leaves out some SD kinds (kubernetes, consul), so the cases avoid them.
 */
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { freePort } from '../testing/free-port.ts';
import { checkConfigFiles, parsePrometheusConfig } from './index.ts';

const PROMTOOL = '/usr/bin/promtool';

const VALID: Record<string, string> = {
  minimal: 'scrape_configs:\n  - job_name: a\n    static_configs: [{targets: ["localhost:9090"]}]\n',
  globals: `global:
  scrape_interval: 15s
  scrape_timeout: 5s
  evaluation_interval: 30s
  external_labels: {region: eu1, env: prod}
scrape_configs:
  - job_name: a
    scrape_interval: 1m30s
    metrics_path: /m
    scheme: https
    params: {module: [http_2xx]}
    honor_labels: true
    sample_limit: 1000
    body_size_limit: 10MB
`,
  relabel: `scrape_configs:
  - job_name: a
    relabel_configs:
      - {source_labels: [__address__], regex: '(.*):\\d+', target_label: host, replacement: '$1'}
      - {source_labels: [__meta_x], action: keep, regex: 'a|b'}
      - {action: hashmod, source_labels: [__address__], modulus: 4, target_label: __tmp_shard}
      - {action: labelmap, regex: '__meta_kubernetes_pod_label_(.+)'}
      - {action: labeldrop, regex: 'tmp_.*'}
      - {action: lowercase, source_labels: [job], target_label: job}
      - {action: keepequal, source_labels: [a], target_label: b}
    metric_relabel_configs:
      - {source_labels: [__name__], regex: 'go_.*', action: drop}
`,
  remote: `remote_write:
  - url: http://localhost:8428/api/v1/write
    name: vm
    queue_config: {capacity: 5000, max_shards: 10, max_samples_per_send: 1000}
    write_relabel_configs:
      - {source_labels: [__name__], regex: 'expensive.*', action: drop}
remote_read:
  - url: http://localhost:8428/api/v1/read
    read_recent: true
`,
  alerting: `alerting:
  alert_relabel_configs:
    - {action: labeldrop, regex: replica}
  alertmanagers:
    - scheme: http
      timeout: 5s
      static_configs: [{targets: ['localhost:9093']}]
rule_files: ['rules/*.yml']
`,
  sd: `scrape_configs:
  - job_name: files
    file_sd_configs: [{files: ['targets/*.json'], refresh_interval: 1m}]
  - job_name: dns
    dns_sd_configs: [{names: [_prometheus._tcp.example.com]}]
  - job_name: http
    http_sd_configs: [{url: 'http://localhost/sd'}]
`,
  auth: `scrape_configs:
  - job_name: basic
    basic_auth: {username: u, password: p}
  - job_name: bearer
    authorization: {credentials: t}
  - job_name: tls
    tls_config: {insecure_skip_verify: true, server_name: x}
  - job_name: oauth
    oauth2: {client_id: id, client_secret: s, token_url: 'http://localhost/token'}
`,
  anchors: `scrape_configs:
  - &base
    job_name: a
    scrape_interval: 30s
  - <<: *base
    job_name: b
`,
  empty: '',
};

const INVALID: Record<string, string> = {
  badDuration: 'scrape_configs:\n  - job_name: a\n    scrape_interval: 1.5h\n',
  unknownField: 'scrape_configs:\n  - job_name: a\n    relabel_config: []\n',
  unknownTop: 'scrape_config:\n  - job_name: a\n',
  timeoutAboveInterval: 'scrape_configs:\n  - job_name: a\n    scrape_interval: 5s\n    scrape_timeout: 6s\n',
  duplicateJob: 'scrape_configs:\n  - job_name: a\n  - job_name: a\n',
  badRegex: 'scrape_configs:\n  - job_name: a\n    relabel_configs: [{regex: "a(b", target_label: x}]\n',
  hashmodNoModulus: 'scrape_configs:\n  - job_name: a\n    relabel_configs: [{action: hashmod, target_label: x}]\n',
  labeldropExtra: 'scrape_configs:\n  - job_name: a\n    relabel_configs: [{action: labeldrop, source_labels: [a]}]\n',
  unknownAction: 'scrape_configs:\n  - job_name: a\n    relabel_configs: [{action: rename}]\n',
  bearerAndBasic: 'scrape_configs:\n  - job_name: a\n    bearer_token: x\n    basic_auth: {username: u}\n',
  slashTarget: 'scrape_configs:\n  - job_name: a\n    static_configs: [{targets: ["http://x:80"]}]\n',
  remoteWriteNoURL: 'remote_write:\n  - name: x\n',
  duplicateKey: 'global: {}\nglobal: {}\n',
  syntax: 'scrape_configs:\n  - job_name: [a\n',
  sizeNoUnit: 'global:\n  body_size_limit: 100\n',
  httpSDScheme: 'scrape_configs:\n  - job_name: a\n    http_sd_configs: [{url: "ftp://x"}]\n',
  quotedBool: 'scrape_configs:\n  - job_name: a\n    honor_labels: "true"\n',
  emptyJob: 'scrape_configs:\n  - job_name: ""\n',
  nullScrape: 'scrape_configs:\n  -\n',
  dnsNoNames: 'scrape_configs:\n  - job_name: a\n    dns_sd_configs: [{port: 80}]\n',
  ruleGlob: 'rule_files: ["a/*/b.yml"]\n',
};

describe('check config agrees with promtool', { skip: !existsSync(PROMTOOL) && 'promtool not installed' }, () => {
  const dir = mkdtempSync(join(tmpdir(), 'osprey-promtool-'));
  after(() => rmSync(dir, { recursive: true, force: true }));

  const cases = [
    ...Object.entries(VALID).map(([n, t]) => [n, t, true] as const),
    ...Object.entries(INVALID).map(([n, t]) => [n, t, false] as const),
  ];
  for (const [name, text, valid] of cases) {
    test(`${valid ? 'accepts' : 'rejects'} ${name}`, () => {
      const file = join(dir, `${name}.yml`);
      writeFileSync(file, text);
      const real = spawnSync(PROMTOOL, ['check', 'config', '--syntax-only', file], { encoding: 'utf8' });
      assert.equal(real.status === 0, valid, `promtool itself: ${real.stdout}${real.stderr}`);
      const ours = checkConfigFiles([file], { syntaxOnly: true });
      assert.equal(ours.ok, valid, ours.output.join('\n'));
      if (valid) assert.equal(ours.output[1], ` SUCCESS: ${file} is valid prometheus config file syntax`);
      else assert.match(ours.output[1], /^ {2}FAILED: /);
    });
  }
});

const PROMETHEUS = '/usr/bin/prometheus';

describe('reading what Prometheus prints', { skip: !existsSync(PROMETHEUS) && 'prometheus not installed' }, () => {
  test('/api/v1/status/config of the real Prometheus loads to the same scrape and global settings', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'osprey-prom-'));
    const config = `global:
  scrape_interval: 15s
  evaluation_interval: 30s
  external_labels: {region: eu1}
scrape_configs:
  - job_name: node
    scrape_interval: 1m30s
    scrape_timeout: 7s
    metrics_path: /m
    honor_timestamps: false
    params: {module: [a, b]}
    sample_limit: 100
    static_configs: [{targets: ['127.0.0.1:1'], labels: {env: prod}}]
    relabel_configs:
      - {source_labels: [__address__], regex: '(.*):1', target_label: host}
      - {action: hashmod, source_labels: [host], modulus: 3, target_label: shard}
    metric_relabel_configs: [{source_labels: [__name__], regex: 'go_.*', action: drop}]
`;
    const file = join(dir, 'prometheus.yml');
    writeFileSync(file, config);
    const port = await freePort();
    const proc = spawn(
      PROMETHEUS,
      [`--config.file=${file}`, `--web.listen-address=127.0.0.1:${port}`, `--storage.tsdb.path=${join(dir, 'data')}`],
      { stdio: 'ignore' },
    );
    try {
      let printed = '';
      for (let i = 0; i < 100 && !printed; i++) {
        try {
          const r = await fetch(`http://127.0.0.1:${port}/api/v1/status/config`);
          if (r.ok) printed = ((await r.json()) as { data: { yaml: string } }).data.yaml;
        } catch {
          await new Promise((res) => setTimeout(res, 100));
        }
      }
      assert.ok(printed, 'prometheus answered');
      const ours = parsePrometheusConfig(config, file, { env: {} });
      const theirs = parsePrometheusConfig(printed, file, { env: {} });
      assert.deepEqual(theirs.global, ours.global);
      assert.deepEqual(theirs.scrape_configs, ours.scrape_configs);
    } finally {
      proc.kill('SIGTERM');
      await new Promise((res) => proc.once('exit', res));
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
