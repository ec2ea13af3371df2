/**
 * Fuzzing the YAML config loaders (prometheus.yml, alertmanager.yml, rule files, web config) with broken
 * and hostile files: only ConfigError escapes, its message starts with `file:line:col`, every file is
 * handled within a time budget, and alias bombs are refused. FUZZ_RUNS=<n> for longer.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { parseAlertmanagerConfig } from './alertmanager-load.ts';
import { parsePrometheusConfig } from './prometheus-load.ts';
import { parseRuleFile } from './rules-load.ts';
import { parseWebConfig } from './web-config-load.ts';
import { ConfigError } from './yaml-errors.ts';

const RUNS = Number(process.env.FUZZ_RUNS ?? 150);
// Long runs (npm run fuzz) have no per-test timeout; the short default must finish in seconds.
// Generous under a loaded CI machine; a hang still fails.
const TIMEOUT = process.env.FUZZ_RUNS ? Number.POSITIVE_INFINITY : 60_000;
// A hang guard, not a performance target: loose enough for a loaded CI machine.
const BUDGET_MS = 5000; // catches super-linear blow-ups (minutes), not slowness on a loaded machine

const LOADERS: [string, (text: string) => unknown, string][] = [
  [
    'prometheus.yml',
    (t) => parsePrometheusConfig(t, '/fuzz/prometheus.yml'),
    `global:\n  scrape_interval: 15s\n  external_labels: {a: b}\nscrape_configs:\n  - job_name: x\n    basic_auth: {username: u, password: p}\n    static_configs:\n      - targets: ['localhost:9090']\n    relabel_configs:\n      - source_labels: [__address__]\n        regex: '(.*):.*'\n        target_label: host\n`,
  ],
  [
    'alertmanager.yml',
    (t) => parseAlertmanagerConfig(t, '/fuzz/alertmanager.yml'),
    `route:\n  receiver: r\n  group_by: [alertname]\n  routes:\n    - matchers: ['severity="page"']\n      receiver: r\nreceivers:\n  - name: r\n    webhook_configs:\n      - url: http://127.0.0.1/\ninhibit_rules:\n  - source_matchers: [a="b"]\n    target_matchers: [c="d"]\n    equal: [job]\n`,
  ],
  [
    'rules.yml',
    (t) => parseRuleFile(t, '/fuzz/rules.yml'),
    `groups:\n  - name: g\n    interval: 1m\n    rules:\n      - alert: Down\n        expr: up == 0\n        for: 5m\n        labels: {severity: page}\n        annotations: {summary: '{{ $labels.job }}'}\n      - record: job:x:sum\n        expr: sum by (job) (x)\n`,
  ],
  [
    'web.yml',
    (t) => parseWebConfig(t, '/fuzz/web.yml', { checkFiles: false }),
    `tls_server_config:\n  cert_file: a.crt\n  key_file: a.key\n  min_version: TLS12\nhttp_server_config:\n  headers: {X-Frame-Options: deny}\nbasic_auth_users:\n  u: $2b$10$CaIogiwcRcinmM97yu5ID.pcnMsJsK7Y/zw9yklWb6chJq3DaASX2\n`,
  ],
];

const PIECES = [
  '\n',
  '  ',
  ': ',
  '- ',
  '[',
  ']',
  '{',
  '}',
  '&a',
  '*a',
  '<<: *a',
  '!!binary',
  '!!str',
  '"',
  "'",
  '#',
  '|',
  '>',
  '~',
  'null',
  'yes',
  '0x10',
  '1e9',
  '---',
  '...',
  '%YAML 1.2',
  '\t',
  '?',
  ',',
  '\u00ff',
];

function mutatedFrom(seed: string) {
  return fc
    .array(fc.tuple(fc.nat(), fc.nat(4), fc.oneof(fc.constantFrom(...PIECES), fc.string({ maxLength: 3 }))), {
      maxLength: 6,
    })
    .map((edits) => {
      let s = seed;
      for (const [at, del, ins] of edits) {
        const i = at % (s.length + 1);
        s = s.slice(0, i) + ins + s.slice(i + del);
      }
      return s;
    });
}

for (const [name, load, seed] of LOADERS) {
  test(`${name}: only ConfigError with file:line:col, within the time budget`, { timeout: TIMEOUT }, () => {
    let ok = 0;
    let bad = 0;
    const file = `/fuzz/${name}`;
    fc.assert(
      fc.property(fc.oneof(mutatedFrom(seed), fc.string({ maxLength: 80 })), (text) => {
        const start = performance.now();
        try {
          load(text);
          ok++;
        } catch (e) {
          if (!(e instanceof ConfigError)) throw e;
          assert.ok(e.message.startsWith(`${file}:`), e.message);
          assert.match(e.message, /^[^:]+:\d+:\d+: /);
          bad++;
        }
        assert.ok(performance.now() - start < BUDGET_MS, `${performance.now() - start} ms`);
      }),
      { numRuns: RUNS },
    );
    assert.ok(ok > 0 && bad > 0, `loaded ${ok}, rejected ${bad}`);
  });
}

test('a YAML alias bomb ("billion laughs") is refused quickly', { timeout: TIMEOUT }, () => {
  let bomb = 'a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]\n';
  for (let i = 0; i < 9; i++) {
    const prev = String.fromCharCode(97 + i);
    const next = String.fromCharCode(98 + i);
    bomb += `${next}: &${next} [${Array(9).fill(`*${prev}`).join(',')}]\n`;
  }
  for (const [name, load] of LOADERS) {
    const start = performance.now();
    assert.throws(() => load(bomb), ConfigError, name);
    assert.ok(performance.now() - start < 5000, `${name}: ${performance.now() - start} ms`);
  }
});
