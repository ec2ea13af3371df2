import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { isStaleNaN, Labels, Matcher, MatchType, STALE_NAN } from '../model/index.ts';
import { Head } from './head.ts';
import { AppendError, type Querier } from './interfaces.ts';
import { SAMPLES_PER_CHUNK } from './xor-chunk.ts';

const L = (o: Record<string, string>) => Labels.fromObject(o);
const eq = (n: string, v: string) => new Matcher(MatchType.Equal, n, v);
const neq = (n: string, v: string) => new Matcher(MatchType.NotEqual, n, v);
const re = (n: string, v: string) => new Matcher(MatchType.Regex, n, v);
const nre = (n: string, v: string) => new Matcher(MatchType.NotRegex, n, v);

const ALL = [Number.MIN_SAFE_INTEGER, Number.MAX_SAFE_INTEGER] as const;

function samples(q: Querier, ms: Matcher[], mint = ALL[0], maxt = ALL[1]): Record<string, [number, number][]> {
  const out: Record<string, [number, number][]> = {};
  for (const s of q.select(ms, mint, maxt)) {
    const it = s.iterator();
    const list: [number, number][] = [];
    while (it.next()) list.push([it.t, it.v]);
    out[s.labels.toString()] = list;
  }
  return out;
}

function names(q: Querier, ms: Matcher[]): string[] {
  return q.select(ms, ALL[0], ALL[1]).map((s) => s.labels.toString());
}

function appendOne(h: Head, labels: Labels, t: number, v: number): number {
  const a = h.appender();
  const ref = a.append(0, labels, t, v);
  a.commit();
  return ref;
}

function kindOf(fn: () => unknown): string {
  try {
    fn();
  } catch (e) {
    if (e instanceof AppendError) return `${e.kind}: ${e.message}`;
    throw e;
  }
  return 'ok';
}

describe('Head appender', () => {
  it('makes samples visible only on commit and discards them on rollback', () => {
    const h = new Head();
    const a = h.appender();
    a.append(0, L({ __name__: 'up', job: 'a' }), 1000, 1);
    assert.deepEqual(samples(h.querier(), [eq('__name__', 'up')]), {});
    a.commit();
    assert.deepEqual(samples(h.querier(), [eq('__name__', 'up')]), { '{__name__="up", job="a"}': [[1000, 1]] });

    const b = h.appender();
    b.append(0, L({ __name__: 'up', job: 'a' }), 2000, 2);
    b.append(0, L({ __name__: 'up', job: 'b' }), 2000, 3);
    b.rollback();
    assert.deepEqual(samples(h.querier(), [eq('__name__', 'up')]), { '{__name__="up", job="a"}': [[1000, 1]] });
    // the rolled-back new series left no trace
    assert.equal(h.numSeries(), 1);
    assert.deepEqual(h.querier().labelValues('job', [], ALL[0], ALL[1]), ['a']);
  });

  it('keeps a query snapshot stable while appends continue', () => {
    const h = new Head();
    const lbls = L({ __name__: 'x' });
    appendOne(h, lbls, 1, 1);
    const [s] = h.querier().select([eq('__name__', 'x')], 0, 1e9);
    for (let t = 2; t < 300; t++) appendOne(h, lbls, t, t);
    const it = s.iterator();
    const got: number[] = [];
    while (it.next()) got.push(it.t);
    assert.deepEqual(got, [1]);
  });

  it('returns refs that take the fast path and stay stable', () => {
    const h = new Head();
    const lbls = L({ __name__: 'm', i: '1' });
    const a = h.appender();
    const ref = a.append(0, lbls, 1, 1);
    assert.ok(ref > 0);
    // with a valid ref the labels argument is not consulted
    assert.equal(a.append(ref, Labels.EMPTY, 2, 2), ref);
    a.commit();
    assert.equal(appendOne(h, L({ __name__: 'm', i: '1' }), 3, 3), ref);
    const other = appendOne(h, L({ __name__: 'm', i: '2' }), 3, 3);
    assert.notEqual(other, ref);
    // an unknown ref falls back to the labels
    const b = h.appender();
    assert.equal(b.append(987654, lbls, 4, 4), ref);
    b.commit();
    assert.deepEqual(samples(h.querier(), [eq('i', '1')])['{__name__="m", i="1"}'], [
      [1, 1],
      [2, 2],
      [3, 3],
      [4, 4],
    ]);
  });

  it('rejects out-of-order and duplicate samples, accepts identical repeats, and counts', () => {
    const h = new Head();
    const lbls = L({ __name__: 'm' });
    appendOne(h, lbls, 1000, 1);
    appendOne(h, lbls, 2000, 2);
    const a = h.appender();
    assert.equal(
      kindOf(() => a.append(0, lbls, 1500, 5)),
      'out_of_order: out of order sample',
    );
    assert.equal(
      kindOf(() => a.append(0, lbls, 2000, 7)),
      'duplicate: duplicate sample for timestamp',
    );
    assert.equal(
      kindOf(() => a.append(0, lbls, 1000, 9)),
      'out_of_order: out of order sample',
    );
    assert.equal(
      kindOf(() => a.append(0, lbls, 2000, 2)),
      'ok',
    );
    // the batch goes on after an error
    a.append(0, lbls, 3000, 3);
    // within a batch: duplicate of a staged sample, and older than a staged sample
    assert.equal(
      kindOf(() => a.append(0, lbls, 3000, 4)),
      'duplicate: duplicate sample for timestamp',
    );
    assert.equal(
      kindOf(() => a.append(0, lbls, 2500, 4)),
      'out_of_order: out of order sample',
    );
    a.commit();
    assert.deepEqual(samples(h.querier(), [eq('__name__', 'm')])['{__name__="m"}'], [
      [1000, 1],
      [2000, 2],
      [3000, 3],
    ]);
    const st = h.stats();
    assert.equal(st.outOfOrderSamples, 3);
    assert.equal(st.duplicateSamples, 2);
    assert.equal(st.numSamples, 3);
  });

  it('treats -0 and 0, and different NaNs, as different values for duplicates', () => {
    const h = new Head();
    const lbls = L({ __name__: 'm' });
    appendOne(h, lbls, 1, 0);
    assert.equal(
      kindOf(() => appendOne(h, lbls, 1, -0)),
      'duplicate: duplicate sample for timestamp',
    );
    appendOne(h, lbls, 2, STALE_NAN);
    assert.equal(
      kindOf(() => appendOne(h, lbls, 2, Number.NaN)),
      'duplicate: duplicate sample for timestamp',
    );
    assert.equal(
      kindOf(() => appendOne(h, lbls, 2, STALE_NAN)),
      'ok',
    );
  });

  it('accepts any timestamp in an empty head, including very old ones', () => {
    const h = new Head();
    appendOne(h, L({ __name__: 'old' }), 86_400_000, 1);
    appendOne(h, L({ __name__: 'new' }), 1_700_000_000_000, 1);
    appendOne(h, L({ __name__: 'older' }), 1000, 1);
    assert.equal(h.numSeries(), 3);
    assert.equal(h.minTime(), 1000);
    assert.equal(h.maxTime(), 1_700_000_000_000);
  });

  it('stores samples inside the out-of-order window in order, and rejects older ones as too old', () => {
    const h = new Head({ outOfOrderTimeWindow: 10_000 });
    const lbls = L({ __name__: 'm' });
    for (const t of [1000, 5000, 20_000]) appendOne(h, lbls, t, t);
    appendOne(h, lbls, 12_000, 12);
    // 3000 < 20000 - 10000: too old
    assert.equal(
      kindOf(() => appendOne(h, lbls, 3000, -1)),
      'too_old: too old sample',
    );
    const a = h.appender();
    assert.equal(
      kindOf(() => a.append(0, lbls, 9000, 1)),
      'too_old: too old sample',
    );
    a.append(0, lbls, 15_000, 15);
    a.append(0, lbls, 11_000, 11);
    assert.equal(
      kindOf(() => a.append(0, lbls, 12_000, 99)),
      'duplicate: duplicate sample for timestamp',
    );
    a.commit();
    assert.deepEqual(samples(h.querier(), [eq('__name__', 'm')])['{__name__="m"}'], [
      [1000, 1000],
      [5000, 5000],
      [11_000, 11],
      [12_000, 12],
      [15_000, 15],
      [20_000, 20_000],
    ]);
  });

  it('stores the staleness marker bit-exactly and returns it', () => {
    const h = new Head();
    const lbls = L({ __name__: 'm' });
    appendOne(h, lbls, 1, 5);
    appendOne(h, lbls, 2, STALE_NAN);
    appendOne(h, lbls, 3, Number.NaN);
    const [s] = h.querier().select([eq('__name__', 'm')], 0, 10);
    const it = s.iterator();
    assert.ok(it.next());
    assert.ok(it.next());
    assert.equal(it.t, 2);
    assert.ok(isStaleNaN(it.v));
    assert.ok(it.next());
    assert.ok(Number.isNaN(it.v));
    assert.ok(!isStaleNaN(it.v));
  });

  it('rejects timestamps that are not integers', () => {
    const h = new Head();
    assert.equal(
      kindOf(() => appendOne(h, L({ __name__: 'm' }), 1.5, 1)),
      'out_of_bounds: out of bounds',
    );
    assert.equal(
      kindOf(() => appendOne(h, L({ __name__: 'm' }), Number.NaN, 1)),
      'out_of_bounds: out of bounds',
    );
  });

  it('keeps a series another open appender staged samples for when a rollback would remove it', () => {
    const h = new Head();
    const lbls = L({ __name__: 'shared' });
    const a = h.appender();
    const b = h.appender();
    a.append(0, lbls, 1, 1);
    b.append(0, lbls, 2, 2);
    a.append(0, lbls, 3, 3);
    a.rollback();
    b.commit();
    assert.deepEqual(samples(h.querier(), [eq('__name__', 'shared')]), { '{__name__="shared"}': [[2, 2]] });
  });

  it('rejects empty label sets', () => {
    const h = new Head();
    assert.equal(
      kindOf(() => appendOne(h, Labels.EMPTY, 1, 1)),
      'invalid_labels: empty labelset',
    );
  });
});

describe('Head select', () => {
  function fixture(): Head {
    const h = new Head();
    const a = h.appender();
    a.append(0, L({ __name__: 'http', job: 'api', code: '200' }), 10, 1);
    a.append(0, L({ __name__: 'http', job: 'api', code: '500' }), 10, 2);
    a.append(0, L({ __name__: 'http', job: 'web', code: '200' }), 10, 3);
    a.append(0, L({ __name__: 'http', job: 'web' }), 10, 4);
    a.append(0, L({ __name__: 'up', job: 'api' }), 10, 5);
    a.append(0, L({ __name__: 'up', job: 'web', foo: 'bar' }), 10, 6);
    a.append(0, L({ __name__: 'other' }), 10, 7);
    a.commit();
    return h;
  }

  it('supports the four matcher types', () => {
    const q = fixture().querier();
    assert.deepEqual(names(q, [eq('__name__', 'up')]), [
      '{__name__="up", foo="bar", job="web"}',
      '{__name__="up", job="api"}',
    ]);
    assert.deepEqual(names(q, [eq('__name__', 'http'), neq('code', '200')]), [
      '{__name__="http", code="500", job="api"}',
      '{__name__="http", job="web"}',
    ]);
    assert.deepEqual(names(q, [re('__name__', 'h.*'), re('code', '2..')]), [
      '{__name__="http", code="200", job="api"}',
      '{__name__="http", code="200", job="web"}',
    ]);
    assert.deepEqual(names(q, [eq('__name__', 'http'), nre('job', 'a.*')]), [
      '{__name__="http", code="200", job="web"}',
      '{__name__="http", job="web"}',
    ]);
  });

  it('uses set matches and returns series sorted by labels', () => {
    const q = fixture().querier();
    assert.deepEqual(names(q, [re('__name__', 'up|other')]), [
      '{__name__="other"}',
      '{__name__="up", foo="bar", job="web"}',
      '{__name__="up", job="api"}',
    ]);
    assert.deepEqual(names(q, [re('code', '500|404')]), ['{__name__="http", code="500", job="api"}']);
  });

  it('treats empty-matching matchers as also selecting series without the label', () => {
    const q = fixture().querier();
    assert.deepEqual(names(q, [eq('__name__', 'http'), eq('code', '')]), ['{__name__="http", job="web"}']);
    assert.deepEqual(names(q, [eq('__name__', 'up'), re('foo', 'bar|')]), [
      '{__name__="up", foo="bar", job="web"}',
      '{__name__="up", job="api"}',
    ]);
    assert.deepEqual(names(q, [eq('__name__', 'up'), neq('foo', '')]), ['{__name__="up", foo="bar", job="web"}']);
    assert.deepEqual(names(q, [eq('__name__', 'up'), nre('foo', '')]), ['{__name__="up", foo="bar", job="web"}']);
    assert.deepEqual(names(q, [eq('__name__', 'up'), re('foo', '.+')]), ['{__name__="up", foo="bar", job="web"}']);
    // only empty-matching matchers: selection starts from all series
    assert.deepEqual(names(q, [re('job', '.*'), eq('foo', '')]), [
      '{__name__="http", code="200", job="api"}',
      '{__name__="http", code="200", job="web"}',
      '{__name__="http", code="500", job="api"}',
      '{__name__="http", job="web"}',
      '{__name__="other"}',
      '{__name__="up", job="api"}',
    ]);
    assert.deepEqual(names(q, [neq('job', 'api'), eq('code', '')]), [
      '{__name__="http", job="web"}',
      '{__name__="other"}',
      '{__name__="up", foo="bar", job="web"}',
    ]);
    assert.deepEqual(names(q, [eq('nonexistent', 'x')]), []);
    assert.deepEqual(names(q, [eq('__name__', 'up'), re('foo', 'nope')]), []);
  });

  it('answers label names and values, optionally restricted by matchers', () => {
    const q = fixture().querier();
    assert.deepEqual(q.labelNames([], ALL[0], ALL[1]), ['__name__', 'code', 'foo', 'job']);
    assert.deepEqual(q.labelNames([eq('__name__', 'up')], ALL[0], ALL[1]), ['__name__', 'foo', 'job']);
    assert.deepEqual(q.labelValues('job', [], ALL[0], ALL[1]), ['api', 'web']);
    assert.deepEqual(q.labelValues('code', [eq('job', 'web')], ALL[0], ALL[1]), ['200']);
    assert.deepEqual(q.labelValues('__name__', [], ALL[0], ALL[1]), ['http', 'other', 'up']);
    // outside the data's time range nothing matches
    assert.deepEqual(q.labelNames([], 100, 200), []);
    assert.deepEqual(q.labelValues('job', [], 100, 200), []);
  });

  it('filters samples to [mint, maxt], including at chunk boundaries', () => {
    const h = new Head();
    const lbls = L({ __name__: 'm' });
    const a = h.appender();
    for (let i = 0; i < 3 * SAMPLES_PER_CHUNK; i++) a.append(0, lbls, i * 10, i);
    a.commit();
    assert.equal(h.stats().chunkCount, 3);
    const q = h.querier();
    const ts = (mint: number, maxt: number) =>
      (samples(q, [eq('__name__', 'm')], mint, maxt)['{__name__="m"}'] ?? []).map((x) => x[0]);
    // chunk 1 ends at 1190, chunk 2 starts at 1200
    assert.deepEqual(ts(1190, 1200), [1190, 1200]);
    assert.deepEqual(ts(1191, 1199), []);
    assert.deepEqual(ts(1185, 1205), [1190, 1200]);
    assert.deepEqual(ts(0, 0), [0]);
    assert.deepEqual(ts(3590, 5000), [3590]);
    assert.equal(ts(0, 10_000).length, 360);
    // seek across chunks
    const [s] = q.select([eq('__name__', 'm')], 15, 2500);
    const it = s.iterator();
    assert.ok(it.seek(1195));
    assert.equal(it.t, 1200);
    assert.ok(it.seek(0));
    assert.equal(it.t, 1200);
    assert.ok(it.seek(2395));
    assert.equal(it.t, 2400);
    assert.ok(it.next());
    assert.equal(it.t, 2410);
    assert.equal(it.seek(2501), false);
    assert.equal(it.next(), false);
    const it2 = s.iterator();
    assert.ok(it2.seek(3));
    assert.equal(it2.t, 20);
  });

  it('cuts chunks at 120 samples and at aligned chunk-range boundaries', () => {
    const h = new Head({ chunkRange: 1000 });
    const lbls = L({ __name__: 'm' });
    const a = h.appender();
    // 100 samples in [0, 990], then more from 1000: the range boundary forces a cut before 120 samples
    for (let i = 0; i < 150; i++) a.append(0, lbls, i * 10, i);
    a.commit();
    assert.equal(h.stats().chunkCount, 2);
    const h2 = new Head();
    const b = h2.appender();
    for (let i = 0; i < SAMPLES_PER_CHUNK + 1; i++) b.append(0, lbls, i, i);
    b.commit();
    assert.equal(h2.stats().chunkCount, 2);
    const s = h2.series.values().next().value!;
    assert.equal(s.numChunks, 2);
    assert.equal(s.chunkNumSamples(0), SAMPLES_PER_CHUNK);
    assert.equal(s.chunkNumSamples(1), 1);
  });
});

describe('Head hooks for a write-ahead log', () => {
  it('reports each new series once and every committed sample before applying it', () => {
    const h = new Head();
    const seen: string[] = [];
    h.setCommitListener((b) => {
      for (const s of b.newSeries) seen.push(`series ${s.ref} ${s.labels}`);
      for (let i = 0; i < b.n; i++)
        seen.push(`sample ${b.series[i].ref} ${b.ts[i]} ${isStaleNaN(b.vs[i]) ? 'stale' : b.vs[i]}`);
      // nothing is applied yet when the listener runs
      seen.push(`stored ${h.stats().numSamples}`);
    });
    const a = h.appender();
    const r1 = a.append(0, L({ __name__: 'a' }), 10, 1);
    a.append(0, L({ __name__: 'b' }), 10, STALE_NAN);
    a.commit();
    const b = h.appender();
    b.append(r1, L({ __name__: 'a' }), 20, 2);
    b.commit();
    h.appender().commit(); // empty batches are not reported
    assert.deepEqual(seen, [
      'series 1 {__name__="a"}',
      'series 2 {__name__="b"}',
      'sample 1 10 1',
      'sample 2 10 stale',
      'stored 0',
      'sample 1 20 2',
      'stored 2',
    ]);
  });

  it('applies nothing when the listener fails', () => {
    const h = new Head();
    h.setCommitListener(() => {
      throw new Error('disk full');
    });
    const a = h.appender();
    a.append(0, L({ __name__: 'a' }), 10, 1);
    assert.throws(() => a.commit(), /disk full/);
    assert.equal(h.stats().numSamples, 0);
    assert.equal(h.numSeries(), 0);
  });

  it('restores series under their logged refs and keeps new refs above them', () => {
    const h = new Head();
    const s = h.restoreSeries(42, L({ __name__: 'old' }));
    assert.equal(s.ref, 42);
    const a = h.appender();
    assert.equal(a.append(42, L({ __name__: 'old' }), 5, 5), 42);
    assert.equal(a.append(0, L({ __name__: 'new' }), 5, 5), 43);
    a.commit();
    assert.equal(h.restoreSeries(7, L({ __name__: 'old' })).ref, 42);
  });
});

describe('Head stats and truncate', () => {
  it('reports cardinality like /api/v1/status/tsdb', () => {
    const h = new Head();
    const a = h.appender();
    for (let i = 0; i < 5; i++) a.append(0, L({ __name__: 'a', i: String(i) }), 1000, 1);
    for (let i = 0; i < 3; i++) a.append(0, L({ __name__: 'bb', i: String(i), job: 'x' }), 2000, 1);
    a.commit();
    const st = h.stats(2);
    assert.equal(st.numSeries, 8);
    assert.equal(st.numSamples, 8);
    assert.equal(st.chunkCount, 8);
    assert.equal(st.minTime, 1000);
    assert.equal(st.maxTime, 2000);
    assert.deepEqual(st.seriesCountByMetricName, [
      { name: 'a', value: 5 },
      { name: 'bb', value: 3 },
    ]);
    assert.deepEqual(st.labelValueCountByLabelName, [
      { name: 'i', value: 5 },
      { name: '__name__', value: 2 },
    ]);
    // bytes of values times series: __name__ = 5*1 + 3*2 = 11, i = 8*1, job = 3*1
    assert.deepEqual(st.memoryInBytesByLabelName, [
      { name: '__name__', value: 11 },
      { name: 'i', value: 8 },
    ]);
    assert.deepEqual(st.seriesCountByLabelValuePair, [
      { name: '__name__=a', value: 5 },
      { name: '__name__=bb', value: 3 },
    ]);
  });

  it('drops old chunks, hides older samples, removes series without samples left', () => {
    const h = new Head();
    const oldL = L({ __name__: 'gone' });
    const keepL = L({ __name__: 'kept' });
    const a = h.appender();
    const oldRef = a.append(0, oldL, 0, 1);
    for (let i = 0; i < 2 * SAMPLES_PER_CHUNK; i++) a.append(0, keepL, i * 10, i);
    a.commit();
    assert.equal(h.stats().chunkCount, 3);
    h.truncate(1500);
    assert.equal(h.numSeries(), 1);
    assert.equal(h.stats().chunkCount, 1);
    assert.equal(h.stats().numSamples, SAMPLES_PER_CHUNK);
    assert.equal(h.minTime(), 1500);
    const got = samples(h.querier(), [re('__name__', '.+')]);
    assert.deepEqual(Object.keys(got), ['{__name__="kept"}']);
    assert.equal(got['{__name__="kept"}'][0][0], 1500);
    assert.deepEqual(h.querier().labelValues('__name__', [], ALL[0], ALL[1]), ['kept']);
    // appends below the truncation point are out of bounds
    assert.equal(
      kindOf(() => appendOne(h, keepL, 100, 1)),
      'out_of_bounds: out of bounds',
    );
    // the removed series comes back with a new ref
    const again = appendOne(h, oldL, 5000, 1);
    assert.notEqual(again, oldRef);
    assert.equal(h.numSeries(), 2);
  });

  it('keeps series that have samples staged in an open appender', () => {
    const h = new Head();
    const a = h.appender();
    a.append(0, L({ __name__: 'pending' }), 100, 1);
    h.truncate(50);
    assert.equal(h.numSeries(), 1);
    a.commit();
    assert.equal(Object.keys(samples(h.querier(), [eq('__name__', 'pending')])).length, 1);
  });
});

describe('newest sample shortcut of head snapshots', () => {
  type Newest = { newestInRange(out: { t: number; v: number }): boolean };
  const lastByIteration = (s: { iterator(): { next(): boolean; t: number; v: number } }) => {
    const it = s.iterator();
    let t = Number.NaN;
    let v = Number.NaN;
    while (it.next()) {
      t = it.t;
      v = it.v;
    }
    return { t, v };
  };

  it('gives the same newest sample as iterating, and declines when the range ends before it', () => {
    const head = new Head();
    const a = head.appender();
    for (let i = 0; i < SAMPLES_PER_CHUNK + 10; i++) a.append(0, L({ __name__: 'x' }), 1000 * i, i * 1.5);
    a.append(0, L({ __name__: 'y' }), 5000, STALE_NAN);
    a.commit();
    const q = head.querier();
    const out = { t: 0, v: 0 };
    for (const [mint, maxt] of [
      [0, 1_000_000],
      [100_000, 129_000],
      [125_000, 200_000],
    ]) {
      const [s] = q.select([eq('__name__', 'x')], mint, maxt);
      assert.equal((s as unknown as Newest).newestInRange(out), true);
      assert.deepEqual(out, lastByIteration(s));
    }
    // the range ends before the newest sample: the caller has to iterate
    const [early] = q.select([eq('__name__', 'x')], 0, 50_000);
    assert.equal((early as unknown as Newest).newestInRange(out), false);
    assert.equal(lastByIteration(early).t, 50_000);
    // staleness markers keep their bits
    const [stale] = q.select([eq('__name__', 'y')], 0, 10_000);
    assert.equal((stale as unknown as Newest).newestInRange(out), true);
    assert.equal(out.t, 5000);
    assert.ok(isStaleNaN(out.v));
  });

  it('does not see samples appended after the snapshot', () => {
    const head = new Head();
    let a = head.appender();
    a.append(0, L({ __name__: 'x' }), 1000, 1);
    a.commit();
    const [s] = head.querier().select([eq('__name__', 'x')], 0, 10_000);
    a = head.appender();
    a.append(0, L({ __name__: 'x' }), 2000, 2);
    a.commit();
    const out = { t: 0, v: 0 };
    assert.equal((s as unknown as Newest).newestInRange(out), true);
    assert.deepEqual(out, { t: 1000, v: 1 });
  });
});
