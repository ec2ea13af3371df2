import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { Labels, Matcher, MatchType } from '../model/index.ts';
import { intersect, intersectAll, merge, mergeAll, PostingsIndex, subtract } from './postings.ts';

const sortedList = fc
  .uniqueArray(fc.integer({ min: 0, max: 500 }), { maxLength: 120 })
  .map((a) => a.sort((x, y) => x - y));

describe('postings list operations (property)', () => {
  it('intersect, merge and subtract agree with set semantics and stay sorted', () => {
    fc.assert(
      fc.property(sortedList, sortedList, (a, b) => {
        const sb = new Set(b);
        const sa = new Set(a);
        assert.deepEqual(
          intersect(a, b),
          a.filter((x) => sb.has(x)),
        );
        assert.deepEqual(
          merge(a, b),
          [...new Set([...a, ...b])].sort((x, y) => x - y),
        );
        assert.deepEqual(
          subtract(a, b),
          a.filter((x) => !sb.has(x)),
        );
        assert.deepEqual(
          subtract(b, a),
          b.filter((x) => !sa.has(x)),
        );
      }),
    );
  });

  it('intersects with galloping when sizes differ a lot', () => {
    const big = Array.from({ length: 10_000 }, (_, i) => i * 2);
    assert.deepEqual(intersect([3, 4, 19_998, 20_000], big), [4, 19_998]);
    assert.deepEqual(intersect(big, [0, 1, 2]), [0, 2]);
  });

  it('combines many lists', () => {
    fc.assert(
      fc.property(fc.array(sortedList, { minLength: 1, maxLength: 6 }), (lists) => {
        const union = new Set(lists.flat());
        assert.deepEqual(
          mergeAll(lists),
          [...union].sort((x, y) => x - y),
        );
        const inAll = [...union].filter((x) => lists.every((l) => l.includes(x))).sort((x, y) => x - y);
        assert.deepEqual(intersectAll(lists), inAll);
      }),
    );
  });
});

describe('PostingsIndex', () => {
  it('interns strings, lists names and values, and forgets deleted series', () => {
    const p = new PostingsIndex();
    const a = Labels.fromObject({ __name__: 'up', job: 'a' });
    const b = Labels.fromObject({ __name__: 'up', job: 'b' });
    const la = p.add(1, a);
    const lb = p.add(2, b);
    assert.ok(la.equals(a));
    assert.equal(la.flat[0], lb.flat[0]);
    assert.deepEqual(p.labelNames(), ['__name__', 'job']);
    assert.deepEqual(p.labelValues('job'), ['a', 'b']);
    assert.deepEqual(p.get('__name__', 'up'), [1, 2]);
    assert.deepEqual(p.select([new Matcher(MatchType.Regex, 'job', 'b|c')]), [2]);
    p.delete(new Map([[1, la]]));
    assert.deepEqual(p.labelValues('job'), ['b']);
    assert.deepEqual(p.allPostings(), [2]);
    p.delete(new Map([[2, lb]]));
    assert.deepEqual(p.labelNames(), []);
  });

  it('keeps lists sorted when ids arrive out of order', () => {
    const p = new PostingsIndex();
    for (const id of [5, 1, 3]) p.add(id, Labels.fromObject({ a: 'x' }));
    assert.deepEqual(p.get('a', 'x'), [1, 3, 5]);
    assert.deepEqual(p.allPostings(), [1, 3, 5]);
  });
});
