/**
 * The JSON form of an AST that Prometheus's /api/v1/parse_query returns (and its UI's "explain" view reads).
 */
import type { Expr, VectorSelector } from './ast.ts';
import { formatFloat } from './printer.ts';

export type JSONValue = null | boolean | number | string | JSONValue[] | { [k: string]: JSONValue };

function matchersJSON(vs: VectorSelector): JSONValue[] {
  return vs.matchers.map((m) => ({ type: m.type, name: m.name, value: m.value }));
}

/** Converts an expression to Prometheus's parse_query JSON representation. */
export function exprToJSON(e: Expr | null): JSONValue {
  if (e === null) return null;
  switch (e.type) {
    case 'AggregateExpr':
      return {
        type: 'aggregation',
        op: e.op,
        expr: exprToJSON(e.expr),
        param: exprToJSON(e.param),
        grouping: [...e.grouping],
        without: e.without,
      };
    case 'BinaryExpr':
      return {
        type: 'binaryExpr',
        op: e.op,
        lhs: exprToJSON(e.lhs),
        rhs: exprToJSON(e.rhs),
        matching: e.matching
          ? {
              card: e.matching.card,
              labels: [...e.matching.labels],
              on: e.matching.on,
              include: [...e.matching.include],
            }
          : null,
        bool: e.returnBool,
      };
    case 'Call':
      return {
        type: 'call',
        func: {
          name: e.func.name,
          argTypes: [...e.func.argTypes],
          variadic: e.func.variadic,
          returnType: e.func.returnType,
        },
        args: e.args.map(exprToJSON),
      };
    case 'MatrixSelector': {
      const vs = e.vectorSelector;
      return {
        type: 'matrixSelector',
        name: vs.name ?? '',
        range: e.range,
        offset: vs.offset,
        matchers: matchersJSON(vs),
        timestamp: vs.at,
        startOrEnd: vs.atModifier,
      };
    }
    case 'SubqueryExpr':
      return {
        type: 'subquery',
        expr: exprToJSON(e.expr),
        range: e.range,
        offset: e.offset,
        step: e.step,
        timestamp: e.at,
        startOrEnd: e.atModifier,
      };
    case 'NumberLiteral':
      return { type: 'numberLiteral', val: formatFloat(e.value) };
    case 'StringLiteral':
      return { type: 'stringLiteral', val: e.value };
    case 'ParenExpr':
      return { type: 'parenExpr', expr: exprToJSON(e.expr) };
    case 'UnaryExpr':
      return { type: 'unaryExpr', op: e.op, expr: exprToJSON(e.expr) };
    case 'VectorSelector':
      return {
        type: 'vectorSelector',
        name: e.name ?? '',
        offset: e.offset,
        matchers: matchersJSON(e),
        timestamp: e.at,
        startOrEnd: e.atModifier,
      };
    case 'StepInvariantExpr':
      return exprToJSON(e.expr);
  }
}
