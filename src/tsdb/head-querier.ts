import { compareLabels, compareStrings, type Matcher } from '../model/index.ts';
import type { Head } from './head.ts';
import type { Querier, SelectHints, Series } from './interfaces.ts';
import type { MemSeries } from './mem-series.ts';
import { SeriesSnapshot } from './series-iterator.ts';

/**
 * Reads committed head data. Each select takes a snapshot of the matching series' chunks, so results do
 * not change while the caller iterates, even if appends continue.
 */
export class HeadQuerier implements Querier {
  private readonly head: Head;

  constructor(head: Head) {
    this.head = head;
  }

  /** Series matching all matchers, with chunks overlapping [mint, maxt]. */
  private matching(matchers: readonly Matcher[], mint: number, maxt: number): MemSeries[] {
    const head = this.head;
    const ids = head.postings.select(matchers);
    const out: MemSeries[] = [];
    for (let i = 0; i < ids.length; i++) {
      const s = head.series.get(ids[i]);
      if (s === undefined || s.isEmpty) continue;
      if (s.maxTime < mint || s.minTime > maxt) continue;
      out.push(s);
    }
    return out;
  }

  select(matchers: readonly Matcher[], mint: number, maxt: number, _hints?: SelectHints): Series[] {
    const floor = this.head.minValidTime();
    if (mint < floor) mint = floor;
    if (mint > maxt) return [];
    const found = this.matching(matchers, mint, maxt);
    const out: SeriesSnapshot[] = [];
    for (const s of found) {
      // chunks are in time order and do not overlap: take the run overlapping [mint, maxt]
      const n = s.numChunks;
      let a = 0;
      while (a < n && s.chunkMaxT(a) < mint) a++;
      let b = a;
      while (b < n && s.chunkMinT(b) <= maxt) b++;
      if (a === b) continue;
      out.push(new SeriesSnapshot(s, a, b - a, mint, maxt));
    }
    out.sort((x, y) => compareLabels(x.labels, y.labels));
    return out;
  }

  labelNames(matchers: readonly Matcher[], mint: number, maxt: number): string[] {
    if (matchers.length === 0 && this.coversHead(mint, maxt)) return this.head.postings.labelNames();
    const names = new Set<string>();
    for (const s of this.matching(matchers, Math.max(mint, this.head.minValidTime()), maxt)) {
      const f = s.labels.flat;
      for (let i = 0; i < f.length; i += 2) names.add(f[i]);
    }
    return [...names].sort(compareStrings);
  }

  labelValues(name: string, matchers: readonly Matcher[], mint: number, maxt: number): string[] {
    if (matchers.length === 0 && this.coversHead(mint, maxt)) return this.head.postings.labelValues(name);
    const values = new Set<string>();
    for (const s of this.matching(matchers, Math.max(mint, this.head.minValidTime()), maxt)) {
      const v = s.labels.get(name);
      if (v !== '') values.add(v);
    }
    return [...values].sort(compareStrings);
  }

  /** True when [mint, maxt] contains all head data, so the whole index answers label queries. */
  private coversHead(mint: number, maxt: number): boolean {
    const h = this.head;
    return mint <= h.minTime() && maxt >= h.maxTime();
  }
}
