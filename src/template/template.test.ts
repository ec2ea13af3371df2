import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import {
  expandGlob,
  parseFiles,
  parseGlobs,
  Template,
  TemplateExecError,
  TemplateParseError,
  withArity,
} from './index.ts';

const humanize = withArity((v: unknown) => {
  let x = Number(v);
  const p = ['', 'k', 'M', 'G'];
  let i = 0;
  while (Math.abs(x) >= 1000 && i < p.length - 1) {
    x /= 1000;
    i++;
  }
  return `${x}${p[i]}`;
}, 1);

function run(text: string, data: unknown, opts: { missingKey?: 'zero' | 'error' | 'default' } = {}): string {
  return Template.parse('t', text, { humanize }, { missingKey: opts.missingKey ?? 'zero' }).execute(data);
}

class Alerts extends Array<{ Status: string; Name: string }> {
  Firing() {
    return this.filter((a) => a.Status === 'firing');
  }
}

describe('the 25 template cases from STACK.md section 6', () => {
  const alerts = Alerts.from([
    { Status: 'firing', Name: 'a' },
    { Status: 'resolved', Name: 'b' },
    { Status: 'firing', Name: 'c' },
  ]) as Alerts;
  Object.setPrototypeOf(alerts, Alerts.prototype);
  const prom = { Labels: { instance: 'host:9100', job: 'node' }, Value: 1e6 };
  const cases: [string, string, unknown, string][] = [
    ['prelude and $labels', '{{$labels := .Labels}}{{$value := .Value}}{{$labels.instance}}', prom, 'host:9100'],
    ['$value 1e6 prints like Go', '{{$value := .Value}}{{ $value }}', prom, '1e+06'],
    ['custom func in a pipe', '{{ .Value | humanize }}', prom, '1M'],
    ['range', '{{ range .xs }}<{{ . }}>{{ end }}', { xs: ['a', 'b'] }, '<a><b>'],
    ['range $i, $a', '{{ range $i, $a := .xs }}{{ $i }}={{ $a }} {{ end }}', { xs: ['a', 'b'] }, '0=a 1=b '],
    ['$ inside range', '{{ range .xs }}{{ . }}{{ $.sep }}{{ end }}', { xs: ['a', 'b'], sep: ';' }, 'a;b;'],
    ['define and template', '{{ define "x" }}[{{ . }}]{{ end }}{{ template "x" .v }}', { v: 'V' }, '[V]'],
    ['trim markers', 'a  {{- .v -}}  b', { v: 'X' }, 'aXb'],
    ['printf %.2f', '{{ printf "%.2f" .v }}', { v: 3.14259 }, '3.14'],
    ['printf %q', '{{ printf "%q" .v }}', { v: 'say "hi"' }, '"say \\"hi\\""'],
    ['printf %d', '{{ printf "%d" (len .xs) }}', { xs: [1, 2, 3] }, '3'],
    ['pipe into printf', '{{ .v | printf "%s!" }}', { v: 'go' }, 'go!'],
    ['if eq / else if', '{{ if eq .s "a" }}A{{ else if eq .s "b" }}B{{ else }}C{{ end }}', { s: 'b' }, 'B'],
    ['len', '{{ len .xs }} {{ len .s }}', { xs: [1, 2], s: 'héllo' }, '2 6'],
    ['index', '{{ index .m "k" }} {{ index .xs 1 }}', { m: { k: 'v' }, xs: ['a', 'b'] }, 'v b'],
    ['and/or return values', '{{ and 1 "x" }} {{ or "" 0 "y" }} {{ and 0 "x" }}', {}, 'x y 0'],
    ['gt', '{{ if gt (len .xs) 1 }}many{{ end }}', { xs: [1, 2] }, 'many'],
    [
      'with $x :=',
      '{{ with $x := .v }}{{ $x }}{{ end }}|{{ with .none }}no{{ else }}else{{ end }}',
      { v: 'V' },
      'V|else',
    ],
    ['comments', 'a{{/* a comment */}}b{{- /* trimmed */ -}} c', {}, 'abc'],
    ['raw strings', '{{ `a\\nb` }}', {}, 'a\\nb'],
    ['missing key with missingkey=zero on a string map', '[{{ .Labels.missing }}]', { Labels: { a: 'b' } }, '[]'],
    [
      'niladic method',
      '{{ len .Alerts.Firing }} {{ range .Alerts.Firing }}{{ .Name }}{{ end }}',
      { Alerts: alerts },
      '2 ac',
    ],
    [
      'break',
      '{{ range .xs }}{{ if eq . "c" }}{{ break }}{{ end }}{{ . }}{{ end }}',
      { xs: ['a', 'b', 'c', 'd'] },
      'ab',
    ],
    ['html and urlquery', '{{ html "<b>&" }} {{ urlquery "a b&c" }}', {}, '&lt;b&gt;&amp; a+b%26c'],
    [
      'parenthesised pipelines',
      '{{ (printf "%s-%s" "a" "b") | len }} {{ (index .m "k").x }}',
      { m: { k: { x: 'X' } } },
      '3 X',
    ],
  ];
  for (const [name, text, data, want] of cases) {
    test(name, () => assert.equal(run(text, data), want));
  }
  test('an undefined function is a parse error', () => {
    assert.throws(() => Template.parse('t', '{{ nosuch 1 }}'), {
      name: 'TemplateParseError',
      message: 'template: t:1: function "nosuch" not defined',
    });
  });
});

describe('lexing and parsing', () => {
  test('numbers: ints, floats, hex, octal, binary, underscores, chars', () => {
    assert.equal(
      run("{{ 42 }} {{ -7 }} {{ 1.5 }} {{ 1e3 }} {{ 0x1F }} {{ 0o17 }} {{ 0b101 }} {{ 1_000 }} {{ 'a' }}", {}),
      '42 -7 1.5 1000 31 15 5 1000 97',
    );
  });
  test('string escapes', () => {
    assert.equal(run('{{ "tab\\there\\u00e9\\x41" }}', {}), 'tab\thereéA');
  });
  test('newlines inside actions are allowed', () => {
    assert.equal(run('{{ printf\n "%s"\n .v }}', { v: 'ok' }), 'ok');
  });
  test('a minus without a space is a number sign, not a trim marker', () => {
    assert.equal(run('a {{-3}} b', {}), 'a -3 b');
  });
  test('parse errors name the template and the line', () => {
    const cases: [string, string][] = [
      ['line1\n{{ if }}{{ end }}', 'template: t:2: missing value for if'],
      ['{{ .x ', 'template: t:1: unclosed action'],
      ['{{ end }}', 'template: t:1: unexpected {{end}}'],
      ['{{ if .x }}', 'template: t:1: unexpected EOF'],
      ['{{ $y }}', 'template: t:1: undefined variable "$y"'],
      ['{{ break }}', 'template: t:1: {{break}} outside {{range}}'],
      ['{{ "abc }}', 'template: t:1: unterminated quoted string'],
      ['{{ .x | 3 }}', 'template: t:1: non executable command in pipeline stage 2'],
      ['{{ /* x */ }}', 'template: t:1: unexpected "/" in command'],
      [
        '{{ define "a" }}x{{ end }}{{ define "a" }}y{{ end }}',
        'template: t:1: template: multiple definition of template "a"',
      ],
      ['\n\n{{ define "d" }}{{ nope }}{{ end }}', 'template: t:3: function "nope" not defined'],
    ];
    for (const [text, msg] of cases) {
      assert.throws(
        () => Template.parse('t', text),
        (e: unknown) => {
          assert.ok(e instanceof TemplateParseError);
          assert.equal(e.message, msg, text);
          return true;
        },
      );
    }
  });
  test('variables declared in a block go out of scope at end', () => {
    assert.throws(() => Template.parse('t', '{{ if 1 }}{{ $x := 1 }}{{ end }}{{ $x }}'), /undefined variable "\$x"/);
  });
});

describe('execution', () => {
  test('variable assignment reaches the outer scope; redeclaration shadows', () => {
    assert.equal(run('{{ $x := 1 }}{{ if true }}{{ $x = 2 }}{{ end }}{{ $x }}', {}), '2');
    assert.equal(run('{{ $x := 1 }}{{ if true }}{{ $x := 2 }}{{ end }}{{ $x }}', {}), '1');
  });
  test('range over maps in sorted key order, ints, else and continue', () => {
    assert.equal(
      run('{{ range $k, $v := .m }}{{ $k }}={{ $v }};{{ end }}', { m: { b: '2', a: '1', c: '3' } }),
      'a=1;b=2;c=3;',
    );
    assert.equal(
      run('{{ range $k, $v := .m }}{{ $k }}={{ $v }};{{ end }}', {
        m: new Map([
          ['z', 1n],
          ['y', 2n],
        ]),
      }),
      'y=2;z=1;',
    );
    assert.equal(run('{{ range 4 }}{{ . }}{{ end }}', {}), '0123');
    assert.equal(run('{{ range .xs }}x{{ else }}empty{{ end }}', { xs: [] }), 'empty');
    assert.equal(
      run('{{ range .xs }}{{ if eq . 2.0 }}{{ continue }}{{ end }}{{ . }}{{ end }}', { xs: [1, 2, 3] }),
      '13',
    );
  });
  test('template calls get a fresh variable scope with $ set to the argument', () => {
    assert.equal(run('{{ define "a" }}{{ $ }}{{ end }}{{ $x := 1 }}{{ template "a" "arg" }}', {}), 'arg');
  });
  test('block defines and executes in place', () => {
    const t = Template.parse('t', '<{{ block "b" .v }}default {{ . }}{{ end }}>');
    assert.equal(t.execute({ v: 1n }), '<default 1>');
    t.new('override').parse('{{ define "b" }}custom {{ . }}{{ end }}');
    assert.equal(t.execute({ v: 1n }), '<custom 1>');
  });
  test('Go truthiness', () => {
    const data = { zero: 0, zi: 0n, empty: '', none: null, list: [], map: {}, f: false, one: 1, s: 'x', l: [0] };
    assert.equal(
      run('{{ range $k, $v := . }}{{ $k }}:{{ if $v }}T{{ else }}F{{ end }} {{ end }}', data),
      'empty:F f:F l:T list:F map:F none:F one:T s:T zero:F zi:F ',
    );
  });
  test('missingkey modes', () => {
    const data = { m: { a: 1 }, labels: { a: 'x' } };
    assert.equal(run('{{ .m.b }}', data, { missingKey: 'default' }), '<no value>');
    assert.equal(run('{{ .m.b }}', data, { missingKey: 'zero' }), '<no value>');
    assert.equal(run('[{{ .labels.b }}]', data, { missingKey: 'zero' }), '[]');
    assert.throws(() => run('{{ .m.b }}', data, { missingKey: 'error' }), {
      message: 'template: t:1:5: executing "t" at <.m.b>: map has no entry for key "b"',
    });
  });
  test('methods with arguments and piped final values', () => {
    const obj = {
      greet: (a: string, b: string) => `${a}-${b}`,
    };
    class S {
      Name = 'n';
      Join(sep: string, xs: string[]) {
        return xs.join(sep);
      }
    }
    assert.equal(run('{{ .o.greet "a" "b" }}', { o: obj }), 'a-b');
    assert.equal(
      run('{{ .s.Join "," .xs }} {{ .xs | .s.Join "+" }} {{ .s.Name }}', { s: new S(), xs: ['a', 'b'] }),
      'a,b a+b n',
    );
  });
  test('printing of Go values', () => {
    assert.equal(
      run('{{ .f }} {{ .i }} {{ .xs }} {{ .m }} {{ .b }} {{ .n }}', {
        f: 0.1,
        i: 5n,
        xs: ['a', 1.5, 2n],
        m: { b: 2n, a: 'x' },
        b: true,
        n: null,
      }),
      '0.1 5 [a 1.5 2] map[a:x b:2] true <no value>',
    );
    assert.equal(run('{{ print .n }} {{ print 1 2 "a" "b" 3 }}', { n: null }), '<nil> 1 2ab3');
  });
  test('execution errors carry the template name, line, byte column and the failing node', () => {
    const cases: [string, unknown, string][] = [
      // x comes from a map[string]interface{}, so Go names the static type
      [
        '{{ .x.y }}',
        { x: 'str' },
        'template: t:1:5: executing "t" at <.x.y>: can\'t evaluate field y in type interface {}',
      ],
      [
        '{{ $x := .x }}{{ $x.y }}',
        { x: 'str' },
        'template: t:1:19: executing "t" at <$x.y>: can\'t evaluate field y in type string',
      ],
      [
        'ab\n  {{ index .xs 5 }}',
        { xs: [1] },
        'template: t:2:5: executing "t" at <index .xs 5>: error calling index: index out of range: 5',
      ],
      [
        'é{{ lt 1 "a" }}',
        {},
        'template: t:1:5: executing "t" at <lt 1 "a">: error calling lt: incompatible types for comparison: int and string',
      ],
      [
        '{{ template "nope" }}',
        {},
        'template: t:1:12: executing "t" at <{{template "nope"}}>: template "nope" not defined',
      ],
      ['{{ len 3 }}', {}, 'template: t:1:3: executing "t" at <len 3>: error calling len: len of type int'],
      ['{{ range .x }}{{ end }}', { x: 1.5 }, 'template: t:1:9: executing "t" at <.x>: range can\'t iterate over 1.5'],
      ['{{ nil }}', {}, 'template: t:1:3: executing "t" at <nil>: nil is not a command'],
      [
        '{{ printf "%d" 1 | .s }}',
        { s: 'x' },
        'template: t:1:19: executing "t" at <.s>: s is not a method but has arguments',
      ],
      [
        '{{ define "d" }}\n{{ .a.b }}{{ end }}{{ template "d" . }}',
        { a: 1 },
        'template: t:2:5: executing "d" at <.a.b>: can\'t evaluate field b in type interface {}',
      ],
      [
        '{{ .f "x" }}',
        { f: withArity(() => 1, 0) },
        'template: t:1:3: executing "t" at <.f>: wrong number of args for f: want 0 got 1',
      ],
      [
        '{{ .boom }}',
        {
          boom: () => {
            throw new Error('kaput');
          },
        },
        'template: t:1:3: executing "t" at <.boom>: error calling boom: kaput',
      ],
      [
        '{{ print "aaaaaaaaaaaaaaaaaaaaaaaaaaaa" | len 1 }}',
        {},
        'template: t:1:42: executing "t" at <len>: wrong number of args for len: want 1 got 2',
      ],
      [
        '{{ index "aaaaaaaaaaaaaaaaaaaaaa" 99 }}',
        {},
        'template: t:1:3: executing "t" at <index "aaaaaaaaaaaaaaaaaaaaaa" 99>: error calling index: index out of range: 99',
      ],
    ];
    for (const [text, data, msg] of cases) {
      assert.throws(
        () => Template.parse('t', text).execute(data),
        (e: unknown) => {
          assert.ok(e instanceof TemplateExecError, String(e));
          assert.equal(e.message, msg, text);
          return true;
        },
      );
    }
  });
  test('range iterations are bounded per execution, across nested ranges and template calls', () => {
    const t = Template.parse(
      't',
      '{{ define "r" }}{{ range 10 }}.{{ end }}{{ end }}{{ range 1000000000000 }}{{ template "r" }}{{ end }}',
      {},
      { maxRangeIterations: 1000 },
    );
    assert.throws(() => t.execute({}), /range exceeded 1000 iterations/);
    const ok = Template.parse('t', '{{ range 10 }}{{ range 10 }}.{{ end }}{{ end }}', {}, { maxRangeIterations: 110 });
    assert.equal(ok.execute({}).length, 100);
  });
  test('deep recursion through nested control structures ends with an execution error, not a crash', () => {
    const t = Template.parse(
      't',
      '{{ define "r" }}{{ if . }}{{ with . }}{{ range $i, $e := (slice . 0 1) }}{{ template "r" $ }}{{ end }}{{ end }}{{ end }}{{ end }}{{ template "r" .xs }}',
    );
    assert.throws(() => t.execute({ xs: [1] }), {
      name: 'TemplateExecError',
      message: /exceeded maximum template depth/,
    });
  });
  test('recursion is bounded', () => {
    const t = Template.parse('t', '{{ define "r" }}{{ template "r" . }}{{ end }}{{ template "r" . }}');
    assert.throws(() => t.execute({}), /exceeded maximum template depth \(1000\)/);
  });
  test('lookup, definedTemplates, execute by name, unknown name', () => {
    const t = Template.parse('main', '{{ define "a" }}A{{ end }}{{ define "b" }}B{{ template "a" }}{{ end }}M');
    assert.deepEqual(t.definedTemplates(), ['a', 'b', 'main']);
    assert.equal(t.lookup('b')?.execute({}), 'BA');
    assert.equal(t.execute({}, 'a'), 'A');
    assert.equal(t.lookup('zz'), undefined);
    assert.throws(() => t.execute({}, 'zz'), { message: 'template: no template "zz" associated with template "main"' });
  });
  test('a later parse replaces definitions, but an empty body does not replace', () => {
    const t = Template.parse('main', '{{ define "a" }}A1{{ end }}');
    t.new('other').parse('{{ define "a" }}A2{{ end }}');
    assert.equal(t.execute({}, 'a'), 'A2');
    t.new('other2').parse('{{ define "a" }}  {{ end }}');
    assert.equal(t.execute({}, 'a'), 'A2');
  });
});

describe('async functions', () => {
  test('executeAsync resolves promises returned by functions, including inside range and nested templates', async () => {
    let calls = 0;
    const fetchValue = withArity(async (k: string) => {
      calls++;
      await new Promise((r) => setTimeout(r, 1));
      return `<${k}>`;
    }, 1);
    const t = Template.parse(
      't',
      '{{ define "sub" }}{{ fetch . }}{{ end }}{{ range .ks }}{{ fetch . }}{{ template "sub" . }}{{ end }}{{ with fetch "w" }}{{ . }}{{ end }}',
      { fetch: fetchValue },
    );
    assert.equal(await t.executeAsync({ ks: ['a', 'b'] }), '<a><a><b><b><w>');
    assert.equal(calls, 5);
  });
  test('a rejected promise becomes an execution error', async () => {
    const t = Template.parse('t', '{{ fail }}', { fail: withArity(async () => Promise.reject(new Error('nope')), 0) });
    await assert.rejects(t.executeAsync({}), {
      message: 'template: t:1:3: executing "t" at <fail>: error calling fail: nope',
    });
  });
  test('execute (sync) refuses a promise-returning function with a clear error', () => {
    const t = Template.parse('t', '{{ fetch }}', { fetch: async () => 'x' });
    assert.throws(() => t.execute({}), /returned a Promise; use executeAsync/);
  });
  test('executeAsync works for templates without async functions', async () => {
    assert.equal(await Template.parse('t', '{{ 1 }}').executeAsync({}), '1');
  });
});

describe('template files', () => {
  test('parseFiles names templates after files; parseGlobs layers user files over a base set', () => {
    const dir = mkdtempSync(join(tmpdir(), 'osprey-tmpl-'));
    try {
      writeFileSync(join(dir, 'a.tmpl'), '{{ define "greet" }}hello {{ . }}{{ end }}A');
      writeFileSync(join(dir, 'b.tmpl'), '{{ define "greet" }}hi {{ . }}{{ end }}{{ define "other" }}O{{ end }}');
      writeFileSync(join(dir, 'c.txt'), 'not a template match');
      assert.deepEqual(expandGlob(join(dir, '*.tmpl')), [join(dir, 'a.tmpl'), join(dir, 'b.tmpl')]);
      assert.deepEqual(expandGlob(join(dir, '[ab].t?pl')), [join(dir, 'a.tmpl'), join(dir, 'b.tmpl')]);
      assert.deepEqual(expandGlob(join(dir, 'nothing-*.tmpl')), []);
      const t = parseFiles([join(dir, 'a.tmpl'), join(dir, 'b.tmpl')]);
      assert.equal(t.name, 'a.tmpl');
      assert.equal(t.execute('x'), 'A');
      assert.equal(t.execute('x', 'greet'), 'hi x');
      const base = Template.parse('', '{{ define "greet" }}base {{ . }}{{ end }}{{ define "keep" }}K{{ end }}');
      const layered = parseGlobs(base, [join(dir, 'b.tmpl')]);
      assert.equal(layered.execute('y', 'greet'), 'hi y');
      assert.equal(layered.execute('y', 'keep'), 'K');
      assert.equal(base.execute('y', 'greet'), 'base y');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
