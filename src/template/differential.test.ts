/**
 * Differential test against Go's own text/template compiled to wasm (@evertdespiegeleer/go-template, dev only).
 * The oracle runs with missingkey=error, JSON data (numbers are float64) and template name "tpl", so our side
 * uses the same. Cases listed in differential.known-failures.json are expected to differ, each with a reason.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { parse as goRender } from '@evertdespiegeleer/go-template';
import fc from 'fast-check';
import { Template } from './index.ts';

const DATA = {
  a: 1000000,
  s: 'hello',
  n: 3,
  f: 1.5,
  big: 123456789,
  tiny: 0.000123,
  neg: -2.25,
  xs: ['a', 'b', 'c'],
  ns: [1, 2, 3],
  m: { b: 1, a: 'x', c: [1, 2] },
  t: true,
  z: null,
  e: [],
  em: {},
  u: 'héllo wörld',
  h: '<a href="x">&</a>',
};

interface Outcome {
  ok: boolean;
  text: string;
}

async function oracle(tpl: string): Promise<Outcome> {
  try {
    return { ok: true, text: await goRender(tpl, DATA) };
  } catch (e) {
    return { ok: false, text: (e as Error).message.replace(/^Template parse error: /, '') };
  }
}

function ours(tpl: string): Outcome {
  try {
    const t = Template.parse('tpl', tpl, {}, { missingKey: 'error' });
    return { ok: true, text: t.execute(JSON.parse(JSON.stringify(DATA))) };
  } catch (e) {
    const m = (e as Error).message;
    const i = m.indexOf('executing "tpl" at <');
    return { ok: false, text: i >= 0 ? m.slice(m.indexOf('>: ', i) + 3) : m };
  }
}

const CASES: string[] = readFileSync(new URL('./differential.cases.txt', import.meta.url), 'utf8')
  .split('\n')
  .filter((l) => l !== '' && !l.startsWith('#'));

const KNOWN: { template: string; reason: string }[] = JSON.parse(
  readFileSync(new URL('./differential.known-failures.json', import.meta.url), 'utf8'),
);

test('differential: hand-written cases agree with Go text/template', async () => {
  const known = new Map(KNOWN.map((k) => [k.template, k.reason]));
  let passed = 0;
  const unexpected: string[] = [];
  const knownFailing: string[] = [];
  const nowPassing: string[] = [];
  for (const tpl of CASES) {
    const want = await oracle(tpl);
    const got = ours(tpl);
    const same = want.ok === got.ok && want.text === got.text;
    if (same) {
      passed++;
      if (known.has(tpl)) nowPassing.push(tpl);
    } else if (known.has(tpl)) {
      knownFailing.push(`${tpl}  (${known.get(tpl)})`);
    } else {
      unexpected.push(
        `${tpl}\n  want ${want.ok ? 'OK' : 'ERR'} ${JSON.stringify(want.text)}\n  got  ${got.ok ? 'OK' : 'ERR'} ${JSON.stringify(got.text)}`,
      );
    }
  }
  console.log(
    `differential: ${CASES.length} ran, ${passed} passed, ${CASES.length - passed} failed (${knownFailing.length} known)`,
  );
  for (const k of knownFailing) console.log(`  known failure: ${k}`);
  for (const k of nowPassing) console.log(`  known failure now passes, remove it from the list: ${k}`);
  assert.deepEqual(unexpected, []);
});

// ---- generated templates ----

const intLit = fc.integer({ min: -20, max: 300 }).map(String);
const floatLit = fc.constantFrom(
  '1.5',
  '1e6',
  '0.001',
  '-2.25',
  '1e-7',
  '123456.789',
  '0.0',
  '2.5',
  '1e21',
  '100000.0',
);
const strLit = fc.constantFrom('"a"', '"hello world"', '"<&>\'"', '""', '"x\\ny"', '`raw`', '"é"');
const field = fc.constantFrom(
  '.a',
  '.s',
  '.n',
  '.f',
  '.big',
  '.tiny',
  '.neg',
  '.xs',
  '.ns',
  '.m',
  '.m.a',
  '.m.c',
  '.t',
  '.e',
  '.em',
  '.u',
  '.h',
  '.',
);
const boolLit = fc.constantFrom('true', 'false');
const verb = fc.constantFrom(
  '%v',
  '%d',
  '%s',
  '%q',
  '%x',
  '%X',
  '%t',
  '%e',
  '%f',
  '%g',
  '%.2f',
  '%5.1f',
  '%-6v|',
  '%06.2f',
  '%+d',
  '% d',
  '%8.3e',
  '%.3g',
  '%10s|',
  '%-10q|',
  '%5t',
  '%.1s',
  '%03d',
  '%c',
  '%%',
  '%#v',
  '%+v',
  '%T',
  '%#x',
  '%U',
  '%o',
);

const { expr } = fc.letrec<{ expr: string; call: string }>((tie) => ({
  expr: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    intLit,
    floatLit,
    strLit,
    field,
    boolLit,
    tie('call').map((c) => `(${c})`),
  ),
  call: fc.oneof(
    fc
      .tuple(
        fc.constantFrom('print', 'println', 'html', 'js', 'urlquery', 'and', 'or'),
        fc.array(tie('expr'), { minLength: 1, maxLength: 3 }),
      )
      .map(([f, a]) => `${f} ${a.join(' ')}`),
    fc
      .tuple(fc.array(verb, { minLength: 1, maxLength: 3 }), fc.array(tie('expr'), { maxLength: 3 }))
      .map(([v, a]) => `printf "${v.join(' ')}" ${a.join(' ')}`),
    fc
      .tuple(fc.constantFrom('eq', 'ne', 'lt', 'le', 'gt', 'ge'), tie('expr'), tie('expr'))
      .map(([f, a, b]) => `${f} ${a} ${b}`),
    fc.tuple(fc.constantFrom('len', 'not'), tie('expr')).map(([f, a]) => `${f} ${a}`),
    fc.tuple(tie('expr'), fc.constantFrom('0', '1', '2', '"a"', '"c"')).map(([a, i]) => `index ${a} ${i}`),
    fc.tuple(tie('expr'), fc.constantFrom('0', '1', '1 2')).map(([a, i]) => `slice ${a} ${i}`),
  ),
}));

const action = fc.oneof(
  expr.map((e) => `{{ ${e} }}`),
  fc.tuple(expr, verb).map(([e, v]) => `{{ ${e} | printf "${v}" }}`),
  fc.tuple(expr, fc.constantFrom('A', 'b c', '')).map(([e, t]) => `{{ if ${e} }}${t}{{ else }}E{{ end }}`),
  fc.tuple(expr).map(([e]) => `{{ with ${e} }}[{{ . }}]{{ else }}none{{ end }}`),
  fc
    .tuple(
      fc.constantFrom('.xs', '.ns', '.m', '.e', '.em', '3', '.z'),
      fc.constantFrom('{{ . }},', '{{ $i }}={{ $v }};'),
    )
    .map(([r, body]) =>
      body.includes('$i')
        ? `{{ range $i, $v := ${r} }}${body}{{ else }}-{{ end }}`
        : `{{ range ${r} }}${body}{{ end }}`,
    ),
  expr.map((e) => `{{ $x := ${e} }}<{{ $x }}>`),
  fc.constantFrom('text ', ' \n', '{{- " t " -}}', '{{/* c */}}'),
);

const template = fc.array(action, { minLength: 1, maxLength: 4 }).map((a) => a.join(''));

test('differential: generated builtins-only templates agree with Go text/template', async () => {
  let runs = 0;
  await fc.assert(
    fc.asyncProperty(template, async (tpl) => {
      runs++;
      const want = await oracle(tpl);
      const got = ours(tpl);
      // Our strings are UTF-16 and cannot hold invalid UTF-8 that Go may produce by slicing bytes.
      if (want.ok && want.text.includes('\uFFFD')) return;
      if (got.ok && (got.text.includes('\uFFFD') || got.text.includes('efbfbd'))) return;
      // Bytes from indexing a string are uint8 in Go; we have only one integer type.
      if (want.text.includes('uint8')) return;
      assert.equal(
        got.ok,
        want.ok,
        `${tpl}: Go ${want.ok ? 'succeeded' : `failed: ${want.text}`}, we ${got.ok ? 'succeeded' : `failed: ${got.text}`}`,
      );
      if (want.ok) assert.equal(got.text, want.text, tpl);
    }),
    { numRuns: 300, seed: 20261124 },
  );
  console.log(`differential property: ${runs} generated templates`);
});

// Control flow, variables and nested templates.
const cond = fc.oneof(
  fc
    .tuple(
      fc.constantFrom('eq', 'ne', 'lt', 'le', 'gt', 'ge'),
      fc.constantFrom('.n', '.f', '$.n', '3.0', '1.5', '(len .xs)', '2'),
      fc.constantFrom('.n', '3.0', '2', '.f', '(len .ns)'),
    )
    .map(([f, a, b]) => `${f} ${a} ${b}`),
  fc.constantFrom('.t', '.e', '.xs', 'not .t', 'and .t .s', 'or .e .em', '.z', '0', '""', '$x'),
);
const { block } = fc.letrec<{ block: string }>((tie) => ({
  block: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    fc.constantFrom(
      'x',
      '{{ . }}',
      '{{ $x }}',
      '{{ $.s }}',
      '{{ $x = "y" }}',
      '{{ template "d" . }}',
      '{{ len $ }}',
      ' ',
    ),
    fc.tuple(cond, tie('block'), tie('block')).map(([c, a, b]) => `{{ if ${c} }}${a}{{ else }}${b}{{ end }}`),
    fc
      .tuple(cond, cond, tie('block'), tie('block'))
      .map(([c, d, a, b]) => `{{ if ${c} }}${a}{{ else if ${d} }}${b}{{ end }}`),
    fc
      .tuple(fc.constantFrom('.s', '.e', '.m', '.z', '$x', '.xs'), tie('block'), tie('block'))
      .map(([p, a, b]) => `{{ with ${p} }}${a}{{ else with .u }}${b}{{ end }}`),
    fc
      .tuple(
        fc.constantFrom('.xs', '.ns', '.m', '.e', '2', '.m.c'),
        tie('block'),
        fc.constantFrom('', '{{ break }}', '{{ continue }}', '{{ if eq $i 1 }}{{ break }}{{ end }}'),
      )
      .map(([r, a, ctl]) => `{{ range $i, $e := ${r} }}${ctl}{{ $i }}:${a}{{ else }}none{{ end }}`),
    fc.tuple(tie('block'), tie('block')).map(([a, b]) => `${a}${b}`),
  ),
}));
const program = fc
  .tuple(block, fc.constantFrom('[{{ . }}]', '{{ len . }}', '{{ printf "%v" $ }}', ''))
  .map(([b, d]) => `{{ define "d" }}${d}{{ end }}{{ $x := "X" }}${b}`);

test('differential: generated control flow, variables and template calls agree with Go', async () => {
  await fc.assert(
    fc.asyncProperty(program, async (tpl) => {
      const want = await oracle(tpl);
      const got = ours(tpl);
      assert.equal(
        got.ok,
        want.ok,
        `${tpl}: Go ${want.ok ? 'succeeded' : `failed: ${want.text}`}, we ${got.ok ? 'succeeded' : `failed: ${got.text}`}`,
      );
      if (want.ok) assert.equal(got.text, want.text, tpl);
    }),
    { numRuns: 200, seed: 424242 },
  );
});
