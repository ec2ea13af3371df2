/** A recording rule: evaluates its expression and names the result series `record` with the rule's labels. */
import { LabelsBuilder } from '../model/index.ts';
import type { Engine } from '../promql/index.ts';
import { type Expr, exprToString, parseExpr, type Sample, type Vector } from '../promql/index.ts';
import type { Queryable } from '../tsdb/index.ts';
import { pairsKey } from './alerting-rule.ts';
import { queryVector } from './query.ts';
import type { RuleHealth } from './types.ts';

export class RecordingRule {
  readonly kind = 'recording' as const;
  readonly name: string;
  readonly expr: Expr;
  readonly query: string;
  readonly labels: Record<string, string>;
  health: RuleHealth = 'unknown';
  lastError = '';
  lastEvaluation = 0;
  evaluationTime = 0;

  constructor(name: string, expr: string, labels: Record<string, string>) {
    this.name = name;
    this.expr = parseExpr(expr);
    this.query = exprToString(this.expr);
    this.labels = labels;
  }

  key(): string {
    return `record\u0000${this.name}\u0000${this.query}\u0000${pairsKey(this.labels)}`;
  }

  /** Samples to append at ts - queryOffset. Throws on query errors, duplicate series and an exceeded limit. */
  eval(
    engine: Engine,
    queryable: Queryable,
    ts: number,
    queryOffset: number,
    limit: number,
    result?: Vector,
  ): Sample[] {
    const qt = ts - queryOffset;
    // `result`: the expression's value when it was queried elsewhere (an external engine).
    const vec = result ?? queryVector(engine, queryable, this.expr, qt);
    const seen = new Set<number>();
    const out: Sample[] = [];
    const ruleLabels = Object.entries(this.labels);
    for (const s of vec) {
      const lb = new LabelsBuilder(s.labels);
      lb.set('__name__', this.name);
      for (const [k, v] of ruleLabels) lb.set(k, v);
      const labels = lb.labels();
      const h = labels.hash();
      if (seen.has(h)) throw new Error('vector contains metrics with the same labelset after applying rule labels');
      seen.add(h);
      out.push({ labels, t: qt, v: s.v });
    }
    if (limit > 0 && out.length > limit) throw new Error(`exceeded limit of ${limit} with ${out.length} series`);
    return out;
  }
}

export type Rule = RecordingRule | import('./alerting-rule.ts').AlertingRule;
