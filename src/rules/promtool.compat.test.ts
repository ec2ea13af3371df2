/**
 * Differential test against Debian's /usr/bin/promtool (2.42): the conformance rows and a few extra unit-test
 * files run through both, comparing exit codes. Rows that use features newer than 2.42 are listed with reasons.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { checkRuleFiles } from './check-rules.ts';
import { runUnitTestFiles } from './unittest.ts';

const PROMTOOL = '/usr/bin/promtool';
const DIR = new URL('../../../shared/conformance/promtool-unittest/', import.meta.url).pathname;

/** Rows where Debian's promtool 2.42 cannot agree (feature added later upstream). */
const NEWER_THAN_242: Record<string, string> = {
  'test rules\tunittest.yml': 'native histogram notation; Osprey fails too (no native histograms), so they agree',
  'test rules\tno-test-group-interval.yml': '2.42 does not default the group interval to evaluation_interval',
  'test rules\tstart-time-test.yml': 'start_timestamp is newer than 2.42',
  'test rules\trules_run.yml\t--run correct': '--run is newer than 2.42',
  'test rules\trules_run_extrafields.yml\t--ignore-unknown-fields': '--ignore-unknown-fields is newer than 2.42',
  'test rules\trules_run_fuzzy.yml\t--run correct': 'fuzzy_compare and --run are newer than 2.42',
  'check rules\tfeatures.yml': 'experimental PromQL functions newer than 2.42',
};

interface Case {
  command: 'test rules' | 'check rules';
  file: string;
  args: string[];
}

const ROWS: Case[] = [
  { command: 'test rules', file: join(DIR, 'unittest.yml'), args: [] },
  { command: 'test rules', file: join(DIR, 'long-period.yml'), args: [] },
  { command: 'test rules', file: join(DIR, 'bad-input-series.yml'), args: [] },
  { command: 'test rules', file: join(DIR, 'bad-promql.yml'), args: [] },
  { command: 'test rules', file: join(DIR, 'bad-rules-syntax-test.yml'), args: [] },
  { command: 'test rules', file: join(DIR, 'bad-rules-error-test.yml'), args: [] },
  { command: 'test rules', file: join(DIR, 'failing.yml'), args: [] },
  { command: 'test rules', file: join(DIR, 'at-modifier-test.yml'), args: [] },
  { command: 'test rules', file: join(DIR, 'negative-offset-test.yml'), args: [] },
  { command: 'test rules', file: join(DIR, 'no-test-group-interval.yml'), args: [] },
  { command: 'test rules', file: join(DIR, 'start-time-test.yml'), args: [] },
  { command: 'test rules', file: join(DIR, 'rules_run.yml'), args: [] },
  { command: 'test rules', file: join(DIR, 'rules_run.yml'), args: ['--run', 'correct'] },
  { command: 'test rules', file: join(DIR, 'rules_run_extrafields.yml'), args: ['--ignore-unknown-fields'] },
  { command: 'test rules', file: join(DIR, 'rules_run_no_fuzzy.yml'), args: [] },
  { command: 'test rules', file: join(DIR, 'rules_run_fuzzy.yml'), args: ['--run', 'correct'] },
  { command: 'check rules', file: join(DIR, 'rules.yml'), args: [] },
  { command: 'check rules', file: join(DIR, 'rules-bad.yml'), args: [] },
  {
    command: 'check rules',
    file: join(DIR, 'prometheus-rules.lint.yml'),
    args: ['--lint=duplicate-rules', '--lint-fatal'],
  },
  { command: 'check rules', file: join(DIR, 'features.yml'), args: [] },
];

/** Extra unit-test files exercising alert templates, `for`, keep_firing_for and recording rules. */
function extraCases(): Case[] {
  const dir = mkdtempSync(join(tmpdir(), 'osprey-promtool-'));
  writeFileSync(
    join(dir, 'seed.rules.yml'),
    `groups:
  - name: example
    rules:
      - alert: HighCPUUsage
        expr: cpu_usage_percentage > 80
        for: 5m
        labels:
          severity: critical
        annotations:
          summary: "CPU usage is too high"
          description: "{{ $labels.instance }} at {{ $value | humanize }}% ({{ $externalLabels.dc }}, {{ $externalURL }})"
      - alert: Flapping
        expr: flap > 0
        keep_firing_for: 2m
      - record: instance:cpu:avg
        expr: avg by (instance) (cpu_usage_percentage)
        labels:
          source: rule
`,
  );
  const pass = `rule_files: [seed.rules.yml]
evaluation_interval: 1m
tests:
  - interval: 1m
    external_labels: {dc: eu1}
    external_url: http://osprey.example:9090
    input_series:
      - series: 'cpu_usage_percentage{instance="h1"}'
        values: '50 90x10 10x5'
      - series: 'flap'
        values: '1 0x6'
    alert_rule_test:
      - eval_time: 4m
        alertname: HighCPUUsage
        exp_alerts: []
      - eval_time: 6m
        alertname: HighCPUUsage
        exp_alerts:
          - exp_labels: {severity: critical, instance: h1}
            exp_annotations:
              summary: CPU usage is too high
              description: "h1 at 90% (eu1, http://osprey.example:9090)"
      - eval_time: 13m
        alertname: HighCPUUsage
        exp_alerts: []
      - eval_time: 2m
        alertname: Flapping
        exp_alerts:
          - exp_labels: {}
      - eval_time: 3m
        alertname: Flapping
        exp_alerts: []
    promql_expr_test:
      - expr: instance:cpu:avg
        eval_time: 3m
        exp_samples:
          - labels: 'instance:cpu:avg{instance="h1", source="rule"}'
            value: 90
      - expr: ALERTS{alertname="HighCPUUsage"}
        eval_time: 3m
        exp_samples:
          - labels: 'ALERTS{alertname="HighCPUUsage", alertstate="pending", instance="h1", severity="critical"}'
            value: 1
`;
  writeFileSync(join(dir, 'seed-pass.test.yml'), pass);
  // The same expectations one minute early for firing must fail in both.
  writeFileSync(join(dir, 'seed-fail.test.yml'), pass.replace('eval_time: 6m', 'eval_time: 5m'));
  return [
    { command: 'test rules', file: join(dir, 'seed-pass.test.yml'), args: [] },
    { command: 'test rules', file: join(dir, 'seed-fail.test.yml'), args: [] },
  ];
}

function osprey(c: Case): number {
  if (c.command === 'test rules') {
    const run: string[] = [];
    for (let i = 0; i < c.args.length; i++) if (c.args[i] === '--run') run.push(c.args[++i]);
    return runUnitTestFiles([c.file], { run, ignoreUnknownFields: c.args.includes('--ignore-unknown-fields') })
      .exitCode;
  }
  const lint = c.args.find((a) => a.startsWith('--lint='));
  return checkRuleFiles([c.file], { lint: lint?.slice(7).split(','), lintFatal: c.args.includes('--lint-fatal') })
    .exitCode;
}

test('osprey and promtool agree on exit codes', () => {
  assert.ok(existsSync(PROMTOOL), 'Debian promtool is installed');
  const cases = [...ROWS, ...extraCases()];
  const mismatches: string[] = [];
  let agreed = 0;
  for (const c of cases) {
    const id = [c.command, c.file.replace(DIR, ''), c.args.join(' ')].filter(Boolean).join('\t');
    const r = spawnSync(PROMTOOL, [...c.command.split(' '), ...c.args, c.file], { encoding: 'utf8' });
    const mine = osprey(c);
    if (c.file.endsWith('seed-pass.test.yml')) assert.equal(mine, 0, 'the seed expectations hold');
    if (mine === r.status) agreed++;
    else if (!NEWER_THAN_242[id])
      mismatches.push(`${id}: osprey ${mine}, promtool ${r.status}\n${r.stdout}${r.stderr}`);
  }
  console.log(`promtool differential: ran ${cases.length}, agreed ${agreed}, differed ${cases.length - agreed}`);
  assert.deepEqual(mismatches, []);
});
