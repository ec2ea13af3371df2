import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { configErrorMessage, parseAlertmanagerConfig } from './alertmanager-index.ts';
import { ConfigError } from './yaml-errors.ts';

function fails(yaml: string): { msg: string; err: ConfigError } {
  try {
    parseAlertmanagerConfig(yaml, 'am.yml');
  } catch (e) {
    assert.ok(e instanceof ConfigError, String(e));
    return { msg: configErrorMessage(e), err: e };
  }
  assert.fail('config loaded but must fail');
}

const RCV = 'receivers:\n  - name: a\n  - name: b\n';

describe('alertmanager.yml loader', () => {
  test('the seed config loads with defaults', () => {
    const c = parseAlertmanagerConfig(
      `global:
  resolve_timeout: 5m
route:
  group_by: ['alertname']
  receiver: 'slack-notifications'
receivers:
  - name: 'slack-notifications'
    slack_configs:
      - channel: '#alerts'
        api_url: 'https://hooks.slack.com/services/XXXXXX/XXXXXX/XXXXXX'
`,
      'am.yml',
    );
    assert.equal(c.global.resolve_timeout, 300_000);
    assert.equal(c.global.smtp_hello, 'localhost');
    assert.equal(c.global.smtp_require_tls, true);
    assert.equal(c.route.group_wait, 30_000);
    assert.equal(c.route.group_interval, 300_000);
    assert.equal(c.route.repeat_interval, 4 * 3600_000);
    const s = c.receivers[0].slack_configs?.[0];
    assert.equal(s?.send_resolved, false);
    assert.equal(s?.channel, '#alerts');
    assert.equal(s?.title, '{{ template "slack.default.title" . }}');
  });

  test('children inherit receiver, group_by and timings', () => {
    const c = parseAlertmanagerConfig(
      `route:
  receiver: a
  group_by: [x]
  group_wait: 10s
  repeat_interval: 1h
  routes:
    - matchers: ['foo="bar"', 'baz=~"q.*"']
      group_interval: 1m
      routes:
        - match: {z: "1"}
          receiver: b
${RCV}`,
      'am.yml',
    );
    const child = c.route.routes[0];
    assert.equal(child.receiver, 'a');
    assert.deepEqual(child.group_by, ['x']);
    assert.equal(child.group_wait, 10_000);
    assert.equal(child.group_interval, 60_000);
    assert.equal(child.repeat_interval, 3600_000);
    assert.deepEqual(
      child.matchers.map((m) => m.toString()),
      ['baz=~"q.*"', 'foo="bar"'],
    );
    assert.equal(child.routes[0].receiver, 'b');
    assert.equal(child.routes[0].group_interval, 60_000);
  });

  test('unknown receiver in a route', () => {
    const { msg, err } = fails(`route:\n  receiver: a\n  routes:\n    - receiver: nope\n${RCV}`);
    assert.equal(msg, 'undefined receiver "nope" used in route');
    assert.equal(err.line, 4);
  });

  test('duplicate receiver names', () => {
    assert.equal(fails(`route:\n  receiver: a\n${RCV}  - name: a\n`).msg, 'notification config name "a" is not unique');
  });

  test('root route rules', () => {
    assert.equal(fails(`route:\n  receiver: a\n  match: {x: y}\n${RCV}`).msg, 'root route must not have any matchers');
    assert.equal(fails(`route:\n  group_by: [x]\n${RCV}`).msg, 'root route must specify a default receiver');
    assert.equal(fails(RCV).msg, 'no routes provided');
  });

  test('group_by checks', () => {
    assert.equal(fails(`route:\n  receiver: a\n  group_by: [x, x]\n${RCV}`).msg, 'duplicated label "x" in group_by');
    assert.equal(
      fails(`route:\n  receiver: a\n  group_by: ['...', x]\n${RCV}`).msg,
      'cannot have wildcard group_by (`...`) and other other labels at the same time',
    );
  });

  test('zero intervals', () => {
    assert.equal(fails(`route:\n  receiver: a\n  group_interval: 0s\n${RCV}`).msg, 'group_interval cannot be zero');
    assert.equal(fails(`route:\n  receiver: a\n  repeat_interval: 0s\n${RCV}`).msg, 'repeat_interval cannot be zero');
  });

  test('undefined and duplicate time intervals', () => {
    assert.equal(
      fails(`route:\n  receiver: a\n  routes:\n    - mute_time_intervals: [night]\n${RCV}`).msg,
      'undefined time interval "night" used in route',
    );
    const item = '  - name: night\n    time_intervals:\n      - times: [{start_time: "00:00", end_time: "06:00"}]\n';
    const ti = `time_intervals:\n${item}`;
    assert.equal(fails(`route:\n  receiver: a\n${RCV}${ti}${item}`).msg, 'time interval "night" is not unique');
    const ok = parseAlertmanagerConfig(
      `route:\n  receiver: a\n  routes:\n    - active_time_intervals: [night]\n${RCV}${ti}`,
      'am.yml',
    );
    assert.deepEqual(ok.time_intervals[0].time_intervals[0].times?.[0].end_minute, 360);
  });

  test('bad time interval values', () => {
    const bad = (spec: string) =>
      fails(`route:\n  receiver: a\n${RCV}time_intervals:\n  - name: t\n    time_intervals:\n      - ${spec}\n`).msg;
    assert.equal(
      bad('times: [{start_time: "10:00", end_time: "09:00"}]'),
      'start time cannot be equal or greater than end time',
    );
    assert.equal(bad('weekdays: [funday]'), 'funday is not a valid weekday');
    assert.equal(bad("days_of_month: ['0']"), '0 is not a valid day of the month');
    assert.equal(bad('location: Mars/Olympus'), 'unknown time zone Mars/Olympus');
  });

  test('bad matchers and regexes', () => {
    assert.match(fails(`route:\n  receiver: a\n  routes:\n    - matchers: ['foo']\n${RCV}`).msg, /./);
    assert.match(
      fails(`route:\n  receiver: a\n  routes:\n    - match_re: {x: "("}\n${RCV}`).msg,
      /error parsing regexp/,
    );
  });

  test('unknown field names the key and its line', () => {
    const { err } = fails(`route:\n  receiver: a\n  recevier: b\n${RCV}`);
    assert.equal(err.line, 3);
    assert.match(err.issues[0], /unknown field "recevier"/);
  });

  test('integration checks', () => {
    const r = (body: string) => fails(`route:\n  receiver: a\nreceivers:\n  - name: a\n${body}`).msg;
    assert.equal(r('    webhook_configs:\n      - {}\n'), 'one of url or url_file must be configured');
    assert.equal(r('    email_configs:\n      - to: x@y\n'), 'no global SMTP smarthost set');
    assert.equal(r('    pagerduty_configs:\n      - {}\n'), 'missing service or routing key in PagerDuty config');
    assert.equal(r('    webhook_configs:\n      - url: ftp://x\n'), 'unsupported scheme "ftp" for URL');
  });

  test('global http_config is inherited by integrations', () => {
    const c = parseAlertmanagerConfig(
      `global:\n  http_config:\n    follow_redirects: false\nroute:\n  receiver: a\nreceivers:\n  - name: a\n    webhook_configs:\n      - url: http://x/\n`,
      'am.yml',
    );
    assert.equal(c.receivers[0].webhook_configs?.[0].http_config?.follow_redirects, false);
    assert.equal(c.receivers[0].webhook_configs?.[0].send_resolved, true);
  });
});
