/**
 * Osprey's default templates against Alertmanager's (the upstream default.tmpl and email.tmpl, parsed by our
 * template engine at test time): every upstream template name exists, the text templates produce identical
 * text, and the HTML email carries the same visible text and links.
 */
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { alertmanagerTemplates, buildTemplateData, type Data, executeTextString } from '../template/index.ts';
import { DEFAULT_TEMPLATES } from './default-templates.ts';

const UPSTREAM = join(dirname(fileURLToPath(import.meta.url)), '../../../shared/conformance/alertmanager-templates');
const NOW = Date.parse('2024-05-01T10:00:00Z');

const alert = (labels: Record<string, string>, annotations: Record<string, string>, resolved = false) => ({
  labels,
  annotations,
  startsAt: NOW - 600_000,
  endsAt: resolved ? NOW - 5000 : 0,
  generatorURL: `http://prometheus:9090/graph?g0.expr=${encodeURIComponent(labels.alertname ?? '')}`,
  fingerprint: '0011223344556677',
});

const DATASETS: Record<string, Data> = {
  'two firing, extra common labels': buildTemplateData({
    receiver: 'slack-notifications',
    groupLabels: { alertname: 'HighLatency' },
    externalURL: 'http://alertmanager.example:9093',
    now: NOW,
    alerts: [
      alert(
        { alertname: 'HighLatency', instance: 'a:9100', job: 'api', severity: 'critical' },
        { summary: 'p99 above 1s', description: 'API latency is high' },
      ),
      alert(
        { alertname: 'HighLatency', instance: 'b:9100', job: 'api', severity: 'critical' },
        { summary: 'p99 above 1s' },
      ),
    ],
  }),
  'firing and resolved mixed': buildTemplateData({
    receiver: 'ops (pager)',
    groupLabels: { alertname: 'DiskFull', cluster: 'eu-1' },
    externalURL: 'https://am.example.com',
    now: NOW,
    alerts: [
      alert(
        { alertname: 'DiskFull', cluster: 'eu-1', device: '/dev/sda1', severity: 'warning' },
        { summary: 'disk 95%' },
      ),
      alert({ alertname: 'DiskFull', cluster: 'eu-1', device: '/dev/sdb1', severity: 'info' }, {}, true),
    ],
  }),
  'all resolved': buildTemplateData({
    receiver: 'email',
    groupLabels: { alertname: 'InstanceDown' },
    externalURL: 'http://localhost:9093',
    now: NOW,
    alerts: [
      alert({ alertname: 'InstanceDown', instance: 'db:5432', severity: 'critical' }, { summary: 'down' }, true),
    ],
  }),
  'no group labels, no annotations, empty external URL': buildTemplateData({
    receiver: 'catch-all',
    groupLabels: {},
    externalURL: '',
    now: NOW,
    alerts: [alert({ alertname: 'Watchdog' }, {}), alert({ alertname: 'Other', team: 'x' }, {})],
  }),
};

const hasUpstream = existsSync(`${UPSTREAM}/default.tmpl`);

test('upstream templates are present', () => {
  assert.ok(hasUpstream, `${UPSTREAM} is missing`);
});

const upstream = alertmanagerTemplates([], [`${UPSTREAM}/default.tmpl`, `${UPSTREAM}/email.tmpl`], { now: () => NOW });
const ours = alertmanagerTemplates([...DEFAULT_TEMPLATES], [], { now: () => NOW });

test('every upstream template name is defined', () => {
  const mine = new Set(ours.definedTemplates());
  const missing = upstream.definedTemplates().filter((n) => n !== '' && !mine.has(n) && !n.endsWith('.tmpl'));
  assert.deepEqual(missing, []);
});

const textNames = upstream
  .definedTemplates()
  .filter((n) => n !== '' && !n.endsWith('.tmpl') && n !== 'email.default.html');

for (const [label, data] of Object.entries(DATASETS)) {
  test(`text templates match Alertmanager's: ${label}`, () => {
    let compared = 0;
    for (const name of textNames) {
      // List templates (__text_alert_list, pagerduty.default.instances) take .Alerts, the others the data.
      const byData = `{{ template "${name}" . }}`;
      const byAlerts = `{{ template "${name}" .Alerts }}`;
      let call = byData;
      let expected: string;
      try {
        expected = executeTextString(upstream, byData, data);
      } catch {
        call = byAlerts;
        expected = executeTextString(upstream, byAlerts, data);
      }
      assert.equal(executeTextString(ours, call, data), expected, name);
      compared++;
    }
    assert.ok(compared > 60, `only ${compared} templates compared`);
  });
}

/** Visible text of an HTML document, whitespace collapsed. */
function visibleText(html: string): string {
  return html
    .replace(/<head>[\s\S]*?<\/head>/i, '')
    .replace(/<[^>]+>/g, ' ')
    .replace(/\s+/g, ' ')
    .trim();
}
const hrefs = (html: string) => [...html.matchAll(/href="([^"]*)"/g)].map((m) => m[1]);

for (const [label, data] of Object.entries(DATASETS)) {
  test(`email.default.html has Alertmanager's text and links: ${label}`, () => {
    const call = '{{ template "email.default.html" . }}';
    const mine = executeTextString(ours, call, data);
    const theirs = executeTextString(upstream, call, data);
    assert.equal(visibleText(mine), visibleText(theirs));
    assert.deepEqual(hrefs(mine), hrefs(theirs));
    assert.match(mine, /^<!DOCTYPE html>/);
  });
}
