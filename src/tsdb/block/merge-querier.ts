import { compareLabels, compareStrings, type Labels, type Matcher } from '../../model/index.ts';
import type { Querier, SampleIterator, SelectHints, Series } from '../interfaces.ts';
import { sortedByLabels } from './block.ts';

/**
 * A querier over several queriers (blocks and the head) as if they were one: series with equal labels are
 * merged into one series whose samples come in time order; where sources hold a sample at the same
 * timestamp, the later querier in the list wins (put the head last).
 */
export class MergeQuerier implements Querier {
  private readonly queriers: readonly Querier[];

  constructor(queriers: readonly Querier[]) {
    this.queriers = queriers;
  }

  select(matchers: readonly Matcher[], mint: number, maxt: number, hints?: SelectHints): Series[] {
    const qs = this.queriers;
    if (qs.length === 1) return qs[0].select(matchers, mint, maxt, hints);
    // blocks list series in byte-wise label order, which differs from compareLabels only for rare
    // characters; re-sort such a list so the merge below sees one order
    const lists = qs.map((q) => sortedByLabels(q.select(matchers, mint, maxt, hints)));
    const pos = new Array<number>(lists.length).fill(0);
    const out: Series[] = [];
    for (;;) {
      let min: Labels | null = null;
      for (let i = 0; i < lists.length; i++) {
        const s = lists[i][pos[i]];
        if (s !== undefined && (min === null || compareLabels(s.labels, min) < 0)) min = s.labels;
      }
      if (min === null) break;
      const parts: Series[] = [];
      for (let i = 0; i < lists.length; i++) {
        const s = lists[i][pos[i]];
        if (s !== undefined && compareLabels(s.labels, min) === 0) {
          parts.push(s);
          pos[i]++;
        }
      }
      out.push(parts.length === 1 ? parts[0] : new MergedSeries(parts[0].labels, parts));
    }
    return out;
  }

  labelNames(matchers: readonly Matcher[], mint: number, maxt: number): string[] {
    const set = new Set<string>();
    for (const q of this.queriers) for (const n of q.labelNames(matchers, mint, maxt)) set.add(n);
    return [...set].sort(compareStrings);
  }

  labelValues(name: string, matchers: readonly Matcher[], mint: number, maxt: number): string[] {
    const set = new Set<string>();
    for (const q of this.queriers) for (const v of q.labelValues(name, matchers, mint, maxt)) set.add(v);
    return [...set].sort(compareStrings);
  }
}

class MergedSeries implements Series {
  readonly labels: Labels;
  private readonly parts: readonly Series[];

  constructor(labels: Labels, parts: readonly Series[]) {
    this.labels = labels;
    this.parts = parts;
  }

  iterator(): SampleIterator {
    return new MergedIterator(this.parts.map((p) => p.iterator()));
  }
}

/** k-way merge of sample iterators by time; on equal timestamps the highest-index iterator's value wins. */
class MergedIterator implements SampleIterator {
  t = 0;
  v = 0;
  private readonly its: SampleIterator[];
  /** Whether its[i] is positioned on a sample not yet emitted. */
  private readonly live: boolean[];
  private started = false;
  /** Whether (t, v) holds a sample. */
  private current = false;

  constructor(its: SampleIterator[]) {
    this.its = its;
    this.live = its.map(() => false);
  }

  private prime(): void {
    if (this.started) return;
    this.started = true;
    for (let i = 0; i < this.its.length; i++) this.live[i] = this.its[i].next();
  }

  next(): boolean {
    this.prime();
    this.current = this.emit();
    return this.current;
  }

  seek(t: number): boolean {
    if (this.current && this.t >= t) return true;
    this.prime();
    for (let i = 0; i < this.its.length; i++) {
      if (this.live[i] && this.its[i].t < t) this.live[i] = this.its[i].seek(t);
    }
    this.current = this.emit();
    return this.current;
  }

  /** Takes the smallest timestamp among live iterators and advances every iterator positioned on it. */
  private emit(): boolean {
    let best = -1;
    let bestT = 0;
    for (let i = 0; i < this.its.length; i++) {
      if (!this.live[i]) continue;
      const t = this.its[i].t;
      // later iterators win ties
      if (best < 0 || t <= bestT) {
        best = i;
        bestT = t;
      }
    }
    if (best < 0) return false;
    this.t = bestT;
    this.v = this.its[best].v;
    for (let i = 0; i < this.its.length; i++) {
      if (this.live[i] && this.its[i].t === bestT) this.live[i] = this.its[i].next();
    }
    return true;
  }
}
