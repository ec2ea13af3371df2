import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import {
  checkAlertTemplate,
  expandAlertTemplate,
  expandPrometheusTemplate,
  expandPrometheusTemplateAsync,
  prometheusFuncs,
  type Sample,
  Template,
} from './index.ts';

function run(text: string, data: unknown = {}, opts: Parameters<typeof prometheusFuncs>[0] = {}): string {
  return Template.parse('t', text, prometheusFuncs(opts), { missingKey: 'zero' }).execute(data);
}

describe('Prometheus functions give Prometheus documented outputs', () => {
  test('humanize', () => {
    assert.equal(run('{{ humanize 1234567.0 }}'), '1.235M');
    assert.equal(run('{{ humanize 1234567 }}'), '1.235M');
    assert.equal(run('{{ humanize "1234567" }}'), '1.235M');
    assert.equal(run('{{ humanize 0.001234 }}'), '1.234m');
    assert.equal(run('{{ humanize 0 }} {{ humanize 1 }} {{ humanize 999 }} {{ humanize 1000 }}'), '0 1 999 1k');
    assert.equal(run('{{ humanize 1e30 }}'), '1e+06Y');
    assert.equal(run('{{ humanize -1500 }} {{ humanize 0.0000000000000000000000001 }}'), '-1.5k 0.1y');
    assert.equal(run('{{ .v | humanize }}', { v: Number.POSITIVE_INFINITY }), '+Inf');
    assert.equal(run('{{ .v | humanize }}', { v: Number.NaN }), 'NaN');
  });
  test('humanize1024', () => {
    assert.equal(run('{{ humanize1024 1048576.0 }}'), '1Mi');
    assert.equal(
      run('{{ humanize1024 1024 }} {{ humanize1024 1 }} {{ humanize1024 0.5 }} {{ humanize1024 1536 }}'),
      '1ki 1 0.5 1.5ki',
    );
  });
  test('humanizeDuration', () => {
    assert.equal(run('{{ humanizeDuration 899.99 }}'), '14m 59s');
    assert.equal(run('{{ humanizeDuration 3661 }}'), '1h 1m 1s');
    assert.equal(run('{{ humanizeDuration 90061 }}'), '1d 1h 1m 1s');
    assert.equal(
      run('{{ humanizeDuration 1.5 }} {{ humanizeDuration 0 }} {{ humanizeDuration 0.0012 }}'),
      '1.5s 0s 1.2ms',
    );
    assert.equal(run('{{ humanizeDuration -3661 }} {{ humanizeDuration 60 }}'), '-1h 1m 1s 1m 0s');
    assert.equal(run('{{ humanizeDuration "3661" }}'), '1h 1m 1s');
  });
  test('humanizePercentage', () => {
    assert.equal(run('{{ humanizePercentage 0.1234567 }}'), '12.35%');
    assert.equal(run('{{ humanizePercentage 0.1234 }} {{ humanizePercentage 1 }}'), '12.34% 100%');
  });
  test('humanizeTimestamp, toTime, toDuration', () => {
    assert.equal(run('{{ humanizeTimestamp 1435065584.128 }}'), '2015-06-23 13:19:44.128 +0000 UTC');
    assert.equal(run('{{ toTime 1435065584.128 }}'), '2015-06-23 13:19:44.128 +0000 UTC');
    assert.equal(run('{{ (toTime 1435065584.0).Unix }} {{ (toTime 0).Format "2006-01-02" }}'), '1435065584 1970-01-01');
    assert.equal(run('{{ toDuration 3661 }} {{ toDuration 0.25 }} {{ toDuration 0 }}'), '1h1m1s 250ms 0s');
  });
  test('strings', () => {
    assert.equal(
      run('{{ "aa bb CC" | title }} {{ "aa bb CC" | toUpper }} {{ "aA bB CC" | toLower }}'),
      'Aa Bb CC AA BB CC aa bb cc',
    );
    assert.equal(run('{{ match "a+" "baa" }} {{ match "^a+$" "baa" }}'), 'true false');
    assert.equal(run('{{ reReplaceAll "localhost:(.*)" "my.domain:$1" "localhost:3000" }}'), 'my.domain:3000');
    assert.equal(run('{{ reReplaceAll "(a)" "$1x" "a" }}'), ''); // Go reads $1x as a group named "1x"
    assert.equal(run('{{ safeHtml "<b>" }}'), '<b>');
  });
  test('links and URLs', () => {
    const o = { externalURL: 'http://prom.example.com:9090/prometheus' };
    assert.equal(run('{{ graphLink "rate(x[5m]) > 1" }}', {}, o), '/graph?g0.expr=rate%28x%5B5m%5D%29+%3E+1&g0.tab=0');
    assert.equal(run('{{ tableLink "up" }}', {}, o), '/graph?g0.expr=up&g0.tab=1');
    assert.equal(
      run('{{ externalURL }} {{ pathPrefix }}', {}, o),
      'http://prom.example.com:9090/prometheus /prometheus',
    );
  });
  test('stripPort, stripDomain, parseDuration', () => {
    assert.equal(
      run('{{ stripPort "host:9100" }} {{ stripPort "[::1]:9100" }} {{ stripPort "host" }}'),
      'host ::1 host',
    );
    assert.equal(
      run(
        '{{ stripDomain "foo.example.com:9100" }} {{ stripDomain "foo.example.com" }} {{ stripDomain "10.0.0.1:9100" }} {{ stripDomain "[2001:db8::1]:80" }}',
      ),
      'foo:9100 foo 10.0.0.1:9100 [2001:db8::1]:80',
    );
    assert.equal(run('{{ parseDuration "1h30m" }} {{ parseDuration "250ms" }}'), '5400 0.25');
  });
  test('args and tmpl', () => {
    assert.equal(run('{{ define "x" }}{{ .arg0 }}+{{ .arg1 }}{{ end }}{{ template "x" (args 1 "b") }}'), '1+b');
    assert.equal(run('{{ define "x" }}<{{ . }}>{{ end }}{{ tmpl "x" 5 }}'), '<5>');
  });
  test('query, first, value, label, strvalue, sortByLabel', () => {
    const samples: Sample[] = [
      { Labels: { __name__: 'up', instance: 'b', job: 'node' }, Value: 1 },
      { Labels: { __name__: 'up', instance: 'a', job: 'node' }, Value: 0 },
    ];
    const query = (q: string) => (q === 'up' ? samples.map((s) => ({ ...s })) : []);
    assert.equal(
      run(
        '{{ query "up" | first | value }} {{ with query "up" }}{{ . | first | label "instance" }}{{ end }}',
        {},
        { query },
      ),
      '1 b',
    );
    assert.equal(
      run(
        '{{ range query "up" | sortByLabel "instance" }}{{ .Labels.instance }}={{ .Value }} {{ end }}',
        {},
        { query },
      ),
      'a=0 b=1 ',
    );
    assert.equal(run('{{ len (query "nothing") }}', {}, { query }), '0');
    assert.throws(
      () => run('{{ query "nothing" | first }}', {}, { query }),
      /error calling first: first\(\) called on vector with no elements/,
    );
    const strQuery = () => [{ Labels: { __value__: 'hello' }, Value: 0 }];
    assert.equal(run('{{ query "x" | first | strvalue }}', {}, { query: strQuery }), 'hello');
  });
  test('conversion errors are Go errors', () => {
    assert.throws(() => run('{{ humanize "abc" }}'), {
      message:
        'template: t:1:3: executing "t" at <humanize "abc">: error calling humanize: strconv.ParseFloat: parsing "abc": invalid syntax',
    });
    assert.throws(() => run('{{ parseDuration "1x" }}'), /error calling parseDuration: not a valid duration string/);
    assert.throws(
      () => run('{{ match "(" "x" }}'),
      /error calling match: error parsing regexp: missing closing \): `\(`/,
    );
  });
});

describe('alert template expansion', () => {
  const data = { labels: { instance: 'host:9100', job: 'node', severity: 'page' }, value: 1e6 };
  test('the prelude variables', () => {
    assert.equal(
      expandPrometheusTemplate(
        '{{ $labels.instance }} of {{ $labels.job }} = {{ $value }} ({{ $value | humanize }}) [{{ $labels.missing }}] {{ $externalLabels.dc }} {{ $externalURL }}',
        {
          ...data,
          externalLabels: { dc: 'eu1' },
          externalURL: 'http://prom',
        },
      ),
      'host:9100 of node = 1e+06 (1M) [] eu1 http://prom',
    );
    assert.equal(expandPrometheusTemplate('{{ .Labels.job }} {{ .Value }}', data), 'node 1e+06');
    assert.equal(expandPrometheusTemplate('[{{ $externalLabels.none }}]', { labels: {}, value: 0 }), '[]');
  });
  test('errors become the error text Prometheus puts in the annotation', () => {
    // The prelude is 112 bytes long, so "{{ humanize" starts at byte 112 and the command at 115.
    assert.equal(
      expandPrometheusTemplate('{{ humanize "x" }}', data, { name: '__alert_Test' }),
      '<error expanding template: error executing template __alert_Test: template: __alert_Test:1:115: executing "__alert_Test" at <humanize "x">: error calling humanize: strconv.ParseFloat: parsing "x": invalid syntax>',
    );
    const r = expandAlertTemplate('{{ $label.foo }}', data, { name: '__alert_Test' });
    assert.equal(r.error, 'error parsing template __alert_Test: template: __alert_Test:1: undefined variable "$label"');
    assert.equal(r.text, `<error expanding template: ${r.error}>`);
  });
  test('checkAlertTemplate reports parse errors like promtool check rules', () => {
    assert.equal(
      checkAlertTemplate('Instance {{ $label.foo }} down', 'InstanceDown'),
      'template: __alert_InstanceDown:1: undefined variable "$label"',
    );
    assert.equal(checkAlertTemplate('{{ $labels.instance }} down', 'InstanceDown'), null);
  });
  test('async query', async () => {
    const query = async (q: string): Promise<Sample[]> => {
      await new Promise((r) => setTimeout(r, 1));
      return [{ Labels: { q }, Value: 42 }];
    };
    assert.equal(
      await expandPrometheusTemplateAsync(
        '{{ with query "up" }}{{ . | first | value }}{{ end }} {{ query "x" | first | label "q" }}',
        data,
        { query },
      ),
      '42 x',
    );
    assert.match(
      expandPrometheusTemplate('{{ query "up" }}', data, { query }),
      /^<error expanding template: .*use executeAsync>$/,
    );
  });
});
