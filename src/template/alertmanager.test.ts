import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, test } from 'node:test';
import {
  alertmanagerFuncs,
  alertmanagerTemplates,
  buildTemplateData,
  type DataInput,
  executeHTMLString,
  executeTextString,
  GoTime,
  KV,
  Template,
} from './index.ts';

const DIR = new URL('../../../shared/conformance/alertmanager-templates/', import.meta.url);

function upstreamSet(): Template {
  // Alertmanager: tmpltext.New("").Option("missingkey=zero") with DefaultFuncs, then default.tmpl and email.tmpl.
  const t = Template.new('', alertmanagerFuncs({ now: () => Date.UTC(2024, 0, 1, 2) }), { missingKey: 'zero' });
  for (const f of ['default.tmpl', 'email.tmpl']) t.parse(readFileSync(new URL(f, DIR), 'utf8'));
  return t;
}

const T0 = Date.UTC(2024, 0, 1, 0, 0, 0);

function notification(overrides: Partial<DataInput> = {}) {
  return buildTemplateData({
    receiver: 'team-X.mails',
    groupLabels: { alertname: 'HighLatency' },
    externalURL: 'http://am.example.com:9093',
    now: Date.UTC(2024, 0, 1, 2),
    alerts: [
      {
        labels: { alertname: 'HighLatency', instance: 'a:9100', job: 'api', severity: 'critical' },
        annotations: { summary: 'Latency is high', description: 'p99 over 1s' },
        startsAt: T0,
        generatorURL: 'http://prom/graph?g0.expr=a',
        fingerprint: 'f1',
      },
      {
        labels: { alertname: 'HighLatency', instance: 'b:9100', job: 'api', severity: 'critical' },
        annotations: { summary: 'Latency is high', description: 'p99 over 2s' },
        startsAt: T0,
        generatorURL: 'http://prom/graph?g0.expr=b',
        fingerprint: 'f2',
      },
      {
        labels: { alertname: 'HighLatency', instance: 'c:9100', job: 'api', severity: 'warning' },
        annotations: { summary: 'Latency is high' },
        startsAt: T0,
        endsAt: Date.UTC(2024, 0, 1, 1),
        generatorURL: 'http://prom/graph?g0.expr=c',
        fingerprint: 'f3',
      },
    ],
    ...overrides,
  });
}

/** Templates whose dot is a list of alerts rather than the notification data. */
const LIST_TEMPLATES = new Set(['__text_alert_list', '__text_alert_list_markdown', 'pagerduty.default.instances']);

describe("Alertmanager's default.tmpl and email.tmpl", () => {
  const t = upstreamSet();
  const data = notification();

  test('both files parse and define the expected templates', () => {
    const names = t.definedTemplates();
    for (const n of [
      '__subject',
      '__alertmanagerURL',
      '__text_alert_list',
      'slack.default.title',
      'email.default.subject',
      'email.default.html',
      'jira.default.priority',
      'telegram.default.message',
    ]) {
      assert.ok(names.includes(n), n);
    }
    assert.ok(names.length > 60, `only ${names.length} templates`);
  });

  test('every define executes without error', () => {
    let ran = 0;
    for (const name of t.definedTemplates()) {
      const dot = LIST_TEMPLATES.has(name) ? data.Alerts : data;
      assert.doesNotThrow(() => t.execute(dot, name), name);
      ran++;
    }
    assert.ok(ran > 60);
  });

  test('__subject and friends', () => {
    assert.equal(t.execute(data, '__subject'), '[FIRING:2] HighLatency (api)');
    assert.equal(t.execute(data, 'email.default.subject'), '[FIRING:2] HighLatency (api)');
    assert.equal(t.execute(data, 'slack.default.title'), '[FIRING:2] HighLatency (api)');
    assert.equal(t.execute(data, 'slack.default.color'), 'danger');
    assert.equal(t.execute(data, '__alertmanagerURL'), 'http://am.example.com:9093/#/alerts?receiver=team-X%5C.mails');
    const resolved = notification({
      alerts: [
        { labels: { alertname: 'HighLatency', job: 'api' }, startsAt: T0, endsAt: T0 + 1000, status: 'resolved' },
      ],
    });
    assert.equal(t.execute(resolved, '__subject'), '[RESOLVED] HighLatency (api)');
    const same = notification({ groupLabels: { alertname: 'HighLatency', job: 'api' } });
    assert.equal(t.execute(same, '__subject'), '[FIRING:2] HighLatency api ');
    assert.equal(t.execute(resolved, 'slack.default.color'), 'good');
  });

  test('__text_alert_list', () => {
    assert.equal(
      t.execute(data.Alerts.Resolved(), '__text_alert_list'),
      'Labels:\n - alertname = HighLatency\n - instance = c:9100\n - job = api\n - severity = warning\nAnnotations:\n - summary = Latency is high\nSource: http://prom/graph?g0.expr=c\n',
    );
  });

  test('jira.default.priority picks the highest severity', () => {
    assert.equal(t.execute(data, 'jira.default.priority'), 'High');
    const warn = notification({ alerts: [{ labels: { alertname: 'X', severity: 'warning' }, startsAt: T0 }] });
    assert.equal(t.execute(warn, 'jira.default.priority'), 'Medium');
    const none = notification({ alerts: [{ labels: { alertname: 'X' }, startsAt: T0 }] });
    assert.equal(t.execute(none, 'jira.default.priority'), '');
  });

  test('email.default.html', () => {
    const html = t.execute(data, 'email.default.html');
    assert.match(html, /<title>\[FIRING:2\] HighLatency \(api\)<\/title>/);
    assert.match(html, /3 alerts for \n\s+alertname=HighLatency/);
    assert.match(html, /\[2\] Firing/);
    assert.match(html, /\[1\] Resolved/);
    assert.match(html, /href="http:\/\/prom\/graph\?g0\.expr=b"/);
  });
});

describe('Alertmanager data model and functions', () => {
  const run = (text: string, data: unknown) =>
    Template.parse('', text, alertmanagerFuncs({ now: () => Date.UTC(2024, 0, 1, 1, 30) }), {
      missingKey: 'zero',
    }).execute(data);

  test('KV methods', () => {
    const kv = KV.from({ b: '2', alertname: 'Z', a: '1' });
    const d = { kv };
    assert.equal(run('{{ .kv.SortedPairs }}', d), 'alertname=Z, a=1, b=2');
    assert.equal(run('{{ .kv.Names }} {{ .kv.Values }}', d), '[alertname a b] [Z 1 2]');
    assert.equal(run('{{ (.kv.Remove (stringSlice "a" "alertname")).Names }}', d), '[b]');
    assert.equal(run('{{ range .kv.SortedPairs }}{{ .Name }}:{{ .Value }};{{ end }}', d), 'alertname:Z;a:1;b:2;');
    assert.equal(
      run('{{ .kv.b }} [{{ .kv.missing }}] {{ index .kv "a" }} [{{ index .kv "nope" }}] {{ len .kv }}', d),
      '2 [] 1 [] 3',
    );
    assert.equal(run('{{ .kv }}', d), 'alertname=Z, a=1, b=2');
  });

  test('string functions', () => {
    assert.equal(
      run('{{ "aa bb CC" | title }} {{ toUpper "x" }} {{ toLower "Y" }} [{{ trimSpace "  z \\n" }}]', {}),
      'Aa Bb Cc X y [z]',
    );
    assert.equal(
      run(
        '{{ stringSlice "a" "b" | join ", " }} {{ match "^x" "xy" }} {{ reReplaceAll "(\\\\w+)@" "$1 at " "me@host" }}',
        {},
      ),
      'a, b true me at host',
    );
    assert.equal(
      run('{{ urlUnescape "a%20b+c" }} {{ safeUrl "http://x" }} {{ safeHtml "<b>" }}', {}),
      'a b c http://x <b>',
    );
  });

  test('time functions', () => {
    const d = { t: new GoTime(Date.UTC(2024, 0, 1, 0, 0, 5)) };
    assert.equal(run('{{ .t }}', d), '2024-01-01 00:00:05 +0000 UTC');
    assert.equal(
      run('{{ date "2006-01-02 15:04:05 MST" .t }} {{ .t | date "Jan _2 3:04PM" }}', d),
      '2024-01-01 00:00:05 UTC Jan  1 12:00AM',
    );
    assert.equal(
      run('{{ (tz "Europe/Paris" .t).Format "15:04 -07:00" }} {{ (.t | tz "America/New_York") }}', d),
      '01:00 +01:00 2023-12-31 19:00:05 -0500 EST',
    );
    assert.equal(run('{{ since .t }} {{ (since .t).Minutes }}', d), '1h29m55s 89.91666666666667');
    assert.throws(() => run('{{ tz "Nowhere/City" .t }}', d), /error calling tz: unknown time zone Nowhere\/City/);
    assert.equal(run('{{ humanizeDuration 3661 }}', {}), '1h 1m 1s');
  });

  test('toJson', () => {
    const data = notification({ alerts: [{ labels: { alertname: 'X', b: '<&>' }, startsAt: T0, fingerprint: 'f' }] });
    assert.equal(run('{{ .CommonLabels | toJson }}', data), '{"alertname":"X","b":"\\u003c\\u0026\\u003e"}');
    assert.equal(
      run('{{ index .Alerts 0 | toJson }}', data),
      '{"status":"firing","labels":{"alertname":"X","b":"\\u003c\\u0026\\u003e"},"annotations":{},"startsAt":"2024-01-01T00:00:00Z","endsAt":"0001-01-01T00:00:00Z","generatorURL":"","fingerprint":"f"}',
    );
    assert.equal(
      run('{{ toJson 1.5 }} {{ toJson 3 }} {{ toJson "s" }} {{ toJson .x }}', { x: [1, 'a', null] }),
      '1.5 3 "s" [1,"a",null]',
    );
  });

  test('notification data is built like Alertmanager does', () => {
    const data = notification();
    assert.equal(data.Receiver, 'team-X\\.mails');
    assert.equal(data.Status, 'firing');
    assert.equal(data.Alerts.length, 3);
    assert.equal(data.Alerts.Firing().length, 2);
    assert.equal(data.Alerts.Resolved().length, 1);
    assert.deepEqual([...data.CommonLabels.keys()].sort(), ['alertname', 'job']);
    assert.deepEqual([...data.CommonAnnotations.keys()], ['summary']);
    assert.equal(
      run('{{ .Receiver }} {{ .Status }} {{ .ExternalURL }} {{ .GroupLabels.alertname }}', data),
      'team-X\\.mails firing http://am.example.com:9093 HighLatency',
    );
    assert.throws(() => run('{{ .NoSuchField }}', data), /can't evaluate field NoSuchField in type \*template.Data/);
  });
});

describe('HTML escaping mode (html/template approximation) and template files', () => {
  test('action output is escaped, safeHtml output is not, nested templates are not escaped twice', () => {
    const t = Template.new('', alertmanagerFuncs(), { missingKey: 'zero', escapeHtml: true }).parse(
      '{{ define "inner" }}<i>{{ . }}</i>{{ end }}<p>{{ .v }}</p>{{ template "inner" .v }}{{ safeHtml "<b>ok</b>" }}{{ .missing }}',
    );
    assert.equal(
      t.execute({ v: '<script>a+b&"c"</script>' }),
      '<p>&lt;script&gt;a&#43;b&amp;&#34;c&#34;&lt;/script&gt;</p><i>&lt;script&gt;a&#43;b&amp;&#34;c&#34;&lt;/script&gt;</i><b>ok</b>',
    );
  });
  test('email.default.html escapes label values', () => {
    const t = upstreamSet().clone({ escapeHtml: true });
    const data = notification({ alerts: [{ labels: { alertname: 'X', evil: '<img src=x>' }, startsAt: T0 }] });
    const html = t.execute(data, 'email.default.html');
    assert.ok(html.includes('evil = &lt;img src=x&gt;'));
    assert.ok(!html.includes('<img src=x>'));
  });
});

describe('receiver field expansion', () => {
  test('executeTextString and executeHTMLString parse a field against the loaded set', () => {
    const set = alertmanagerTemplates([
      readFileSync(new URL('default.tmpl', DIR), 'utf8'),
      readFileSync(new URL('email.tmpl', DIR), 'utf8'),
    ]);
    const data = notification();
    assert.equal(
      executeTextString(set, '{{ template "slack.default.title" . }}', data),
      '[FIRING:2] HighLatency (api)',
    );
    assert.equal(executeTextString(set, '', data), '');
    assert.equal(executeTextString(set, '{{ .CommonLabels.nope }}|{{ .Status | title }}', data), '|Firing');
    assert.equal(
      executeHTMLString(set, '<b>{{ .CommonAnnotations.summary }} & {{ "<x>" }}</b>', data),
      '<b>Latency is high & &lt;x&gt;</b>',
    );
    // the field's own template does not leak into the set
    assert.equal(set.lookup('')?.execute(data).trim(), '');
  });
});
