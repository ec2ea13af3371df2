/** Numeric helpers shared by functions and aggregations. */

/** One step of Kahan-Babuska summation: returns [sum, compensation]. */
export function kahanInc(inc: number, sum: number, c: number): [number, number] {
  const t = sum + inc;
  if (!Number.isFinite(t)) return [t, 0];
  if (Math.abs(sum) >= Math.abs(inc)) c += sum - t + inc;
  else c += inc - t + sum;
  return [t, c];
}

/** Sorts in place like Go's sort.Float64s (NaNs first). */
export function sortFloatsGo(a: Float64Array): Float64Array {
  a.sort(); // typed-array sort puts NaNs last
  let nans = 0;
  for (let i = a.length - 1; i >= 0 && Number.isNaN(a[i]); i--) nans++;
  if (nans > 0) {
    a.copyWithin(nans, 0, a.length - nans);
    a.fill(Number.NaN, 0, nans);
  }
  return a;
}

/** Prometheus's quantile over sorted values (linear interpolation between closest ranks). */
export function quantileSorted(q: number, sorted: Float64Array): number {
  const n = sorted.length;
  if (n === 0 || Number.isNaN(q)) return Number.NaN;
  if (q < 0) return Number.NEGATIVE_INFINITY;
  if (q > 1) return Number.POSITIVE_INFINITY;
  const rank = q * (n - 1);
  const lower = Math.max(0, Math.floor(rank));
  const upper = Math.min(n - 1, lower + 1);
  const weight = rank - Math.floor(rank);
  return sorted[lower] * (1 - weight) + sorted[upper] * weight;
}
