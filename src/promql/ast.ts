/**
 * The PromQL abstract syntax tree, as produced by parser.ts and consumed by the engine.
 *
 * Conventions:
 * - Times and durations are integer milliseconds (offset may be negative).
 * - `pos` is the half-open character range [start, end) of the node in the query text.
 * - Shapes only ever grow (new optional fields); existing fields keep their meaning.
 */
import type { Matcher } from '../model/index.ts';

export type ValueType = 'scalar' | 'vector' | 'matrix' | 'string';

export interface PosRange {
  start: number;
  end: number;
}

export interface FunctionDef {
  name: string;
  argTypes: ValueType[];
  /**
   * 0: exactly argTypes.length args. Otherwise (as in Prometheus) at least argTypes.length - 1 args,
   * the extra ones having the last arg type; n > 0: at most argTypes.length - 1 + n; -1: unlimited.
   */
  variadic: number;
  returnType: ValueType;
  /** Needs the experimental-functions feature flag in Prometheus. */
  experimental?: boolean;
}

// ---------------------------------------------------------------------------
// Duration expressions: `[5m+1m]`, `offset -(2*step())`, `[min_of(step(), 1h):10s]`.
// Values are computed in float seconds, like Prometheus, and converted to ms at the end.

export type DurationOp = '+' | '-' | '*' | '/' | '%' | '^';

export type DurationExpr =
  /** A number (seconds) or a duration literal such as 1m30s (`isDuration`); value in seconds. */
  | { type: 'DurationNumber'; value: number; isDuration: boolean; text: string; pos: PosRange }
  | { type: 'DurationBinary'; op: DurationOp; lhs: DurationExpr; rhs: DurationExpr; pos: PosRange }
  | { type: 'DurationUnary'; op: '-' | '+'; expr: DurationExpr; pos: PosRange }
  | { type: 'DurationParen'; expr: DurationExpr; pos: PosRange }
  /** step() and range() take no args; min_of/max_of take two. */
  | { type: 'DurationCall'; func: 'step' | 'range' | 'min_of' | 'max_of'; args: DurationExpr[]; pos: PosRange };

// ---------------------------------------------------------------------------
// Expressions.

export interface NumberLiteral {
  type: 'NumberLiteral';
  value: number;
  /** Written as a duration (e.g. `1m` used as the number 60); printed back as one. */
  isDuration?: boolean;
  pos: PosRange;
}

export interface StringLiteral {
  type: 'StringLiteral';
  value: string;
  pos: PosRange;
}

export interface VectorSelector {
  type: 'VectorSelector';
  /** The metric name written before the braces, or null (then it may still be in matchers). */
  name: string | null;
  /** All matchers, including the `__name__` equality matcher added for a written name. */
  matchers: Matcher[];
  /** Offset in ms (positive looks back). Resolved from offsetExpr when that is set. */
  offset: number;
  /** The offset as written when it was a duration expression (not a plain literal); null otherwise. */
  offsetExpr: DurationExpr | null;
  /** `@ <t>` in ms, or null. For `@ start()`/`@ end()` the engine fills this at evaluation. */
  at: number | null;
  atModifier: 'start' | 'end' | null;
  /** Experimental range-selector modifiers (`foo[1m] anchored`, `foo smoothed`). */
  anchored: boolean;
  smoothed: boolean;
  pos: PosRange;
}

export interface MatrixSelector {
  type: 'MatrixSelector';
  /** Carries name, matchers, offset, @, anchored/smoothed. */
  vectorSelector: VectorSelector;
  /** Range in ms. Resolved from rangeExpr when that is set. */
  range: number;
  /** The range when written as a duration expression (not a plain literal); null otherwise. */
  rangeExpr: DurationExpr | null;
  pos: PosRange;
}

export interface SubqueryExpr {
  type: 'SubqueryExpr';
  expr: Expr;
  range: number;
  rangeExpr: DurationExpr | null;
  /** Resolution in ms; 0 means "default" (the engine's default evaluation interval). */
  step: number;
  stepExpr: DurationExpr | null;
  offset: number;
  offsetExpr: DurationExpr | null;
  at: number | null;
  atModifier: 'start' | 'end' | null;
  pos: PosRange;
}

export interface Call {
  type: 'Call';
  func: FunctionDef;
  args: Expr[];
  pos: PosRange;
}

export type AggregateOp =
  | 'sum'
  | 'avg'
  | 'count'
  | 'min'
  | 'max'
  | 'group'
  | 'stddev'
  | 'stdvar'
  | 'topk'
  | 'bottomk'
  | 'count_values'
  | 'quantile'
  | 'limitk'
  | 'limit_ratio';

export interface AggregateExpr {
  type: 'AggregateExpr';
  op: AggregateOp;
  expr: Expr;
  /** The parameter of topk/bottomk/quantile/count_values/limitk/limit_ratio; null otherwise. */
  param: Expr | null;
  /** Labels of by(...) or without(...), as written (order kept, duplicates kept). */
  grouping: string[];
  without: boolean;
  pos: PosRange;
}

/** `</` and `>/` trim native histograms (keep observations below / above the threshold). */
export type ArithmeticOp = '+' | '-' | '*' | '/' | '%' | '^' | 'atan2' | '</' | '>/';
export type ComparisonOp = '==' | '!=' | '>' | '<' | '>=' | '<=';
export type SetOp = 'and' | 'or' | 'unless';
export type BinaryOp = ArithmeticOp | ComparisonOp | SetOp;

export type Cardinality = 'one-to-one' | 'many-to-one' | 'one-to-many' | 'many-to-many';

export interface VectorMatching {
  card: Cardinality;
  /** True for on(...), false for ignoring(...) or no modifier. */
  on: boolean;
  /** The labels of on(...) / ignoring(...). */
  labels: string[];
  /** The extra labels of group_left(...) / group_right(...). */
  include: string[];
  /** fill(v) / fill_left(v) / fill_right(v): value used when the left/right side has no match; null if unset. */
  fillLeft: number | null;
  fillRight: number | null;
}

export interface BinaryExpr {
  type: 'BinaryExpr';
  op: BinaryOp;
  lhs: Expr;
  rhs: Expr;
  /** `bool` modifier on a comparison. */
  returnBool: boolean;
  /**
   * Set whenever both operands are instant vectors (card 'many-to-many' for and/or/unless,
   * otherwise 'one-to-one' unless group_left/group_right); null when a side is a scalar.
   */
  matching: VectorMatching | null;
  pos: PosRange;
}

export interface UnaryExpr {
  type: 'UnaryExpr';
  op: '-' | '+';
  expr: Expr;
  pos: PosRange;
}

export interface ParenExpr {
  type: 'ParenExpr';
  expr: Expr;
  pos: PosRange;
}

/** Marks a subtree whose value does not change with the evaluation step (inserted by the engine). */
export interface StepInvariantExpr {
  type: 'StepInvariantExpr';
  expr: Expr;
  pos: PosRange;
}

export type Expr =
  | NumberLiteral
  | StringLiteral
  | VectorSelector
  | MatrixSelector
  | SubqueryExpr
  | Call
  | AggregateExpr
  | BinaryExpr
  | UnaryExpr
  | ParenExpr
  | StepInvariantExpr;

export const AGGREGATE_OPS: ReadonlySet<string> = new Set<AggregateOp>([
  'sum',
  'avg',
  'count',
  'min',
  'max',
  'group',
  'stddev',
  'stdvar',
  'topk',
  'bottomk',
  'count_values',
  'quantile',
  'limitk',
  'limit_ratio',
]);

/** Aggregations that take a parameter before the vector, and the parameter's type. */
export const AGGREGATE_PARAM_TYPES: Readonly<Record<string, ValueType>> = {
  topk: 'scalar',
  bottomk: 'scalar',
  quantile: 'scalar',
  limitk: 'scalar',
  limit_ratio: 'scalar',
  count_values: 'string',
};

export const EXPERIMENTAL_AGGREGATE_OPS: ReadonlySet<string> = new Set(['limitk', 'limit_ratio']);

export function isComparisonOp(op: BinaryOp): op is ComparisonOp {
  return op === '==' || op === '!=' || op === '>' || op === '<' || op === '>=' || op === '<=';
}

export function isSetOp(op: BinaryOp): op is SetOp {
  return op === 'and' || op === 'or' || op === 'unless';
}

/** The type of value an expression evaluates to. */
export function valueTypeOf(expr: Expr): ValueType {
  switch (expr.type) {
    case 'NumberLiteral':
      return 'scalar';
    case 'StringLiteral':
      return 'string';
    case 'VectorSelector':
      return 'vector';
    case 'MatrixSelector':
    case 'SubqueryExpr':
      return 'matrix';
    case 'Call':
      return expr.func.returnType;
    case 'AggregateExpr':
      return 'vector';
    case 'BinaryExpr': {
      // Scalar only when both sides are; walk the left spine in a loop (long chains like a+b+c+...).
      let x: Expr = expr;
      while (x.type === 'BinaryExpr') {
        if (valueTypeOf(x.rhs) !== 'scalar') return 'vector';
        x = x.lhs;
      }
      return valueTypeOf(x) === 'scalar' ? 'scalar' : 'vector';
    }
    case 'UnaryExpr':
    case 'ParenExpr':
    case 'StepInvariantExpr':
      return valueTypeOf(expr.expr);
  }
}

/**
 * Calls `fn` on every node, parents before children, with the chain of ancestors (`path`, root first).
 * Return false from `fn` to skip a node's children. Iterative, so very deep trees do not overflow the stack.
 */
export function walkExpr(expr: Expr, fn: (e: Expr, path: readonly Expr[]) => boolean | undefined): void {
  const path: Expr[] = [];
  const pending: Expr[][] = [];
  if (fn(expr, path) === false) return;
  path.push(expr);
  pending.push(childrenOf(expr).reverse());
  while (pending.length > 0) {
    const top = pending[pending.length - 1];
    const next = top.pop();
    if (next === undefined) {
      pending.pop();
      path.pop();
      continue;
    }
    if (fn(next, path) === false) continue;
    path.push(next);
    pending.push(childrenOf(next).reverse());
  }
}

/** The direct child expressions of a node (in evaluation order). */
export function childrenOf(e: Expr): Expr[] {
  switch (e.type) {
    case 'NumberLiteral':
    case 'StringLiteral':
    case 'VectorSelector':
      return [];
    case 'MatrixSelector':
      return [e.vectorSelector];
    case 'SubqueryExpr':
    case 'UnaryExpr':
    case 'ParenExpr':
    case 'StepInvariantExpr':
      return [e.expr];
    case 'Call':
      return [...e.args];
    case 'AggregateExpr':
      return e.param ? [e.param, e.expr] : [e.expr];
    case 'BinaryExpr':
      return [e.lhs, e.rhs];
  }
}

// ---------------------------------------------------------------------------
// Duration expressions at evaluation time.

export interface DurationEnv {
  /** The query step in ms (0 for instant queries). */
  stepMs: number;
  /** end - start of the query in ms (0 for instant queries). */
  rangeMs: number;
}

/** True when the duration expression needs step()/range() and so can only be computed per query. */
export function durationNeedsQuery(d: DurationExpr): boolean {
  switch (d.type) {
    case 'DurationNumber':
      return false;
    case 'DurationBinary':
      return durationNeedsQuery(d.lhs) || durationNeedsQuery(d.rhs);
    case 'DurationUnary':
    case 'DurationParen':
      return durationNeedsQuery(d.expr);
    case 'DurationCall':
      return d.func === 'step' || d.func === 'range' || d.args.some(durationNeedsQuery);
  }
}

/** Evaluates a duration expression to float seconds. */
export function evalDurationSeconds(d: DurationExpr, env: DurationEnv): number {
  switch (d.type) {
    case 'DurationNumber':
      return d.value;
    case 'DurationParen':
      return evalDurationSeconds(d.expr, env);
    case 'DurationUnary': {
      const v = evalDurationSeconds(d.expr, env);
      return d.op === '-' ? -v : v;
    }
    case 'DurationBinary': {
      const a = evalDurationSeconds(d.lhs, env);
      const b = evalDurationSeconds(d.rhs, env);
      switch (d.op) {
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
          return a ** b;
      }
      break;
    }
    case 'DurationCall':
      switch (d.func) {
        case 'step':
          return env.stepMs / 1000;
        case 'range':
          return env.rangeMs / 1000;
        case 'min_of':
          return Math.min(evalDurationSeconds(d.args[0], env), evalDurationSeconds(d.args[1], env));
        case 'max_of':
          return Math.max(evalDurationSeconds(d.args[0], env), evalDurationSeconds(d.args[1], env));
      }
  }
  return Number.NaN;
}

/** Evaluates a duration expression to integer ms (rounded to the millisecond). */
export function evalDurationMs(d: DurationExpr, env: DurationEnv): number {
  return Math.round(evalDurationSeconds(d, env) * 1000);
}

/**
 * Fills the numeric `range`/`step`/`offset` fields of every node from its duration expression,
 * for one query (needed only when an expression uses step() or range()). Mutates the tree.
 */
export function resolveDurations(expr: Expr, env: DurationEnv): void {
  walkExpr(expr, (e) => {
    if (e.type === 'VectorSelector') {
      if (e.offsetExpr) e.offset = evalDurationMs(e.offsetExpr, env);
    } else if (e.type === 'MatrixSelector') {
      if (e.rangeExpr) e.range = evalDurationMs(e.rangeExpr, env);
    } else if (e.type === 'SubqueryExpr') {
      if (e.rangeExpr) e.range = evalDurationMs(e.rangeExpr, env);
      if (e.stepExpr) e.step = evalDurationMs(e.stepExpr, env);
      if (e.offsetExpr) e.offset = evalDurationMs(e.offsetExpr, env);
    }
    return true;
  });
}

/**
 * Every PromQL function of Prometheus 3.x (plus the experimental ones), by name.
 * Query-time scalars: step() is the query step in seconds (0 for instant queries), range() is end - start
 * in seconds (0 for instant queries), start()/end() are the query's start/end times in seconds;
 * min_of(a, b)/max_of(a, b) are the smaller/larger of two scalars.
 */
export const FUNCTIONS: Record<string, FunctionDef> = {
  abs: { name: 'abs', argTypes: ['vector'], variadic: 0, returnType: 'vector' },
  absent: { name: 'absent', argTypes: ['vector'], variadic: 0, returnType: 'vector' },
  absent_over_time: { name: 'absent_over_time', argTypes: ['matrix'], variadic: 0, returnType: 'vector' },
  acos: { name: 'acos', argTypes: ['vector'], variadic: 0, returnType: 'vector' },
  acosh: { name: 'acosh', argTypes: ['vector'], variadic: 0, returnType: 'vector' },
  asin: { name: 'asin', argTypes: ['vector'], variadic: 0, returnType: 'vector' },
  asinh: { name: 'asinh', argTypes: ['vector'], variadic: 0, returnType: 'vector' },
  atan: { name: 'atan', argTypes: ['vector'], variadic: 0, returnType: 'vector' },
  atanh: { name: 'atanh', argTypes: ['vector'], variadic: 0, returnType: 'vector' },
  avg_over_time: { name: 'avg_over_time', argTypes: ['matrix'], variadic: 0, returnType: 'vector' },
  ceil: { name: 'ceil', argTypes: ['vector'], variadic: 0, returnType: 'vector' },
  changes: { name: 'changes', argTypes: ['matrix'], variadic: 0, returnType: 'vector' },
  clamp: { name: 'clamp', argTypes: ['vector', 'scalar', 'scalar'], variadic: 0, returnType: 'vector' },
  clamp_max: { name: 'clamp_max', argTypes: ['vector', 'scalar'], variadic: 0, returnType: 'vector' },
  clamp_min: { name: 'clamp_min', argTypes: ['vector', 'scalar'], variadic: 0, returnType: 'vector' },
  cos: { name: 'cos', argTypes: ['vector'], variadic: 0, returnType: 'vector' },
  cosh: { name: 'cosh', argTypes: ['vector'], variadic: 0, returnType: 'vector' },
  count_over_time: { name: 'count_over_time', argTypes: ['matrix'], variadic: 0, returnType: 'vector' },
  day_of_month: { name: 'day_of_month', argTypes: ['vector'], variadic: 1, returnType: 'vector' },
  day_of_week: { name: 'day_of_week', argTypes: ['vector'], variadic: 1, returnType: 'vector' },
  day_of_year: { name: 'day_of_year', argTypes: ['vector'], variadic: 1, returnType: 'vector' },
  days_in_month: { name: 'days_in_month', argTypes: ['vector'], variadic: 1, returnType: 'vector' },
  deg: { name: 'deg', argTypes: ['vector'], variadic: 0, returnType: 'vector' },
  delta: { name: 'delta', argTypes: ['matrix'], variadic: 0, returnType: 'vector' },
  deriv: { name: 'deriv', argTypes: ['matrix'], variadic: 0, returnType: 'vector' },
  double_exponential_smoothing: {
    name: 'double_exponential_smoothing',
    argTypes: ['matrix', 'scalar', 'scalar'],
    variadic: 0,
    returnType: 'vector',
    experimental: true,
  },
  exp: { name: 'exp', argTypes: ['vector'], variadic: 0, returnType: 'vector' },
  first_over_time: {
    name: 'first_over_time',
    argTypes: ['matrix'],
    variadic: 0,
    returnType: 'vector',
    experimental: true,
  },
  floor: { name: 'floor', argTypes: ['vector'], variadic: 0, returnType: 'vector' },
  histogram_avg: { name: 'histogram_avg', argTypes: ['vector'], variadic: 0, returnType: 'vector' },
  histogram_count: { name: 'histogram_count', argTypes: ['vector'], variadic: 0, returnType: 'vector' },
  histogram_fraction: {
    name: 'histogram_fraction',
    argTypes: ['scalar', 'scalar', 'vector'],
    variadic: 0,
    returnType: 'vector',
  },
  histogram_quantile: { name: 'histogram_quantile', argTypes: ['scalar', 'vector'], variadic: 0, returnType: 'vector' },
  histogram_quantiles: {
    name: 'histogram_quantiles',
    argTypes: ['vector', 'string', 'scalar'],
    variadic: -1,
    returnType: 'vector',
    experimental: true,
  },
  histogram_stddev: { name: 'histogram_stddev', argTypes: ['vector'], variadic: 0, returnType: 'vector' },
  histogram_stdvar: { name: 'histogram_stdvar', argTypes: ['vector'], variadic: 0, returnType: 'vector' },
  histogram_sum: { name: 'histogram_sum', argTypes: ['vector'], variadic: 0, returnType: 'vector' },
  hour: { name: 'hour', argTypes: ['vector'], variadic: 1, returnType: 'vector' },
  idelta: { name: 'idelta', argTypes: ['matrix'], variadic: 0, returnType: 'vector' },
  increase: { name: 'increase', argTypes: ['matrix'], variadic: 0, returnType: 'vector' },
  info: { name: 'info', argTypes: ['vector', 'vector'], variadic: 1, returnType: 'vector', experimental: true },
  irate: { name: 'irate', argTypes: ['matrix'], variadic: 0, returnType: 'vector' },
  label_join: {
    name: 'label_join',
    argTypes: ['vector', 'string', 'string', 'string'],
    variadic: -1,
    returnType: 'vector',
  },
  label_replace: {
    name: 'label_replace',
    argTypes: ['vector', 'string', 'string', 'string', 'string'],
    variadic: 0,
    returnType: 'vector',
  },
  last_over_time: { name: 'last_over_time', argTypes: ['matrix'], variadic: 0, returnType: 'vector' },
  ln: { name: 'ln', argTypes: ['vector'], variadic: 0, returnType: 'vector' },
  log10: { name: 'log10', argTypes: ['vector'], variadic: 0, returnType: 'vector' },
  log2: { name: 'log2', argTypes: ['vector'], variadic: 0, returnType: 'vector' },
  mad_over_time: { name: 'mad_over_time', argTypes: ['matrix'], variadic: 0, returnType: 'vector', experimental: true },
  max_over_time: { name: 'max_over_time', argTypes: ['matrix'], variadic: 0, returnType: 'vector' },
  min_over_time: { name: 'min_over_time', argTypes: ['matrix'], variadic: 0, returnType: 'vector' },
  minute: { name: 'minute', argTypes: ['vector'], variadic: 1, returnType: 'vector' },
  month: { name: 'month', argTypes: ['vector'], variadic: 1, returnType: 'vector' },
  pi: { name: 'pi', argTypes: [], variadic: 0, returnType: 'scalar' },
  predict_linear: { name: 'predict_linear', argTypes: ['matrix', 'scalar'], variadic: 0, returnType: 'vector' },
  present_over_time: { name: 'present_over_time', argTypes: ['matrix'], variadic: 0, returnType: 'vector' },
  quantile_over_time: { name: 'quantile_over_time', argTypes: ['scalar', 'matrix'], variadic: 0, returnType: 'vector' },
  rad: { name: 'rad', argTypes: ['vector'], variadic: 0, returnType: 'vector' },
  range: { name: 'range', argTypes: [], variadic: 0, returnType: 'scalar', experimental: true },
  rate: { name: 'rate', argTypes: ['matrix'], variadic: 0, returnType: 'vector' },
  resets: { name: 'resets', argTypes: ['matrix'], variadic: 0, returnType: 'vector' },
  round: { name: 'round', argTypes: ['vector', 'scalar'], variadic: 1, returnType: 'vector' },
  scalar: { name: 'scalar', argTypes: ['vector'], variadic: 0, returnType: 'scalar' },
  sgn: { name: 'sgn', argTypes: ['vector'], variadic: 0, returnType: 'vector' },
  sin: { name: 'sin', argTypes: ['vector'], variadic: 0, returnType: 'vector' },
  sinh: { name: 'sinh', argTypes: ['vector'], variadic: 0, returnType: 'vector' },
  sort: { name: 'sort', argTypes: ['vector'], variadic: 0, returnType: 'vector' },
  sort_by_label: {
    name: 'sort_by_label',
    argTypes: ['vector', 'string'],
    variadic: -1,
    returnType: 'vector',
    experimental: true,
  },
  sort_by_label_desc: {
    name: 'sort_by_label_desc',
    argTypes: ['vector', 'string'],
    variadic: -1,
    returnType: 'vector',
    experimental: true,
  },
  sort_desc: { name: 'sort_desc', argTypes: ['vector'], variadic: 0, returnType: 'vector' },
  sqrt: { name: 'sqrt', argTypes: ['vector'], variadic: 0, returnType: 'vector' },
  start_timestamp: {
    name: 'start_timestamp',
    argTypes: ['vector'],
    variadic: 0,
    returnType: 'vector',
    experimental: true,
  },
  stddev_over_time: { name: 'stddev_over_time', argTypes: ['matrix'], variadic: 0, returnType: 'vector' },
  stdvar_over_time: { name: 'stdvar_over_time', argTypes: ['matrix'], variadic: 0, returnType: 'vector' },
  step: { name: 'step', argTypes: [], variadic: 0, returnType: 'scalar', experimental: true },
  sum_over_time: { name: 'sum_over_time', argTypes: ['matrix'], variadic: 0, returnType: 'vector' },
  tan: { name: 'tan', argTypes: ['vector'], variadic: 0, returnType: 'vector' },
  tanh: { name: 'tanh', argTypes: ['vector'], variadic: 0, returnType: 'vector' },
  start: { name: 'start', argTypes: [], variadic: 0, returnType: 'scalar', experimental: true },
  end: { name: 'end', argTypes: [], variadic: 0, returnType: 'scalar', experimental: true },
  min_of: { name: 'min_of', argTypes: ['scalar', 'scalar'], variadic: 0, returnType: 'scalar', experimental: true },
  max_of: { name: 'max_of', argTypes: ['scalar', 'scalar'], variadic: 0, returnType: 'scalar', experimental: true },
  time: { name: 'time', argTypes: [], variadic: 0, returnType: 'scalar' },
  timestamp: { name: 'timestamp', argTypes: ['vector'], variadic: 0, returnType: 'vector' },
  ts_of_first_over_time: {
    name: 'ts_of_first_over_time',
    argTypes: ['matrix'],
    variadic: 0,
    returnType: 'vector',
    experimental: true,
  },
  ts_of_last_over_time: {
    name: 'ts_of_last_over_time',
    argTypes: ['matrix'],
    variadic: 0,
    returnType: 'vector',
    experimental: true,
  },
  ts_of_max_over_time: {
    name: 'ts_of_max_over_time',
    argTypes: ['matrix'],
    variadic: 0,
    returnType: 'vector',
    experimental: true,
  },
  ts_of_min_over_time: {
    name: 'ts_of_min_over_time',
    argTypes: ['matrix'],
    variadic: 0,
    returnType: 'vector',
    experimental: true,
  },
  vector: { name: 'vector', argTypes: ['scalar'], variadic: 0, returnType: 'vector' },
  year: { name: 'year', argTypes: ['vector'], variadic: 1, returnType: 'vector' },
};
