import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { MatchType } from '../model/index.ts';
import { matchersToString, parseMatcher, parseMatchers } from './matchers.ts';

const show = (s: string) => parseMatchers(s).map((m) => `${m.name}|${m.type}|${m.value}`);

describe('matcher syntax', () => {
  test('forms amtool and alertmanager.yml accept', () => {
    assert.deepEqual(show('foo=bar'), ['foo|=|bar']);
    assert.deepEqual(show('foo="bar"'), ['foo|=|bar']);
    assert.deepEqual(show('{a=~"b.*", c!="d"}'), ['a|=~|b.*', 'c|!=|d']);
    assert.deepEqual(show('a=1,b!~"x|y"'), ['a|=|1', 'b|!~|x|y']);
    assert.deepEqual(show('{}'), []);
    assert.deepEqual(show(''), []);
    assert.deepEqual(show('{foo="bar",}'), ['foo|=|bar']);
    assert.deepEqual(show('"föö bar"="x"'), ['föö bar|=|x']);
    assert.deepEqual(show('msg="a \\"quoted\\" \\\\ value, with comma"'), ['msg|=|a "quoted" \\ value, with comma']);
  });

  test('classic fallback: unquoted values with spaces', () => {
    assert.deepEqual(show('foo=bar baz'), ['foo|=|bar baz']);
    assert.deepEqual(show('instance=~ .+ '), ['instance|=~|.+']);
  });

  test('regexes are RE2, anchored', () => {
    const m = parseMatcher('job=~"api|web"');
    assert.equal(m.type, MatchType.Regex);
    assert.equal(m.matches('api'), true);
    assert.equal(m.matches('xapi'), false);
    assert.throws(() => parseMatcher('job=~"(a"'), /error parsing regexp/);
    // Backreferences are not RE2.
    assert.throws(() => parseMatcher('job=~"(a)\\\\1"'));
  });

  test('errors', () => {
    assert.throws(() => parseMatchers('foo'));
    assert.throws(() => parseMatchers('foo=="bar"'));
    assert.throws(() => parseMatchers('=bar'));
    assert.throws(() => parseMatcher('a=b,c=d'), /exactly one/);
  });

  test('printing', () => {
    assert.equal(matchersToString(parseMatchers('b!~"x", a="1"')), '{b!~"x",a="1"}');
  });
});
