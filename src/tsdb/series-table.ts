import type { MemSeries } from './mem-series.ts';

const PAGE_BITS = 12;
const PAGE_SIZE = 1 << PAGE_BITS;

/**
 * Series by ref. Refs are small increasing integers, so a paged array gives O(1) lookups without hashing
 * (much cheaper than a Map on the per-sample append path); a page is released once all its series are gone,
 * so churn does not leave a large sparse array behind.
 */
export class SeriesTable {
  private pages: ((MemSeries | undefined)[] | undefined)[] = [];
  private live: number[] = [];
  size = 0;

  get(ref: number): MemSeries | undefined {
    const page = this.pages[ref >>> PAGE_BITS];
    return page === undefined ? undefined : page[ref & (PAGE_SIZE - 1)];
  }

  set(ref: number, s: MemSeries): void {
    const p = ref >>> PAGE_BITS;
    while (this.pages.length <= p) {
      this.pages.push(undefined);
      this.live.push(0);
    }
    let page = this.pages[p];
    if (page === undefined) {
      page = new Array(PAGE_SIZE).fill(undefined);
      this.pages[p] = page;
    }
    const i = ref & (PAGE_SIZE - 1);
    if (page[i] === undefined) {
      this.live[p]++;
      this.size++;
    }
    page[i] = s;
  }

  delete(ref: number): void {
    const p = ref >>> PAGE_BITS;
    const page = this.pages[p];
    if (page === undefined) return;
    const i = ref & (PAGE_SIZE - 1);
    if (page[i] === undefined) return;
    page[i] = undefined;
    this.size--;
    if (--this.live[p] === 0) this.pages[p] = undefined;
  }

  *values(): IterableIterator<MemSeries> {
    for (const page of this.pages) {
      if (page === undefined) continue;
      for (const s of page) if (s !== undefined) yield s;
    }
  }
}
