import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { isStaleNaN } from '../model/index.ts';
import { createParser, ExpositionError } from './index.ts';
import { MALFORMED } from './malformed-cases.ts';
import { parseAll, rejection } from './test-helpers.ts';

const enc = (s: string) => new TextEncoder().encode(s);

describe('text format 0.0.4', () => {
  test('HELP, TYPE, comments, labels, timestamps and special values', () => {
    const page = [
      '# A free comment',
      '# HELP http_requests_total The total number of HTTP requests.\\nSecond line \\\\ done',
      '# TYPE http_requests_total counter',
      'http_requests_total{method="post",code="200"} 1027 1395066363000',
      'http_requests_total{method="post",code="400"}    3 1395066363000',
      '',
      'metric_without_timestamp_and_labels 12.47',
      'something_weird{problem="division by zero"} +Inf 3982045',
      'neg_inf -Inf',
      'nan_value NaN',
      'sci 1.5e-3',
      'dot_start .5',
      'msdos_file_access_time_seconds{path="C:\\\\DIR\\\\FILE.TXT",error="Cannot find file:\\n\\"FILE.TXT\\""} 1.458255915e9',
      '',
    ].join('\n');
    const { samples, help, types } = parseAll(page, 'text');
    assert.equal(help.http_requests_total, 'The total number of HTTP requests.\nSecond line \\ done');
    assert.equal(types.http_requests_total, 'counter');
    assert.equal(samples.length, 9);
    assert.deepEqual(samples[0].labels, { __name__: 'http_requests_total', code: '200', method: 'post' });
    assert.equal(samples[0].key, 'http_requests_total{method="post",code="200"}');
    assert.equal(samples[0].timestamp, 1395066363000);
    assert.equal(samples[0].type, 'counter');
    assert.equal(samples[1].value, 3);
    assert.equal(samples[2].key, 'metric_without_timestamp_and_labels');
    assert.equal(samples[2].timestamp, undefined);
    assert.equal(samples[2].type, 'unknown');
    assert.equal(samples[3].value, Number.POSITIVE_INFINITY);
    assert.equal(samples[3].timestamp, 3982045);
    assert.equal(samples[4].value, Number.NEGATIVE_INFINITY);
    assert.ok(Number.isNaN(samples[5].value) && !isStaleNaN(samples[5].value));
    assert.equal(samples[6].value, 0.0015);
    assert.equal(samples[7].value, 0.5);
    assert.deepEqual(samples[8].labels, {
      __name__: 'msdos_file_access_time_seconds',
      path: 'C:\\DIR\\FILE.TXT',
      error: 'Cannot find file:\n"FILE.TXT"',
    });
    assert.equal(samples[8].value, 1458255915);
    assert.equal(samples[8].line, 13);
  });

  test('Go float spellings Prometheus accepts', () => {
    const values = ['inf', '+inf', 'Infinity', '-infinity', 'nan', '1E3', '1e+3', '-0', '+5', '5.', '0.000001'];
    const page = values.map((v, i) => `m${i} ${v}\n`).join('');
    const got = parseAll(page, 'text').samples.map((s) => s.value);
    assert.deepEqual(got.slice(0, 4), [Infinity, Infinity, Infinity, -Infinity]);
    assert.ok(Number.isNaN(got[4]));
    assert.deepEqual(got.slice(5), [1000, 1000, -0, 5, 5, 0.000001]);
  });

  test('whitespace, optional and trailing commas, no final newline, tabs', () => {
    const page = 'a {b = "1"  c="2",} 7\nb\t3\t 12\t\nc{} 1\n  \t\n  # indented comment\nlast{x="y"}9';
    const { samples } = parseAll(page, 'text');
    assert.deepEqual(
      samples.map((s) => [s.labels, s.value, s.timestamp]),
      [
        [{ __name__: 'a', b: '1', c: '2' }, 7, undefined],
        [{ __name__: 'b' }, 3, 12],
        [{ __name__: 'c' }, 1, undefined],
        [{ __name__: 'last', x: 'y' }, 9, undefined],
      ],
    );
    assert.equal(samples[0].key, 'a {b = "1"  c="2",}');
  });

  test('Prometheus 3 quoted UTF-8 metric and label names', () => {
    const page = [
      '# HELP "my.metric" Dotted name.',
      '# \tTYPE "my.metric" gauge',
      '{"my.metric", "a.b"="c"} 1',
      '{q="0.9","http.status",a="b"} 2',
      '{"Heizölrückstoßabdämpfung 10€ \\"q\\"","strange©™\\n"="6"} 10.0',
      '',
    ].join('\n');
    const { samples, help, types } = parseAll(page, 'text');
    assert.equal(help['my.metric'], 'Dotted name.');
    assert.equal(types['my.metric'], 'gauge');
    assert.deepEqual(samples[0].labels, { __name__: 'my.metric', 'a.b': 'c' });
    assert.equal(samples[0].key, '{"my.metric", "a.b"="c"}');
    assert.equal(samples[0].type, 'gauge');
    assert.deepEqual(samples[1].labels, { __name__: 'http.status', q: '0.9', a: 'b' });
    assert.deepEqual(samples[2].labels, { __name__: 'Heizölrückstoßabdämpfung 10€ "q"', 'strange©™\n': '6' });
  });

  test('labels() are sorted by name with __name__ in place, empty values dropped', () => {
    const p = createParser('m{z="1",A="2",_x="3",b="",y="4"} 1\n', 'text');
    assert.equal(p.next(), 'series');
    const l = p.labels();
    assert.deepEqual(l.flat, ['A', '2', '__name__', 'm', '_x', '3', 'y', '4', 'z', '1']);
  });

  test('le and quantile are normalised like Prometheus 3, by the last TYPE', () => {
    const page = [
      '# TYPE h histogram',
      'h_bucket{le="1"} 1',
      'h_bucket{le="+Inf"} 2',
      'h_bucket{le="1e3"} 2',
      'h_bucket{le="x"} 2',
      'h_count 2',
      '# TYPE s summary',
      's{quantile="0"} 1',
      's_sum{le="0"} 1',
      '# TYPE g gauge',
      'g{le="1"} 1',
      '# TYPE u untyped',
      'u{le="1"} 1',
      '',
    ].join('\n');
    const labels = parseAll(page, 'text').samples.map((s) => s.labels.le ?? s.labels.quantile);
    assert.deepEqual(labels, ['1.0', '+Inf', '1000.0', 'x', undefined, '0.0', '0', '1', '1']);
    const om = parseAll('# TYPE h histogram\nh_bucket{le="1"} 1\n# EOF\n', 'openmetrics').samples;
    assert.equal(om[0].labels.le, '1.0');
  });

  test('series type follows the family by suffix', () => {
    const page = [
      '# TYPE h histogram',
      'h_bucket{le="1"} 1',
      'h_sum 1',
      'h_count 1',
      'h_total 1',
      '# TYPE s summary',
      's 1',
      's_count 1',
      'other 1',
      '',
    ].join('\n');
    const types = parseAll(page, 'text').samples.map((s) => s.type);
    assert.deepEqual(types, ['histogram', 'histogram', 'histogram', 'unknown', 'summary', 'summary', 'unknown']);
  });

  test('a raw line break inside a label value is accepted and counted as a line, as Prometheus does', () => {
    const { samples } = parseAll('a{b="x\ny"} 1\nc 2\n', 'text');
    assert.equal(samples[0].labels.b, 'x\ny');
    assert.equal(samples[1].line, 3);
  });

  test('lenientEscapes keeps unknown escapes as written', () => {
    const p = createParser('a{b="c\\td"} 1\n', 'text', { lenientEscapes: true });
    assert.equal(p.next(), 'series');
    assert.equal(p.labels().get('b'), 'c\\td');
  });

  test('bytes are decoded as UTF-8', () => {
    const { samples } = parseAll(enc('a{b="é€😀"} 1\n'), 'text');
    assert.equal(samples[0].labels.b, 'é€😀');
  });

  test('timestamps beyond 15 digits and int64 range', () => {
    assert.equal(parseAll('a 1 1234567890123456\n', 'text').samples[0].timestamp, 1234567890123456);
    assert.match(rejection('a 1 99999999999999999999\n', 'text'), /^1:5: timestamp out of range/);
  });
});

describe('OpenMetrics 1.0', () => {
  test('metadata, units, exemplars, float timestamps, _created', () => {
    const page = [
      '# TYPE foo_seconds counter',
      '# UNIT foo_seconds seconds',
      '# HELP foo_seconds A "quoted" help\\nwith escapes.',
      'foo_seconds_total{a="b"} 17.0 1520879607.789 # {id="counter-test"} 5',
      'foo_seconds_created{a="b"} 1520872607.123',
      '# TYPE hh histogram',
      'hh_bucket{le="0.5"} 1 # {trace_id="KOO5S4vxi0o"} 0.67 1520879607.5',
      'hh_bucket{le="+Inf"} 2 # {"id.thing"="x",other="y"} 4',
      'hh_count 2',
      'hh_sum 1.5',
      '# TYPE st stateset',
      'st{st="a"} 1',
      '# TYPE i info',
      'i_info{version="1.0"} 1',
      '# TYPE gh gaugehistogram',
      'gh_bucket{le="+Inf"} 3',
      'gh_gcount 3',
      'gh_gsum 2',
      '# TYPE u unknown',
      'u 1',
      'neg_ts_total 1 -1.5 # {a="b"} 1',
      '# EOF',
    ].join('\n');
    const { samples, help, types, units } = parseAll(page, 'openmetrics');
    assert.equal(help.foo_seconds, 'A "quoted" help\nwith escapes.');
    assert.equal(units.foo_seconds, 'seconds');
    assert.deepEqual(types, {
      foo_seconds: 'counter',
      hh: 'histogram',
      st: 'stateset',
      i: 'info',
      gh: 'gaugehistogram',
      u: 'unknown',
    });
    assert.equal(samples.length, 13);
    assert.equal(samples[0].timestamp, 1520879607789);
    assert.equal(samples[0].key, 'foo_seconds_total{a="b"}');
    assert.equal(samples[0].type, 'counter');
    assert.equal(samples[1].labels.__name__, 'foo_seconds_created');
    assert.equal(samples[1].value, 1520872607.123);
    assert.equal(samples[1].type, 'counter');
    assert.equal(samples[2].value, 1);
    assert.equal(samples[2].type, 'histogram');
    assert.equal(samples[6].type, 'stateset');
    assert.equal(samples[7].type, 'info');
    assert.deepEqual(
      samples.slice(8, 11).map((s) => s.type),
      ['gaugehistogram', 'gaugehistogram', 'gaugehistogram'],
    );
    assert.equal(samples[12].timestamp, -1500);
  });

  test('skipCreatedSeries drops _created samples of counters, histograms and summaries only', () => {
    const page =
      '# TYPE c counter\nc_total 1\nc_created 5\n# TYPE g gauge\ng_created 1\n# TYPE s summary\ns_count 1\ns_created 2\n# EOF\n';
    const p = createParser(page, 'openmetrics', { skipCreatedSeries: true });
    const names: string[] = [];
    for (let e = p.next(); e !== null; e = p.next()) if (e === 'series') names.push(p.metricName());
    assert.deepEqual(names, ['c_total', 'g_created', 's_count']);
    assert.equal(parseAll(page, 'openmetrics').samples.length, 5);
  });

  test('# EOF without a final newline ends the page; next() then returns null', () => {
    const p = createParser('a 1\n# EOF', 'openmetrics');
    assert.equal(p.next(), 'series');
    assert.equal(p.next(), 'eof');
    assert.equal(p.next(), null);
    assert.equal(p.next(), null);
  });

  test('UTF-8 quoted names', () => {
    const page =
      '# HELP "go.gc" help\n# TYPE "go.gc" summary\n{"go.gc",quantile="0"} 4.9e-05\n{"go.gc_sum"} 1\nq_count 1 # {"id.thing"="t"} 4\n# EOF\n';
    const { samples, types } = parseAll(page, 'openmetrics');
    assert.equal(types['go.gc'], 'summary');
    assert.deepEqual(samples[0].labels, { __name__: 'go.gc', quantile: '0.0' });
    assert.equal(samples[1].type, 'summary');
  });
});

describe('malformed input is rejected with line:col', () => {
  for (const { name, format, input, want } of MALFORMED) {
    test(name, () => {
      const got = rejection(input, format);
      assert.match(got, want, `input ${JSON.stringify(input)}`);
    });
  }

  test('invalid UTF-8 bytes', () => {
    const bytes = new Uint8Array([...enc('a 1\nb{c="x'), 0xff, ...enc('"} 1\n')]);
    assert.match(rejection(bytes, 'text'), /^2:7: invalid UTF-8/);
    const truncated = new Uint8Array([...enc('a 1\nb{c="é'), 0xe2, 0x82, ...enc('"} 1\n')]);
    assert.match(rejection(truncated, 'text'), /^2:7: invalid UTF-8/);
    const surrogate = new Uint8Array([...enc('a{b="'), 0xed, 0xa0, 0x80, ...enc('"} 1\n')]);
    assert.match(rejection(surrogate, 'text'), /^1:6: invalid UTF-8/);
    assert.match(rejection('a{b="\ud800"} 1\n', 'text'), /^1:6: invalid UTF-8/);
  });

  test('errors are ExpositionError with line and col, and the parser stays finished', () => {
    const p = createParser('ok 1\nbad\n', 'text');
    assert.equal(p.next(), 'series');
    let err: unknown;
    try {
      p.next();
    } catch (e) {
      err = e;
    }
    assert.ok(err instanceof ExpositionError);
    assert.equal(err.line, 2);
    assert.equal(err.col, 4);
    assert.equal(p.next(), null);
  });
});

describe('expectKey (the scrape cache fast path)', () => {
  const keysAndLabels = (page: string, format: 'text' | 'openmetrics', hints: string[]) => {
    const p = createParser(page, format);
    const out: { matched: boolean; key: string; labels: string; value: number; ts: number | undefined }[] = [];
    let i = 0;
    if (hints[i] !== undefined) p.expectKey(hints[i]);
    for (let e = p.next(); e !== null; e = p.next()) {
      if (e !== 'series') continue;
      out.push({
        matched: p.keyMatched(),
        key: p.seriesKey(),
        labels: p.labels().toString(),
        value: p.value(),
        ts: p.timestamp(),
      });
      i++;
      if (hints[i] !== undefined) p.expectKey(hints[i]);
    }
    return out;
  };

  test('a line starting with the expected text is matched and still yields its labels, value and timestamp', () => {
    const page = '# TYPE a counter\na{x="1",y="2"} 5 1000\nb 7\n';
    const r = keysAndLabels(page, 'text', ['a{x="1",y="2"}', 'b']);
    assert.deepEqual(
      r.map((x) => x.matched),
      [true, true],
    );
    assert.equal(r[0].labels, '{__name__="a", x="1", y="2"}');
    assert.equal(r[0].value, 5);
    assert.equal(r[0].ts, 1000);
    assert.equal(r[0].key, 'a{x="1",y="2"}');
    assert.equal(r[1].labels, '{__name__="b"}');
  });

  test('a different line, a longer name or a label block after the expected name is parsed in full', () => {
    const page = 'a{x="1"} 1\nab 2\na {x="2"} 3\n';
    const r = keysAndLabels(page, 'text', ['a{x="2"}', 'a', 'a']);
    assert.deepEqual(
      r.map((x) => [x.matched, x.labels]),
      [
        [false, '{__name__="a", x="1"}'],
        [false, '{__name__="ab"}'],
        [false, '{__name__="a", x="2"}'],
      ],
    );
  });

  test('errors after a matched key are still reported with their line', () => {
    const page = 'a{x="1"} 1\na{x="1"} oops\n';
    assert.throws(
      () => keysAndLabels(page, 'text', ['a{x="1"}', 'a{x="1"}']),
      (e: unknown) => e instanceof ExpositionError && e.line === 2,
    );
  });

  test('OpenMetrics: matched lines keep exemplar and _created handling', () => {
    const page = '# TYPE c counter\nc_total{x="1"} 3 # {t="a"} 1\nc_created{x="1"} 12\n# EOF\n';
    const r = keysAndLabels(page, 'openmetrics', ['c_total{x="1"}', 'c_created{x="1"}']);
    assert.deepEqual(
      r.map((x) => [x.matched, x.labels, x.value]),
      [
        [true, '{__name__="c_total", x="1"}', 3],
        [true, '{__name__="c_created", x="1"}', 12],
      ],
    );
  });
});
