/** Runs a rule's expression as an instant query and returns a vector (scalars become one unlabelled sample). */
import { Labels } from '../model/index.ts';
import type { Engine, Expr, Vector } from '../promql/index.ts';
import type { Queryable } from '../tsdb/index.ts';

export function queryVector(engine: Engine, queryable: Queryable, expr: Expr, t: number): Vector {
  const res = engine.instantQuery(queryable, expr, t);
  const v = res.value;
  if (v.type === 'vector') return v.vector;
  if (v.type === 'scalar') return [{ labels: Labels.EMPTY, t: v.t, v: v.v }];
  throw new Error('rule result is not a vector or scalar');
}
