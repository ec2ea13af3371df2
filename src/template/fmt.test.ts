import assert from 'node:assert/strict';
import { test } from 'node:test';
import { formatFloat, sprint, sprintf, sprintln } from './index.ts';

test('float formatting follows strconv: shortest %v switches to exponent at 1e21 only for %f', () => {
  const cases: [number, 'e' | 'f' | 'g', number, string][] = [
    [1e6, 'g', -1, '1e+06'],
    [123456, 'g', -1, '123456'],
    [1234567, 'g', -1, '1.234567e+06'],
    [0.0001, 'g', -1, '0.0001'],
    [0.00001, 'g', -1, '1e-05'],
    [0.1 + 0.2, 'g', -1, '0.30000000000000004'],
    [1234567, 'g', 4, '1.235e+06'],
    [100, 'g', 4, '100'],
    [1.5, 'g', 4, '1.5'],
    [0.125, 'f', 2, '0.12'], // exact tie rounds half to even
    [0.375, 'f', 2, '0.38'],
    [2.5, 'f', 0, '2'],
    [1.005, 'f', 2, '1.00'], // 1.005 is really 1.00499999...
    [123456.789, 'e', 3, '1.235e+05'],
    [-0, 'g', -1, '-0'],
    [5e-324, 'g', -1, '5e-324'],
    [1e21, 'f', 0, '1000000000000000000000'],
    [Number.NaN, 'g', -1, 'NaN'],
    [Number.POSITIVE_INFINITY, 'f', 2, '+Inf'],
  ];
  for (const [x, f, p, want] of cases) assert.equal(formatFloat(x, f, p), want, `${x} ${f} ${p}`);
});

test('Sprintf verbs, flags, widths and precisions', () => {
  const cases: [string, unknown[], string][] = [
    ['%v %v %v %v', [1e6, 3n, 'a', true], '1e+06 3 a true'],
    [
      '%d|%5d|%-5d|%05d|%+d|% d|%x|%X|%o|%b|%#x',
      [1n, 2n, 3n, -4n, 5n, 6n, 255n, 255n, 8n, 5n, 255n],
      '1|    2|3    |-0004|+5| 6|ff|FF|10|101|0xff',
    ],
    [
      '%.2f|%8.3f|%-8.2f|%08.3f|%+.1f|%e|%E|%g|%G',
      [3.14259, 3.14259, 2.5, -3.14259, 2, 1234.5678, 1234.5678, 1e-7, 1e21],
      '3.14|   3.143|2.50    |-003.143|+2.0|1.234568e+03|1.234568E+03|1e-07|1E+21',
    ],
    [
      '%s|%10s|%-10s|%.2s|%q|%x|% x|%X',
      ['go', 'go', 'go', 'golang', 'a"b', 'hi', 'hi', 'hi'],
      'go|        go|go        |go|"a\\"b"|6869|68 69|6869',
    ],
    ['%c|%q|%U', [65n, 0x263an, 0x1f600n], "A|'☺'|U+1F600"],
    ['%t|%v', [false, null], 'false|<nil>'],
    ['%v|%d|%s|%q', [['a', 'b'], [1n, 2n], ['x'], ['x', 'y']], '[a b]|[1 2]|[x]|["x" "y"]'],
    [
      '%v',
      [
        new Map<unknown, unknown>([
          ['b', 1],
          ['a', null],
        ]),
      ],
      'map[a:<nil> b:1]',
    ],
    ['%d %s', ['x', 1.5], '%!d(string=x) %!s(float64=1.5)'],
    ['%d %d', [1n], '1 %!d(MISSING)'],
    ['%d', [1n, 'extra'], '1%!(EXTRA string=extra)'],
    ['%[2]d %[1]d', [1n, 2n], '2 1'],
    ['%*d|%-*d|%.*f', [5n, 1n, 4n, 2n, 2n, 3.14259], '    1|2   |3.14'],
    ['100%%', [], '100%'],
    ['%!', [], '%!!(MISSING)'],
    ['50%', [], '50%!(NOVERB)'],
    ['%z', [1n], '%!z(int=1)'],
    ['%6.2v|', [3.14259], '   3.1|'],
    ['%T %T %T %T', [1n, 1.5, 's', ['x']], 'int float64 string []interface {}'],
  ];
  for (const [f, args, want] of cases) assert.equal(sprintf(f, args), want, f);
});

test('Stringer values use their String method', () => {
  const s = { String: () => 'custom' };
  assert.equal(sprintf('%v|%s|%q|%10v', [s, s, s, s]), 'custom|custom|"custom"|    custom');
  assert.equal(sprint([[s, s]]), '[custom custom]');
});

test('Sprint and Sprintln spacing', () => {
  assert.equal(sprint([1n, 2n, 'a', 'b', 3.5]), '1 2ab3.5');
  assert.equal(sprintln(['a', 1n, 'b']), 'a 1 b\n');
});
