/**
 * Renders Alertmanager's default.tmpl and email.tmpl with the real Alertmanager template engine
 * (Debian's amtool `template render`) and with ours, on the same notification data, and compares.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { alertmanagerTemplates, type DataJSON, dataFromJSON, executeHTMLString, executeTextString } from './index.ts';

const AMTOOL = '/usr/bin/amtool';
const DIR = fileURLToPath(new URL('../../../shared/conformance/alertmanager-templates/', import.meta.url));
const FILES = ['default.tmpl', 'email.tmpl'].map((f) => join(DIR, f));

const DATA: DataJSON = {
  receiver: 'team-X',
  status: 'firing',
  alerts: [
    {
      status: 'firing',
      labels: { alertname: 'HighLatency', instance: 'a:9100', job: 'api', severity: 'critical' },
      annotations: { summary: 'Latency <high>', description: 'p99 & over 1s' },
      startsAt: '2024-01-01T00:00:00.123456789Z',
      endsAt: '0001-01-01T00:00:00Z',
      generatorURL: 'http://prom/graph?g0.expr=a+b',
      fingerprint: 'f1',
    },
    {
      status: 'firing',
      labels: { alertname: 'HighLatency', instance: 'b:9100', job: 'api', severity: 'warning' },
      annotations: { summary: 'Latency <high>' },
      startsAt: '2024-01-01T00:00:00Z',
      endsAt: '0001-01-01T00:00:00Z',
      generatorURL: 'http://prom/graph?g0.expr=b',
      fingerprint: 'f2',
    },
    {
      status: 'resolved',
      labels: { alertname: 'HighLatency', instance: 'c:9100', job: 'api', severity: 'info' },
      annotations: { summary: 'Latency <high>' },
      startsAt: '2024-01-01T00:00:00Z',
      endsAt: '2024-01-01T01:00:00Z',
      generatorURL: 'http://prom/graph?g0.expr=c',
      fingerprint: 'f3',
    },
  ],
  groupLabels: { alertname: 'HighLatency' },
  commonLabels: { alertname: 'HighLatency', job: 'api' },
  commonAnnotations: { summary: 'Latency <high>' },
  externalURL: 'http://am.example.com:9093',
};

/** Differences explained by Debian's amtool being Alertmanager 0.25 while we follow 0.34. */
const KNOWN: Record<string, string> = Object.fromEntries(
  (
    JSON.parse(readFileSync(new URL('./alertmanager.compat.known-failures.json', import.meta.url), 'utf8')) as {
      template: string;
      reason: string;
    }[]
  ).map((k) => [k.template, k.reason]),
);

const LIST_TEMPLATES = new Set(['__text_alert_list', '__text_alert_list_markdown', 'pagerduty.default.instances']);
const SEP = '\n~~~8<~~~\n';

function amtool(dir: string, type: 'text' | 'html', text: string): string {
  const args = [
    'template',
    'render',
    `--template.type=${type}`,
    `--template.text=${text}`,
    `--template.data=${join(dir, 'data.json')}`,
  ];
  for (const f of FILES) args.push(`--template.glob=${f}`);
  const r = spawnSync(AMTOOL, args, { encoding: 'utf8', timeout: 60_000 });
  assert.equal(r.status, 0, r.stderr);
  return r.stdout;
}

test('default.tmpl and email.tmpl render like Alertmanager (amtool template render)', {
  skip: !existsSync(AMTOOL) && 'amtool not installed',
}, () => {
  const dir = mkdtempSync(join(tmpdir(), 'osprey-amtool-'));
  try {
    writeFileSync(join(dir, 'data.json'), JSON.stringify(DATA));
    const set = alertmanagerTemplates(FILES.map((f) => readFileSync(f, 'utf8')));
    const data = dataFromJSON(DATA);
    const names = set.definedTemplates().filter((n) => n !== '' && n !== 'email.default.html');
    const extra: Record<string, string> = {
      kv: '{{ .CommonLabels.SortedPairs }} {{ .GroupLabels.Names }} {{ .CommonLabels.Values | join "," }} {{ (.CommonLabels.Remove (stringSlice "job")).SortedPairs }}',
      alerts:
        '{{ range .Alerts }}{{ .StartsAt }} / {{ .EndsAt }} / {{ .Labels }} / {{ .Status | title }} / {{ .Fingerprint }}{{ "\\n" }}{{ end }}',
      misc: '{{ .Alerts.Firing | len }} {{ len .Alerts.Resolved }} {{ index .CommonLabels "job" }} [{{ .CommonLabels.nope }}] {{ toUpper .Status }} {{ match "^High" .GroupLabels.alertname }}',
      funcs:
        '{{ reReplaceAll ":[0-9]+" "" (index .Alerts 0).Labels.instance }} {{ title "hELLO wORLD" }} {{ safeHtml "<i>" }}',
      printf: '{{ printf "%v|%s|%q" .CommonLabels .GroupLabels.alertname .Receiver }}',
      pairs:
        '{{ range .CommonLabels.SortedPairs }}{{ .Name }}={{ .Value }};{{ end }} {{ (index .CommonLabels.SortedPairs 0).Name }}',
    };
    const texts = [
      ...names.map((n) => `{{ template ${JSON.stringify(n)} ${LIST_TEMPLATES.has(n) ? '.Alerts' : '.'} }}`),
      ...Object.values(extra),
    ];
    const ids = [...names, ...Object.keys(extra)];
    const theirs = amtool(dir, 'text', texts.join(SEP)).split(SEP);
    const ours = texts.map((t) => executeTextString(set, t, data));
    assert.equal(theirs.length, ours.length);
    const diffs: string[] = [];
    const known: string[] = [];
    texts.forEach((t, i) => {
      if (theirs[i] === ours[i]) return;
      const d = `${t}\n  alertmanager: ${JSON.stringify(theirs[i])}\n  osprey:       ${JSON.stringify(ours[i])}`;
      if (KNOWN[ids[i]]) known.push(`${ids[i]}: ${KNOWN[ids[i]]}`);
      else diffs.push(d);
    });
    // email.default.html goes through html/template in Alertmanager; we approximate it by escaping action output
    const htmlText = '{{ template "email.default.html" . }}';
    const theirsHtml = amtool(dir, 'html', htmlText);
    const oursHtml = executeHTMLString(set, htmlText, data);
    const htmlSame = theirsHtml === oursHtml;
    console.log(
      `amtool templates: ${texts.length + 1} rendered, ${texts.length + 1 - diffs.length - known.length - (htmlSame ? 0 : 1)} identical, ${known.length} known differences`,
    );
    for (const k of known) console.log(`  known difference: ${k}`);
    for (const k of Object.keys(KNOWN))
      if (!known.some((x) => x.startsWith(`${k}:`))) console.log(`  known difference no longer seen: ${k}`);
    for (const d of diffs) console.log(d);
    if (!htmlSame) {
      const a = theirsHtml.split('\n');
      const b = oursHtml.split('\n');
      for (let i = 0; i < Math.max(a.length, b.length); i++) {
        if (a[i] !== b[i]) {
          console.log(`email.default.html differs at line ${i + 1}:\n  alertmanager: ${a[i]}\n  osprey:       ${b[i]}`);
          break;
        }
      }
    }
    assert.deepEqual(diffs, []);
    assert.ok(htmlSame, 'email.default.html differs');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
