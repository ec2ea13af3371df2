import assert from 'node:assert/strict';
import { test } from 'node:test';
import { compileSearchRegex, requiredLiteral } from './regex.ts';

test('search regexes are unanchored RE2 with Go-style expansion', () => {
  const re = compileSearchRegex('PING :(?P<token>[^ ]+)');
  assert.equal(re.test('xx PING :abc d'), true);
  assert.deepEqual(re.exec('xx PING :abc d'), ['PING :abc', 'abc']);
  // biome-ignore lint/suspicious/noTemplateCurlyInString: Go's ${1} expansion syntax, not a template literal
  assert.equal(re.expand('PONG ${1} $token $$ ${token}x $9', re.exec('PING :q')!), 'PONG q q $ qx ');
  // biome-ignore lint/suspicious/noTemplateCurlyInString: Go's ${1} expansion syntax, not a template literal
  assert.equal(re.compileTemplate('PONG ${1}-$token!')(re.exec('PING :q')!), 'PONG q-q!');
  assert.equal(re.compileTemplate('static')(['x']), 'static');
  assert.throws(() => compileSearchRegex('(a'), /error parsing regexp: missing closing \)/);
  assert.throws(() => compileSearchRegex('a\\1'), /error parsing regexp/, 'no backreferences in RE2');
});

test('the literal prefilter never rejects a line the regex would match', () => {
  assert.equal(requiredLiteral('ERROR (?P<c>\\w+)'), 'ERROR ');
  assert.equal(requiredLiteral('rt=(\\d+)'), 'rt=');
  assert.equal(requiredLiteral('abc*'), 'ab');
  assert.equal(requiredLiteral('ab?c'), 'a');
  assert.equal(requiredLiteral('www\\.x\\.'), 'www.x.');
  assert.equal(requiredLiteral('a|b'), '');
  assert.equal(requiredLiteral('(?i)error'), '');
  assert.equal(requiredLiteral('^\\d+'), '');
  const cases: [string, string][] = [
    ['abc*', 'ab'],
    ['ab?c', 'ac'],
    ['x{2}y', 'xxy'],
    ['ERROR (?P<c>\\w+)', 'x ERROR db'],
    ['(?i)error', 'ERROR'],
    ['a+b', 'aab'],
  ];
  for (const [p, s] of cases) assert.equal(compileSearchRegex(p).test(s), true, `${p} on ${s}`);
});
