/**
 * The experimental `anchored` and `smoothed` range-selector modifiers.
 * anchored: the window starts at the last sample at or before its start (within the lookback delta),
 *   and rate/increase/delta are plain differences without extrapolation.
 * smoothed: values at both window boundaries are interpolated linearly between the neighbouring
 *   samples (counter-aware across resets for rate/increase); instant selectors interpolate too.
 */
import { isStaleNaN } from '../model/index.ts';
import type { RangeArg, StepSeries } from './engine-types.ts';
import { newStepSeries } from './engine-types.ts';
import type { Evaluator } from './evaluator.ts';

type ExtendedKind = 'rate' | 'increase' | 'delta' | 'changes' | 'resets';

export function extendedWindows(ev: Evaluator, arg: RangeArg, kind: ExtendedKind): StepSeries[] {
  const n = ev.steps;
  const lookback = ev.ctx.lookback;
  const isCounter = kind === 'rate' || kind === 'increase';
  const out: StepSeries[] = [];
  for (const s of arg.series) {
    ev.tick();
    const ts = s.ts;
    const vs = s.vs;
    const len = ts.length;
    let lo = 0;
    let hi = 0;
    let res: StepSeries | null = null;
    for (let i = 0; i < n; i++) {
      const wEnd = ev.stepTime(i, arg.at, arg.offset);
      const wStart = wEnd - arg.range;
      // Pointers may only move forward when the window does; pinned windows repeat.
      if (arg.at !== null) {
        lo = 0;
        hi = 0;
      }
      while (hi < len && ts[hi] <= wEnd) hi++;
      while (lo < hi && ts[lo] <= wStart) lo++;
      let v: number | undefined;
      if (arg.anchored) v = anchored(ts, vs, lo, hi, wStart, lookback, kind, arg.range);
      else v = smoothed(ts, vs, lo, hi, wStart, wEnd, lookback, kind, isCounter, arg.range);
      if (v === undefined) continue;
      if (res === null) res = newStepSeries(s.labels, n, true);
      res.has[i] = 1;
      res.vals[i] = v;
    }
    if (res !== null) out.push(res);
  }
  return out;
}

function anchored(
  ts: Float64Array,
  vs: Float64Array,
  lo: number,
  hi: number,
  wStart: number,
  lookback: number,
  kind: ExtendedKind,
  range: number,
): number | undefined {
  if (hi <= lo) return undefined;
  const a = lo > 0 && ts[lo - 1] > wStart - lookback ? lo - 1 : lo;
  let changes = 0;
  let resets = 0;
  let corr = 0;
  for (let k = a + 1; k < hi; k++) {
    const prev = vs[k - 1];
    const cur = vs[k];
    if (cur !== prev && !(Number.isNaN(cur) && Number.isNaN(prev))) changes++;
    if (cur < prev) {
      resets++;
      corr += prev;
    }
  }
  switch (kind) {
    case 'changes':
      return changes;
    case 'resets':
      return resets;
    case 'delta':
      return vs[hi - 1] - vs[a];
    case 'increase':
      return vs[hi - 1] - vs[a] + corr;
    case 'rate':
      return (vs[hi - 1] - vs[a] + corr) / (range / 1000);
  }
}

function interpolate(t1: number, v1: number, t2: number, v2: number, t: number, isCounter: boolean): number {
  const f = (t - t1) / (t2 - t1);
  // A counter that reset between the two samples restarted from zero.
  if (isCounter && v2 < v1) return v2 * f;
  return v1 + (v2 - v1) * f;
}

function smoothed(
  ts: Float64Array,
  vs: Float64Array,
  lo: number,
  hi: number,
  wStart: number,
  wEnd: number,
  lookback: number,
  kind: ExtendedKind,
  isCounter: boolean,
  range: number,
): number | undefined {
  const len = ts.length;
  // Needs data reaching into the window from both sides.
  if (lo >= len || hi === 0) return undefined;
  if (ts[lo] > wEnd + lookback || ts[hi - 1] <= wStart - lookback) return undefined;
  let vStart: number;
  const p = lo - 1;
  if (p >= 0 && ts[p] > wStart - lookback) {
    vStart = ts[p] === wStart ? vs[p] : interpolate(ts[p], vs[p], ts[lo], vs[lo], wStart, isCounter);
  } else {
    vStart = vs[lo];
  }
  let vEnd: number;
  const q = hi - 1;
  if (ts[q] !== wEnd && hi < len && ts[hi] <= wEnd + lookback) {
    vEnd = interpolate(ts[q], vs[q], ts[hi], vs[hi], wEnd, isCounter);
  } else {
    vEnd = vs[q];
  }
  if (kind === 'delta') return vEnd - vStart;
  let corr = 0;
  let prev = vStart;
  for (let k = lo; k < hi; k++) {
    const cur = vs[k];
    if (cur < prev) corr += prev;
    prev = cur;
  }
  if (vEnd < prev) corr += prev;
  const inc = vEnd - vStart + corr;
  return kind === 'rate' ? inc / (range / 1000) : inc;
}

/** Smoothed instant selector value at t: linear interpolation between the neighbouring samples. */
export function smoothedAt(
  ts: Float64Array,
  vs: Float64Array,
  idx: number,
  t: number,
  lookback: number,
): number | undefined {
  // idx: index of the first sample > t.
  const p = idx - 1;
  if (p < 0 || ts[p] <= t - lookback) return undefined;
  if (ts[p] === t || idx >= ts.length || ts[idx] > t + lookback) return vs[p];
  return interpolate(ts[p], vs[p], ts[idx], vs[idx], t, false);
}

/** Samples of a smoothed instant selector (staleness markers dropped). */
export function isStale(v: number): boolean {
  return Number.isNaN(v) && isStaleNaN(v);
}
