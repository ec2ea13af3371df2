/**
 * The type checks Prometheus runs over a parsed tree (its checkAST): operand and argument types,
 * argument counts, vector matching rules, non-empty selectors. The first problem is reported.
 */
import {
  AGGREGATE_PARAM_TYPES,
  type BinaryExpr,
  type Call,
  type Expr,
  isComparisonOp,
  isSetOp,
  type PosRange,
  type ValueType,
  type VectorSelector,
} from './ast.ts';
import { goQuote } from './lexer.ts';
import { documentedType, PromQLParseError } from './parser-errors.ts';

export class TypeChecker {
  private readonly input: string;
  /** Operator token positions of binary expressions (errors about operators point there). */
  private readonly opPos: ReadonlyMap<BinaryExpr, PosRange>;

  constructor(input: string, opPos: ReadonlyMap<BinaryExpr, PosRange>) {
    this.input = input;
    this.opPos = opPos;
  }

  private fail(msg: string, start: number, end: number): never {
    throw new PromQLParseError(msg, { start, end }, this.input);
  }

  /** Checks the tree and returns its value type. Throws PromQLParseError. */
  check(e: Expr): ValueType {
    switch (e.type) {
      case 'NumberLiteral':
        return 'scalar';
      case 'StringLiteral':
        return 'string';
      case 'VectorSelector':
        this.checkSelector(e, false);
        return 'vector';
      case 'MatrixSelector':
        this.checkSelector(e.vectorSelector, false);
        return 'matrix';
      case 'SubqueryExpr': {
        const t = this.check(e.expr);
        if (t !== 'vector')
          this.fail(`subquery is only allowed on instant vector, got ${t} instead`, e.pos.start, e.pos.end);
        return 'matrix';
      }
      case 'ParenExpr':
      case 'StepInvariantExpr':
        return this.check(e.expr);
      case 'UnaryExpr': {
        const t = this.check(e.expr);
        if (t !== 'scalar' && t !== 'vector') {
          this.fail(
            `unary expression only allowed on expressions of type scalar or instant vector, got ${goQuote(documentedType(t))}`,
            e.pos.start,
            e.pos.end,
          );
        }
        return t;
      }
      case 'AggregateExpr':
        this.expectType(e.expr, 'vector', 'aggregation expression');
        if (e.param) this.expectType(e.param, AGGREGATE_PARAM_TYPES[e.op], 'aggregation parameter');
        return 'vector';
      case 'Call':
        this.checkCall(e);
        return e.func.returnType;
      case 'BinaryExpr': {
        // Walk the left spine in a loop: long chains (a + b + c + ...) must not recurse per operator.
        const spine: BinaryExpr[] = [];
        let x: Expr = e;
        while (x.type === 'BinaryExpr') {
          spine.push(x);
          x = x.lhs;
        }
        let lt = this.check(x);
        for (let i = spine.length - 1; i >= 0; i--) {
          const b = spine[i];
          const rt = this.check(b.rhs);
          this.checkBinary(b, lt, rt);
          lt = lt === 'scalar' && rt === 'scalar' ? 'scalar' : 'vector';
        }
        return lt;
      }
    }
  }

  private expectType(e: Expr, want: ValueType, context: string): void {
    const t = this.check(e);
    if (t !== want) {
      this.fail(
        `expected type ${documentedType(want)} in ${context}, got ${documentedType(t)}`,
        e.pos.start,
        e.pos.end,
      );
    }
  }

  private checkSelector(vs: VectorSelector, allowEmpty: boolean): void {
    if (vs.name !== null || allowEmpty) return;
    if (!vs.matchers.some((m) => !m.matchesEmpty())) {
      this.fail('vector selector must contain at least one non-empty matcher', vs.pos.start, vs.pos.end);
    }
  }

  private checkCall(c: Call): void {
    const f = c.func;
    const nargs = f.argTypes.length;
    const got = c.args.length;
    if (f.variadic === 0) {
      if (nargs !== got)
        this.fail(`expected ${nargs} argument(s) in call to ${goQuote(f.name)}, got ${got}`, c.pos.start, c.pos.end);
    } else {
      const min = nargs - 1;
      if (got < min) {
        this.fail(
          `expected at least ${min} argument(s) in call to ${goQuote(f.name)}, got ${got}`,
          c.pos.start,
          c.pos.end,
        );
      } else if (f.variadic > 0 && got > min + f.variadic) {
        this.fail(
          `expected at most ${min + f.variadic} argument(s) in call to ${goQuote(f.name)}, got ${got}`,
          c.pos.start,
          c.pos.end,
        );
      }
    }
    for (let i = 0; i < c.args.length; i++) {
      const arg = c.args[i];
      if (f.name === 'info' && i === 1) {
        // info's second argument is a label selector; it may match empty values.
        if (arg.type !== 'VectorSelector') this.fail('expected label selectors only', arg.pos.start, arg.pos.end);
        if (arg.name !== null) {
          this.fail('expected label selectors only, got vector selector instead', arg.pos.start, arg.pos.end);
        }
        continue;
      }
      const want = f.argTypes[Math.min(i, nargs - 1)];
      this.expectType(arg, want, `call to function ${goQuote(f.name)}`);
    }
  }

  private checkBinary(b: BinaryExpr, lt: ValueType, rt: ValueType): void {
    const opPos = this.opPos.get(b) ?? b.pos;
    const m = b.matching;
    if (b.returnBool && !isComparisonOp(b.op)) {
      this.fail('bool modifier can only be used on comparison operators', opPos.start, opPos.end);
    }
    if (isComparisonOp(b.op) && !b.returnBool && lt === 'scalar' && rt === 'scalar') {
      this.fail('comparisons between scalars must use BOOL modifier', opPos.start, opPos.end);
    }
    if (m?.on) {
      for (const l of m.labels) {
        if (m.include.includes(l)) {
          this.fail(`label ${goQuote(l)} must not occur in ON and GROUP clause at once`, opPos.start, opPos.end);
        }
      }
    }
    if (lt !== 'scalar' && lt !== 'vector') {
      this.fail('binary expression must contain only scalar and instant vector types', b.lhs.pos.start, b.lhs.pos.end);
    }
    if (rt !== 'scalar' && rt !== 'vector') {
      this.fail('binary expression must contain only scalar and instant vector types', b.rhs.pos.start, b.rhs.pos.end);
    }
    if (lt !== 'vector' || rt !== 'vector') {
      if (m && (m.labels.length > 0 || m.on)) {
        this.fail('vector matching only allowed between instant vectors', b.pos.start, b.pos.end);
      }
      if (m && (m.fillLeft !== null || m.fillRight !== null)) {
        this.fail('filling in missing series only allowed between instant vectors', b.pos.start, b.pos.end);
      }
      b.matching = null;
    } else if (isSetOp(b.op) && m) {
      if (m.card === 'one-to-many' || m.card === 'many-to-one') {
        this.fail(`no grouping allowed for ${goQuote(b.op)} operation`, b.pos.start, b.pos.end);
      }
      if (m.fillLeft !== null || m.fillRight !== null) {
        this.fail(`filling in missing series not allowed for ${goQuote(b.op)} operation`, b.pos.start, b.pos.end);
      }
    }
    if ((lt === 'scalar' || rt === 'scalar') && isSetOp(b.op)) {
      this.fail(`set operator ${goQuote(b.op)} not allowed in binary scalar expression`, b.pos.start, b.pos.end);
    }
  }
}
