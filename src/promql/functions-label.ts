/** label_replace and label_join. */
import { AnchoredRegex, isValidLabelName, type Labels, METRIC_NAME, RegexError } from '../model/index.ts';
import type { Call } from './ast.ts';
import { SeriesCollector, type StepSeries } from './engine-types.ts';
import { execError } from './errors.ts';
import type { Evaluator } from './evaluator.ts';

/** Go's regexp Expand for replacement templates: $1, ${1}, $name, ${name}, $$. */
export function expandTemplate(tmpl: string, groups: string[], named: Record<string, number>): string {
  let out = '';
  let i = 0;
  while (i < tmpl.length) {
    const c = tmpl[i];
    if (c !== '$' || i + 1 >= tmpl.length) {
      out += c;
      i++;
      continue;
    }
    const n = tmpl[i + 1];
    if (n === '$') {
      out += '$';
      i += 2;
      continue;
    }
    let name: string;
    let end: number;
    if (n === '{') {
      const close = tmpl.indexOf('}', i + 2);
      const inner = close < 0 ? '' : tmpl.slice(i + 2, close);
      if (close < 0 || !/^[A-Za-z0-9_]+$/.test(inner)) {
        out += c;
        i++;
        continue;
      }
      name = inner;
      end = close + 1;
    } else {
      const m = /^[A-Za-z0-9_]+/.exec(tmpl.slice(i + 1));
      if (!m) {
        out += c;
        i++;
        continue;
      }
      name = m[0];
      end = i + 1 + name.length;
    }
    if (/^[0-9]+$/.test(name)) {
      const k = Number(name);
      if (k < groups.length) out += groups[k];
    } else if (named[name] !== undefined && named[name] < groups.length) {
      out += groups[named[name]];
    }
    i = end;
  }
  return out;
}

function collect(ev: Evaluator, series: StepSeries[], relabel: (l: Labels) => Labels, dst: string): StepSeries[] {
  const col = new SeriesCollector(ev.steps);
  for (const s of series) {
    const labels = relabel(s.labels);
    // Writing __name__ explicitly keeps it even when an earlier function would drop it.
    const dropName = dst === METRIC_NAME ? false : s.dropName;
    for (let i = 0; i < ev.steps; i++) if (s.has[i]) col.set(labels, dropName, i, s.vals[i]);
  }
  if (dst === METRIC_NAME) for (const s of col.out) s.dropName = false;
  return col.out;
}

export function labelReplace(ev: Evaluator, call: Call): StepSeries[] {
  const series = ev.evalVector(call.args[0]);
  const dst = ev.evalString(call.args[1]);
  const repl = ev.evalString(call.args[2]);
  const src = ev.evalString(call.args[3]);
  const reSrc = ev.evalString(call.args[4]);
  let re: AnchoredRegex;
  try {
    re = new AnchoredRegex(reSrc);
  } catch (e) {
    if (e instanceof RegexError) throw execError(`invalid regular expression in label_replace(): ${reSrc}`);
    throw e;
  }
  if (!isValidLabelName(dst)) throw execError(`invalid destination label name in label_replace(): ${dst}`);
  const named = re.namedGroups();
  const cache = new Map<Labels, Labels>();
  return collect(
    ev,
    series,
    (l) => {
      const hit = cache.get(l);
      if (hit) return hit;
      const groups = re.exec(l.get(src));
      let out = l;
      if (groups) {
        const v = expandTemplate(repl, groups, named);
        out = l.builder().set(dst, v).labels();
      }
      cache.set(l, out);
      return out;
    },
    dst,
  );
}

export function labelJoin(ev: Evaluator, call: Call): StepSeries[] {
  const series = ev.evalVector(call.args[0]);
  const dst = ev.evalString(call.args[1]);
  const sep = ev.evalString(call.args[2]);
  const srcs: string[] = [];
  for (let i = 3; i < call.args.length; i++) srcs.push(ev.evalString(call.args[i]));
  if (!isValidLabelName(dst)) throw execError(`invalid destination label name in label_join(): ${dst}`);
  for (const s of srcs) if (!isValidLabelName(s)) throw execError(`invalid source label name in label_join(): ${s}`);
  return collect(
    ev,
    series,
    (l) => {
      const v = srcs.map((n) => l.get(n)).join(sep);
      return l.builder().set(dst, v).labels();
    },
    dst,
  );
}
