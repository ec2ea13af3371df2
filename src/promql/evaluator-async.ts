/**
 * The asynchronous driver of the evaluator, used by the HTTP API. It walks the expression tree bottom-up:
 * each node's children are computed first (into Evaluator.pre), then the node itself by the synchronous code,
 * which finds its arguments ready. The loops over series that dominate heavy queries (selectors, rate() & co.)
 * run in batches. Between nodes and batches it yields to the event loop once its time slice is used up, so
 * other requests are served meanwhile, and stops when the client disconnects or the deadline passes.
 * Results are those of the synchronous driver (Evaluator.eval), which rules and templates keep using.
 */
import type { Expr } from './ast.ts';
import type { EvalValue, SeriesWork } from './engine-types.ts';
import { type Evaluator, isStepInvariant } from './evaluator.ts';
import { checkCall, isSelfEvaluatedArg, rangeFunctionWork } from './functions.ts';

/** Most series between two looks at the clock (cheap series are batched, expensive ones checked singly). */
const MAX_BATCH = 256;

export async function evalAsync(ev: Evaluator, e: Expr): Promise<EvalValue> {
  const pacer = ev.ctx.pacer!;
  if (pacer.due()) await pacer.pause();
  if (ev.steps > 1 && e.type !== 'NumberLiteral' && e.type !== 'StringLiteral' && isStepInvariant(e)) {
    return ev.repeatForAllSteps(await evalAsync(ev.atFirstStep(), e));
  }
  switch (e.type) {
    case 'NumberLiteral':
    case 'StringLiteral':
      return ev.eval(e);
    case 'ParenExpr':
    case 'StepInvariantExpr':
      return evalAsync(ev, e.expr);
    case 'VectorSelector':
      return { kind: 'vector', series: await runBatches(ev, ev.vectorSelectorWork(e, false)) };
    case 'MatrixSelector':
      return { kind: 'matrix', arg: await runBatches(ev, ev.matrixSelectorWork(e)) };
    case 'SubqueryExpr': {
      const inner = ev.subqueryEvaluator(e);
      return { kind: 'matrix', arg: ev.subqueryResult(e, inner, await evalAsync(inner, e.expr)) };
    }
    case 'Call': {
      checkCall(e);
      await computeAhead(
        ev,
        e.args.filter((_, i) => !isSelfEvaluatedArg(e, i)),
      );
      const work = rangeFunctionWork(ev, e);
      if (work !== null) return { kind: 'vector', series: await runBatches(ev, work) };
      return ev.eval(e);
    }
    case 'UnaryExpr':
      await computeAhead(ev, [e.expr]);
      return ev.eval(e);
    case 'BinaryExpr':
      await computeAhead(ev, [e.lhs, e.rhs]);
      return ev.eval(e);
    case 'AggregateExpr':
      await computeAhead(ev, e.param ? [e.param, e.expr] : [e.expr]);
      return ev.eval(e);
  }
}

/** Computes children in the order the synchronous code evaluates them, leaving their values for it. */
async function computeAhead(ev: Evaluator, children: Expr[]): Promise<void> {
  for (const c of children) {
    const v = await evalAsync(ev, c);
    ev.pre ??= new Map();
    ev.pre.set(c, v);
  }
}

async function runBatches<T>(ev: Evaluator, w: SeriesWork<T>): Promise<T> {
  const pacer = ev.ctx.pacer!;
  let batch = 1;
  for (let from = 0; from < w.count; ) {
    const t0 = performance.now();
    const to = Math.min(w.count, from + batch);
    w.run(from, to);
    from = to;
    // aim at about a millisecond per batch
    const ms = performance.now() - t0;
    if (ms < 0.5 && batch < MAX_BATCH) batch *= 2;
    else if (ms > 2 && batch > 1) batch >>= 1;
    if (pacer.due()) await pacer.pause();
  }
  return w.result();
}
