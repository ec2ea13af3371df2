/**
 * Fuzzing the Go-template engine with hostile alert templates: Prometheus-style expansion never throws
 * (errors come back as "<error expanding template: ...>"), the Alertmanager function set only throws
 * TemplateParseError/TemplateExecError, every input finishes within a time budget with bounded output,
 * and no function reads files, the environment or runs commands. FUZZ_RUNS=<n> for longer.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { mutatedText } from '../model/fuzz-test-helpers.ts';
import { alertmanagerFuncs } from './alertmanager.ts';
import { TemplateExecError } from './exec.ts';
import { TemplateParseError } from './parser.ts';
import { expandAlertTemplate } from './prometheus.ts';
import { Template } from './template.ts';

const RUNS = Number(process.env.FUZZ_RUNS ?? 250);
// Long runs (npm run fuzz) have no per-test timeout; the short default must finish in seconds.
// Generous under a loaded CI machine; a hang still fails.
const TIMEOUT = process.env.FUZZ_RUNS ? Number.POSITIVE_INFINITY : 60_000;
// A hang guard, not a performance target: loose enough for a loaded CI machine.
const BUDGET_MS = 5000; // catches super-linear blow-ups (minutes), not slowness on a loaded machine
const MAX_OUTPUT = 4 * 1024 * 1024;

const PIECES = [
  '{{',
  '}}',
  '{{-',
  '-}}',
  ' ',
  '$labels',
  '$value',
  '.Labels.job',
  '$labels.instance',
  '|',
  'printf',
  '"%s"',
  '"%0999999999d"',
  '"%.999999f"',
  '1e308',
  'humanize',
  'humanizeDuration',
  'title',
  'toUpper',
  'reReplaceAll',
  '"(a*)*b"',
  'range',
  'if',
  'else',
  'end',
  'with',
  'define',
  'template',
  '"x"',
  'len',
  'index',
  'slice',
  'and',
  'or',
  'not',
  'eq',
  'lt',
  '(',
  ')',
  ':=',
  '=',
  '/*',
  '*/',
  'nil',
  'true',
  '`raw`',
  "'c'",
  '\\',
  '\n',
  'args',
  'safeHtml',
  'urlquery',
  'js',
  'html',
  'call',
  'break',
  'continue',
];

const SEEDS = [
  '{{ $labels.job }} on {{ $labels.instance }} is down ({{ $value | humanize }})',
  '{{ range $k, $v := $labels }}{{ $k }}={{ $v }},{{ end }}',
  '{{ if gt $value 0.5 }}high {{ printf "%.2f" $value }}{{ else }}low{{ end }}',
  '{{ define "x" }}{{ .Labels.job }}{{ end }}{{ template "x" . }}',
  '{{ reReplaceAll "(.*):.*" "$1" $labels.instance | toUpper }}',
];

const mutated = mutatedText(SEEDS, PIECES, { maxDelete: 3, maxInsert: 2, maxEdits: 6 });

const text = fc.oneof(
  mutated,
  fc.array(fc.constantFrom(...PIECES), { maxLength: 40 }).map((a) => a.join(' ')),
  fc.string({ maxLength: 100 }),
);

const DATA = { labels: { job: 'api', instance: 'host:9090', alertname: 'Down' }, value: 0.75 };

test('template (Prometheus functions): never throws, bounded time and output', { timeout: TIMEOUT }, () => {
  let ok = 0;
  let failed = 0;
  fc.assert(
    fc.property(text, (t) => {
      const start = performance.now();
      const r = expandAlertTemplate(t, DATA);
      assert.ok(r.text.length <= MAX_OUTPUT, `output of ${r.text.length} characters`);
      if (r.error) failed++;
      else ok++;
      assert.ok(performance.now() - start < BUDGET_MS, `${JSON.stringify(t)}: ${performance.now() - start} ms`);
    }),
    { numRuns: RUNS },
  );
  assert.ok(ok > 0 && failed > 0, `ok ${ok}, failed ${failed}`);
});

test('template (Alertmanager functions): only TemplateParseError or TemplateExecError', { timeout: TIMEOUT }, () => {
  const funcs = alertmanagerFuncs();
  const data = { Status: 'firing', CommonLabels: DATA.labels, Alerts: [{ Labels: DATA.labels }], GroupLabels: {} };
  fc.assert(
    fc.property(text, (t) => {
      const start = performance.now();
      try {
        const out = Template.parse('fuzz', t, funcs).execute(data);
        assert.ok(out.length <= MAX_OUTPUT);
      } catch (e) {
        if (!(e instanceof TemplateParseError || e instanceof TemplateExecError)) throw e;
      }
      assert.ok(performance.now() - start < BUDGET_MS);
    }),
    { numRuns: RUNS },
  );
});

test('template: recursion, huge widths and huge ranges are bounded', { timeout: TIMEOUT }, () => {
  const rec = expandAlertTemplate('{{ define "r" }}{{ template "r" . }}{{ end }}{{ template "r" . }}', DATA);
  assert.match(rec.text, /^<error expanding template: .*depth/);
  const wide = expandAlertTemplate('{{ printf "%0999999999d" 1 }}', DATA);
  assert.ok(wide.text.length < 2_000_000, `printf width gave ${wide.text.length} characters`);
  const prec = expandAlertTemplate('{{ printf "%.999999999f" 1.0 }}', DATA);
  assert.ok(prec.text.length < 2_000_000, `printf precision gave ${prec.text.length} characters`);
});

test('template: no function reads files, the environment or runs commands', () => {
  for (const fn of ['readFile', 'include', 'exec', 'env', 'expandenv', 'getHostByName', 'os', 'file', 'shell']) {
    const r = expandAlertTemplate(`{{ ${fn} "/etc/passwd" }}`, DATA);
    assert.match(r.text, /function .* not defined/, `${fn}: ${r.text.slice(0, 200)}`);
    assert.ok(!r.text.includes('root:'), fn);
    assert.throws(() => Template.parse('x', `{{ ${fn} "/etc/passwd" }}`, alertmanagerFuncs()), TemplateParseError);
  }
});
