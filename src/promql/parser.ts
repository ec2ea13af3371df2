/**
 * Recursive-descent PromQL parser (Prometheus 3.x grammar, with the experimental syntax enabled:
 * duration expressions, anchored/smoothed, fill modifiers, limitk/limit_ratio).
 *
 * Parsing happens in two phases, like Prometheus: syntax first (including the checks Prometheus makes
 * while building nodes), then a type check over the finished tree (checkAST). Only the first error is
 * reported, as Prometheus does.
 */
import { DurationError, Matcher, MatchType, parseDuration, RegexError } from '../model/index.ts';
import {
  AGGREGATE_OPS,
  AGGREGATE_PARAM_TYPES,
  type AggregateExpr,
  type AggregateOp,
  type BinaryExpr,
  type BinaryOp,
  type Call,
  type DurationExpr,
  durationNeedsQuery,
  type Expr,
  evalDurationSeconds,
  FUNCTIONS,
  isSetOp,
  type MatrixSelector,
  type PosRange,
  type SubqueryExpr,
  type VectorMatching,
  type VectorSelector,
} from './ast.ts';
import { describeToken, goQuote, KEYWORDS, type Token, tokenize } from './lexer.ts';
import { TypeChecker } from './parser-check.ts';
import { PromQLParseError } from './parser-errors.ts';

export { documentedType, PromQLParseError } from './parser-errors.ts';

// Keyword-like words Prometheus accepts as metric names when they stand where a selector can.
const KEYWORD_METRIC_NAMES = new Set([
  'by',
  'without',
  'offset',
  'start',
  'end',
  'step',
  'range',
  'anchored',
  'smoothed',
  'and',
  'or',
  'unless',
  'atan2',
  'fill',
  'fill_left',
  'fill_right',
]);

const MATCH_OPS: Record<string, MatchType> = {
  '=': MatchType.Equal,
  '!=': MatchType.NotEqual,
  '=~': MatchType.Regex,
  '!~': MatchType.NotRegex,
};

interface BinOpInfo {
  op: BinaryOp;
  prec: number;
}

function binOpOf(t: Token): BinOpInfo | null {
  if (t.kind === 'OP') {
    switch (t.text) {
      case '+':
      case '-':
        return { op: t.text, prec: 4 };
      case '*':
      case '/':
      case '%':
      case '</':
      case '>/':
        return { op: t.text, prec: 5 };
      case '^':
        return { op: '^', prec: 6 };
      case '==':
      case '!=':
      case '<':
      case '<=':
      case '>':
      case '>=':
        return { op: t.text, prec: 3 };
    }
    return null;
  }
  if (t.kind === 'IDENTIFIER') {
    switch (t.value) {
      case 'or':
        return { op: 'or', prec: 1 };
      case 'and':
      case 'unless':
        return { op: t.value, prec: 2 };
      case 'atan2':
        return { op: 'atan2', prec: 5 };
    }
  }
  return null;
}

const DURATION_UNITS = new Set(['y', 'w', 'd', 'h', 'm', 's', 'ms']);

/** Maximum nesting of sub-expressions (Prometheus has none; real queries stay far below). */
export const MAX_NESTING = 1000;

/** Precedence at which a unary operator binds (like * and /, below ^). */
const UNARY_OPERAND_PREC = 6;

/** Parses Go/Prometheus number syntax: decimal, hex, leading-zero octal, Inf, NaN. */
export function parseNumberText(text: string): number {
  const lower = text.toLowerCase();
  if (lower === 'inf') return Number.POSITIVE_INFINITY;
  if (lower === 'nan') return Number.NaN;
  if (lower.startsWith('0x')) return Number(BigInt(lower));
  if (/^0[0-7]+$/.test(text)) return Number(BigInt(`0o${text.slice(1)}`));
  return Number(text);
}

class Parser {
  private readonly toks: Token[];
  private i = 0;
  private readonly input: string;
  /** Operator token positions of binary expressions, for error messages. */
  readonly opPos = new Map<BinaryExpr, PosRange>();
  private readonly durationOpPos = new Map<DurationExpr, PosRange>();
  private depth = 0;
  /** Where a duration expression is being parsed, for error messages. */
  private durationContext = 'duration expression';

  constructor(input: string) {
    this.input = input;
    this.toks = tokenize(input);
  }

  // --- token helpers -------------------------------------------------------

  private peek(): Token {
    const t = this.toks[this.i];
    if (t.kind === 'ERROR') this.fail(t.text, t.start, t.end);
    return t;
  }

  /** Looks ahead without reporting lexer errors. */
  private peekAt(k: number): Token {
    return this.toks[Math.min(this.i + k, this.toks.length - 1)];
  }

  private next(): Token {
    const t = this.peek();
    if (t.kind !== 'EOF') this.i++;
    return t;
  }

  private isWord(t: Token, word: string): boolean {
    return t.kind === 'IDENTIFIER' && t.value === word;
  }

  fail(msg: string, start: number, end: number): never {
    throw new PromQLParseError(msg, { start, end }, this.input);
  }

  private unexpected(t: Token, context?: string, expected?: string): never {
    let msg = `unexpected ${describeToken(t)}`;
    if (context) msg += ` in ${context}`;
    if (expected) msg += `, expected ${expected}`;
    this.fail(msg, t.start, t.end);
  }

  private expect(kind: Token['kind'], context?: string, expected?: string): Token {
    const t = this.peek();
    if (t.kind !== kind) this.unexpected(t, context, expected);
    return this.next();
  }

  // --- entry points ----------------------------------------------------------

  parseTop(): Expr {
    if (this.peek().kind === 'EOF') this.fail('no expression found in input', 0, 0);
    const e = this.parseBinary(0);
    const t = this.peek();
    if (t.kind !== 'EOF') this.unexpected(t);
    return e;
  }

  parseSelectorTop(): VectorSelector {
    const t = this.peek();
    let e: Expr;
    if (t.kind === 'LEFT_BRACE') e = this.parseSelector(null, t.start);
    else if (t.kind === 'IDENTIFIER' || t.kind === 'METRIC_IDENTIFIER') {
      this.next();
      e = this.parseSelector(t.text, t.start);
    } else this.unexpected(t);
    const end = this.peek();
    if (end.kind !== 'EOF') this.unexpected(end);
    return e as VectorSelector;
  }

  parseDurationTop(): DurationExpr {
    const d = this.parseDurationExpr();
    const t = this.peek();
    if (t.kind !== 'EOF') this.unexpected(t, 'duration expression');
    return d;
  }

  // --- expressions -------------------------------------------------------------

  private parseBinary(minPrec: number): Expr {
    // Nesting (parentheses, unary operators, ^ chains, calls) recurses; bound it so that hostile input
    // gets a parse error instead of a stack overflow. Flat chains like a+b+c+... loop and are unbounded.
    if (++this.depth > MAX_NESTING) {
      const t = this.peek();
      this.fail(`expression nesting is deeper than ${MAX_NESTING} levels`, t.start, t.end);
    }
    try {
      return this.parseBinaryInner(minPrec);
    } finally {
      this.depth--;
    }
  }

  private parseBinaryInner(minPrec: number): Expr {
    let lhs = this.parseUnary();
    for (;;) {
      const t = this.peek();
      const b = binOpOf(t);
      if (!b || b.prec < minPrec) return lhs;
      this.next();
      const mods = this.parseBinModifiers(b.op);
      // ^ is right-associative; everything else is left-associative.
      const rhs = this.parseBinary(b.op === '^' ? b.prec : b.prec + 1);
      const matching: VectorMatching = {
        card: mods.card,
        on: mods.on,
        labels: mods.labels,
        include: mods.include,
        fillLeft: mods.fillLeft,
        fillRight: mods.fillRight,
      };
      const node: BinaryExpr = {
        type: 'BinaryExpr',
        op: b.op,
        lhs,
        rhs,
        returnBool: mods.returnBool,
        matching,
        pos: { start: lhs.pos.start, end: rhs.pos.end },
      };
      this.opPos.set(node, { start: t.start, end: t.end });
      lhs = node;
    }
  }

  private parseBinModifiers(op: BinaryOp): {
    returnBool: boolean;
    card: VectorMatching['card'];
    on: boolean;
    labels: string[];
    include: string[];
    fillLeft: number | null;
    fillRight: number | null;
  } {
    let returnBool = false;
    let on = false;
    let labels: string[] = [];
    let include: string[] = [];
    let card: VectorMatching['card'] = isSetOp(op) ? 'many-to-many' : 'one-to-one';
    let fillLeft: number | null = null;
    let fillRight: number | null = null;
    if (this.isWord(this.peek(), 'bool')) {
      this.next();
      returnBool = true;
    }
    const t = this.peek();
    if (this.isWord(t, 'on') || this.isWord(t, 'ignoring')) {
      this.next();
      on = t.value === 'on';
      labels = this.parseLabelList();
      const g = this.peek();
      if (this.isWord(g, 'group_left') || this.isWord(g, 'group_right')) {
        this.next();
        card = g.value === 'group_left' ? 'many-to-one' : 'one-to-many';
        if (this.peek().kind === 'LEFT_PAREN') include = this.parseLabelList();
      }
    }
    for (;;) {
      const f = this.peek();
      if (
        !(this.isWord(f, 'fill') || this.isWord(f, 'fill_left') || this.isWord(f, 'fill_right')) ||
        this.peekAt(1).kind !== 'LEFT_PAREN'
      ) {
        break;
      }
      this.next();
      this.expect('LEFT_PAREN');
      const v = this.parseSignedNumber('fill modifier');
      this.expect('RIGHT_PAREN', 'fill modifier', '")"');
      if (f.value !== 'fill_right') {
        if (fillLeft !== null) this.fail('fill_left value may not be set multiple times', f.start, f.end);
        fillLeft = v;
      }
      if (f.value !== 'fill_left') {
        if (fillRight !== null) this.fail('fill_right value may not be set multiple times', f.start, f.end);
        fillRight = v;
      }
    }
    return { returnBool, card, on, labels, include, fillLeft, fillRight };
  }

  private parseSignedNumber(context: string): number {
    let sign = 1;
    let t = this.peek();
    if (t.kind === 'OP' && (t.text === '-' || t.text === '+')) {
      if (t.text === '-') sign = -1;
      this.next();
      t = this.peek();
    }
    if (t.kind === 'NUMBER') {
      this.next();
      return sign * parseNumberText(t.text);
    }
    if (t.kind === 'DURATION') {
      this.next();
      return (sign * this.durationMs(t)) / 1000;
    }
    if (context === '@') this.unexpected(t, '@', 'timestamp');
    this.unexpected(t, context, 'number');
  }

  private parseUnary(): Expr {
    const t = this.peek();
    if (t.kind === 'OP' && (t.text === '-' || t.text === '+')) {
      this.next();
      const operand = this.parseBinary(UNARY_OPERAND_PREC);
      if (operand.type === 'NumberLiteral') {
        // Prometheus folds the sign into number literals.
        if (t.text === '-') operand.value = -operand.value;
        operand.pos = { start: t.start, end: operand.pos.end };
        return operand;
      }
      return { type: 'UnaryExpr', op: t.text, expr: operand, pos: { start: t.start, end: operand.pos.end } };
    }
    return this.parsePostfix(this.parsePrimary());
  }

  private parsePrimary(): Expr {
    const t = this.peek();
    switch (t.kind) {
      case 'NUMBER':
        this.next();
        return { type: 'NumberLiteral', value: parseNumberText(t.text), pos: { start: t.start, end: t.end } };
      case 'DURATION':
        this.next();
        return {
          type: 'NumberLiteral',
          value: this.durationMs(t) / 1000,
          isDuration: true,
          pos: { start: t.start, end: t.end },
        };
      case 'STRING':
        this.next();
        return { type: 'StringLiteral', value: t.value, pos: { start: t.start, end: t.end } };
      case 'LEFT_PAREN': {
        this.next();
        const inner = this.parseBinary(0);
        const close = this.expect('RIGHT_PAREN', undefined, undefined);
        return { type: 'ParenExpr', expr: inner, pos: { start: t.start, end: close.end } };
      }
      case 'LEFT_BRACE':
        return this.parseSelector(null, t.start);
      case 'IDENTIFIER':
      case 'METRIC_IDENTIFIER':
        return this.parseIdentifierExpr(t);
      default:
        this.unexpected(t);
    }
  }

  private parseIdentifierExpr(t: Token): Expr {
    const next = this.peekAt(1);
    if (t.kind === 'IDENTIFIER' && AGGREGATE_OPS.has(t.value)) {
      if (next.kind === 'LEFT_PAREN' || this.isWord(next, 'by') || this.isWord(next, 'without')) {
        return this.parseAggregation();
      }
    }
    if (t.kind === 'IDENTIFIER' && next.kind === 'LEFT_PAREN') {
      if (t.value === 'step' || t.value === 'range' || t.value === 'start' || t.value === 'end') {
        return this.parseCall(t.value);
      }
      if (KEYWORDS.has(t.value) && !KEYWORD_METRIC_NAMES.has(t.value)) this.unexpected(t);
      return this.parseCall(t.text);
    }
    // Keywords that cannot name a metric.
    if (
      t.kind === 'IDENTIFIER' &&
      KEYWORDS.has(t.value) &&
      !KEYWORD_METRIC_NAMES.has(t.value) &&
      !AGGREGATE_OPS.has(t.value)
    ) {
      this.unexpected(t);
    }
    this.next();
    return this.parseSelector(t.text, t.start);
  }

  private parseCall(name: string): Call {
    const nameTok = this.next();
    const func = FUNCTIONS[name];
    if (!func) this.fail(`unknown function with name ${goQuote(name)}`, nameTok.start, nameTok.end);
    const { args, end } = this.parseArgs('function call');
    return { type: 'Call', func, args, pos: { start: nameTok.start, end } };
  }

  /** Parses `( expr, expr, ... )` with the opening parenthesis next. */
  private parseArgs(context: string): { args: Expr[]; end: number } {
    this.expect('LEFT_PAREN');
    const args: Expr[] = [];
    if (this.peek().kind === 'RIGHT_PAREN') return { args, end: this.next().end };
    for (;;) {
      args.push(this.parseBinary(0));
      const t = this.peek();
      if (t.kind === 'RIGHT_PAREN') return { args, end: this.next().end };
      if (t.kind !== 'COMMA') this.unexpected(t, context, '"," or ")"');
      this.next();
      if (this.peek().kind === 'RIGHT_PAREN')
        this.fail('trailing commas not allowed in function call args', t.start, t.end);
    }
  }

  private parseAggregation(): AggregateExpr {
    const opTok = this.next();
    const op = opTok.value as AggregateOp;
    let grouping: string[] | null = null;
    let without = false;
    const g = this.peek();
    if (this.isWord(g, 'by') || this.isWord(g, 'without')) {
      this.next();
      without = g.value === 'without';
      grouping = this.parseLabelList();
    }
    if (this.peek().kind !== 'LEFT_PAREN') {
      const t = this.peek();
      this.unexpected(t, t.kind === 'EOF' ? 'aggregation' : undefined);
    }
    const { args, end: argsEnd } = this.parseArgs('aggregation');
    let end = argsEnd;
    const g2 = this.peek();
    if (this.isWord(g2, 'by') || this.isWord(g2, 'without')) {
      if (grouping !== null) this.unexpected(g2);
      this.next();
      without = g2.value === 'without';
      grouping = this.parseLabelList();
      end = this.toks[this.i - 1].end;
    }
    const pos = { start: opTok.start, end };
    if (args.length === 0) this.fail('no arguments for aggregate expression provided', pos.start, pos.end);
    const hasParam = op in AGGREGATE_PARAM_TYPES;
    const want = hasParam ? 2 : 1;
    if (args.length !== want) {
      this.fail(
        `wrong number of arguments for aggregate expression provided, expected ${want}, got ${args.length}`,
        pos.start,
        pos.end,
      );
    }
    return {
      type: 'AggregateExpr',
      op,
      expr: hasParam ? args[1] : args[0],
      param: hasParam ? args[0] : null,
      grouping: grouping ?? [],
      without,
      pos,
    };
  }

  /** Parses `(label, "quoted.label", ...)` for by/without/on/ignoring/group_x. */
  private parseLabelList(): string[] {
    const open = this.peek();
    if (open.kind !== 'LEFT_PAREN') this.unexpected(open, 'grouping opts', '"("');
    this.next();
    const labels: string[] = [];
    for (;;) {
      const t = this.peek();
      if (t.kind === 'RIGHT_PAREN') {
        this.next();
        return labels;
      }
      if (t.kind === 'IDENTIFIER') labels.push(t.text);
      else if (t.kind === 'STRING') {
        if (t.value === '') this.fail(`invalid label name ${goQuote(t.value)}`, t.start, t.end);
        labels.push(t.value);
      } else this.unexpected(t, 'grouping opts', 'label');
      this.next();
      const sep = this.peek();
      if (sep.kind === 'COMMA') this.next();
      else if (sep.kind !== 'RIGHT_PAREN') this.unexpected(sep, 'grouping opts', '"," or ")"');
    }
  }

  /** Parses the optional `{...}` after a metric name (or the braces alone when name is null). */
  private parseSelector(name: string | null, start: number): VectorSelector {
    const matchers: Matcher[] = [];
    const metricName = name;
    let end = this.toks[this.i - 1]?.end ?? start;
    if (this.peek().kind === 'LEFT_BRACE') {
      this.next();
      for (;;) {
        let t = this.peek();
        if (t.kind === 'RIGHT_BRACE') break;
        if (t.kind !== 'IDENTIFIER' && t.kind !== 'STRING') this.unexpected(t, 'label matching', 'identifier or "}"');
        this.next();
        const labelName = t.kind === 'STRING' ? t.value : t.text;
        const opTok = this.peek();
        const isMatchOp = opTok.kind === 'EQL' || (opTok.kind === 'OP' && opTok.text in MATCH_OPS);
        if (!isMatchOp) {
          if (t.kind === 'STRING' && (opTok.kind === 'COMMA' || opTok.kind === 'RIGHT_BRACE')) {
            // A lone quoted string is a metric name matcher: {"my.metric", a="b"}.
            matchers.push(new Matcher(MatchType.Equal, '__name__', t.value));
            if (opTok.kind === 'COMMA') this.next();
            continue;
          }
          this.unexpected(opTok, 'label matching', 'label matching operator');
        }
        this.next();
        const valTok = this.peek();
        if (valTok.kind !== 'STRING') this.unexpected(valTok, 'label matching', 'string');
        this.next();
        const type = opTok.kind === 'EQL' ? MatchType.Equal : MATCH_OPS[opTok.text];
        matchers.push(this.makeMatcher(type, labelName, valTok.value, t.start, valTok.end));
        t = this.peek();
        if (t.kind === 'COMMA') this.next();
        else if (t.kind !== 'RIGHT_BRACE') this.unexpected(t, 'label matching', '"," or "}"');
      }
      end = this.next().end;
    }
    if (metricName !== null) {
      for (const m of matchers) {
        if (m.name === '__name__') {
          this.fail(`metric name must not be set twice: ${goQuote(metricName)} or ${goQuote(m.value)}`, start, end);
        }
      }
      matchers.push(new Matcher(MatchType.Equal, '__name__', metricName));
    }
    return {
      type: 'VectorSelector',
      name: metricName,
      matchers,
      offset: 0,
      offsetExpr: null,
      at: null,
      atModifier: null,
      anchored: false,
      smoothed: false,
      pos: { start, end },
    };
  }

  private makeMatcher(type: MatchType, name: string, value: string, start: number, end: number): Matcher {
    try {
      return new Matcher(type, name, value);
    } catch (e) {
      if (e instanceof RegexError) this.fail(e.message, start, end);
      throw e;
    }
  }

  // --- postfix modifiers: [range], [range:step], offset, @, anchored, smoothed ----------

  private parsePostfix(expr: Expr): Expr {
    let e = expr;
    for (;;) {
      const t = this.peek();
      if (t.kind === 'LEFT_BRACKET') e = this.parseRangeOrSubquery(e);
      else if (this.isWord(t, 'offset')) e = this.parseOffset(e);
      else if (t.kind === 'AT') e = this.parseAt(e);
      else if (this.isWord(t, 'anchored') || this.isWord(t, 'smoothed')) {
        this.next();
        const vs = e.type === 'VectorSelector' ? e : e.type === 'MatrixSelector' ? e.vectorSelector : null;
        if (!vs) {
          this.fail(
            `${t.value} modifier must be preceded by an instant vector selector or range vector selector`,
            e.pos.start,
            t.end,
          );
        }
        if (t.value === 'anchored') vs.anchored = true;
        else vs.smoothed = true;
        if (vs.anchored && vs.smoothed)
          this.fail('anchored and smoothed modifiers cannot be used together', e.pos.start, t.end);
        e.pos = { start: e.pos.start, end: t.end };
      } else return e;
    }
  }

  private parseRangeOrSubquery(e: Expr): Expr {
    const open = this.next();
    this.durationContext = 'subquery or range selector';
    const range = this.parseDurationExpr();
    const t = this.peek();
    if (t.kind === 'COLON') {
      this.next();
      let step: DurationExpr | null = null;
      if (this.peek().kind !== 'RIGHT_BRACKET') step = this.parseDurationExpr();
      const close = this.expect('RIGHT_BRACKET', 'subquery selector', '"]"');
      const sq: SubqueryExpr = {
        type: 'SubqueryExpr',
        expr: e,
        range: 0,
        rangeExpr: null,
        step: 0,
        stepExpr: null,
        offset: 0,
        offsetExpr: null,
        at: null,
        atModifier: null,
        pos: { start: e.pos.start, end: close.end },
      };
      [sq.range, sq.rangeExpr] = this.resolveDuration(range, true);
      if (step) [sq.step, sq.stepExpr] = this.resolveDuration(step, true);
      return sq;
    }
    if (t.kind === 'IDENTIFIER' || t.kind === 'METRIC_IDENTIFIER') {
      this.fail(`unexpected character: '${t.text[0]}', expected ':'`, t.start, t.end);
    }
    if (t.kind !== 'RIGHT_BRACKET') this.unexpected(t, 'subquery or range selector', '":" or "]"');
    const close = this.next();
    if (e.type !== 'VectorSelector') this.fail('ranges only allowed for vector selectors', open.start, close.end);
    if (e.offset !== 0 || e.offsetExpr) this.fail('no offset modifiers allowed before range', open.start, close.end);
    if (e.at !== null || e.atModifier !== null) this.fail('no @ modifiers allowed before range', open.start, close.end);
    const ms: MatrixSelector = {
      type: 'MatrixSelector',
      vectorSelector: e,
      range: 0,
      rangeExpr: null,
      pos: { start: e.pos.start, end: close.end },
    };
    [ms.range, ms.rangeExpr] = this.resolveDuration(range, true);
    return ms;
  }

  /** Returns [ms, expr-to-keep]: plain literals are dropped (null), computed when constant. */
  private resolveDuration(d: DurationExpr, mustBePositive: boolean): [number, DurationExpr | null] {
    const plain = d.type === 'DurationNumber';
    this.checkDivisionByZero(d);
    if (durationNeedsQuery(d)) return [0, d];
    const secs = evalDurationSeconds(d, { stepMs: 0, rangeMs: 0 });
    // Go's time.Duration holds at most about 292 years.
    if (!Number.isFinite(secs) || Math.abs(secs) * 1e9 >= 9.223372036854776e18) {
      this.fail('duration out of range', d.pos.start, d.pos.end);
    }
    const ms = Math.round(secs * 1000);
    if (mustBePositive && ms <= 0) this.fail('duration must be greater than 0', d.pos.start, d.pos.end);
    return [ms, plain ? null : d];
  }

  private checkDivisionByZero(d: DurationExpr): void {
    switch (d.type) {
      case 'DurationBinary':
        this.checkDivisionByZero(d.lhs);
        this.checkDivisionByZero(d.rhs);
        if (
          (d.op === '/' || d.op === '%') &&
          !durationNeedsQuery(d.rhs) &&
          evalDurationSeconds(d.rhs, { stepMs: 0, rangeMs: 0 }) === 0
        ) {
          const op = this.durationOpPos.get(d) ?? d.pos;
          this.fail(d.op === '/' ? 'division by zero' : 'modulo by zero', op.start, op.end);
        }
        return;
      case 'DurationUnary':
      case 'DurationParen':
        this.checkDivisionByZero(d.expr);
        return;
      case 'DurationCall':
        for (const a of d.args) this.checkDivisionByZero(a);
        return;
      case 'DurationNumber':
        return;
    }
  }

  private parseOffset(e: Expr): Expr {
    this.next();
    this.durationContext = 'offset';
    const d = this.parseOffsetDuration();
    const target = e.type === 'MatrixSelector' ? e.vectorSelector : e;
    if (target.type !== 'VectorSelector' && target.type !== 'SubqueryExpr') {
      this.fail(
        'offset modifier must be preceded by an instant vector selector or range vector selector or a subquery',
        e.pos.start,
        e.pos.end,
      );
    }
    if (target.offset !== 0 || target.offsetExpr)
      this.fail('offset may not be set multiple times', e.pos.start, e.pos.end);
    const plainSigned = d.type === 'DurationNumber' || (d.type === 'DurationUnary' && d.expr.type === 'DurationNumber');
    const [ms, keep] = this.resolveDuration(d, false);
    target.offset = ms;
    target.offsetExpr = plainSigned ? null : keep;
    e.pos = { start: e.pos.start, end: d.pos.end };
    return e;
  }

  /** After `offset`: an optionally signed number, duration, parenthesised duration expression or duration function. */
  private parseOffsetDuration(): DurationExpr {
    const t = this.peek();
    if (t.kind === 'OP' && (t.text === '-' || t.text === '+')) {
      this.next();
      const inner = this.parseDurationAtom();
      // A unary plus changes nothing (Prometheus does not print it either).
      if (t.text === '+') return inner;
      return { type: 'DurationUnary', op: t.text, expr: inner, pos: { start: t.start, end: inner.pos.end } };
    }
    return this.parseDurationAtom();
  }

  private parseAt(e: Expr): Expr {
    const at = this.next();
    const target = e.type === 'MatrixSelector' ? e.vectorSelector : e;
    let atMs: number | null = null;
    let atModifier: 'start' | 'end' | null = null;
    const t = this.peek();
    let end: number;
    if ((this.isWord(t, 'start') || this.isWord(t, 'end')) && this.peekAt(1).kind === 'LEFT_PAREN') {
      this.next();
      this.next();
      end = this.expect('RIGHT_PAREN', undefined, '")"').end;
      atModifier = t.value as 'start' | 'end';
    } else {
      const secs = this.parseSignedNumber('@');
      end = this.toks[this.i - 1].end;
      atMs = Math.round(secs * 1000);
      if (!Number.isFinite(secs) || !Number.isFinite(atMs) || Math.abs(atMs) > 9.2233720368547e18) {
        this.fail(`timestamp out of bounds for @ modifier: ${formatGoF(secs)}`, e.pos.start, e.pos.end);
      }
    }
    if (target.type !== 'VectorSelector' && target.type !== 'SubqueryExpr') {
      this.fail(
        '@ modifier must be preceded by an instant vector selector or range vector selector or a subquery',
        e.pos.start,
        end,
      );
    }
    if (target.at !== null || target.atModifier !== null) {
      this.fail('@ <timestamp> may not be set multiple times', at.start, end);
    }
    target.at = atMs;
    target.atModifier = atModifier;
    e.pos = { start: e.pos.start, end };
    return e;
  }

  // --- duration expressions --------------------------------------------------------

  parseDurationExpr(minPrec = 0): DurationExpr {
    if (++this.depth > MAX_NESTING) {
      const t = this.peek();
      this.fail(`expression nesting is deeper than ${MAX_NESTING} levels`, t.start, t.end);
    }
    try {
      return this.parseDurationExprInner(minPrec);
    } finally {
      this.depth--;
    }
  }

  private parseDurationExprInner(minPrec: number): DurationExpr {
    let lhs = this.parseDurationUnary();
    for (;;) {
      const t = this.peek();
      if (t.kind !== 'OP') return lhs;
      const prec =
        t.text === '+' || t.text === '-'
          ? 1
          : t.text === '*' || t.text === '/' || t.text === '%'
            ? 2
            : t.text === '^'
              ? 3
              : -1;
      if (prec < 0 || prec < minPrec) return lhs;
      this.next();
      const rhs = this.parseDurationExpr(t.text === '^' ? prec : prec + 1);
      const node: DurationExpr = {
        type: 'DurationBinary',
        op: t.text as '+' | '-' | '*' | '/' | '%' | '^',
        lhs,
        rhs,
        pos: { start: lhs.pos.start, end: rhs.pos.end },
      };
      this.durationOpPos.set(node, { start: t.start, end: t.end });
      lhs = node;
    }
  }

  private parseDurationUnary(): DurationExpr {
    const t = this.peek();
    if (t.kind === 'OP' && (t.text === '-' || t.text === '+')) {
      this.next();
      const inner = this.parseDurationExpr(3);
      if (t.text === '+') return inner;
      return { type: 'DurationUnary', op: t.text, expr: inner, pos: { start: t.start, end: inner.pos.end } };
    }
    return this.parseDurationAtom();
  }

  private parseDurationAtom(): DurationExpr {
    const t = this.peek();
    if (t.kind === 'NUMBER') {
      this.next();
      return {
        type: 'DurationNumber',
        value: parseNumberText(t.text),
        isDuration: false,
        text: t.text,
        pos: { start: t.start, end: t.end },
      };
    }
    if (t.kind === 'DURATION') {
      this.next();
      return {
        type: 'DurationNumber',
        value: this.durationMs(t) / 1000,
        isDuration: true,
        text: t.text,
        pos: { start: t.start, end: t.end },
      };
    }
    if (t.kind === 'LEFT_PAREN') {
      this.next();
      const inner = this.parseDurationExpr();
      const close = this.expect('RIGHT_PAREN', 'duration expression', '")"');
      return { type: 'DurationParen', expr: inner, pos: { start: t.start, end: close.end } };
    }
    if (
      t.kind === 'IDENTIFIER' &&
      (t.value === 'step' || t.value === 'range') &&
      this.peekAt(1).kind !== 'LEFT_PAREN'
    ) {
      this.next();
      this.unexpected(this.peek(), this.durationContext, 'number, duration, step(), or range()');
    }
    if (t.kind === 'IDENTIFIER' && this.peekAt(1).kind === 'LEFT_PAREN') {
      const name = t.text.toLowerCase();
      if (name === 'step' || name === 'range') {
        this.next();
        this.next();
        const close = this.expect('RIGHT_PAREN', 'duration expression', '")"');
        return { type: 'DurationCall', func: name, args: [], pos: { start: t.start, end: close.end } };
      }
      if (name === 'min_of' || name === 'max_of') {
        this.next();
        this.next();
        const a = this.parseDurationExpr();
        this.expect('COMMA', 'duration expression', '","');
        const b = this.parseDurationExpr();
        const close = this.expect('RIGHT_PAREN', 'duration expression', '")"');
        return { type: 'DurationCall', func: name, args: [a, b], pos: { start: t.start, end: close.end } };
      }
    }
    this.unexpected(t, this.durationContext, 'number, duration, step(), or range()');
  }

  private durationMs(t: Token): number {
    try {
      return parseDuration(t.text);
    } catch (e) {
      if (!(e instanceof DurationError)) throw e;
      const unknown = /[a-z]+/g;
      for (let m = unknown.exec(t.text); m; m = unknown.exec(t.text)) {
        if (!DURATION_UNITS.has(m[0]))
          this.fail(`unknown unit ${goQuote(m[0])} in duration ${goQuote(t.text)}`, t.start, t.end);
      }
      this.fail(e.message, t.start, t.end);
    }
  }
}

/** Go's %f: six decimals, +Inf/-Inf/NaN. */
function formatGoF(v: number): string {
  if (Number.isNaN(v)) return 'NaN';
  if (v === Number.POSITIVE_INFINITY) return '+Inf';
  if (v === Number.NEGATIVE_INFINITY) return '-Inf';
  return v.toFixed(6);
}

/** Parses a PromQL expression. Throws PromQLParseError. */
export function parseExpr(input: string): Expr {
  const p = new Parser(input);
  const e = p.parseTop();
  new TypeChecker(input, p.opPos).check(e);
  return e;
}

/** Parses a series selector such as `foo{a="b"}` or `{__name__=~"x.*"}` (for match[] parameters). */
export function parseMetricSelector(input: string): Matcher[] {
  const p = new Parser(input);
  const vs = p.parseSelectorTop();
  new TypeChecker(input, p.opPos).check(vs);
  return vs.matchers;
}

/** Parses a standalone duration expression such as `5m`, `1h+30m` or `2*step()`. */
export function parseDurationExpr(input: string): DurationExpr {
  const p = new Parser(input);
  return p.parseDurationTop();
}
