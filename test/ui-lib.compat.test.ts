// The web UI's pure helpers (URL state, durations, matchers, dashboard variables), run under Node.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { interpolate, legendText, parseLabelValues } from '../web/src/lib/dashboard-vars.ts';
import { formatNumber, seriesName } from '../web/src/lib/format.ts';
import { matcherString, newSilenceLink, parseMatchers, validateMatcher } from '../web/src/lib/matchers.ts';
import { parsePanels, serializePanels } from '../web/src/lib/panel-state.ts';
import { autoStep, formatTime, parseDuration, parseTime } from '../web/src/lib/time.ts';

test('Prometheus graph URLs are read and written with the same parameter names', () => {
  const q = new URLSearchParams(
    'g0.expr=rate(x[5m])&g0.tab=0&g0.stacked=1&g0.range_input=6h&g0.end_input=2024-01-02%2003:04:05&g0.step_input=30s' +
      '&g1.expr=up&g1.tab=table&g1.display_mode=stacked',
  );
  const panels = parsePanels(q);
  assert.deepEqual(panels, [
    { expr: 'rate(x[5m])', tab: 'graph', stacked: true, range: '6h', end: '2024-01-02 03:04:05', step: '30s' },
    { expr: 'up', tab: 'table', stacked: true, range: '1h', end: '', step: '' },
  ]);
  const out = serializePanels(panels);
  assert.equal(out.get('g0.expr'), 'rate(x[5m])');
  assert.equal(out.get('g0.tab'), '0');
  assert.equal(out.get('g1.tab'), '1');
  assert.equal(out.get('g0.range_input'), '6h');
  assert.deepEqual(parsePanels(out), panels);
  assert.deepEqual(parsePanels(new URLSearchParams('')), [
    { expr: '', tab: 'table', stacked: false, range: '1h', end: '', step: '' },
  ]);
});

test('durations, times and the auto step', () => {
  assert.equal(parseDuration('1h30m'), 5_400_000);
  assert.equal(parseDuration('1d'), 86_400_000);
  assert.equal(parseDuration('90'), 90_000);
  assert.equal(parseDuration('1x'), null);
  assert.equal(parseDuration(''), null);
  assert.equal(parseTime('2024-01-02 03:04:05'), Date.UTC(2024, 0, 2, 3, 4, 5));
  assert.equal(formatTime(Date.UTC(2024, 0, 2, 3, 4, 5)), '2024-01-02 03:04:05');
  assert.equal(parseTime('1704164645'), 1_704_164_645_000);
  assert.equal(autoStep(3_600_000), 15);
  assert.equal(autoStep(60_000), 1);
});

test('matchers: parsing links, validation, and silence links from labels', () => {
  const ms = parseMatchers('{alertname="High\\"Latency", job=~"api|web", env!="dev",x!~"a.*"}');
  assert.deepEqual(ms.map(matcherString), ['alertname="High\\"Latency"', 'job=~"api|web"', 'env!="dev"', 'x!~"a.*"']);
  assert.throws(() => parseMatchers('{a="b'), /unterminated/);
  assert.throws(() => parseMatchers('{1a="b"}'), /label name/);
  assert.equal(validateMatcher({ name: 'a-b', value: 'x', isRegex: false, isEqual: true }), 'invalid label name "a-b"');
  assert.match(String(validateMatcher({ name: 'a', value: '(x', isRegex: true, isEqual: true })), /invalid regular/);
  assert.match(String(validateMatcher({ name: 'a', value: '(?=x)', isRegex: true, isEqual: true })), /RE2/);
  assert.equal(validateMatcher({ name: 'a', value: 'x|y', isRegex: true, isEqual: true }), null);
  const link = newSilenceLink({ alertname: 'A', evil: '<script>"x"</script>' });
  const filter = new URL(link, 'http://x').searchParams.get('filter')!;
  assert.deepEqual(parseMatchers(filter), [
    { name: 'alertname', value: 'A', isRegex: false, isEqual: true },
    { name: 'evil', value: '<script>"x"</script>', isRegex: false, isEqual: true },
  ]);
});

test('dashboard variables and legends', () => {
  assert.deepEqual(parseLabelValues('label_values(node_uname_info{job="n"}, instance)'), {
    match: 'node_uname_info{job="n"}',
    label: 'instance',
  });
  assert.deepEqual(parseLabelValues('label_values(job)'), { match: undefined, label: 'job' });
  assert.equal(parseLabelValues('query_result(up)'), null);
  assert.equal(
    // biome-ignore lint/suspicious/noTemplateCurlyInString: ${job} is the dashboard variable syntax under test
    interpolate('up{instance=~"$instance", job="${job}"}', { instance: '$__all', job: 'n' }),
    'up{instance=~".*", job="n"}',
  );
  assert.equal(interpolate('x{a="$unknown"}', {}), 'x{a="$unknown"}');
  assert.equal(legendText('{{device}} {{op}}', { device: 'sda', op: 'read' }, seriesName), 'sda read');
  assert.equal(legendText(undefined, { __name__: 'up', job: 'a' }, seriesName), 'up{job="a"}');
});

test('number formatting', () => {
  assert.equal(formatNumber(1536, 'bytes'), '1.50 KiB');
  assert.equal(formatNumber(0.25, 'percentunit'), '25%');
  assert.equal(formatNumber(0.125, 'percentunit'), '12.5%');
  assert.equal(formatNumber(5400, 'seconds'), '1.50h');
  assert.equal(formatNumber(14), '14');
  assert.equal(formatNumber(12345), '12.3k');
  assert.equal(formatNumber(Number.NaN), 'NaN');
  assert.equal(formatNumber(Number.POSITIVE_INFINITY), '+Inf');
});
