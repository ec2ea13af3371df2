/**
 * The JSON form of an AST that Prometheus's /api/v1/parse_query returns (and its UI's "explain" view reads).
 * Keys are in alphabetical order, as Go's encoding/json writes maps.
 */
import type { Expr, VectorSelector } from './ast.ts';
import { formatFloat } from './printer.ts';

export type JSONValue = null | boolean | number | string | JSONValue[] | { [k: string]: JSONValue };

function matchersJSON(vs: VectorSelector): JSONValue[] {
  return vs.matchers.map((m) => ({ name: m.name, type: m.type, value: m.value }));
}

/** Fill values are numbers; JSON has no NaN or infinities, so those are written as Prometheus prints them. */
function fillJSON(v: number | null): JSONValue {
  if (v === null) return null;
  return Number.isFinite(v) ? v : formatFloat(v);
}

/** Converts an expression to Prometheus's parse_query JSON representation. */
export function exprToJSON(e: Expr | null): JSONValue {
  if (e === null) return null;
  switch (e.type) {
    case 'AggregateExpr':
      return {
        expr: exprToJSON(e.expr),
        grouping: [...e.grouping],
        op: e.op,
        param: exprToJSON(e.param),
        type: 'aggregation',
        without: e.without,
      };
    case 'BinaryExpr':
      return {
        bool: e.returnBool,
        lhs: exprToJSON(e.lhs),
        matching: e.matching
          ? {
              card: e.matching.card,
              fillValues: { lhs: fillJSON(e.matching.fillLeft), rhs: fillJSON(e.matching.fillRight) },
              include: [...e.matching.include],
              labels: [...e.matching.labels],
              on: e.matching.on,
            }
          : null,
        op: e.op,
        rhs: exprToJSON(e.rhs),
        type: 'binaryExpr',
      };
    case 'Call':
      return {
        args: e.args.map(exprToJSON),
        func: {
          argTypes: [...e.func.argTypes],
          name: e.func.name,
          returnType: e.func.returnType,
          variadic: e.func.variadic,
        },
        type: 'call',
      };
    case 'MatrixSelector': {
      const vs = e.vectorSelector;
      return {
        anchored: vs.anchored,
        matchers: matchersJSON(vs),
        name: vs.name ?? '',
        offset: vs.offset,
        range: e.range,
        smoothed: vs.smoothed,
        startOrEnd: vs.atModifier,
        timestamp: vs.at,
        type: 'matrixSelector',
      };
    }
    case 'SubqueryExpr':
      return {
        alignEvalTime: false,
        expr: exprToJSON(e.expr),
        offset: e.offset,
        range: e.range,
        startOrEnd: e.atModifier,
        step: e.step,
        timestamp: e.at,
        type: 'subquery',
      };
    case 'NumberLiteral':
      return { type: 'numberLiteral', val: formatFloat(e.value) };
    case 'StringLiteral':
      return { type: 'stringLiteral', val: e.value };
    case 'ParenExpr':
      return { expr: exprToJSON(e.expr), type: 'parenExpr' };
    case 'UnaryExpr':
      return { expr: exprToJSON(e.expr), op: e.op, type: 'unaryExpr' };
    case 'VectorSelector':
      return {
        anchored: e.anchored,
        matchers: matchersJSON(e),
        name: e.name ?? '',
        offset: e.offset,
        smoothed: e.smoothed,
        startOrEnd: e.atModifier,
        timestamp: e.at,
        type: 'vectorSelector',
      };
    case 'StepInvariantExpr':
      return exprToJSON(e.expr);
  }
}
