/**
 * Prints an AST back to PromQL the way Prometheus's String() does (`exprToString`), and formats it
 * over several lines like Prometheus's Prettify (`prettify`, used by /api/v1/format_query).
 */
import { formatDuration, type Matcher } from '../model/index.ts';
import {
  type AggregateExpr,
  type BinaryExpr,
  type DurationExpr,
  type Expr,
  type MatrixSelector,
  type SubqueryExpr,
  type VectorSelector,
  walkExpr,
} from './ast.ts';
import { goQuote } from './lexer.ts';

/** Go's strconv.FormatFloat(v, 'f', -1, 64): shortest decimal without exponent; +Inf, -Inf, NaN. */
export function formatFloat(v: number): string {
  if (Number.isNaN(v)) return 'NaN';
  if (v === Number.POSITIVE_INFINITY) return '+Inf';
  if (v === Number.NEGATIVE_INFINITY) return '-Inf';
  if (v === 0) return Object.is(v, -0) ? '-0' : '0';
  const neg = v < 0;
  const [mant, expStr] = Math.abs(v).toExponential().split('e');
  const digits = mant.replace('.', '');
  const exp = Number(expStr);
  let out: string;
  if (exp >= digits.length - 1) out = digits + '0'.repeat(exp - digits.length + 1);
  else if (exp >= 0) out = `${digits.slice(0, exp + 1)}.${digits.slice(exp + 1)}`;
  else out = `0.${'0'.repeat(-exp - 1)}${digits}`;
  return neg ? `-${out}` : out;
}

/** Quotes a label name unless it is a legacy name ([a-zA-Z_][a-zA-Z0-9_]*). */
export function formatLabelName(name: string): string {
  return /^[a-zA-Z_][a-zA-Z0-9_]*$/.test(name) ? name : goQuote(name);
}

function formatMatcher(m: Matcher): string {
  return `${formatLabelName(m.name)}${m.type}${goQuote(m.value)}`;
}

function formatLabelList(labels: string[]): string {
  return labels.map(formatLabelName).join(', ');
}

function formatSignedDuration(ms: number): string {
  return ms < 0 ? `-${formatDuration(-ms)}` : formatDuration(ms);
}

/** Prints a duration expression: `5m`, `2 * 1h`, `-step()`, `min_of(step(), 1s)`. */
export function durationExprToString(d: DurationExpr): string {
  switch (d.type) {
    case 'DurationNumber':
      return d.isDuration ? formatSignedDuration(Math.round(d.value * 1000)) : formatFloat(d.value);
    case 'DurationBinary':
      return `${durationExprToString(d.lhs)} ${d.op} ${durationExprToString(d.rhs)}`;
    case 'DurationUnary':
      // Prometheus drops a unary plus when printing.
      return d.op === '-' ? `-${durationExprToString(d.expr)}` : durationExprToString(d.expr);
    case 'DurationParen':
      return `(${durationExprToString(d.expr)})`;
    case 'DurationCall':
      return `${d.func}(${d.args.map(durationExprToString).join(', ')})`;
  }
}

function rangeString(ms: number, expr: DurationExpr | null): string {
  return expr ? durationExprToString(expr) : formatDuration(ms);
}

function atOffsetSuffix(
  at: number | null,
  atModifier: 'start' | 'end' | null,
  offset: number,
  offsetExpr: DurationExpr | null,
): string {
  let s = '';
  if (at !== null) s += ` @ ${(at / 1000).toFixed(3)}`;
  else if (atModifier !== null) s += ` @ ${atModifier}()`;
  if (offsetExpr) s += ` offset ${durationExprToString(offsetExpr)}`;
  else if (offset !== 0) s += ` offset ${formatSignedDuration(offset)}`;
  return s;
}

function selectorBody(vs: VectorSelector): string {
  const strs: string[] = [];
  const sorted = [...vs.matchers].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  for (const m of sorted) {
    // The name written before the braces is printed there, not as a matcher.
    if (vs.name !== null && m.name === '__name__' && m.type === '=' && m.value === vs.name && m.value !== '') continue;
    strs.push(formatMatcher(m));
  }
  const name = vs.name ?? '';
  if (name !== '' && !/^[a-zA-Z_:][a-zA-Z0-9_:]*$/.test(name)) {
    return `{${[goQuote(name), ...strs].join(',')}}`;
  }
  return strs.length > 0 ? `${name}{${strs.join(',')}}` : name;
}

function extModifiers(vs: VectorSelector): string {
  return (vs.anchored ? ' anchored' : '') + (vs.smoothed ? ' smoothed' : '');
}

function vectorSelectorToString(vs: VectorSelector): string {
  return selectorBody(vs) + extModifiers(vs) + atOffsetSuffix(vs.at, vs.atModifier, vs.offset, vs.offsetExpr);
}

function matrixSelectorToString(ms: MatrixSelector): string {
  const vs = ms.vectorSelector;
  return `${selectorBody(vs)}[${rangeString(ms.range, ms.rangeExpr)}]${extModifiers(vs)}${atOffsetSuffix(vs.at, vs.atModifier, vs.offset, vs.offsetExpr)}`;
}

function subquerySuffix(sq: SubqueryExpr): string {
  const step = sq.stepExpr || sq.step !== 0 ? rangeString(sq.step, sq.stepExpr) : '';
  return `[${rangeString(sq.range, sq.rangeExpr)}:${step}]${atOffsetSuffix(sq.at, sq.atModifier, sq.offset, sq.offsetExpr)}`;
}

function aggregateOpString(a: AggregateExpr): string {
  if (a.without) return `${a.op} without (${formatLabelList(a.grouping)}) `;
  if (a.grouping.length > 0) return `${a.op} by (${formatLabelList(a.grouping)}) `;
  return a.op;
}

function binaryModifiers(b: BinaryExpr): string {
  let s = b.returnBool ? ' bool' : '';
  const m = b.matching;
  if (!m) return s;
  const grouped = m.card === 'many-to-one' || m.card === 'one-to-many';
  if (m.labels.length > 0 || m.on || grouped) {
    s += ` ${m.on ? 'on' : 'ignoring'} (${formatLabelList(m.labels)})`;
    if (grouped) s += ` group_${m.card === 'many-to-one' ? 'left' : 'right'} (${formatLabelList(m.include)})`;
  }
  const l = m.fillLeft;
  const r = m.fillRight;
  if (l !== null && r !== null && (l === r || (Number.isNaN(l) && Number.isNaN(r)))) s += ` fill (${formatFloat(l)})`;
  else {
    if (l !== null) s += ` fill_left (${formatFloat(l)})`;
    if (r !== null) s += ` fill_right (${formatFloat(r)})`;
  }
  return s;
}

/** Prints an expression on one line, like Prometheus's Expr.String(). */
export function exprToString(e: Expr): string {
  switch (e.type) {
    case 'NumberLiteral':
      return e.isDuration ? formatSignedDuration(Math.round(e.value * 1000)) : formatFloat(e.value);
    case 'StringLiteral':
      return goQuote(e.value);
    case 'VectorSelector':
      return vectorSelectorToString(e);
    case 'MatrixSelector':
      return matrixSelectorToString(e);
    case 'SubqueryExpr':
      return exprToString(e.expr) + subquerySuffix(e);
    case 'Call':
      return `${e.func.name}(${e.args.map(exprToString).join(', ')})`;
    case 'AggregateExpr': {
      const args = e.param ? `${exprToString(e.param)}, ${exprToString(e.expr)}` : exprToString(e.expr);
      return `${aggregateOpString(e)}(${args})`;
    }
    case 'BinaryExpr': {
      // Loop over the left spine so long chains (a + b + c + ...) do not recurse per operator.
      const spine: BinaryExpr[] = [];
      let x: Expr = e;
      while (x.type === 'BinaryExpr') {
        spine.push(x);
        x = x.lhs;
      }
      let s = powBaseString(x, spine[spine.length - 1]) ?? exprToString(x);
      for (let i = spine.length - 1; i >= 0; i--) {
        const b = spine[i];
        s += ` ${b.op}${binaryModifiers(b)} ${exprToString(b.rhs)}`;
      }
      return s;
    }
    case 'UnaryExpr':
      return `${e.op}${exprToString(e.expr)}`;
    case 'ParenExpr':
      return `(${exprToString(e.expr)})`;
    case 'StepInvariantExpr':
      return exprToString(e.expr);
  }
}

/**
 * `+Inf ^ 2` would read back as `+(Inf ^ 2)`, so +Inf as the base of ^ is printed without its sign.
 * (The parser never produces other signed literals in that position.)
 */
function powBaseString(lhs: Expr, parent: BinaryExpr): string | null {
  return parent.op === '^' && lhs.type === 'NumberLiteral' && lhs.value === Number.POSITIVE_INFINITY && !lhs.isDuration
    ? 'Inf'
    : null;
}

/** Lines longer than this are split by prettify. */
export const MAX_CHARACTERS_PER_LINE = 100;

/**
 * Formats an expression over several lines like Prometheus's Prettify. Trees nested deeper than
 * PRETTIFY_MAX_DEPTH are returned on one line: their indentation alone would grow quadratically.
 */
export function prettify(e: Expr, maxLine: number = MAX_CHARACTERS_PER_LINE): string {
  if (maxDepth(e) > PRETTIFY_MAX_DEPTH) return exprToString(e);
  return new Prettifier(maxLine).pretty(e, 0);
}

export const PRETTIFY_MAX_DEPTH = 500;

function maxDepth(e: Expr): number {
  let max = 0;
  walkExpr(e, (_n, path) => {
    if (path.length > max) max = path.length;
    return true;
  });
  return max + 1;
}

class Prettifier {
  private readonly maxLine: number;
  /** One-line lengths per node, so deciding where to split stays linear. */
  private readonly lengths = new Map<Expr, number>();

  constructor(maxLine: number) {
    this.maxLine = maxLine;
  }

  /** Length of exprToString(e), computed from the children's lengths. */
  private flatLength(e: Expr): number {
    const cached = this.lengths.get(e);
    if (cached !== undefined) return cached;
    let n: number;
    switch (e.type) {
      case 'AggregateExpr':
        n = aggregateOpString(e).length + 2 + this.flatLength(e.expr) + (e.param ? this.flatLength(e.param) + 2 : 0);
        break;
      case 'BinaryExpr': {
        const base = powBaseString(e.lhs, e);
        n =
          (base !== null ? base.length : this.flatLength(e.lhs)) +
          e.op.length +
          binaryModifiers(e).length +
          2 +
          this.flatLength(e.rhs);
        break;
      }
      case 'Call':
        n = e.func.name.length + 2 + Math.max(0, e.args.length - 1) * 2;
        for (const a of e.args) n += this.flatLength(a);
        break;
      case 'ParenExpr':
        n = this.flatLength(e.expr) + 2;
        break;
      case 'UnaryExpr':
        n = this.flatLength(e.expr) + 1;
        break;
      case 'SubqueryExpr':
        n = this.flatLength(e.expr) + subquerySuffix(e).length;
        break;
      case 'StepInvariantExpr':
        n = this.flatLength(e.expr);
        break;
      default:
        n = exprToString(e).length;
    }
    this.lengths.set(e, n);
    return n;
  }

  pretty(e: Expr, level: number): string {
    const split = this.flatLength(e) > this.maxLine;
    switch (e.type) {
      case 'AggregateExpr': {
        if (!split) return indent(level) + exprToString(e);
        let s = `${indent(level)}${aggregateOpString(e)}(\n`;
        if (e.param) s += `${this.pretty(e.param, level + 1)},\n`;
        return `${s}${this.pretty(e.expr, level + 1)}\n${indent(level)})`;
      }
      case 'BinaryExpr': {
        if (!split) return indent(level) + exprToString(e);
        const base = powBaseString(e.lhs, e);
        const lhs = base !== null ? indent(level + 1) + base : this.pretty(e.lhs, level + 1);
        return `${lhs}\n${indent(level)}${e.op}${binaryModifiers(e)}\n${this.pretty(e.rhs, level + 1)}`;
      }
      case 'Call': {
        if (!split) return indent(level) + exprToString(e);
        const args = e.args.map((a) => this.pretty(a, level + 1)).join(',\n');
        return `${indent(level)}${e.func.name}(\n${args}\n${indent(level)})`;
      }
      case 'ParenExpr':
        if (!split) return indent(level) + exprToString(e);
        return `${indent(level)}(\n${this.pretty(e.expr, level + 1)}\n${indent(level)})`;
      case 'SubqueryExpr':
        if (!split) return indent(level) + exprToString(e);
        return this.pretty(e.expr, level) + subquerySuffix(e);
      case 'UnaryExpr':
        // The operator goes where the operand's indentation was.
        return `${indent(level)}${e.op}${this.pretty(e.expr, level).trimStart()}`;
      case 'StepInvariantExpr':
        return this.pretty(e.expr, level);
      default:
        return indent(level) + exprToString(e);
    }
  }
}

function indent(level: number): string {
  return '  '.repeat(level);
}
