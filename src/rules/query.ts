/** Runs a rule's expression as an instant query and returns a vector (scalars become one unlabelled sample). */
import { Labels } from '../model/index.ts';
import type { Engine, Expr, QueryValue, Vector } from '../promql/index.ts';
import type { Queryable } from '../tsdb/index.ts';

export function queryVector(engine: Engine, queryable: Queryable, expr: Expr, t: number): Vector {
  return vectorOf(engine.instantQuery(queryable, expr, t).value);
}

/** A rule's query value as a vector: scalars become one unlabelled sample; other types are an error. */
export function vectorOf(v: QueryValue): Vector {
  if (v.type === 'vector') return v.vector;
  if (v.type === 'scalar') return [{ labels: Labels.EMPTY, t: v.t, v: v.v }];
  throw new Error('rule result is not a vector or scalar');
}

/**
 * Where rules are evaluated when not by the local engine: an external Prometheus-compatible query API
 * (datasource mode), or the local engine after an async step such as remote read. Rule expressions and the
 * `query` template function both go through it. Throws on query errors.
 */
export interface AsyncRuleQuerier {
  queryVector(query: string, t: number): Promise<Vector>;
}
