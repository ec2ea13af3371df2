// biome-ignore-all lint/suspicious/noTemplateCurlyInString: relabel replacement templates are written ${1}
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { RelabelConfig } from '../config/types.ts';
import { Labels, RegexError } from '../model/index.ts';
import { compileRelabelConfigs, hashMod, relabel } from './relabel.ts';
import { relabelConfig as rc } from './test-helpers.ts';

interface Case {
  name: string;
  input: Record<string, string>;
  cfgs: Partial<RelabelConfig>[];
  /** null = dropped */
  output: Record<string, string> | null;
  validation?: 'utf8' | 'legacy';
}

const cases: Case[] = [
  {
    name: 'replace with capture group into new label',
    input: { a: 'foo', b: 'bar', c: 'baz' },
    cfgs: [{ source_labels: ['a'], regex: 'f(.*)', target_label: 'd', replacement: 'ch${1}-ch${1}' }],
    output: { a: 'foo', b: 'bar', c: 'baz', d: 'choo-choo' },
  },
  {
    name: 'replace with multiple source labels joined by separator',
    input: { a: 'foo', b: 'bar', c: 'baz' },
    cfgs: [
      { source_labels: ['a', 'b'], regex: 'f(.*);(.*)r', target_label: 'a', replacement: 'b${1}${2}m' },
      { source_labels: ['c', 'a'], regex: '(b).*b(.*)ba(.*)', target_label: 'd', replacement: '$1$2$2$3' },
    ],
    output: { a: 'boobam', b: 'bar', c: 'baz', d: 'boooom' },
  },
  {
    name: 'replace: regex must match the whole value',
    input: { a: 'foo' },
    cfgs: [{ source_labels: ['a'], regex: 'o', target_label: 'x', replacement: 'matched' }],
    output: { a: 'foo' },
  },
  {
    name: 'replace: dot matches newline',
    input: { a: 'line1\nline2' },
    cfgs: [{ source_labels: ['a'], regex: 'line1.(.*)', target_label: 'b' }],
    output: { a: 'line1\nline2', b: 'line2' },
  },
  {
    name: 'replace: no match leaves labels unchanged',
    input: { a: 'foo' },
    cfgs: [{ source_labels: ['a'], regex: 'bar', target_label: 'a', replacement: 'x' }],
    output: { a: 'foo' },
  },
  {
    name: 'replace: missing source label is the empty string',
    input: { a: 'foo' },
    cfgs: [{ source_labels: ['missing'], regex: '(.*)', target_label: 'b', replacement: 'v=$1' }],
    output: { a: 'foo', b: 'v=' },
  },
  {
    name: 'replace: empty replacement deletes the target label',
    input: { a: 'foo', b: 'bar' },
    cfgs: [{ source_labels: ['a'], regex: '.*', target_label: 'b', replacement: '' }],
    output: { a: 'foo' },
  },
  {
    name: 'replace: default regex and replacement copy the value',
    input: { a: 'foo' },
    cfgs: [{ source_labels: ['a'], target_label: 'b' }],
    output: { a: 'foo', b: 'foo' },
  },
  {
    name: 'replace: copying an empty value deletes the target',
    input: { a: 'foo', b: 'x' },
    cfgs: [{ source_labels: ['nope'], target_label: 'b' }],
    output: { a: 'foo' },
  },
  {
    name: 'replace: target label with $ references',
    input: { a: 'some-name-value' },
    cfgs: [{ source_labels: ['a'], regex: 'some-([^-]+)-([^,]+)', target_label: '${1}', replacement: '${2}' }],
    output: { a: 'some-name-value', name: 'value' },
  },
  {
    name: 'replace: invalid target label name under legacy validation is skipped',
    input: { a: 'some-name-value' },
    cfgs: [{ source_labels: ['a'], regex: 'some-([^-]+)-([^,]+)', target_label: '${1}-x', replacement: '${2}' }],
    output: { a: 'some-name-value' },
    validation: 'legacy',
  },
  {
    name: 'replace: a label name with a dash is valid under UTF-8 validation',
    input: { a: 'some-name-value' },
    cfgs: [{ source_labels: ['a'], regex: 'some-([^-]+)-([^,]+)', target_label: '${1}-x', replacement: '${2}' }],
    output: { a: 'some-name-value', 'name-x': 'value' },
  },
  {
    name: 'replace: target expanding to the empty name is skipped',
    input: { a: 'foo' },
    cfgs: [{ source_labels: ['a'], regex: '(.*)', target_label: '${3}', replacement: 'x' }],
    output: { a: 'foo' },
  },
  {
    name: 'replace: $1x refers to group "1x", which does not exist',
    input: { a: 'foo' },
    cfgs: [{ source_labels: ['a'], regex: '(f)oo', target_label: 'b', replacement: '$1x|${1}x' }],
    output: { a: 'foo', b: '|fx' },
  },
  {
    name: 'replace: named groups, $$ and a malformed $',
    input: { a: 'key=val' },
    cfgs: [
      { source_labels: ['a'], regex: '(?P<k>[a-z]+)=(?P<v>.*)', target_label: '$k', replacement: '$${v}=${v} $ ${ $' },
    ],
    output: { a: 'key=val', key: '${v}=val $ ${ $' },
  },
  {
    name: 'replace: out-of-range group number and leading zero expand to empty',
    input: { a: 'foo' },
    cfgs: [{ source_labels: ['a'], regex: '(foo)', target_label: 'b', replacement: '[$2][$01][$0]' }],
    output: { a: 'foo', b: '[][][foo]' },
  },
  {
    name: 'replace: unset optional group expands to empty',
    input: { a: 'foo' },
    cfgs: [{ source_labels: ['a'], regex: '(x)?(foo)', target_label: 'b', replacement: '<$1>$2' }],
    output: { a: 'foo', b: '<>foo' },
  },
  {
    name: 'replace: regex alternation with a literal prefix',
    input: { __address__: 'host:9100' },
    cfgs: [{ source_labels: ['__address__'], regex: '([^:]+):\\d+', target_label: 'host' }],
    output: { __address__: 'host:9100', host: 'host' },
  },
  {
    name: 'keep: drops when not matching',
    input: { a: 'foo' },
    cfgs: [{ source_labels: ['a'], regex: 'f|o', action: 'keep' }],
    output: null,
  },
  {
    name: 'keep: keeps when matching',
    input: { a: 'foo' },
    cfgs: [{ source_labels: ['a'], regex: 'f.*', action: 'keep' }],
    output: { a: 'foo' },
  },
  {
    name: 'keep: missing label with regex matching empty keeps',
    input: { a: 'foo' },
    cfgs: [{ source_labels: ['b'], regex: 'x?', action: 'keep' }],
    output: { a: 'foo' },
  },
  {
    name: 'drop: drops when matching',
    input: { a: 'foo' },
    cfgs: [{ source_labels: ['a'], regex: '.*o.*', action: 'drop' }],
    output: null,
  },
  {
    name: 'drop: keeps when not matching (anchored)',
    input: { a: 'foo' },
    cfgs: [{ source_labels: ['a'], regex: 'o', action: 'drop' }],
    output: { a: 'foo' },
  },
  {
    name: 'drop: later configs do not run after a drop',
    input: { a: 'foo' },
    cfgs: [
      { source_labels: ['a'], regex: 'foo', action: 'drop' },
      { source_labels: ['a'], target_label: 'b' },
    ],
    output: null,
  },
  {
    name: 'keepequal: keeps when equal',
    input: { a: 'foo', b: 'foo' },
    cfgs: [{ source_labels: ['a'], target_label: 'b', action: 'keepequal' }],
    output: { a: 'foo', b: 'foo' },
  },
  {
    name: 'keepequal: drops when different',
    input: { a: 'foo', b: 'bar' },
    cfgs: [{ source_labels: ['a'], target_label: 'b', action: 'keepequal' }],
    output: null,
  },
  {
    name: 'dropequal: drops when equal (joined sources)',
    input: { a: 'foo', b: 'bar', c: 'foo;bar' },
    cfgs: [{ source_labels: ['a', 'b'], target_label: 'c', action: 'dropequal' }],
    output: null,
  },
  {
    name: 'dropequal: keeps when different',
    input: { a: 'foo', b: 'bar' },
    cfgs: [{ source_labels: ['a'], target_label: 'b', action: 'dropequal' }],
    output: { a: 'foo', b: 'bar' },
  },
  {
    name: 'hashmod: md5 modulo, as Prometheus',
    input: { a: 'foo', b: 'bar', c: 'baz' },
    cfgs: [{ source_labels: ['c'], target_label: 'd', modulus: 1000, action: 'hashmod' }],
    output: { a: 'foo', b: 'bar', c: 'baz', d: '976' },
  },
  {
    name: 'hashmod: modulus larger than 2^53 keeps full uint64 precision',
    input: { c: 'baz' },
    cfgs: [{ source_labels: ['c'], target_label: 'd', modulus: 2 ** 62, action: 'hashmod' }],
    output: { c: 'baz', d: hashMod('baz', 2 ** 62) },
  },
  {
    name: 'labelmap: copies matching names with the replacement',
    input: { a: 'foo', __meta_my_bar: 'aaa', __meta_my_baz: 'bbb', __meta_other: 'ccc' },
    cfgs: [{ regex: '__meta_my_(.+)', replacement: '$1', action: 'labelmap' }],
    output: {
      a: 'foo',
      __meta_my_bar: 'aaa',
      __meta_my_baz: 'bbb',
      __meta_other: 'ccc',
      bar: 'aaa',
      baz: 'bbb',
    },
  },
  {
    name: 'labelmap: overwrites existing labels and does not re-visit created ones',
    input: { a: 'foo', __meta_x: 'one', x: 'two' },
    cfgs: [{ regex: '(.*)', replacement: 'p_$1', action: 'labelmap' }],
    output: { a: 'foo', __meta_x: 'one', x: 'two', p_a: 'foo', p___meta_x: 'one', p_x: 'two' },
  },
  {
    name: 'labeldrop: removes matching names (anchored)',
    input: { a: 'foo', b: 'bar', ab: 'x' },
    cfgs: [{ regex: 'a|b', action: 'labeldrop' }],
    output: { ab: 'x' },
  },
  {
    name: 'labeldrop: regex with a class',
    input: { a: 'foo', b: 'bar', c: 'baz' },
    cfgs: [{ regex: '[ab]', action: 'labeldrop' }],
    output: { c: 'baz' },
  },
  {
    name: 'labelkeep: keeps only matching names',
    input: { a: 'foo', b: 'bar', c: 'baz' },
    cfgs: [{ regex: '(b|c)', action: 'labelkeep' }],
    output: { b: 'bar', c: 'baz' },
  },
  {
    name: 'lowercase',
    input: { foo: 'bAr123Foo' },
    cfgs: [{ source_labels: ['foo'], target_label: 'foo_lower', action: 'lowercase' }],
    output: { foo: 'bAr123Foo', foo_lower: 'bar123foo' },
  },
  {
    name: 'uppercase with separator',
    input: { foo: 'bAr', bar: 'x' },
    cfgs: [{ source_labels: ['foo', 'bar'], separator: '-', target_label: 'u', action: 'uppercase' }],
    output: { foo: 'bAr', bar: 'x', u: 'BAR-X' },
  },
  {
    name: 'uppercase of nothing deletes the target',
    input: { foo: 'bar', u: 'old' },
    cfgs: [{ source_labels: ['nope'], target_label: 'u', action: 'uppercase' }],
    output: { foo: 'bar' },
  },
  {
    name: 'no configs returns labels unchanged',
    input: { a: 'b' },
    cfgs: [],
    output: { a: 'b' },
  },
];

for (const c of cases) {
  test(`relabel: ${c.name}`, () => {
    const compiled = compileRelabelConfigs(
      c.cfgs.map((p) => rc(p)),
      { validation: c.validation },
    );
    const out = relabel(Labels.fromObject(c.input), compiled);
    if (c.output === null) assert.equal(out, null);
    else {
      assert.notEqual(out, null);
      assert.deepEqual(out!.toObject(), Labels.fromObject(c.output).toObject());
    }
  });
}

test('relabel: an invalid RE2 regex is rejected at compile time', () => {
  assert.throws(() => compileRelabelConfigs([rc({ regex: '(?=x)', action: 'keep' })]), RegexError);
  assert.throws(() => compileRelabelConfigs([rc({ regex: '(a)\\1', action: 'keep' })]), RegexError);
});

test('relabel: pathological regex runs in linear time', () => {
  const cfg = compileRelabelConfigs([rc({ source_labels: ['a'], regex: '(a+)+$', action: 'drop' })]);
  const start = performance.now();
  const out = relabel(Labels.fromObject({ a: `${'a'.repeat(30_000)}b` }), cfg);
  assert.ok(out !== null);
  assert.ok(performance.now() - start < 2000);
});

test('relabel: hashmod distributes values over the modulus', () => {
  const seen = new Set<string>();
  for (let i = 0; i < 200; i++) {
    const v = Number(hashMod(`target-${i}:9100`, 4));
    assert.ok(v >= 0 && v < 4);
    seen.add(String(v));
  }
  assert.equal(seen.size, 4);
});
