import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, test } from 'node:test';
import { alertmanagerTemplates, buildTemplateData, type DataInput, executeHTMLString } from './index.ts';

const DIR = new URL('../../../shared/conformance/alertmanager-templates/', import.meta.url);
const upstream = alertmanagerTemplates(
  ['default.tmpl', 'email.tmpl'].map((f) => readFileSync(new URL(f, DIR), 'utf8')),
);
const ours = alertmanagerTemplates();

const T0 = Date.UTC(2024, 0, 1);
const LIST_TEMPLATES = new Set(['__text_alert_list', '__text_alert_list_markdown', 'pagerduty.default.instances']);

function data(
  alerts: DataInput['alerts'],
  groupLabels: Record<string, string> = { alertname: 'A' },
  receiver = 'team',
) {
  return buildTemplateData({ receiver, groupLabels, externalURL: 'http://am:9093', alerts, now: T0 + 10_000 });
}

const SCENARIOS: [string, ReturnType<typeof data>][] = [
  [
    'mixed firing and resolved',
    data([
      {
        labels: { alertname: 'A', i: '1', severity: 'warning' },
        annotations: { summary: 's', description: 'd1' },
        startsAt: T0,
        generatorURL: 'http://g/1',
      },
      {
        labels: { alertname: 'A', i: '2', severity: 'critical' },
        annotations: { summary: 's' },
        startsAt: T0,
        generatorURL: 'http://g/2',
      },
      { labels: { alertname: 'A', i: '3', severity: 'info' }, annotations: {}, startsAt: T0, endsAt: T0 + 1000 },
    ]),
  ],
  ['one firing, nothing common beyond the group', data([{ labels: { alertname: 'A' }, startsAt: T0 }])],
  [
    'resolved only, two group labels, special receiver',
    data(
      [
        {
          labels: { alertname: 'B', job: 'x', severity: 'warning' },
          annotations: { summary: 'gone' },
          startsAt: T0,
          endsAt: T0 + 1,
        },
        {
          labels: { alertname: 'B', job: 'x', severity: 'info' },
          annotations: { summary: 'gone' },
          startsAt: T0,
          endsAt: T0 + 1,
        },
      ],
      { alertname: 'B', job: 'x' },
      'ops & on-call (eu)',
    ),
  ],
  ['no group labels, info only', data([{ labels: { alertname: 'C', severity: 'info' }, startsAt: T0 }], {})],
];

describe("Osprey's default templates produce Alertmanager's default texts", () => {
  test('every text template Alertmanager defines exists with the same name', () => {
    const mine = new Set(ours.definedTemplates());
    for (const n of upstream.definedTemplates()) assert.ok(mine.has(n), n);
  });
  for (const [name, d] of SCENARIOS) {
    test(name, () => {
      let compared = 0;
      for (const n of upstream.definedTemplates()) {
        if (n === '' || n === 'email.default.html') continue;
        const dot = LIST_TEMPLATES.has(n) ? d.Alerts : d;
        assert.equal(ours.execute(dot, n), upstream.execute(dot, n), n);
        compared++;
      }
      assert.ok(compared > 60);
    });
  }
});

describe("Osprey's HTML email", () => {
  test('carries the subject, counts, labels, annotations and links, escaped', () => {
    const d = data([
      {
        labels: { alertname: 'A', evil: '<script>x</script>' },
        annotations: { summary: 'a & b' },
        startsAt: T0,
        generatorURL: 'http://g/1?a=1&b=2',
      },
      { labels: { alertname: 'A' }, startsAt: T0, endsAt: T0 + 1 },
    ]);
    const html = executeHTMLString(ours, '{{ template "email.default.html" . }}', d);
    assert.match(html, /<title>\[FIRING:1\] A <\/title>/);
    assert.match(html, /2 alerts for alertname=A/);
    assert.match(html, /\[1\] Firing/);
    assert.match(html, /\[1\] Resolved/);
    assert.ok(html.includes('evil = &lt;script&gt;x&lt;/script&gt;<br>'));
    assert.ok(html.includes('summary = a &amp; b<br>'));
    assert.ok(html.includes('href="http://g/1?a=1&amp;b=2"'));
    assert.ok(html.includes('href="http://am:9093/#/alerts?receiver=team"'));
    assert.ok(!html.includes('<script>'));
  });
});
