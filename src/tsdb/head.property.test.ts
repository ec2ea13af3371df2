import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { compareLabels, Labels, Matcher, MatchType, STALE_NAN } from '../model/index.ts';
import { Head } from './head.ts';
import { AppendError } from './interfaces.ts';

/**
 * Compares the head with a naive reference store: a list of (labels, sorted samples) where matching means
 * "every matcher accepts the label's value, '' when absent". Values are kept as bit strings so NaN payloads
 * are compared exactly.
 */

const f64 = new Float64Array(1);
const u32 = new Uint32Array(f64.buffer);
function bits(v: number): string {
  f64[0] = v;
  return `${u32[1].toString(16)}:${u32[0].toString(16)}`;
}

// Value pool, addressed by index so no plain JS array ever holds (and quiets) a NaN.
const VALUES = new Float64Array([0, 1, -1, 2.5, 1e300, Number.POSITIVE_INFINITY, Number.NaN, 0, -0, 42]);
VALUES[7] = STALE_NAN; // assigned directly: the array literal above would quiet it

const LABEL_OBJECTS: Record<string, string>[] = [
  { __name__: 'a', job: 'x' },
  { __name__: 'a', job: 'y', env: 'prod' },
  { __name__: 'a', env: 'dev' },
  { __name__: 'b', job: 'x', env: 'prod' },
  { __name__: 'b' },
  { __name__: 'c', job: 'z', env: '' },
  { job: 'x', other: 'o' },
];
const LABEL_SETS = LABEL_OBJECTS.map((o) => Labels.fromObject(o));

const MATCHERS: [MatchType, string, string][] = [
  [MatchType.Equal, '__name__', 'a'],
  [MatchType.Equal, 'job', 'x'],
  [MatchType.Equal, 'env', ''],
  [MatchType.Equal, 'missing', ''],
  [MatchType.NotEqual, 'job', 'x'],
  [MatchType.NotEqual, 'env', ''],
  [MatchType.Regex, '__name__', 'a|b'],
  [MatchType.Regex, 'job', '.*'],
  [MatchType.Regex, 'env', 'p.*|'],
  [MatchType.Regex, 'job', '[xy]'],
  [MatchType.Regex, '__name__', '.+'],
  [MatchType.NotRegex, 'env', 'prod'],
  [MatchType.NotRegex, 'job', '.*'],
  [MatchType.NotRegex, 'job', 'x|'],
];

interface Sample {
  t: number;
  v: number; // index into VALUES
}

type Op =
  | { kind: 'batch'; samples: { s: number; t: number; v: number }[]; commit: boolean }
  | { kind: 'truncate'; mint: number }
  | { kind: 'query'; matchers: number[]; mint: number; maxt: number };

const opArb: fc.Arbitrary<Op> = fc.oneof(
  {
    weight: 5,
    arbitrary: fc.record({
      kind: fc.constant('batch' as const),
      samples: fc.array(
        fc.record({
          s: fc.integer({ min: 0, max: LABEL_SETS.length - 1 }),
          // relative to a clock advancing with each batch: mostly in order, some out of order
          t: fc.integer({ min: -150, max: 100 }),
          v: fc.integer({ min: 0, max: VALUES.length - 1 }),
        }),
        { maxLength: 40, size: 'medium' },
      ),
      commit: fc.boolean(),
    }),
  },
  {
    weight: 1,
    arbitrary: fc.record({ kind: fc.constant('truncate' as const), mint: fc.integer({ min: 0, max: 1500 }) }),
  },
  {
    weight: 3,
    arbitrary: fc.record({
      kind: fc.constant('query' as const),
      matchers: fc.array(fc.integer({ min: 0, max: MATCHERS.length - 1 }), { minLength: 1, maxLength: 3 }),
      mint: fc.integer({ min: -10, max: 6010 }),
      maxt: fc.integer({ min: -10, max: 6010 }),
    }),
  },
);

class Reference {
  readonly data = LABEL_SETS.map(() => [] as Sample[]);
  maxT = Number.NEGATIVE_INFINITY;
  floor = Number.NEGATIVE_INFINITY;
  constructor(readonly window: number) {}

  /** Mirrors the head's acceptance rules; returns the error kind or 'ok'. */
  check(si: number, t: number, v: number, pending: Sample[]): string {
    if (t < this.floor) return 'out_of_bounds';
    const stored = this.data[si];
    const newestC = stored.length ? stored[stored.length - 1] : undefined;
    let newest = newestC;
    for (const p of pending) if (!newest || p.t > newest.t) newest = p;
    if (!newest || t > newest.t) return 'ok';
    if (t === newest.t) return bits(VALUES[v]) === bits(VALUES[newest.v]) ? 'same' : 'duplicate';
    if (this.window === 0) return 'out_of_order';
    if (t < this.maxT - this.window) return 'too_old';
    const hit = stored.find((x) => x.t === t);
    if (hit) return bits(VALUES[hit.v]) === bits(VALUES[v]) ? 'same' : 'duplicate';
    return 'ok';
  }

  commit(staged: { s: number; t: number; v: number }[]): void {
    for (const x of staged) {
      const list = this.data[x.s];
      const at = list.findIndex((y) => y.t >= x.t);
      if (at >= 0 && list[at].t === x.t) continue; // duplicate inside the batch: dropped at commit
      if (at < 0) list.push({ t: x.t, v: x.v });
      else list.splice(at, 0, { t: x.t, v: x.v });
      if (x.t > this.maxT) this.maxT = x.t;
    }
  }

  truncate(mint: number, chunkStarts: (si: number) => number[]): void {
    if (mint > this.floor) this.floor = mint;
    let maxT = Number.NEGATIVE_INFINITY;
    for (let si = 0; si < this.data.length; si++) {
      // the head drops whole chunks; samples of kept chunks below mint stay stored but invisible
      const starts = chunkStarts(si);
      const keepFrom = starts.find((_, k) => {
        const end = k + 1 < starts.length ? starts[k + 1] : this.data[si].length;
        return this.data[si][end - 1].t >= mint;
      });
      this.data[si] = keepFrom === undefined ? [] : this.data[si].slice(keepFrom);
      const l = this.data[si];
      if (l.length && l[l.length - 1].t > maxT) maxT = l[l.length - 1].t;
    }
    if (maxT !== Number.NEGATIVE_INFINITY) this.maxT = maxT;
  }
}

function runOps(ops: Op[], window: number): void {
  const head = new Head({ outOfOrderTimeWindow: window, chunkRange: 500 });
  const ref = new Reference(window);
  let clock = 0;
  for (const op of ops) {
    if (op.kind === 'batch') {
      const app = head.appender();
      const staged: { s: number; t: number; v: number }[] = [];
      clock += 150;
      for (const rel of op.samples) {
        const x = { ...rel, t: Math.max(0, clock + rel.t) };
        const expect = ref.check(
          x.s,
          x.t,
          x.v,
          staged.filter((y) => y.s === x.s),
        );
        let got = 'ok';
        try {
          app.append(0, LABEL_SETS[x.s], x.t, VALUES[x.v]);
        } catch (e) {
          if (!(e instanceof AppendError)) throw e;
          got = e.kind;
        }
        assert.equal(got, expect === 'same' ? 'ok' : expect, `append ${JSON.stringify(x)}`);
        if (expect === 'ok') staged.push(x);
      }
      if (op.commit) {
        app.commit();
        ref.commit(staged);
      } else app.rollback();
    } else if (op.kind === 'truncate') {
      // chunk layout of each series, as start indexes into the reference list, before truncation
      const layout = LABEL_SETS.map((l) => {
        const s = [...head.series.values()].find((x) => x.labels.equals(l));
        const starts: number[] = [];
        let k = 0;
        for (let i = 0; i < (s?.numChunks ?? 0); i++) {
          starts.push(k);
          k += s!.chunkNumSamples(i);
        }
        return starts;
      });
      head.truncate(op.mint);
      ref.truncate(op.mint, (si) => layout[si]);
    } else {
      const ms = op.matchers.map((i) => new Matcher(...MATCHERS[i]));
      const mint = Math.max(op.mint, ref.floor);
      const matched: [Labels, string][] = [];
      LABEL_SETS.forEach((l, si) => {
        if (!ms.every((m) => m.matches(l.get(m.name)))) return;
        const inRange = ref.data[si].filter((x) => x.t >= mint && x.t <= op.maxt);
        if (inRange.length) matched.push([l, `${l} ${inRange.map((x) => `${x.t}=${bits(VALUES[x.v])}`).join(',')}`]);
      });
      const expected = matched.sort((x, y) => compareLabels(x[0], y[0])).map((x) => x[1]);
      // counters agree with the stored data
      const st = head.stats();
      assert.equal(
        st.numSamples,
        ref.data.reduce((a, l) => a + l.length, 0),
        'numSamples',
      );
      let chunks = 0;
      for (const s of head.series.values()) chunks += s.numChunks;
      assert.equal(st.chunkCount, chunks, 'chunkCount');
      const got: string[] = [];
      const sel = head.querier().select(ms, op.mint, op.maxt);
      for (const s of sel) {
        const it = s.iterator();
        const parts: string[] = [];
        while (it.next()) parts.push(`${it.t}=${bits(it.v)}`);
        if (parts.length) got.push(`${s.labels} ${parts.join(',')}`);
      }
      assert.deepEqual(got, expected, `select ${ms.join(',')} [${op.mint}, ${op.maxt}]`);
      // seek lands on the first sample >= the target
      for (const s of sel) {
        const target: number = (op.mint + op.maxt) >> 1;
        const si = LABEL_SETS.findIndex((l) => l.equals(s.labels));
        const first: Sample | undefined = ref.data[si].find((x) => x.t >= Math.max(target, mint) && x.t <= op.maxt);
        const it = s.iterator();
        assert.equal(it.seek(target) ? it.t : null, first ? first.t : null);
      }
      const expNames = new Set<string>();
      const expJobs = new Set<string>();
      LABEL_SETS.forEach((l, si) => {
        if (!ms.every((m) => m.matches(l.get(m.name)))) return;
        if (!ref.data[si].some((x) => x.t >= mint && x.t <= op.maxt)) return;
        l.forEach((n, v) => {
          expNames.add(n);
          if (n === 'job') expJobs.add(v);
        });
      });
      // label queries see series whose chunks overlap the range; compare on ranges containing all data
      const q = head.querier();
      const lo = Math.max(-10, ref.floor);
      assert.deepEqual(q.labelNames(ms, lo, 1e9), [...labelNamesOf(ref, ms, lo)].sort(), 'labelNames');
      assert.deepEqual(q.labelValues('job', ms, lo, 1e9), [...labelValuesOf(ref, ms, lo, 'job')].sort(), 'labelValues');
    }
  }
}

function labelNamesOf(ref: Reference, ms: Matcher[], mint: number): Set<string> {
  const out = new Set<string>();
  LABEL_SETS.forEach((l, si) => {
    if (ms.every((m) => m.matches(l.get(m.name))) && ref.data[si].some((x) => x.t >= mint)) {
      l.forEach((n) => {
        out.add(n);
      });
    }
  });
  return out;
}

function labelValuesOf(ref: Reference, ms: Matcher[], mint: number, name: string): Set<string> {
  const out = new Set<string>();
  LABEL_SETS.forEach((l, si) => {
    if (ms.every((m) => m.matches(l.get(m.name))) && ref.data[si].some((x) => x.t >= mint) && l.has(name)) {
      out.add(l.get(name));
    }
  });
  return out;
}

describe('Head against a naive reference store (property)', () => {
  it('agrees without an out-of-order window', () => {
    fc.assert(
      fc.property(fc.array(opArb, { maxLength: 40, size: 'medium' }), (ops) => runOps(ops, 0)),
      { numRuns: 150 },
    );
  });

  it('agrees with an out-of-order window', () => {
    fc.assert(
      fc.property(fc.array(opArb, { maxLength: 40, size: 'medium' }), (ops) => runOps(ops, 300)),
      { numRuns: 150 },
    );
  });
});
