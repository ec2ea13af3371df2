/**
 * Binary operators: scalar/scalar, vector/scalar and vector/vector with label matching
 * (on/ignoring, group_left/group_right, fill modifiers, bool, set operators).
 * Match signatures are computed once per series and interned to small integers, so the
 * per-step work is array lookups.
 */
import { type Labels, METRIC_NAME } from '../model/index.ts';
import { type BinaryExpr, type BinaryOp, isComparisonOp, isSetOp, type VectorMatching, valueTypeOf } from './ast.ts';
import { type EvalValue, SeriesCollector, type StepSeries } from './engine-types.ts';
import { execError } from './errors.ts';
import type { Evaluator } from './evaluator.ts';

/** Go's math.Pow special cases differ from JS's ** for a few inputs. */
function goPow(a: number, b: number): number {
  if (b === 0) return 1;
  if (a === 1) return 1;
  if (a === -1 && !Number.isFinite(b) && !Number.isNaN(b)) return 1;
  return a ** b;
}

export function arith(op: BinaryOp, a: number, b: number): number {
  switch (op) {
    case '+':
      return a + b;
    case '-':
      return a - b;
    case '*':
      return a * b;
    case '/':
      return a / b;
    case '%':
      return a % b;
    case '^':
      return goPow(a, b);
    case 'atan2':
      return Math.atan2(a, b);
  }
  return Number.NaN;
}

export function compare(op: BinaryOp, a: number, b: number): boolean {
  switch (op) {
    case '==':
      return a === b;
    case '!=':
      return a !== b;
    case '>':
      return a > b;
    case '<':
      return a < b;
    case '>=':
      return a >= b;
    case '<=':
      return a <= b;
  }
  return false;
}

export function evalBinary(ev: Evaluator, e: BinaryExpr): EvalValue {
  const lt = valueTypeOf(e.lhs);
  const rt = valueTypeOf(e.rhs);
  const n = ev.steps;
  const cmp = isComparisonOp(e.op);
  if (lt === 'scalar' && rt === 'scalar') {
    const a = ev.evalScalar(e.lhs);
    const b = ev.evalScalar(e.rhs);
    const out = new Float64Array(n);
    for (let i = 0; i < n; i++) out[i] = cmp ? (compare(e.op, a[i], b[i]) ? 1 : 0) : arith(e.op, a[i], b[i]);
    return { kind: 'scalar', vals: out };
  }
  if (lt === 'scalar' || rt === 'scalar') {
    const swap = lt === 'scalar';
    const sc = swap ? ev.evalScalar(e.lhs) : null;
    const series = ev.evalVector(swap ? e.rhs : e.lhs);
    const sc2 = swap ? sc! : ev.evalScalar(e.rhs);
    const out: StepSeries[] = [];
    for (const s of series) {
      let any = false;
      for (let i = 0; i < n; i++) {
        if (!s.has[i]) continue;
        const v = s.vals[i];
        const a = swap ? sc2[i] : v;
        const b = swap ? v : sc2[i];
        if (cmp) {
          const ok = compare(e.op, a, b);
          if (e.returnBool) s.vals[i] = ok ? 1 : 0;
          else if (!ok) {
            s.has[i] = 0;
            continue;
          }
        } else {
          s.vals[i] = arith(e.op, a, b);
        }
        any = true;
      }
      if (!cmp || e.returnBool) s.dropName = true;
      if (any) out.push(s);
    }
    return { kind: 'vector', series: out };
  }
  const lhs = ev.evalVector(e.lhs);
  const rhs = ev.evalVector(e.rhs);
  const matching = e.matching ?? defaultMatching(e.op);
  if (isSetOp(e.op)) return { kind: 'vector', series: setOp(ev, e.op, lhs, rhs, matching) };
  return { kind: 'vector', series: vectorBinop(ev, e, lhs, rhs, matching) };
}

function defaultMatching(op: BinaryOp): VectorMatching {
  return {
    card: isSetOp(op) ? 'many-to-many' : 'one-to-one',
    on: false,
    labels: [],
    include: [],
    fillLeft: null,
    fillRight: null,
  };
}

/** Labels that identify the match group: on(...) labels, or all but ignoring(...) and __name__. */
function signatureLabels(l: Labels, m: VectorMatching): Labels {
  if (m.on) return l.keep(m.labels);
  return l.without(METRIC_NAME, ...m.labels);
}

/** Interns signatures of both sides to small integers. */
class SigTable {
  private readonly map = new Map<number, { labels: Labels; id: number }[]>();
  readonly labels: Labels[] = [];
  id(l: Labels): number {
    const h = l.hash();
    let list = this.map.get(h);
    if (!list) this.map.set(h, (list = []));
    for (const x of list) if (x.labels.equals(l)) return x.id;
    const id = this.labels.length;
    this.labels.push(l);
    list.push({ labels: l, id });
    return id;
  }
}

function sigIds(series: StepSeries[], m: VectorMatching, table: SigTable): Int32Array {
  const out = new Int32Array(series.length);
  for (let k = 0; k < series.length; k++) out[k] = table.id(signatureLabels(series[k].labels, m));
  return out;
}

function setOp(ev: Evaluator, op: 'and' | 'or' | 'unless', lhs: StepSeries[], rhs: StepSeries[], m: VectorMatching) {
  const n = ev.steps;
  const table = new SigTable();
  const ls = sigIds(lhs, m, table);
  const rs = sigIds(rhs, m, table);
  const S = table.labels.length;
  // stamp[sig] === i + 1 when the signature is present on the reference side at step i.
  const stamp = new Int32Array(S);
  const ref = op === 'or' ? lhs : rhs;
  const refSigs = op === 'or' ? ls : rs;
  const keepMask = lhs.map((s) => new Uint8Array(s.has));
  const rhsMask = op === 'or' ? rhs.map(() => new Uint8Array(n)) : null;
  for (let i = 0; i < n; i++) {
    for (let k = 0; k < ref.length; k++) if (ref[k].has[i]) stamp[refSigs[k]] = i + 1;
    if (op === 'or') {
      for (let k = 0; k < rhs.length; k++) if (rhs[k].has[i] && stamp[rs[k]] !== i + 1) rhsMask![k][i] = 1;
    } else {
      for (let k = 0; k < lhs.length; k++) {
        if (!lhs[k].has[i]) continue;
        const present = stamp[ls[k]] === i + 1;
        if (present !== (op === 'and')) keepMask[k][i] = 0;
      }
    }
  }
  const out: StepSeries[] = [];
  const push = (s: StepSeries, mask: Uint8Array) => {
    if (!mask.includes(1)) return;
    out.push({ labels: s.labels, vals: s.vals, has: mask, dropName: s.dropName });
  };
  for (let k = 0; k < lhs.length; k++) push(lhs[k], keepMask[k]);
  if (rhsMask) for (let k = 0; k < rhs.length; k++) push(rhs[k], rhsMask[k]);
  return out;
}

function vectorBinop(ev: Evaluator, e: BinaryExpr, lhs: StepSeries[], rhs: StepSeries[], m: VectorMatching) {
  const n = ev.steps;
  const op = e.op;
  const cmp = isComparisonOp(op);
  const dropName = !cmp || e.returnBool;
  const swapped = m.card === 'one-to-many';
  // "many" side is iterated, the "one" side is looked up by signature.
  const many = swapped ? rhs : lhs;
  const one = swapped ? lhs : rhs;
  const fillMany = m.fillLeft;
  const fillOne = m.fillRight;
  const table = new SigTable();
  const manySig = sigIds(many, m, table);
  const oneSig = sigIds(one, m, table);
  const S = table.labels.length;
  const oneAt = new Int32Array(S); // index+1 of the one-side series present at this step
  const oneStamp = new Int32Array(S);
  const matchedStamp = new Int32Array(S);
  const manyStamp = fillMany !== null ? new Int32Array(S) : null; // many-side signature present at step
  const col = new SeriesCollector(n);
  const labelCache = new Map<number, Labels>();
  const oneLen = one.length + 1;
  const resultLabels = (mk: number, ok: number): Labels => {
    const key = mk * oneLen + (ok + 1);
    let l = labelCache.get(key);
    if (l === undefined) {
      l = resultMetric(many[mk].labels, ok >= 0 ? one[ok].labels : null, m);
      labelCache.set(key, l);
    }
    return l;
  };
  const emit = (labels: Labels, dn: boolean, i: number, v: number) => {
    const s = col.get(labels, dn);
    if (s.has[i]) {
      if (m.card === 'one-to-one') throw execError('vector cannot contain metrics with the same labelset');
      throw execError('multiple matches for labels: grouping labels must ensure unique matches');
    }
    s.has[i] = 1;
    s.vals[i] = v;
  };
  for (let i = 0; i < n; i++) {
    const stamp = i + 1;
    for (let k = 0; k < one.length; k++) {
      if (!one[k].has[i]) continue;
      const sig = oneSig[k];
      if (oneStamp[sig] === stamp) {
        const a = one[oneAt[sig] - 1].labels;
        const b = one[k].labels;
        throw execError(
          `found duplicate series for the match group ${table.labels[sig].toString()} on the ${swapped ? 'left' : 'right'} hand-side of the operation: [${a.toString()}, ${b.toString()}];many-to-many matching not allowed: matching labels must be unique on one side`,
        );
      }
      oneStamp[sig] = stamp;
      oneAt[sig] = k + 1;
    }
    for (let k = 0; k < many.length; k++) {
      const ms = many[k];
      if (!ms.has[i]) continue;
      const sig = manySig[k];
      if (manyStamp) manyStamp[sig] = stamp;
      const found = oneStamp[sig] === stamp;
      if (!found && fillOne === null) continue;
      if (found && m.card === 'one-to-one') {
        if (matchedStamp[sig] === stamp)
          throw execError(
            'multiple matches for labels: many-to-one matching must be explicit (group_left/group_right)',
          );
      }
      if (found) matchedStamp[sig] = stamp;
      const ok = found ? oneAt[sig] - 1 : -1;
      const mv = ms.vals[i];
      const ov = found ? one[ok].vals[i] : fillOne!;
      const a = swapped ? ov : mv;
      const b = swapped ? mv : ov;
      let v: number;
      if (cmp) {
        const res = compare(op, a, b);
        if (e.returnBool) v = res ? 1 : 0;
        else if (!res) continue;
        else v = swapped ? b : a;
      } else {
        v = arith(op, a, b);
      }
      emit(resultLabels(k, ok), dropName || ms.dropName, i, v);
    }
    if (fillMany !== null) {
      // One-side series without any many-side partner: fill the many side; labels are the match group's.
      for (let k = 0; k < one.length; k++) {
        const os = one[k];
        if (!os.has[i]) continue;
        const sig = oneSig[k];
        if (manyStamp![sig] === stamp) continue;
        const ov = os.vals[i];
        const a = swapped ? ov : fillMany;
        const b = swapped ? fillMany : ov;
        let v: number;
        if (cmp) {
          const res = compare(op, a, b);
          if (e.returnBool) v = res ? 1 : 0;
          else if (!res) continue;
          else v = swapped ? b : a;
        } else {
          v = arith(op, a, b);
        }
        emit(table.labels[sig], dropName, i, v);
      }
    }
  }
  return col.out;
}

/** Output labels of a matched pair (Prometheus's resultMetric, without dropping the name yet). */
function resultMetric(manyL: Labels, oneL: Labels | null, m: VectorMatching): Labels {
  let l = manyL;
  if (m.card === 'one-to-one') l = m.on ? l.keep(m.labels) : l.without(...m.labels);
  if (m.include.length > 0) {
    const b = l.builder();
    for (const name of m.include) {
      const v = oneL ? oneL.get(name) : '';
      if (v !== '') b.set(name, v);
      else b.del(name);
    }
    l = b.labels();
  }
  return l;
}
