/**
 * info(v, selector?): adds the data labels of matching info series (default target_info),
 * joined on the identifying labels instance and job.
 */
import { type Labels, Matcher, MatchType, METRIC_NAME } from '../model/index.ts';
import type { Call, VectorSelector } from './ast.ts';
import { SeriesCollector, type StepSeries } from './engine-types.ts';
import { execError } from './errors.ts';
import type { Evaluator } from './evaluator.ts';

const IDENTIFYING = ['instance', 'job'];

export function infoFunction(ev: Evaluator, call: Call): StepSeries[] {
  const base = ev.evalVector(call.args[0]);
  let sel: VectorSelector | null = null;
  if (call.args.length > 1) {
    let a = call.args[1];
    while (a.type === 'ParenExpr') a = a.expr;
    if (a.type !== 'VectorSelector') throw execError('info(): second argument must be a vector selector');
    sel = a;
  }
  const matchers = sel ? sel.matchers : [];
  let nameMatchers = matchers.filter((m) => m.name === METRIC_NAME);
  if (nameMatchers.length === 0) nameMatchers = [new Matcher(MatchType.Equal, METRIC_NAME, 'target_info')];
  else if (!nameMatchers.some((m) => m.type === MatchType.Equal || m.type === MatchType.Regex)) {
    // Only negative name matchers: the candidates are still info metrics.
    nameMatchers = [...nameMatchers, new Matcher(MatchType.Regex, METRIC_NAME, '.+_info')];
  }
  const dataMatchers = matchers.filter((m) => m.name !== METRIC_NAME);
  const infoSel: VectorSelector = {
    type: 'VectorSelector',
    name: null,
    matchers: [...nameMatchers, ...dataMatchers],
    offset: 0,
    offsetExpr: null,
    at: null,
    atModifier: null,
    anchored: false,
    smoothed: false,
    pos: call.pos,
  };
  const infos = ev.evalVectorSelector(infoSel, true);
  const emptyOk = dataMatchers.every((m) => m.matches(''));
  const isInfoName = (name: string) => nameMatchers.every((m) => m.matches(name));
  const col = new SeriesCollector(ev.steps);
  for (const b of base) {
    const bl = b.labels;
    const ids = IDENTIFYING.filter((n) => bl.get(n) !== '');
    if (isInfoName(bl.metricName) || ids.length === 0) {
      for (let i = 0; i < ev.steps; i++) if (b.has[i]) col.set(bl, b.dropName, i, b.vals[i]);
      continue;
    }
    const cands = infos.filter((x) => ids.every((n) => x.labels.get(n) === bl.get(n)));
    for (let i = 0; i < ev.steps; i++) {
      if (!b.has[i]) continue;
      // Latest info series per metric name at this step.
      const byName = new Map<string, StepSeries>();
      for (const c of cands) {
        if (!c.has[i]) continue;
        const name = c.labels.metricName;
        const prev = byName.get(name);
        if (!prev || c.vals[i] > prev.vals[i]) byName.set(name, c);
      }
      if (byName.size === 0) {
        if (emptyOk) col.set(bl, b.dropName, i, b.vals[i]);
        continue;
      }
      const add = new Map<string, string>();
      for (const c of byName.values()) {
        c.labels.forEach((n, v) => {
          if (n === METRIC_NAME || IDENTIFYING.includes(n) || bl.has(n)) return;
          if (dataMatchers.length > 0 && !dataMatchers.some((m) => m.name === n)) return;
          const have = add.get(n);
          if (have !== undefined && have !== v) throw execError(`conflicting label: ${n} has values ${have} and ${v}`);
          add.set(n, v);
        });
      }
      let out: Labels = bl;
      if (add.size > 0) {
        const lb = bl.builder();
        for (const [n, v] of add) lb.set(n, v);
        out = lb.labels();
      }
      col.set(out, b.dropName, i, b.vals[i]);
    }
  }
  return col.out;
}
