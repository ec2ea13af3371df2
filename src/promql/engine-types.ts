/**
 * Internal value shapes of the evaluator. Every instant-vector expression is evaluated for all
 * steps at once: one StepSeries per output series with a dense value per step and a presence flag,
 * so range queries cost one pass per node and no per-sample objects.
 */
import { type Labels, METRIC_NAME } from '../model/index.ts';
import { ERR_SAME_LABELSET, execError } from './errors.ts';

export interface StepSeries {
  labels: Labels;
  /** Value per step (valid where has[i] === 1). */
  vals: Float64Array;
  has: Uint8Array;
  /** Delayed __name__ removal: the name is dropped when the query finishes. */
  dropName: boolean;
}

/** Raw samples of one series for range-vector arguments (matrix selectors, subqueries). */
export interface RangeSeries {
  labels: Labels;
  ts: Float64Array;
  vs: Float64Array;
  dropName: boolean;
}

/**
 * A range-vector argument: the samples of each series plus how to find the window of step i:
 * (evalTime(i) - range, evalTime(i)], where evalTime(i) = at ?? times[i], minus offset.
 */
export interface RangeArg {
  series: RangeSeries[];
  range: number;
  offset: number;
  at: number | null;
  anchored: boolean;
  smoothed: boolean;
  /** The selector's matchers' equality labels, for absent_over_time. */
  selectorLabels: Labels | null;
  /** The metric name of the selector, for annotations. */
  name: string;
}

export type EvalValue =
  | { kind: 'vector'; series: StepSeries[] }
  | { kind: 'scalar'; vals: Float64Array }
  | { kind: 'string'; v: string }
  | { kind: 'matrix'; arg: RangeArg };

export class Annotations {
  readonly warnings = new Set<string>();
  readonly infos = new Set<string>();
  warn(msg: string): void {
    this.warnings.add(`PromQL warning: ${msg}`);
  }
  info(msg: string): void {
    this.infos.add(`PromQL info: ${msg}`);
  }
}

/**
 * Collects output series keyed by label set. Writing a value twice at one step for the same
 * labels is the "same labelset" error, as in Prometheus's range evaluation.
 */
export class SeriesCollector {
  private readonly map = new Map<number, StepSeries | StepSeries[]>();
  readonly out: StepSeries[] = [];
  constructor(private readonly steps: number) {}

  get(labels: Labels, dropName: boolean): StepSeries {
    const h = labels.hash();
    const e = this.map.get(h);
    if (e === undefined) {
      const s = newStepSeries(labels, this.steps, dropName);
      this.map.set(h, s);
      this.out.push(s);
      return s;
    }
    if (!Array.isArray(e)) {
      if (e.labels.equals(labels)) {
        if (dropName) e.dropName = true;
        return e;
      }
      const s = newStepSeries(labels, this.steps, dropName);
      this.map.set(h, [e, s]);
      this.out.push(s);
      return s;
    }
    for (const x of e) {
      if (x.labels.equals(labels)) {
        if (dropName) x.dropName = true;
        return x;
      }
    }
    const s = newStepSeries(labels, this.steps, dropName);
    e.push(s);
    this.out.push(s);
    return s;
  }

  /** Sets the value at step i, failing on a second value for the same series and step. */
  set(labels: Labels, dropName: boolean, i: number, v: number): void {
    const s = this.get(labels, dropName);
    if (s.has[i]) throw execError(ERR_SAME_LABELSET);
    s.has[i] = 1;
    s.vals[i] = v;
  }
}

export function newStepSeries(labels: Labels, steps: number, dropName: boolean): StepSeries {
  return { labels, vals: new Float64Array(steps), has: new Uint8Array(steps), dropName };
}

/** Labels with __name__ (and the __type__/__unit__ metadata labels) removed. */
export function dropMetricName(l: Labels): Labels {
  const f = l.flat;
  let found = false;
  for (let i = 0; i < f.length; i += 2) {
    const n = f[i];
    if (n === METRIC_NAME || n === '__type__' || n === '__unit__') {
      found = true;
      break;
    }
  }
  if (!found) return l;
  return l.without(METRIC_NAME, '__type__', '__unit__');
}

export function countPresent(s: StepSeries): number {
  let n = 0;
  const h = s.has;
  for (let i = 0; i < h.length; i++) n += h[i];
  return n;
}

/**
 * A loop over series that can run in batches, so that the asynchronous driver can yield to the event loop
 * between batches; the synchronous driver runs it in one go (runAll).
 */
export interface SeriesWork<T> {
  readonly count: number;
  /** Processes items [from, to). */
  run(from: number, to: number): void;
  result(): T;
}

export function runAll<T>(w: SeriesWork<T>): T {
  w.run(0, w.count);
  return w.result();
}

/** Work that is already done. */
export function doneWork<T>(value: T): SeriesWork<T> {
  return { count: 0, run() {}, result: () => value };
}
