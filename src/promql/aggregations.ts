/**
 * Aggregation operators. Each input series is assigned to its group once (hash of the grouping
 * labels); per-step state lives in typed arrays indexed by group * steps + step.
 */
import { hashFlat, isValidLabelName, Labels, METRIC_NAME } from '../model/index.ts';
import type { AggregateExpr } from './ast.ts';
import { type EvalValue, SeriesCollector, type StepSeries } from './engine-types.ts';
import { execError } from './errors.ts';
import type { Evaluator } from './evaluator.ts';
import { formatGo } from './functions-range.ts';
import { goQuote } from './lexer.ts';
import { kahanInc, quantileSorted, sortFloatsGo } from './math-util.ts';
import { formatValue } from './value.ts';

interface Grouping {
  /** Group index of each input series. */
  groupOf: Int32Array;
  /** Labels of each group. */
  labels: Labels[];
  /** Any member of the group still carries a to-be-dropped name. */
  dropName: boolean[];
}

/** Grouping label pairs of the series being grouped (reused, so grouping allocates only per group). */
const scratch: string[] = [];

/** Fills `scratch` with the grouping pairs of `l`; returns their count times two. */
function fillGrouping(l: Labels, names: string[], without: boolean): number {
  const f = l.flat;
  let k = 0;
  for (let i = 0; i < f.length; i += 2) {
    const n = f[i];
    const listed = names.includes(n);
    if (without ? !listed && n !== METRIC_NAME : listed) {
      scratch[k++] = n;
      scratch[k++] = f[i + 1];
    }
  }
  return k;
}

function sameAsScratch(l: Labels, len: number): boolean {
  const f = l.flat;
  if (f.length !== len) return false;
  for (let i = 0; i < len; i++) if (f[i] !== scratch[i]) return false;
  return true;
}

function groupSeries(series: StepSeries[], names: string[], without: boolean): Grouping {
  const groupOf = new Int32Array(series.length);
  const labels: Labels[] = [];
  const dropName: boolean[] = [];
  const index = new Map<number, number[]>();
  for (let k = 0; k < series.length; k++) {
    const s = series[k];
    // the series' grouping labels, without building a Labels for series of known groups
    const len = fillGrouping(s.labels, names, without);
    const whole = len === s.labels.flat.length;
    const h = whole ? s.labels.hash() : hashFlat(scratch, 0, len);
    let cands = index.get(h);
    if (!cands) index.set(h, (cands = []));
    let g = -1;
    for (const c of cands) {
      if (whole ? labels[c].equals(s.labels) : sameAsScratch(labels[c], len)) {
        g = c;
        break;
      }
    }
    if (g < 0) {
      g = labels.length;
      labels.push(whole ? s.labels : Labels.fromSortedFlat(scratch.slice(0, len)));
      dropName.push(false);
      cands.push(g);
    }
    if (s.dropName && labels[g].has(METRIC_NAME)) dropName[g] = true;
    groupOf[k] = g;
  }
  return { groupOf, labels, dropName };
}

export function evalAggregate(ev: Evaluator, e: AggregateExpr): EvalValue {
  const n = ev.steps;
  let param: Float64Array | null = null;
  let strParam = '';
  if (e.op === 'count_values') strParam = ev.evalString(e.param!);
  else if (e.param) param = ev.evalScalar(e.param);
  const series = ev.evalVector(e.expr);
  if (e.op === 'count_values' && !isValidLabelName(strParam))
    throw execError(`invalid label name ${goQuote(strParam)}`);
  const grouping = groupSeries(series, e.grouping, e.without);
  switch (e.op) {
    case 'topk':
    case 'bottomk':
    case 'limitk':
    case 'limit_ratio':
      return { kind: 'vector', series: selectK(ev, e.op, param!, series, grouping) };
    case 'quantile':
      return { kind: 'vector', series: perStepValues(ev, series, grouping, param!) };
    case 'count_values':
      return { kind: 'vector', series: countValues(ev, strParam, series, grouping) };
  }
  const G = grouping.labels.length;
  const cells = G * n;
  const count = new Float64Array(cells);
  const val = new Float64Array(cells);
  const comp = new Float64Array(cells); // Kahan compensation
  const mean = e.op === 'avg' || e.op === 'stddev' || e.op === 'stdvar' ? new Float64Array(cells) : null;
  const incr = e.op === 'avg' ? new Uint8Array(cells) : null;
  const op = e.op;
  for (let k = 0; k < series.length; k++) {
    const s = series[k];
    const base = grouping.groupOf[k] * n;
    const has = s.has;
    const vals = s.vals;
    for (let i = 0; i < n; i++) {
      if (!has[i]) continue;
      const c = base + i;
      const v = vals[i];
      const cnt = ++count[c];
      switch (op) {
        case 'sum': {
          const [t, cc] = kahanInc(v, val[c], comp[c]);
          val[c] = t;
          comp[c] = cc;
          break;
        }
        case 'avg': {
          if (cnt === 1) {
            val[c] = v;
            comp[c] = 0;
            break;
          }
          if (!incr![c]) {
            const [t, cc] = kahanInc(v, val[c], comp[c]);
            if (Number.isFinite(t) || !Number.isFinite(v) || Number.isNaN(t)) {
              val[c] = t;
              comp[c] = cc;
              break;
            }
            // The running sum would overflow: continue with an incremental mean.
            incr![c] = 1;
            mean![c] = val[c] / (cnt - 1);
            comp[c] /= cnt - 1;
          }
          const q = (cnt - 1) / cnt;
          const [m, mc] = kahanInc(v / cnt, q * mean![c], q * comp[c]);
          mean![c] = m;
          comp[c] = mc;
          break;
        }
        case 'min':
          if (cnt === 1 || v < val[c] || Number.isNaN(val[c])) val[c] = v;
          break;
        case 'max':
          if (cnt === 1 || v > val[c] || Number.isNaN(val[c])) val[c] = v;
          break;
        case 'stddev':
        case 'stdvar': {
          // Welford's online variance.
          const delta = v - mean![c];
          mean![c] += delta / cnt;
          val[c] += delta * (v - mean![c]);
          break;
        }
        default:
          break; // count, group
      }
    }
  }
  const col = new SeriesCollector(n);
  for (let g = 0; g < G; g++) {
    let out: StepSeries | null = null;
    for (let i = 0; i < n; i++) {
      const c = g * n + i;
      const cnt = count[c];
      if (cnt === 0) continue;
      let r: number;
      switch (op) {
        case 'sum':
          r = Number.isFinite(val[c]) ? val[c] + comp[c] : val[c];
          break;
        case 'avg':
          if (incr![c]) r = mean![c] + comp[c];
          else r = cnt === 1 ? val[c] : (val[c] + comp[c]) / cnt;
          break;
        case 'count':
          r = cnt;
          break;
        case 'group':
          r = 1;
          break;
        case 'stdvar':
          r = val[c] / cnt;
          break;
        case 'stddev':
          r = Math.sqrt(val[c] / cnt);
          break;
        default:
          r = val[c];
      }
      if (out === null) out = col.get(grouping.labels[g], grouping.dropName[g]);
      out.has[i] = 1;
      out.vals[i] = r;
    }
  }
  return { kind: 'vector', series: col.out };
}

/** quantile(phi, v) per group and step. */
function perStepValues(ev: Evaluator, series: StepSeries[], grouping: Grouping, phi: Float64Array): StepSeries[] {
  const n = ev.steps;
  const G = grouping.labels.length;
  const col = new SeriesCollector(n);
  let warned = false;
  const buckets: number[][] = Array.from({ length: G }, () => []);
  for (let i = 0; i < n; i++) {
    for (const b of buckets) b.length = 0;
    for (let k = 0; k < series.length; k++) if (series[k].has[i]) buckets[grouping.groupOf[k]].push(series[k].vals[i]);
    const p = phi[i];
    for (let g = 0; g < G; g++) {
      if (buckets[g].length === 0) continue;
      if (!warned && (Number.isNaN(p) || p < 0 || p > 1)) {
        warned = true;
        ev.ann.warn(`quantile value should be between 0 and 1, got ${formatGo(p)}`);
      }
      const sorted = sortFloatsGo(Float64Array.from(buckets[g]));
      col.set(grouping.labels[g], grouping.dropName[g], i, quantileSorted(p, sorted));
    }
  }
  return col.out;
}

function countValues(ev: Evaluator, label: string, series: StepSeries[], grouping: Grouping): StepSeries[] {
  const n = ev.steps;
  const col = new SeriesCollector(n);
  // Output labels per (group, value); different groups may map to the same output (the label is overwritten).
  const labelCache = new Map<string, Labels>();
  for (let i = 0; i < n; i++) {
    const touched: StepSeries[] = [];
    for (let k = 0; k < series.length; k++) {
      const s = series[k];
      if (!s.has[i]) continue;
      const g = grouping.groupOf[k];
      const value = formatValue(s.vals[i]);
      const key = `${g}\u0000${value}`;
      let l = labelCache.get(key);
      if (!l) {
        l = grouping.labels[g].builder().set(label, value).labels();
        labelCache.set(key, l);
      }
      const out = col.get(l, false);
      if (!out.has[i]) {
        out.has[i] = 1;
        out.vals[i] = 0;
        touched.push(out);
      }
      out.vals[i]++;
    }
  }
  return col.out;
}

const MAX_UINT53 = 2 ** 53;

/** topk, bottomk, limitk, limit_ratio: keep whole input series (labels unchanged). */
function selectK(
  ev: Evaluator,
  op: 'topk' | 'bottomk' | 'limitk' | 'limit_ratio',
  param: Float64Array,
  series: StepSeries[],
  grouping: Grouping,
): StepSeries[] {
  const n = ev.steps;
  const G = grouping.labels.length;
  const col = new SeriesCollector(n);
  const members: number[][] = Array.from({ length: G }, () => []);
  let warnedRatio = false;
  for (let i = 0; i < n; i++) {
    const p = param[i];
    if (Number.isNaN(p)) throw execError(op === 'limit_ratio' ? 'Ratio value is NaN' : 'Parameter value is NaN');
    for (const m of members) m.length = 0;
    for (let k = 0; k < series.length; k++) if (series[k].has[i]) members[grouping.groupOf[k]].push(k);
    if (op === 'limit_ratio') {
      let r = p;
      if (r > 1 || r < -1) {
        const capped = r > 1 ? 1 : -1;
        if (!warnedRatio) {
          warnedRatio = true;
          ev.ann.warn(`ratio value should be between -1 and 1, got ${formatGo(r)}, capping to ${capped}`);
        }
        r = capped;
      }
      for (let g = 0; g < G; g++) {
        for (const k of members[g]) {
          const s = series[k];
          const ratio = s.labels.hash() / MAX_UINT53;
          const keep = r >= 0 ? ratio < r : ratio >= 1 + r;
          if (keep) col.set(s.labels, s.dropName, i, s.vals[i]);
        }
      }
      continue;
    }
    if (p >= 2 ** 63) throw execError(`Scalar value ${formatGo(p)} overflows int64`);
    let k = Math.trunc(p);
    if (k < 1) continue;
    for (let g = 0; g < G; g++) {
      const m = members[g];
      if (m.length === 0) continue;
      if (k > m.length) k = Math.max(k, 0);
      let picked = m;
      if (op !== 'limitk') {
        const desc = op === 'topk';
        // NaN is the least preferred value in both directions; ties keep input order.
        const before = (a: number, b: number): boolean => {
          const x = series[a].vals[i];
          const y = series[b].vals[i];
          if (Number.isNaN(x)) return false;
          if (Number.isNaN(y)) return true;
          return desc ? x > y : x < y;
        };
        picked = selectBest(m, Math.min(k, m.length), before);
      }
      const lim = Math.min(k, picked.length);
      for (let q = 0; q < lim; q++) {
        const s = series[picked[q]];
        col.set(s.labels, s.dropName, i, s.vals[i]);
      }
    }
  }
  return col.out;
}

/** The best k of m in order (stable for ties): insertion into a short sorted list. */
function selectBest(m: number[], k: number, before: (a: number, b: number) => boolean): number[] {
  if (k > 32)
    return m
      .slice()
      .sort((a, b) => (before(a, b) ? -1 : before(b, a) ? 1 : 0))
      .slice(0, k);
  const top: number[] = [];
  for (const x of m) {
    if (top.length === k && !before(x, top[k - 1])) continue;
    let pos = top.length;
    while (pos > 0 && before(x, top[pos - 1])) pos--;
    top.splice(pos, 0, x);
    if (top.length > k) top.pop();
  }
  return top;
}
