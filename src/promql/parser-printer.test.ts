import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { exprToJSON } from './parse-json.ts';
import { parseExpr } from './parser.ts';
import { astKey } from './parser-test-util.ts';
import { exprToString, formatFloat, prettify } from './printer.ts';

describe('exprToString prints like Prometheus', () => {
  // [input, expected output]; an empty expectation means the input comes back unchanged.
  const cases: [string, string][] = [
    ['sum by() (task:errors:rate10s{job="s"})', 'sum(task:errors:rate10s{job="s"})'],
    ['sum by(code) (task:errors:rate10s{job="s"})', 'sum by (code) (task:errors:rate10s{job="s"})'],
    ['sum without() (task:errors:rate10s{job="s"})', 'sum without () (task:errors:rate10s{job="s"})'],
    ['sum(x) by ("foo.bar")', 'sum by ("foo.bar") (x)'],
    ['topk(5, task:errors:rate10s{job="s"})', ''],
    ['count_values("value", task:errors:rate10s{job="s"})', ''],
    ['a - on() c', 'a - on () c'],
    ['a - on(b) group_left(x, y) c', 'a - on (b) group_left (x, y) c'],
    ['a - on(b) group_left c', 'a - on (b) group_left () c'],
    ['a - ignoring(b) c', 'a - ignoring (b) c'],
    ['a - ignoring() c', 'a - c'],
    ['a - ignoring() group_left(__name__) c', 'a - ignoring () group_left (__name__) c'],
    ['a + fill(-23) b', 'a + fill (-23) b'],
    ['a + fill_right(42) b', 'a + fill_right (42) b'],
    ['up > bool 0', ''],
    ['a offset 1m', ''],
    ['a offset -7m', ''],
    ['a offset 90s', 'a offset 1m30s'],
    ['a{c="d"}[5m] offset 1m', ''],
    ['a[1h:5m] offset 1m', ''],
    ['a[1h:] @ end()', ''],
    ['a smoothed', ''],
    ['{__name__="a"}', ''],
    ['a{b!~"c", a=~"x"}[1m]', 'a{a=~"x",b!~"c"}[1m]'],
    ['a @ 10', 'a @ 10.000'],
    ['a[1m] @ -1.5', 'a[1m] @ -1.500'],
    ['{__name__="",a="x"}', ''],
    ['{"a.b"="c"}', ''],
    ['{"_0"="1"}', '{_0="1"}'],
    ['{``="0"}', '{""="0"}'],
    ['1048576', ''],
    ['1e21', '1000000000000000000000'],
    ['1e-7', '0.0000001'],
    ['-0.05', ''],
    ['0x10', '16'],
    ['+Inf', ''],
    ['1m', ''],
    ['foo[step()]', ''],
    ['foo[-(step())]', ''],
    ['foo offset +(5*2)', 'foo offset (5 * 2)'],
    ['foo offset -min_of(10s, +max_of(step() ^ 2, 2))', 'foo offset -min_of(10s, max_of(step() ^ 2, 2))'],
    ['foo[200-min_of(-step()^+step(),1)]', 'foo[200 - min_of(-step() ^ step(), 1)]'],
    ['foo[26m+4m]', 'foo[26m + 4m]'],
    ['foo[1800]', 'foo[30m]'],
    ['predict_linear(foo[1h], 3000)', ''],
    ['count by("ööö", job) (foo)', 'count by ("ööö", job) (foo)'],
    ['foo / on("äää") group_left("ööö") bar', 'foo / on ("äää") group_left ("ööö") bar'],
    ['-(1 + 2)', ''],
    ['- foo', '-foo'],
    ['"a\\"b\\n"', ''],
    ["'it''s'", ''],
    ['sum(x) + on(a) group_right(b) - c', 'sum(x) + on (a) group_right (b) -c'],
    ['a </ 10', ''],
    ['Inf ^ 2', 'Inf ^ 2'],
    ['-Inf ^ 2', '-Inf ^ 2'],
    ['fill + fill(0) other', 'fill + fill (0) other'],
  ];
  for (const [input, want] of cases) {
    test(input, () => {
      if (input === "'it''s'") {
        // Two adjacent strings are not valid PromQL.
        assert.throws(() => parseExpr(input));
        return;
      }
      assert.equal(exprToString(parseExpr(input)), want === '' ? input : want);
    });
  }
  test('printed output parses back to the same tree', () => {
    for (const [input] of cases) {
      if (input === "'it''s'") continue;
      const e = parseExpr(input);
      assert.equal(astKey(parseExpr(exprToString(e))), astKey(e), input);
    }
  });
});

describe('formatFloat', () => {
  test('matches Go strconv.FormatFloat(v, f, -1, 64)', () => {
    const cases: [number, string][] = [
      [0, '0'],
      [-0, '-0'],
      [1, '1'],
      [0.1, '0.1'],
      [123.456, '123.456'],
      [1e21, '1000000000000000000000'],
      [1.5e-7, '0.00000015'],
      [-2.5, '-2.5'],
      [Number.NaN, 'NaN'],
      [Number.POSITIVE_INFINITY, '+Inf'],
      [Number.NEGATIVE_INFINITY, '-Inf'],
      [1 / 3, '0.3333333333333333'],
    ];
    for (const [v, want] of cases) assert.equal(formatFloat(v), want);
  });
});

describe('prettify', () => {
  const cases: [string, number, string][] = [
    ['sum(foo)', 10, 'sum(foo)'],
    ['sum by() (task:errors:rate10s{job="s"})', 10, 'sum(\n  task:errors:rate10s{job="s"}\n)'],
    [
      'sum(task:errors:rate10s{job="s"}) without(job,foo)',
      10,
      'sum without (job, foo) (\n  task:errors:rate10s{job="s"}\n)',
    ],
    ['topk(10, ask:errors:rate10s{job="s"})', 10, 'topk(\n  10,\n  ask:errors:rate10s{job="s"}\n)'],
    ['a == bool 1', 10, '  a\n== bool\n  1'],
    ['a + ignoring(job) b', 10, '  a\n+ ignoring (job)\n  b'],
    ['foo_1 + foo_2 + foo_3', 10, '    foo_1\n  +\n    foo_2\n+\n  foo_3'],
    ['foo + baar + foo_3', 10, '  foo + baar\n+\n  foo_3'],
    ['rate(foo[1m])', 10, 'rate(\n  foo[1m]\n)'],
    [
      'max_over_time(rate(demo_api_request_duration_seconds_count[1m])[1m:] @ start() offset 1m)',
      10,
      'max_over_time(\n  rate(\n    demo_api_request_duration_seconds_count[1m]\n  )[1m:] @ start() offset 1m\n)',
    ],
    ['(_foo_long_)', 10, '(\n  _foo_long_\n)'],
    ['((foo_long))', 10, '(\n  (foo_long)\n)'],
    ['-histogram_quantile(0.9,rate(foo[1m]))', 10, '-histogram_quantile(\n  0.9,\n  rate(\n    foo[1m]\n  )\n)'],
    ['(-vector_selector)', 10, '(\n  -vector_selector\n)'],
    ['rate(foo[2*1h])', 10, 'rate(\n  foo[2 * 1h]\n)'],
    [
      '(node_timex_offset_seconds > 0.05 and deriv(node_timex_offset_seconds[5m]) >= 0) or (node_timex_offset_seconds < -0.05 and deriv(node_timex_offset_seconds[5m]) <= 0)',
      10,
      [
        '  (',
        '        node_timex_offset_seconds',
        '      >',
        '        0.05',
        '    and',
        '        deriv(',
        '          node_timex_offset_seconds[5m]',
        '        )',
        '      >=',
        '        0',
        '  )',
        'or',
        '  (',
        '        node_timex_offset_seconds',
        '      <',
        '        -0.05',
        '    and',
        '        deriv(',
        '          node_timex_offset_seconds[5m]',
        '        )',
        '      <=',
        '        0',
        '  )',
      ].join('\n'),
    ],
    ['up{job="api"}', 100, 'up{job="api"}'],
  ];
  for (const [input, width, want] of cases) {
    test(`${input} (width ${width})`, () => {
      const e = parseExpr(input);
      const out = prettify(e, width);
      assert.equal(out, want);
      assert.equal(astKey(parseExpr(out)), astKey(e));
    });
  }
});

describe('prettify of large input', () => {
  test('long chains format in linear time', () => {
    const q = Array(300).fill('rate(http_requests_total{job="api"}[5m])').join(' + ');
    const e = parseExpr(q);
    const t0 = performance.now();
    const out = prettify(e);
    assert.ok(performance.now() - t0 < 5000);
    assert.equal(astKey(parseExpr(out)), astKey(e));
  });
  test('very deep trees come back on one line instead of with quadratic indentation', () => {
    const q = Array(3000).fill('a').join(' + ');
    const e = parseExpr(q);
    assert.equal(prettify(e, 10), q);
  });
});

describe('exprToJSON matches /api/v1/parse_query', () => {
  test('selectors, aggregation, binary expression with matching', () => {
    const json = exprToJSON(parseExpr('sum by (a) (rate(foo{b="c"}[5m] offset 1m)) + on(x) group_left bar @ 100'));
    assert.deepEqual(json, {
      type: 'binaryExpr',
      op: '+',
      lhs: {
        type: 'aggregation',
        op: 'sum',
        expr: {
          type: 'call',
          func: { name: 'rate', argTypes: ['matrix'], variadic: 0, returnType: 'vector' },
          args: [
            {
              type: 'matrixSelector',
              name: 'foo',
              range: 300000,
              offset: 60000,
              matchers: [
                { type: '=', name: 'b', value: 'c' },
                { type: '=', name: '__name__', value: 'foo' },
              ],
              timestamp: null,
              startOrEnd: null,
              anchored: false,
              smoothed: false,
            },
          ],
        },
        param: null,
        grouping: ['a'],
        without: false,
      },
      rhs: {
        type: 'vectorSelector',
        name: 'bar',
        offset: 0,
        matchers: [{ type: '=', name: '__name__', value: 'bar' }],
        timestamp: 100000,
        startOrEnd: null,
        anchored: false,
        smoothed: false,
      },
      matching: { card: 'many-to-one', labels: ['x'], on: true, include: [], fillValues: { lhs: null, rhs: null } },
      bool: false,
    });
  });
  test('literals, unary, paren, subquery', () => {
    assert.deepEqual(exprToJSON(parseExpr('-(1.5)')), {
      type: 'unaryExpr',
      op: '-',
      expr: { type: 'parenExpr', expr: { type: 'numberLiteral', val: '1.5' } },
    });
    assert.deepEqual(exprToJSON(parseExpr('"x"')), { type: 'stringLiteral', val: 'x' });
    assert.deepEqual(exprToJSON(parseExpr('foo[10m:1m] @ start()')), {
      type: 'subquery',
      expr: {
        type: 'vectorSelector',
        name: 'foo',
        offset: 0,
        matchers: [{ type: '=', name: '__name__', value: 'foo' }],
        timestamp: null,
        startOrEnd: null,
        anchored: false,
        smoothed: false,
      },
      range: 600000,
      offset: 0,
      step: 60000,
      timestamp: null,
      startOrEnd: 'start',
      alignEvalTime: false,
    });
    const fill = exprToJSON(parseExpr('a + fill_left(1) fill_right(NaN) b')) as { matching: unknown };
    assert.deepEqual(fill.matching, {
      card: 'one-to-one',
      labels: [],
      on: false,
      include: [],
      fillValues: { lhs: 1, rhs: 'NaN' },
    });
    assert.equal(
      JSON.stringify(exprToJSON(parseExpr('x'))),
      '{"anchored":false,"matchers":[{"name":"__name__","type":"=","value":"x"}],"name":"x","offset":0,"smoothed":false,"startOrEnd":null,"timestamp":null,"type":"vectorSelector"}',
    );
    assert.deepEqual(exprToJSON(parseExpr('1 + 2')), {
      type: 'binaryExpr',
      op: '+',
      lhs: { type: 'numberLiteral', val: '1' },
      rhs: { type: 'numberLiteral', val: '2' },
      matching: null,
      bool: false,
    });
  });
});
