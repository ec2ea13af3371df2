/**
 * Which series a query will read, and over which time range: the input of remote read for the query path.
 * Follows Prometheus's getTimeRangesForSelector (promql/engine.go): the query's [start, end] moved back by the
 * enclosing subqueries' ranges and offsets (or pinned by an @), then by the selector's range (or the lookback
 * delta for instant selectors) and its own offset.
 */
import type { Matcher } from '../model/index.ts';
import { durationNeedsQuery, type Expr, resolveDurations, walkExpr } from '../promql/index.ts';

export interface SelectorRange {
  matchers: readonly Matcher[];
  /** Inclusive, ms. */
  mint: number;
  maxt: number;
}

export interface PlanOptions {
  /** ms */
  lookbackDelta: number;
  /** Query step in ms (0 for an instant query). */
  step?: number;
}

/** The selectors of `expr` with the time range each will read, for a query over [start, end] (ms). */
export function selectorRanges(expr: Expr, start: number, end: number, opts: PlanOptions): SelectorRange[] {
  let needsQuery = false;
  walkExpr(expr, (e) => {
    if (e.type === 'VectorSelector' && e.offsetExpr && durationNeedsQuery(e.offsetExpr)) needsQuery = true;
    if (e.type === 'MatrixSelector' && e.rangeExpr && durationNeedsQuery(e.rangeExpr)) needsQuery = true;
    if (e.type === 'SubqueryExpr') {
      for (const d of [e.rangeExpr, e.offsetExpr, e.stepExpr]) if (d && durationNeedsQuery(d)) needsQuery = true;
    }
    return true;
  });
  // The engine does the same before evaluating; doing it here first is harmless (same values).
  if (needsQuery) resolveDurations(expr, { stepMs: opts.step ?? 0, rangeMs: end - start });
  const out: SelectorRange[] = [];
  walkExpr(expr, (e, path) => {
    if (e.type !== 'VectorSelector') return true;
    const parent = path[path.length - 1];
    const range = parent?.type === 'MatrixSelector' ? parent.range : 0;
    let s = start;
    let t = end;
    // Enclosing subqueries, innermost last: their ranges and offsets add up; the innermost @ pins the time.
    let subOffset = 0;
    let subRange = 0;
    let subAt: number | null = null;
    for (const p of path) {
      if (p.type !== 'SubqueryExpr') continue;
      subOffset += p.offset;
      subRange += p.range;
      const at = atOf(p.at, p.atModifier, start, end);
      if (at !== null) {
        subAt = at;
        // Offsets and ranges outside the @ no longer apply.
        subOffset = p.offset;
        subRange = p.range;
      }
    }
    if (subAt !== null) {
      s = subAt;
      t = subAt;
    }
    const at = atOf(e.at, e.atModifier, start, end);
    if (at !== null) {
      s = at;
      t = at;
    } else {
      s -= subOffset + subRange;
      t -= subOffset;
    }
    s -= range > 0 ? range : opts.lookbackDelta;
    s -= e.offset;
    t -= e.offset;
    // Smoothed selectors look one lookback ahead for the next sample.
    if (e.smoothed) t += opts.lookbackDelta;
    out.push({ matchers: e.matchers, mint: s, maxt: t });
    return true;
  });
  return out;
}

function atOf(at: number | null, mod: 'start' | 'end' | null, start: number, end: number): number | null {
  if (mod === 'start') return start;
  if (mod === 'end') return end;
  return at;
}
