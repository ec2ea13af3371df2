/**
 * Checks our alert-template expansion against the real Prometheus (Debian's promtool): every annotation
 * and label we expand becomes an expected value in a `promtool test rules` unit test, which passes only if
 * Prometheus expands them identically.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { unquoteGo } from './goquote.ts';
import { expandPrometheusTemplate, type Sample } from './index.ts';

const PROMTOOL = '/usr/bin/promtool';

const VALUES = [
  '1234567',
  '0.1234',
  '1000000',
  '3661',
  '1435065584.128',
  '0',
  '-1500',
  '0.000012345',
  '123456789012',
  '2.5',
  '1048576',
  '899.99',
];

const TEMPLATES: Record<string, string> = {
  v: '{{ $value }}',
  hum: '{{ $value | humanize }}',
  h1024: '{{ humanize1024 $value }}',
  hdur: '{{ humanizeDuration $value }}',
  hpct: '{{ humanizePercentage $value }}',
  hts: '{{ humanizeTimestamp $value }}',
  pf: '{{ printf "%.2f|%e|%g|%v|%8.3f|%-10.1e|%+.3g" $value $value $value $value $value $value $value }}',
  pfd: '{{ printf "%d|%s|%q|%x" $value $value $labels.job $labels.job }}',
  sport: '{{ $labels.instance | stripPort }}',
  sdom: '{{ stripDomain $labels.instance }}',
  title: '{{ title "hello wörld it\'s a-b_c ÉCOLE" }}',
  upper: '{{ toUpper $labels.job }} {{ toLower "MiXeD" }}',
  // biome-ignore lint/suspicious/noTemplateCurlyInString: ${1} is Go's regexp replacement syntax
  re: '{{ reReplaceAll "(.*)\\\\.example\\\\.com(.*)" "$1+$2 $1x ${1}y" $labels.instance }}',
  match: '{{ match "^host" $labels.instance }} {{ match "^xyz" $labels.instance }}',
  miss: '[{{ $labels.missing }}]',
  dot: '{{ .Value }} {{ .Labels.job }}',
  links: '{{ graphLink "rate(x[5m]) > 1" }} {{ tableLink "up" }}',
  pdur: '{{ parseDuration "1h30m" }} {{ parseDuration "90s" }}',
  loop: '{{ range $k, $v := $labels }}{{ $k }}={{ $v }},{{ end }} {{ len $labels }}',
  cmp: '{{ if gt $value 1000.0 }}big{{ else if lt $value 0.0 }}neg{{ else }}small{{ end }}',
  query: '{{ query "vector(42)" | first | value }} {{ with query "vector(42)" }}{{ len . }}{{ end }}',
  args: '{{ define "x" }}{{ .arg0 }}-{{ .arg1 }}{{ end }}{{ template "x" (args 1 "b") }}',
  misc: '{{ safeHtml "<b>" }} {{ html "<b>" }} {{ urlquery "a b" }} {{ js "it\'s" }} {{ len "héllo" }} {{ index $labels "job" }}',
  totime: '{{ toTime 1435065584.128 }} {{ (toTime $value).Unix }}',
  strs: '{{ humanizeDuration "3661" }} {{ humanize "1e6" }} {{ humanize1024 "2048" }} {{ printf "%T" $value }} {{ $value | printf "%5.1f%%" }}',
  qfn: '{{ with query "vector(42)" }}[{{ . | first | label "x" }}]{{ end }} {{ sortByLabel "x" (query "vector(42)") | len }}',
  qerr: '{{ query "vector(1) > 2" | first }}',
  err1: '{{ humanize "abc" }}',
  err2: '{{ if gt $value 1000 }}big{{ end }}',
  err3: '{{ .Foo }}',
  err4: '{{ $labels.job.x }}',
  err5: '{{ index $labels 1 }}',
  err6: '{{ template "nope" }}',
  err7: '{{ reReplaceAll "(" "" "x" }}',
};

function query(q: string): Sample[] {
  if (q === 'vector(42)') return [{ Labels: {}, Value: 42 }];
  if (q === 'vector(1) > 2') return [];
  throw new Error(`unexpected query ${q}`);
}

const LABELS = { instance: 'host.example.com:9100', job: 'node' };

/** Differences that come from Prometheus 2.42 (Debian) being older than the Prometheus 3 / Go we follow. */
const KNOWN: Record<string, string> = Object.fromEntries(
  (
    JSON.parse(readFileSync(new URL('./prometheus.compat.known-failures.json', import.meta.url), 'utf8')) as {
      template: string;
      reason: string;
    }[]
  ).map((k) => [k.template, k.reason]),
);

function expand(text: string, i: number): string {
  return expandPrometheusTemplate(
    text,
    { labels: { __name__: 'test_metric', ...LABELS, case: String(i) }, value: Number(VALUES[i]) },
    { name: '__alert_T', query },
  );
}

/** Reads promtool's "got" annotations for the case whose labels contain case="N". */
function parseGot(out: string): Map<string, Record<string, string>> {
  const res = new Map<string, Record<string, string>>();
  const gotAt = out.indexOf('got:[');
  const section = gotAt >= 0 ? out.slice(gotAt) : '';
  const re = /Labels:\{([^\n]*)\}\n\s*Annotations:\{([^\n]*)\}/g;
  const pair = /([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g;
  for (const m of section.matchAll(re)) {
    const labels = Object.fromEntries([...m[1].matchAll(pair)].map((p) => [p[1], unquoteGo(`"${p[2]}"`)]));
    const ann = Object.fromEntries([...m[2].matchAll(pair)].map((p) => [p[1], unquoteGo(`"${p[2]}"`)]));
    res.set(labels.case, ann);
  }
  return res;
}

test('alert templates expand like Prometheus (promtool test rules)', {
  skip: !existsSync(PROMTOOL) && 'promtool not installed',
}, () => {
  const dir = mkdtempSync(join(tmpdir(), 'osprey-promtool-'));
  try {
    const annotations = Object.entries(TEMPLATES)
      .map(([k, v]) => `          ${k}: ${JSON.stringify(v)}`)
      .join('\n');
    writeFileSync(
      join(dir, 'rules.yml'),
      `groups:\n  - name: g\n    rules:\n      - alert: T\n        expr: test_metric\n        labels:\n          hv: ${JSON.stringify('{{ $value | humanize }}')}\n        annotations:\n${annotations}\n`,
    );
    const series = VALUES.map(
      (v, i) =>
        `      - series: 'test_metric{instance="${LABELS.instance}",job="${LABELS.job}",case="${i}"}'\n        values: '${v}+0x5'`,
    ).join('\n');
    const expected = VALUES.map((_, i) => {
      const ann = Object.entries(TEMPLATES)
        .map(([k, v]) => `              ${k}: ${JSON.stringify(expand(v, i))}`)
        .join('\n');
      const hv = expand('{{ $value | humanize }}', i);
      return `          - exp_labels: { instance: "${LABELS.instance}", job: "${LABELS.job}", case: "${i}", hv: ${JSON.stringify(hv)} }\n            exp_annotations:\n${ann}`;
    }).join('\n');
    writeFileSync(
      join(dir, 'test.yml'),
      `rule_files: [rules.yml]\nevaluation_interval: 1m\ntests:\n  - interval: 1m\n    input_series:\n${series}\n    alert_rule_test:\n      - eval_time: 2m\n        alertname: T\n        exp_alerts:\n${expected}\n`,
    );
    const r = spawnSync(PROMTOOL, ['test', 'rules', 'test.yml'], { cwd: dir, encoding: 'utf8', timeout: 60_000 });
    const out = `${r.stdout}${r.stderr}`;
    const total = VALUES.length * Object.keys(TEMPLATES).length;
    const diffs: string[] = [];
    const known = new Set<string>();
    if (r.status !== 0) {
      const got = parseGot(out);
      if (got.size === 0) assert.fail(`promtool failed:\n${out}`);
      VALUES.forEach((v, i) => {
        for (const [k, tpl] of Object.entries(TEMPLATES)) {
          const ours = expand(tpl, i);
          const theirs = got.get(String(i))?.[k];
          if (ours !== theirs && KNOWN[k]) known.add(`${k}: ${KNOWN[k]}`);
          else if (ours !== theirs)
            diffs.push(
              `${k} with $value=${v}: ${tpl}\n    prometheus: ${JSON.stringify(theirs)}\n    osprey:     ${JSON.stringify(ours)}`,
            );
        }
      });
    }
    console.log(`promtool alert templates: ${total} expansions, ${diffs.length} differ unexpectedly`);
    for (const k of known) console.log(`  known difference: ${k}`);
    for (const k of Object.keys(KNOWN))
      if (r.status === 0 || ![...known].some((x) => x.startsWith(`${k}:`)))
        console.log(`  known difference no longer seen: ${k}`);
    for (const d of diffs) console.log(d);
    assert.deepEqual(diffs, []);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
