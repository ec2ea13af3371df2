/**
 * Runs PromQL test scripts (see test-script.ts) against the engine and a fresh TSDB head,
 * with upstream's extra checks: every passing instant eval is re-run as a range query and,
 * where the query does not depend on the evaluation time, with `@ t` pinned on every selector.
 */
import { readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { compareLabels, type Labels, STALE_NAN } from '../model/index.ts';
import { Head } from '../tsdb/index.ts';
import type { Expr } from './ast.ts';
import type { Engine } from './engine.ts';
import { QueryError } from './errors.ts';
import {
  type Command,
  type EvalCommand,
  type Expectation,
  HISTOGRAM,
  type LoadCommand,
  parseScript,
  type SeqValue,
  type SeriesLine,
  STALE,
} from './test-script.ts';
import type { QueryResult, QueryValue } from './value.ts';

/** The PromQL conformance scripts (../shared/conformance/promql). */
export const CONFORMANCE_ROOT = join(dirname(fileURLToPath(import.meta.url)), '../../../shared/conformance/promql');

/** Every `.test` script below `dir`, sorted. */
export function listScripts(dir: string): string[] {
  const out: string[] = [];
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory()) out.push(...listScripts(p));
    else if (e.name.endsWith('.test')) out.push(p);
  }
  return out.sort();
}

export interface CaseResult {
  line: number;
  expr: string;
  ok: boolean;
  /** Why it failed. */
  error: string;
  /** The case involves native histograms (in its expectation or its loaded data). */
  histograms: boolean;
}

const MIN_NORMAL = 2.2250738585072014e-308;

/** The float comparison of upstream's test runner (relative 1e-6; zero only equals zero). */
export function almostEqual(e: number, a: number): boolean {
  if (Number.isNaN(e) && Number.isNaN(a)) return true;
  if (e === a) return true;
  const absSum = Math.abs(e) + Math.abs(a);
  const diff = Math.abs(e - a);
  if (e === 0 || a === 0 || absSum < MIN_NORMAL) return diff < 1e-6 * MIN_NORMAL;
  return diff / Math.min(absSum, Number.MAX_VALUE) < 1e-6;
}

class Fail extends Error {}

function fail(msg: string): never {
  throw new Fail(msg);
}

function fmt(v: SeqValue): string {
  if (v === undefined) return '_';
  if (v === HISTOGRAM) return '{{histogram}}';
  if (v === STALE) return 'stale';
  return String(v);
}

export function runScriptText(text: string, engine: Engine): CaseResult[] {
  const cmds = parseScript(text);
  let head = new Head();
  const histSeries = new Set<string>();
  let anyHist = false;
  const results: CaseResult[] = [];
  for (const cmd of cmds) {
    if (cmd.kind === 'clear') {
      head = new Head();
      histSeries.clear();
      anyHist = false;
      continue;
    }
    if (cmd.kind === 'load') {
      const h = load(head, cmd);
      for (const n of h) histSeries.add(n);
      if (h.length > 0 || cmd.nhcb) anyHist = true;
      continue;
    }
    const touchesHist =
      cmd.histograms ||
      (anyHist &&
        ([...histSeries].some((n) => cmd.expr.includes(n)) ||
          cmd.expr.includes('__name__') ||
          // a selector without a metric name may pick up histogram series
          /(^|[^a-zA-Z0-9_:\]])\{/.test(cmd.expr)));
    try {
      runEval(engine, head, cmd);
      results.push({ line: cmd.line, expr: cmd.expr, ok: true, error: '', histograms: touchesHist });
    } catch (e) {
      const msg = e instanceof Fail ? e.message : `runner error: ${(e as Error).stack ?? e}`;
      results.push({ line: cmd.line, expr: cmd.expr, ok: false, error: msg, histograms: touchesHist });
    }
  }
  return results;
}

/** Appends the float samples of a load block; returns names of series that had histogram samples. */
export function load(head: Head, cmd: LoadCommand): string[] {
  const hist: string[] = [];
  // Merge lines naming the same series: a later line's sample at the same time wins.
  const merged = new Map<string, { labels: Labels; byTime: Map<number, number | typeof STALE> }>();
  for (const s of cmd.series) {
    const key = s.labels.flat.join('\u0000');
    let m = merged.get(key);
    if (!m) merged.set(key, (m = { labels: s.labels, byTime: new Map() }));
    let hasHist = false;
    for (let i = 0; i < s.values.length; i++) {
      const v = s.values[i];
      if (v === undefined) continue;
      if (v === HISTOGRAM) {
        hasHist = true;
        continue;
      }
      m.byTime.set(i * cmd.interval, v);
    }
    if (hasHist) hist.push(s.labels.metricName);
  }
  const app = head.appender();
  for (const m of merged.values()) {
    const times = [...m.byTime.keys()].sort((a, b) => a - b);
    for (const t of times) {
      const v = m.byTime.get(t)!;
      try {
        app.append(0, m.labels, t, v === STALE ? STALE_NAN : v);
      } catch {
        // out-of-order against an earlier load block: upstream rejects such loads too
      }
    }
  }
  app.commit();
  return hist;
}

const TIME_FUNCS =
  /\b(time|timestamp|predict_linear|day_of_month|day_of_week|day_of_year|days_in_month|hour|minute|month|year|start|end|range|step)\s*\(/;
const RANGE_CHECK_SKIP = /\b(start|end|range|step)\s*\(/;

function runEval(engine: Engine, head: Head, cmd: EvalCommand): void {
  if (cmd.instant) {
    const t = cmd.rangeVector ? cmd.rangeVector.end : cmd.time;
    const failed = checkInstant(engine, head, cmd, cmd.expr, t, true);
    if (failed || cmd.rangeVector || cmd.expectString !== null) return;
    if (!RANGE_CHECK_SKIP.test(cmd.expr)) rangeModeCheck(engine, head, cmd, cmd.expr, t);
    if (TIME_FUNCS.test(cmd.expr)) return;
    const times = t === 0 ? [-1000, 0, 1000] : [-10 * t, 0, t / 5, t, 10 * t];
    for (const at of times) {
      const f = checkInstant(engine, head, cmd, withAt(engine.parse(cmd.expr), t), at, false);
      if (!f) rangeModeCheck(engine, head, cmd, withAt(engine.parse(cmd.expr), t), at);
    }
    return;
  }
  let res: QueryResult;
  try {
    res = engine.rangeQuery(head, cmd.expr, cmd.start, cmd.end, cmd.step);
  } catch (e) {
    expectError(cmd, e);
    return;
  }
  if (cmd.fail) fail(`expected error but got result for range query`);
  checkAnnotations(cmd, res);
  checkRangeResult(cmd, res.value, cmd.start, cmd.step, cmd.end);
}

/** Returns true when the query failed as expected. */
function checkInstant(
  engine: Engine,
  head: Head,
  cmd: EvalCommand,
  expr: string | Expr,
  t: number,
  annotations: boolean,
): boolean {
  let res: QueryResult;
  try {
    res = engine.instantQuery(head, expr, t);
  } catch (e) {
    expectError(cmd, e, typeof expr === 'string' ? '' : ` (with @ pinned, at ${t}ms)`);
    return true;
  }
  if (cmd.fail)
    fail(`expected error but got a ${res.value.type} result${typeof expr === 'string' ? '' : ' (@ variant)'}`);
  if (annotations) checkAnnotations(cmd, res);
  const v = res.value;
  if (cmd.expectString !== null) {
    if (v.type !== 'string') fail(`expected string result, got ${v.type}`);
    if (v.v !== cmd.expectString)
      fail(`expected string ${JSON.stringify(cmd.expectString)}, got ${JSON.stringify(v.v)}`);
    return false;
  }
  if (cmd.rangeVector) {
    checkRangeResult(cmd, v, cmd.rangeVector.start, cmd.rangeVector.step, cmd.rangeVector.end);
    return false;
  }
  if (cmd.scalar !== null) {
    if (v.type !== 'scalar') fail(`expected scalar result, got ${v.type}`);
    if (!almostEqual(cmd.scalar, v.v)) fail(`expected scalar ${cmd.scalar}, got ${v.v}`);
    return false;
  }
  if (v.type !== 'vector') fail(`expected instant vector result, got ${v.type}`);
  compareVector(
    cmd,
    v.vector.map((s) => ({ labels: s.labels, v: s.v })),
    cmd.ordered,
    typeof expr === 'string' ? '' : ` (@ variant at ${t}ms)`,
  );
  return false;
}

function compareVector(cmd: EvalCommand, got: { labels: Labels; v: number }[], ordered: boolean, ctx: string): void {
  const exp = cmd.series;
  for (const e of exp) {
    if (e.values.length !== 1) fail(`expected exactly one value for ${e.labels.toString()} in instant result`);
  }
  if (got.length !== exp.length) {
    fail(
      `expected ${exp.length} series, got ${got.length}${ctx}: ${got
        .slice(0, 10)
        .map((g) => `${g.labels.toString()} ${g.v}`)
        .join('; ')}`,
    );
  }
  for (let k = 0; k < exp.length; k++) {
    const e = exp[k];
    const idx = ordered ? k : got.findIndex((g) => g.labels.equals(e.labels));
    if (idx < 0 || !got[idx].labels.equals(e.labels)) {
      fail(
        `expected series ${e.labels.toString()} not found${ordered ? ' at this position' : ''}${ctx}; got ${got
          .slice(0, 10)
          .map((g) => g.labels.toString())
          .join('; ')}`,
      );
    }
    const ev = e.values[0];
    if (ev === HISTOGRAM) fail('expected a native histogram sample');
    if (ev === undefined || ev === STALE) fail(`expected a value for ${e.labels.toString()}`);
    if (!almostEqual(ev, got[idx].v)) fail(`${e.labels.toString()}: expected ${ev}, got ${got[idx].v}${ctx}`);
  }
}

function checkRangeResult(cmd: EvalCommand, v: QueryValue, start: number, step: number, end: number): void {
  if (v.type !== 'matrix') fail(`expected matrix result, got ${v.type}`);
  const m = v.matrix;
  for (let k = 1; k < m.length; k++) {
    if (compareLabels(m[k - 1].labels, m[k].labels) >= 0) fail('range result is not sorted by labels');
  }
  const steps = step > 0 ? Math.floor((end - start) / step) + 1 : 1;
  if (m.length !== cmd.series.length) {
    fail(
      `expected ${cmd.series.length} series, got ${m.length}: ${m
        .slice(0, 10)
        .map((s) => `${s.labels.toString()} [${Array.from(s.vs).slice(0, 8).join(' ')}]`)
        .join('; ')}`,
    );
  }
  for (const e of cmd.series) {
    if (e.values.length > steps)
      fail(`expected ${e.values.length} values for ${e.labels.toString()}, only ${steps} steps`);
    const s = m.find((x) => x.labels.equals(e.labels));
    if (!s)
      fail(`expected series ${e.labels.toString()} not found; got ${m.map((x) => x.labels.toString()).join('; ')}`);
    const expPoints: [number, number][] = [];
    for (let i = 0; i < e.values.length; i++) {
      const x = e.values[i];
      if (x === undefined) continue;
      if (x === HISTOGRAM) fail('expected native histogram samples');
      if (x === STALE) fail('staleness markers are never returned');
      expPoints.push([start + i * step, x]);
    }
    const gotDesc = () =>
      Array.from(s.ts)
        .map((t, i) => `${t / 1000}s:${s.vs[i]}`)
        .slice(0, 20)
        .join(' ');
    if (expPoints.length !== s.ts.length) {
      fail(
        `${e.labels.toString()}: expected ${expPoints.length} points (${e.values.map(fmt).join(' ')}), got ${gotDesc()}`,
      );
    }
    for (let i = 0; i < expPoints.length; i++) {
      if (s.ts[i] !== expPoints[i][0] || !almostEqual(expPoints[i][1], s.vs[i])) {
        fail(`${e.labels.toString()}: expected ${e.values.map(fmt).join(' ')}, got ${gotDesc()}`);
      }
    }
  }
}

/** Re-runs an instant eval as a range query t-1m..t+1m and compares the middle point. */
function rangeModeCheck(engine: Engine, head: Head, cmd: EvalCommand, expr: string | Expr, t: number): void {
  let res: QueryResult;
  try {
    res = engine.rangeQuery(head, expr, t - 60000, t + 60000, 60000);
  } catch (e) {
    fail(`range-mode check: unexpected error: ${(e as Error).message}`);
  }
  if (cmd.ordered) return;
  const v = res.value;
  if (v.type !== 'matrix') fail('range-mode check: expected matrix');
  const got: { labels: Labels; v: number }[] = [];
  for (const s of v.matrix) {
    for (let i = 0; i < s.ts.length; i++) if (s.ts[i] === t) got.push({ labels: s.labels, v: s.vs[i] });
  }
  if (cmd.scalar !== null) {
    if (got.length !== 1 || !almostEqual(cmd.scalar, got[0].v))
      fail(`range-mode check: expected scalar ${cmd.scalar}, got ${got.map((g) => g.v).join(',')}`);
    return;
  }
  compareVector(cmd, got, false, ' (range-mode check)');
}

function expectError(cmd: EvalCommand, e: unknown, ctx = ''): void {
  if (e instanceof Fail) throw e;
  const msg = (e as Error).message;
  if (!(e instanceof QueryError)) fail(`unexpected non-query error${ctx}: ${(e as Error).stack}`);
  if (!cmd.fail) fail(`unexpected error${ctx}: ${msg}`);
  const f = cmd.fail;
  if (f.kind === 'msg' && f.text !== msg) fail(`expected error ${JSON.stringify(f.text)}, got ${JSON.stringify(msg)}`);
  if (f.kind === 'regex' && !new RegExp(f.text).test(msg)) fail(`expected error matching /${f.text}/, got ${msg}`);
}

function matchAnn(e: Expectation, text: string): boolean {
  if (e.kind === 'any') return true;
  if (e.kind === 'msg') return e.text === text;
  return new RegExp(e.text).test(text);
}

function checkAnnotations(cmd: EvalCommand, res: QueryResult): void {
  checkKind('warn', cmd.warn, cmd.noWarn, res.warnings);
  checkKind('info', cmd.info, cmd.noInfo, res.infos);
}

function checkKind(kind: string, exp: Expectation[], none: boolean, got: string[]): void {
  if (none && got.length > 0) fail(`expected no ${kind} annotations, got ${JSON.stringify(got)}`);
  if (exp.length === 0) return;
  if (got.length === 0) fail(`expected ${kind} annotation, got none`);
  for (const g of got) {
    if (!exp.some((e) => matchAnn(e, g))) fail(`unexpected ${kind} annotation ${JSON.stringify(g)}`);
  }
  for (const e of exp) {
    if (!got.some((g) => matchAnn(e, g)))
      fail(`expected ${kind} annotation ${JSON.stringify(e.text)}, got ${JSON.stringify(got)}`);
  }
}

/** A copy of expr with `@ t` on every selector and subquery that has none (not inside pinned subqueries). */
export function withAt(expr: Expr, t: number): Expr {
  const visit = (e: Expr): Expr => {
    switch (e.type) {
      case 'NumberLiteral':
      case 'StringLiteral':
        return e;
      case 'VectorSelector':
        return e.at === null && e.atModifier === null ? { ...e, at: t } : e;
      case 'MatrixSelector': {
        const vs = e.vectorSelector;
        return vs.at === null && vs.atModifier === null ? { ...e, vectorSelector: { ...vs, at: t } } : e;
      }
      case 'SubqueryExpr':
        return e.at === null && e.atModifier === null ? { ...e, at: t } : e;
      case 'ParenExpr':
      case 'UnaryExpr':
      case 'StepInvariantExpr':
        return { ...e, expr: visit(e.expr) } as Expr;
      case 'Call':
        return { ...e, args: e.args.map(visit) };
      case 'AggregateExpr':
        return { ...e, expr: visit(e.expr), param: e.param ? visit(e.param) : null };
      case 'BinaryExpr':
        return { ...e, lhs: visit(e.lhs), rhs: visit(e.rhs) };
    }
  };
  return visit(expr);
}

export type { Command, SeriesLine };
