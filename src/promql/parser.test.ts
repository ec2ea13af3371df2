import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { MatchType } from '../model/index.ts';
import {
  type BinaryExpr,
  durationNeedsQuery,
  type Expr,
  evalDurationMs,
  FUNCTIONS,
  type MatrixSelector,
  resolveDurations,
  type SubqueryExpr,
  type VectorSelector,
  valueTypeOf,
  walkExpr,
} from './ast.ts';
import { MAX_NESTING, PromQLParseError, parseDurationExpr, parseExpr, parseMetricSelector } from './parser.ts';
import { astKey } from './parser-test-util.ts';
import { exprToString } from './printer.ts';

function parseError(q: string): PromQLParseError {
  try {
    parseExpr(q);
  } catch (e) {
    assert.ok(e instanceof PromQLParseError, `expected PromQLParseError for ${q}, got ${e}`);
    return e;
  }
  assert.fail(`expected ${JSON.stringify(q)} to fail to parse`);
}

describe('number literals', () => {
  const cases: [string, number][] = [
    ['1', 1],
    ['+Inf', Number.POSITIVE_INFINITY],
    ['-Inf', Number.NEGATIVE_INFINITY],
    ['inf', Number.POSITIVE_INFINITY],
    ['.5', 0.5],
    ['5.', 5],
    ['123.4567', 123.4567],
    ['5e-3', 0.005],
    ['5E3', 5000],
    ['0xc', 12],
    ['0X1f', 31],
    ['0755', 493],
    ['-0755', -493],
    ['08', 8],
    ['+5.5e-3', 0.0055],
    ['1m', 60],
    ['1h30m', 5400],
    ['-10s', -10],
    ['100ms', 0.1],
  ];
  for (const [q, want] of cases) {
    test(q, () => {
      const e = parseExpr(q);
      assert.equal(e.type, 'NumberLiteral');
      assert.equal(e.type === 'NumberLiteral' && e.value, want);
    });
  }
  test('NaN', () => {
    const e = parseExpr('NaN');
    assert.ok(e.type === 'NumberLiteral' && Number.isNaN(e.value));
  });
});

describe('string literals', () => {
  const cases: [string, string][] = [
    [`"double \\" quote"`, 'double " quote'],
    [`'single \\' quote'`, "single ' quote"],
    ['`raw \\n string`', 'raw \\n string'],
    [`"\\a\\b\\f\\n\\r\\t\\v\\\\"`, '\x07\b\f\n\r\t\v\\'],
    [`"\\u1234\\U0001F600"`, '\u1234\u{1F600}'],
    [`"\\x41\\101"`, 'AA'],
    [`"\\xc3\\xa9"`, 'é'],
    [`"☺ unicode"`, '☺ unicode'],
  ];
  for (const [q, want] of cases) {
    test(q, () => {
      const e = parseExpr(q);
      assert.equal(e.type === 'StringLiteral' && e.value, want);
    });
  }
  test('escaped bytes that are not UTF-8 survive a print/parse round trip', () => {
    const e = parseExpr(`"a\\xc5z"`);
    assert.equal(exprToString(e), `"a\\xc5z"`);
    assert.equal(astKey(parseExpr(exprToString(e))), astKey(e));
  });
});

describe('selectors', () => {
  test('metric name and matchers', () => {
    const e = parseExpr(`foo{a="b", c!="d", e=~"f.*", g!~"h",}`) as VectorSelector;
    assert.equal(e.type, 'VectorSelector');
    assert.equal(e.name, 'foo');
    assert.deepEqual(
      e.matchers.map((m) => [m.name, m.type, m.value]),
      [
        ['a', MatchType.Equal, 'b'],
        ['c', MatchType.NotEqual, 'd'],
        ['e', MatchType.Regex, 'f.*'],
        ['g', MatchType.NotRegex, 'h'],
        ['__name__', MatchType.Equal, 'foo'],
      ],
    );
  });
  test('quoted UTF-8 metric and label names', () => {
    const e = parseExpr(`{"my.metric", "a.b"="c"}`) as VectorSelector;
    assert.equal(e.name, null);
    assert.deepEqual(
      e.matchers.map((m) => [m.name, m.value]),
      [
        ['__name__', 'my.metric'],
        ['a.b', 'c'],
      ],
    );
    assert.equal(exprToString(e), `{__name__="my.metric","a.b"="c"}`);
  });
  test('keywords work as metric and label names', () => {
    for (const q of [
      'offset{step="1s"}[5m]',
      'anchored{job="x"}',
      'sum',
      'foo * sum',
      'start',
      'end{start="x"}',
      'by',
      'min',
    ]) {
      assert.doesNotThrow(() => parseExpr(q), q);
    }
    const e = parseExpr('foo{NaN="x", by="y", and="z"}') as VectorSelector;
    assert.deepEqual(
      e.matchers.map((m) => m.name),
      ['NaN', 'by', 'and', '__name__'],
    );
  });
  test('metric names with colons', () => {
    const e = parseExpr('foo:bar:rate5m{a="b"}') as VectorSelector;
    assert.equal(e.name, 'foo:bar:rate5m');
  });
  test('matrix selectors, offsets and @', () => {
    const m = parseExpr('foo[5m] offset -1h @ 1603774568.5') as MatrixSelector;
    assert.equal(m.type, 'MatrixSelector');
    assert.equal(m.range, 300000);
    assert.equal(m.vectorSelector.offset, -3600000);
    assert.equal(m.vectorSelector.at, 1603774568500);
    const s = parseExpr('foo @ start()') as VectorSelector;
    assert.equal(s.atModifier, 'start');
    assert.equal(s.at, null);
    assert.equal((parseExpr('foo @ end() offset 5m') as VectorSelector).atModifier, 'end');
    assert.equal((parseExpr('foo @ 3.3335') as VectorSelector).at, 3334);
    assert.equal((parseExpr('foo offset 3600') as VectorSelector).offset, 3600000);
    assert.equal((parseExpr('foo[1800]') as MatrixSelector).range, 1800000);
    assert.equal((parseExpr('foo[4.018]') as MatrixSelector).range, 4018);
  });
  test('anchored and smoothed', () => {
    const m = parseExpr('rate(foo[5m] anchored)');
    assert.ok(m.type === 'Call' && m.args[0].type === 'MatrixSelector' && m.args[0].vectorSelector.anchored);
    const v = parseExpr('foo smoothed') as VectorSelector;
    assert.equal(v.smoothed, true);
    assert.equal(
      exprToString(parseExpr('a{b="c"}[5m] anchored @ start() offset 1m')),
      'a{b="c"}[5m] anchored @ start() offset 1m',
    );
  });
  test('subqueries', () => {
    const s = parseExpr('rate(foo[5m])[30m:1m] offset 2m @ 100') as SubqueryExpr;
    assert.equal(s.type, 'SubqueryExpr');
    assert.equal(s.range, 1800000);
    assert.equal(s.step, 60000);
    assert.equal(s.offset, 120000);
    assert.equal(s.at, 100000);
    const d = parseExpr('foo[10m:]') as SubqueryExpr;
    assert.equal(d.step, 0);
    assert.equal((parseExpr('foo offset 1m [10m:5s]') as SubqueryExpr).expr.type, 'VectorSelector');
  });
  test('parseMetricSelector', () => {
    const ms = parseMetricSelector('up{job=~"api|web"}');
    assert.deepEqual(
      ms.map((m) => [m.name, m.type, m.value]),
      [
        ['job', '=~', 'api|web'],
        ['__name__', '=', 'up'],
      ],
    );
    assert.equal(parseMetricSelector('{"a.b"="1"}')[0].name, 'a.b');
    assert.throws(() => parseMetricSelector('up + 1'), PromQLParseError);
    assert.throws(() => parseMetricSelector('{a=""}'), /at least one non-empty matcher/);
  });
});

describe('operators', () => {
  const shape = (e: Expr): string => {
    switch (e.type) {
      case 'BinaryExpr':
        return `(${shape(e.lhs)} ${e.op} ${shape(e.rhs)})`;
      case 'UnaryExpr':
        return `(${e.op}${shape(e.expr)})`;
      case 'ParenExpr':
        return `[${shape(e.expr)}]`;
      case 'NumberLiteral':
        return String(e.value);
      case 'VectorSelector':
        return e.name ?? '?';
      default:
        return e.type;
    }
  };
  const cases: [string, string][] = [
    ['1 + 2 * 3', '(1 + (2 * 3))'],
    ['1 * 2 + 3', '((1 * 2) + 3)'],
    ['a - b - c', '((a - b) - c)'],
    ['a / b * c % d', '(((a / b) * c) % d)'],
    ['2 ^ 3 ^ 2', '(2 ^ (3 ^ 2))'],
    ['-1 ^ 2', '(-(1 ^ 2))'],
    ['-1 * 2', '(-1 * 2)'],
    ['-a * b', '((-a) * b)'],
    ['-a ^ b', '(-(a ^ b))'],
    ['a ^ -b', '(a ^ (-b))'],
    ['+1 + -2 * 1', '(1 + (-2 * 1))'],
    ['a atan2 b + c', '((a atan2 b) + c)'],
    ['a + b > c', '((a + b) > c)'],
    ['a > b and c', '((a > b) and c)'],
    ['a and b unless c or d', '(((a and b) unless c) or d)'],
    ['a or b and c', '(a or (b and c))'],
    ['foo + bar or bla and blub', '((foo + bar) or (bla and blub))'],
    ['(a + b) * c', '([(a + b)] * c)'],
    ['a </ 5 + 1', '((a </ 5) + 1)'],
    ['--1', '1'],
    ['foo offset 5s - 8', '(foo - 8)'],
  ];
  for (const [q, want] of cases) {
    test(q, () => assert.equal(shape(parseExpr(q)), want));
  }
  test('vector matching', () => {
    const e = parseExpr('bar + on(foo) bla / on(baz, buz) group_right(test) blub') as BinaryExpr;
    assert.deepEqual(e.matching, {
      card: 'one-to-one',
      on: true,
      labels: ['foo'],
      include: [],
      fillLeft: null,
      fillRight: null,
    });
    const r = e.rhs as BinaryExpr;
    assert.deepEqual(r.matching, {
      card: 'one-to-many',
      on: true,
      labels: ['baz', 'buz'],
      include: ['test'],
      fillLeft: null,
      fillRight: null,
    });
    const g = parseExpr('a * ignoring(x) group_left b') as BinaryExpr;
    assert.equal(g.matching?.card, 'many-to-one');
    assert.equal(g.matching?.on, false);
    assert.equal((parseExpr('a and b') as BinaryExpr).matching?.card, 'many-to-many');
    assert.equal((parseExpr('a + 1') as BinaryExpr).matching, null);
    assert.equal((parseExpr('a > bool b') as BinaryExpr).returnBool, true);
  });
  test('fill modifiers', () => {
    const both = parseExpr('a + fill(0) b') as BinaryExpr;
    assert.equal(both.matching?.fillLeft, 0);
    assert.equal(both.matching?.fillRight, 0);
    const split = parseExpr('a + on(x) group_left fill_left(5) fill_right(-Inf) b') as BinaryExpr;
    assert.equal(split.matching?.fillLeft, 5);
    assert.equal(split.matching?.fillRight, Number.NEGATIVE_INFINITY);
    assert.equal(exprToString(split), 'a + on (x) group_left () fill_left (5) fill_right (-Inf) b');
    assert.equal(exprToString(parseExpr('a == bool fill(30) b')), 'a == bool fill (30) b');
  });
  test('aggregations with grouping before or after, and parameters', () => {
    const a = parseExpr('sum(rate(x[5m])) by (job, "a.b")');
    assert.ok(a.type === 'AggregateExpr');
    assert.deepEqual(a.grouping, ['job', 'a.b']);
    assert.equal(a.without, false);
    const t = parseExpr('topk without (instance) (5, x)');
    assert.ok(t.type === 'AggregateExpr' && t.without && t.param?.type === 'NumberLiteral');
    assert.ok(parseExpr('count_values("v", x)').type === 'AggregateExpr');
    assert.ok(parseExpr('limitk(2, x)').type === 'AggregateExpr');
    assert.ok(parseExpr('limit_ratio(0.5, x)').type === 'AggregateExpr');
    assert.ok(parseExpr('quantile(0.9, x)').type === 'AggregateExpr');
    assert.ok(parseExpr('SUM BY (a) (x)').type === 'AggregateExpr');
    const kw = parseExpr('sum without(and, by, avg, count, alert, annotations)(x)');
    assert.ok(kw.type === 'AggregateExpr');
    assert.deepEqual(kw.grouping, ['and', 'by', 'avg', 'count', 'alert', 'annotations']);
  });
  test('functions', () => {
    const c = parseExpr('label_join(up, "x", ",", "a", "b", "c")');
    assert.ok(c.type === 'Call' && c.func.name === 'label_join' && c.args.length === 6);
    assert.ok(parseExpr('round(x)').type === 'Call');
    assert.ok(parseExpr('round(x, 5)').type === 'Call');
    assert.ok(parseExpr('hour()').type === 'Call');
    assert.equal(valueTypeOf(parseExpr('time()')), 'scalar');
    assert.equal(valueTypeOf(parseExpr('step()')), 'scalar');
    assert.equal(valueTypeOf(parseExpr('scalar(x) + 1')), 'scalar');
    assert.equal(valueTypeOf(parseExpr('x + 1')), 'vector');
    assert.ok(parseExpr(`info(metric, {data=~".*"})`).type === 'Call');
  });
});

describe('duration expressions', () => {
  test('constant expressions are computed at parse time', () => {
    const cases: [string, number][] = [
      ['foo[26m+4m]', 1800000],
      ['foo[60*30]', 1800000],
      ['foo[2m*(10+5)]', 1800000],
      ['foo[1h/2]', 1800000],
      ['foo[30m1s-30m1s % 1m]', 1800000],
      ['foo[-5m+35m]', 1800000],
      ['foo[24m+((1.5*2m)+2m)]', 1740000],
    ];
    for (const [q, ms] of cases) assert.equal((parseExpr(q) as MatrixSelector).range, ms, q);
    assert.equal((parseExpr('foo offset -(20*4s)') as VectorSelector).offset, -80000);
    assert.equal((parseExpr('foo offset -2 ^ 2') as BinaryExpr).lhs.type, 'VectorSelector');
  });
  test('step() and range() are resolved per query', () => {
    const e = parseExpr('count_over_time(foo[max_of(min_of(step()+1, 1h), 1ms)]) + bar offset -step()*2');
    let needs = 0;
    walkExpr(e, (n) => {
      if (n.type === 'MatrixSelector' && n.rangeExpr && durationNeedsQuery(n.rangeExpr)) needs++;
      if (n.type === 'VectorSelector' && n.offsetExpr && durationNeedsQuery(n.offsetExpr)) needs++;
      return true;
    });
    assert.equal(needs, 2);
    resolveDurations(e, { stepMs: 5000, rangeMs: 10000 });
    // (count_over_time(...)) + ((bar offset -step()) * 2)
    const b = e as BinaryExpr;
    const call = b.lhs;
    assert.ok(call.type === 'Call' && call.args[0].type === 'MatrixSelector');
    assert.equal((call.args[0] as MatrixSelector).range, 6000);
    assert.ok(b.rhs.type === 'BinaryExpr' && b.rhs.op === '*');
    assert.equal(((b.rhs as BinaryExpr).lhs as VectorSelector).offset, -5000);
    assert.equal(evalDurationMs(parseDurationExpr('range() / 2'), { stepMs: 0, rangeMs: 60000 }), 30000);
  });
  test('errors', () => {
    assert.match(parseError('foo[5s/0d]').message, /^1:7: parse error: division by zero$/);
    assert.match(parseError('foo[5s%0d]').message, /modulo by zero/);
    assert.match(parseError('foo[0m]').message, /^1:5: parse error: duration must be greater than 0$/);
    assert.match(parseError('foo[-1]').message, /duration must be greater than 0/);
    assert.match(parseError('foo offset 9.5e10').message, /duration out of range/);
  });
});

describe('parse errors read like Prometheus', () => {
  const cases: [string, string][] = [
    ['', '1:1: parse error: no expression found in input'],
    ['# only a comment\n', '1:1: parse error: no expression found in input'],
    ['1+', '1:3: parse error: unexpected end of input'],
    ['.', "1:1: parse error: unexpected character: '.'"],
    ['2.5.', '1:1: parse error: bad number or duration syntax: "2.5."'],
    ['0deadbeef', '1:1: parse error: bad number or duration syntax: "0de"'],
    ['*1', '1:1: parse error: unexpected <op:*>'],
    ['(1))', "1:4: parse error: unexpected right parenthesis ')'"],
    ['((1)', '1:5: parse error: unclosed left parenthesis'],
    ['sum(rate(', '1:10: parse error: unclosed left parenthesis'],
    ['1 and 1', '1:1: parse error: set operator "and" not allowed in binary scalar expression'],
    ['1 == 1', '1:3: parse error: comparisons between scalars must use BOOL modifier'],
    ['1 =~ 1', "1:3: parse error: unexpected character after '=': '~'"],
    ['1 !~ 1', "1:3: parse error: unexpected character after '!': '~'"],
    [
      '-"string"',
      '1:1: parse error: unary expression only allowed on expressions of type scalar or instant vector, got "string"',
    ],
    [
      '-test[5m]',
      '1:1: parse error: unary expression only allowed on expressions of type scalar or instant vector, got "range vector"',
    ],
    ['@@', '1:1: parse error: unexpected <op:@>'],
    [
      '1 offset 1d',
      '1:1: parse error: offset modifier must be preceded by an instant vector selector or range vector selector or a subquery',
    ],
    ['foo offset 1s offset 2s', '1:1: parse error: offset may not be set multiple times'],
    ['a - on(b) ignoring(c) d', '1:11: parse error: unexpected <ignoring>'],
    ['foo + group_left(baz) bar', '1:7: parse error: unexpected <group_left>'],
    ['1 or on(bar) foo', '1:1: parse error: vector matching only allowed between instant vectors'],
    ['foo and on(bar) group_left(baz) bar', '1:1: parse error: no grouping allowed for "and" operation'],
    [
      'http_requests{group="production"} + on(instance) group_left(job,instance) cpu_count{type="smp"}',
      '1:35: parse error: label "instance" must not occur in ON and GROUP clause at once',
    ],
    ['foo + bool bar', '1:5: parse error: bool modifier can only be used on comparison operators'],
    ['{', '1:2: parse error: unexpected end of input inside braces'],
    ['}', "1:1: parse error: unexpected character: '}'"],
    ['some_metric{a=b}', '1:15: parse error: unexpected identifier "b" in label matching, expected string'],
    ['some_metric{a:b="b"}', "1:14: parse error: unexpected character inside braces: ':'"],
    ['foo{a>="b"}', "1:6: parse error: unexpected character inside braces: '>'"],
    ['foo{gibberish}', '1:14: parse error: unexpected "}" in label matching, expected label matching operator'],
    ['foo{1}', "1:5: parse error: unexpected character inside braces: '1'"],
    ['{}', '1:1: parse error: vector selector must contain at least one non-empty matcher'],
    ['{x=~".*"}', '1:1: parse error: vector selector must contain at least one non-empty matcher'],
    ['foo{__name__="bar"}', '1:1: parse error: metric name must not be set twice: "foo" or "bar"'],
    ['foo{__name__ == "bar"}', '1:15: parse error: unexpected "=" in label matching, expected string'],
    ['foo{,}', '1:5: parse error: unexpected "," in label matching, expected identifier or "}"'],
    [
      'foo{__name__="bar" lol}',
      '1:20: parse error: unexpected identifier "lol" in label matching, expected "," or "}"',
    ],
    ['foo[5mm]', '1:5: parse error: bad number or duration syntax: "5mm"'],
    ['foo[5m1]', '1:5: parse error: bad number or duration syntax: "5m1"'],
    ['foo[5m1h]', '1:5: parse error: not a valid duration string: "5m1h"'],
    ['foo[5y1hs]', '1:5: parse error: unknown unit "hs" in duration "5y1hs"'],
    ['foo["5m"]', `1:5: parse error: unexpected character in duration expression: '"'`],
    [
      'foo[]',
      '1:5: parse error: unexpected "]" in subquery or range selector, expected number, duration, step(), or range()',
    ],
    [
      'foo[step]',
      '1:9: parse error: unexpected "]" in subquery or range selector, expected number, duration, step(), or range()',
    ],
    [
      'some_metric[5m] OFFSET',
      '1:23: parse error: unexpected end of input in offset, expected number, duration, step(), or range()',
    ],
    ['some_metric OFFSET 1m[5m]', '1:22: parse error: no offset modifiers allowed before range'],
    ['some_metric[5m] @', '1:18: parse error: unexpected end of input in @, expected timestamp'],
    ['some_metric @ 1234 [5m]', '1:20: parse error: no @ modifiers allowed before range'],
    ['(foo + bar)[5m]', '1:12: parse error: ranges only allowed for vector selectors'],
    ['foo @ +Inf', '1:1: parse error: timestamp out of bounds for @ modifier: +Inf'],
    ['foo @ NaN', '1:1: parse error: timestamp out of bounds for @ modifier: NaN'],
    ['foo @ 1 @ 2', '1:9: parse error: @ <timestamp> may not be set multiple times'],
    [
      'rate(some_metric[5m]) @ 1234',
      '1:1: parse error: @ modifier must be preceded by an instant vector selector or range vector selector or a subquery',
    ],
    ['sum without(==)(some_metric)', '1:13: parse error: unexpected <op:==> in grouping opts, expected label'],
    ['sum without(foo,,)(some_metric)', '1:17: parse error: unexpected "," in grouping opts, expected label'],
    ['sum some_metric by (test)', '1:5: parse error: unexpected identifier "some_metric"'],
    ['sum (some_metric) by test', '1:22: parse error: unexpected identifier "test" in grouping opts, expected "("'],
    ['sum () by (test)', '1:1: parse error: no arguments for aggregate expression provided'],
    ['sum (some_metric) without (test) by (test)', '1:34: parse error: unexpected <by>'],
    [
      'topk(some_metric)',
      '1:1: parse error: wrong number of arguments for aggregate expression provided, expected 2, got 1',
    ],
    ['topk(some_metric,)', '1:17: parse error: trailing commas not allowed in function call args'],
    [
      'topk(some_metric, other_metric)',
      '1:6: parse error: expected type scalar in aggregation parameter, got instant vector',
    ],
    ['count_values(5, other_metric)', '1:14: parse error: expected type string in aggregation parameter, got scalar'],
    ['sum(x[5m])', '1:5: parse error: expected type instant vector in aggregation expression, got range vector'],
    ['floor()', '1:1: parse error: expected 1 argument(s) in call to "floor", got 0'],
    ['floor(some_metric, 1)', '1:1: parse error: expected 1 argument(s) in call to "floor", got 2'],
    ['floor(1)', '1:7: parse error: expected type instant vector in call to function "floor", got scalar'],
    ['hour(a, a, a)', '1:1: parse error: expected at most 1 argument(s) in call to "hour", got 3'],
    ['label_join(a, "b")', '1:1: parse error: expected at least 3 argument(s) in call to "label_join", got 2'],
    ['time(some_metric)', '1:1: parse error: expected 0 argument(s) in call to "time", got 1'],
    ['non_existent_function_far_bar()', '1:1: parse error: unknown function with name "non_existent_function_far_bar"'],
    [
      'rate(some_metric)',
      '1:6: parse error: expected type range vector in call to function "rate", got instant vector',
    ],
    ['a>b()', '1:3: parse error: unknown function with name "b"'],
    ['-=', '1:2: parse error: unexpected "="'],
    ['"\\c"', "1:1: parse error: unknown escape sequence U+0063 'c'"],
    ['"\\x."', "1:1: parse error: illegal character U+002E '.' in escape sequence"],
    ['"\\', '1:1: parse error: escape sequence not terminated'],
    ['"abc', '1:1: parse error: unterminated quoted string'],
    ['`abc', '1:1: parse error: unterminated raw string'],
    [
      'test[5d] OFFSET 10s [10m:5s]',
      '1:1: parse error: subquery is only allowed on instant vector, got matrix instead',
    ],
    ['foo[5s x 5s]', "1:8: parse error: unexpected character: 'x', expected ':'"],
    ['x[5m] + 1', '1:1: parse error: binary expression must contain only scalar and instant vector types'],
    ['info(x, target_info{a="b"})', '1:9: parse error: expected label selectors only, got vector selector instead'],
    ['foo{a="b"}\n  + bar{\n  x=}', '3:5: parse error: unexpected "}" in label matching, expected string'],
  ];
  for (const [q, want] of cases) {
    test(JSON.stringify(q), () => {
      const e = parseError(q);
      assert.equal(e.message, want);
    });
  }
  test('errors carry line, column and position range', () => {
    const e = parseError('sum(x)\n  + foo{a=~"("}');
    assert.equal(e.line, 2);
    assert.equal(e.col, 9);
    assert.equal(e.positionRange.start, 15);
    assert.match(e.message, /^2:9: parse error: error parsing regexp: /);
  });
  test('columns count bytes, as Prometheus does', () => {
    assert.equal(parseError('"ää" + )').col, 10);
  });
});

describe('robustness', () => {
  test('deep nesting gives a parse error, not a stack overflow', () => {
    for (const q of [
      '('.repeat(50000) + '1' + ')'.repeat(50000),
      `${'-'.repeat(100000)}1`,
      Array(50000).fill('2').join('^'),
    ]) {
      const e = parseError(q);
      assert.match(e.message, new RegExp(`nesting is deeper than ${MAX_NESTING} levels`));
    }
    assert.doesNotThrow(() => parseExpr(`${'('.repeat(500)}1${')'.repeat(500)}`));
  });
  test('long flat chains parse, type-check and print without recursion limits', () => {
    const q = Array(30000).fill('foo{a="b"}').join(' + ');
    const e = parseExpr(q);
    assert.equal(valueTypeOf(e), 'vector');
    assert.equal(exprToString(e), Array(30000).fill('foo{a="b"}').join(' + '));
    let n = 0;
    walkExpr(e, () => {
      n++;
      return true;
    });
    assert.equal(n, 59999);
  });
  test('a 100 KB query parses in linear time (no blow-up)', () => {
    const q = `sum by (job) (rate(http_requests_total{job=~"api|web", code!="500"}[5m]))${' + sum by (job) (rate(http_requests_total{job=~"api|web", code!="500"}[5m]))'.repeat(1400)}`;
    assert.ok(q.length > 100_000);
    parseExpr(q);
    const t0 = performance.now();
    parseExpr(q);
    const ms = performance.now() - t0;
    assert.ok(ms < 5000, `took ${ms.toFixed(1)} ms`);
  });
});

describe('function table', () => {
  test('lists the Prometheus 3 functions with consistent signatures', () => {
    for (const name of [
      'abs',
      'absent_over_time',
      'changes',
      'clamp',
      'day_of_week',
      'double_exponential_smoothing',
      'histogram_fraction',
      'histogram_quantile',
      'histogram_stddev',
      'info',
      'label_replace',
      'mad_over_time',
      'predict_linear',
      'quantile_over_time',
      'sort_by_label_desc',
      'ts_of_max_over_time',
      'vector',
    ]) {
      const f = FUNCTIONS[name];
      assert.ok(f, name);
      assert.equal(f.name, name);
    }
    for (const f of Object.values(FUNCTIONS)) {
      assert.ok(f.variadic >= -1);
      assert.ok(f.variadic === 0 || f.argTypes.length > 0, f.name);
    }
  });
});
