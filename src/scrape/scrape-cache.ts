import type { Labels } from '../model/index.ts';

/** One distinct series text seen on a target's page. */
export interface CacheEntry {
  /** TSDB ref of the series (0 = unknown yet). */
  ref: number;
  /** Labels after target labels and metric_relabel_configs; null when relabeling dropped the series. */
  labels: Labels | null;
  hash: number;
  /** Last scrape iteration the text appeared in (for expiry). */
  lastIter: number;
  /** Attempt in which a sample of this entry was last taken, to drop duplicates within one page. */
  seenAttempt: number;
}

/** How many iterations an entry may go unseen before it is forgotten. */
const EXPIRE_AFTER = 2;

/**
 * Per-loop cache: the series text of a page -> ref and final labels, so a scrape parses labels and
 * runs relabeling only for series it has not seen recently. Also tracks which series were written in
 * the last successful scrape (by labels hash) to write staleness markers for the ones that vanished.
 */
export class ScrapeCache {
  readonly entries = new Map<string, CacheEntry>();
  /** Series written (and tracked for staleness) in the last committed scrape. */
  seriesPrev = new Map<number, CacheEntry>();
  /** Series written in the current attempt. */
  seriesCur = new Map<number, CacheEntry>();
  iter = 0;
  attempt = 0;

  /** Series refs of the report series (up, scrape_duration_seconds, ...), by index. */
  readonly reportRefs: number[] = [0, 0, 0, 0, 0];
  reportLabels: Labels[] | null = null;

  get(key: string): CacheEntry | undefined {
    return this.entries.get(key);
  }

  add(key: string, labels: Labels | null, hash: number): CacheEntry {
    const e: CacheEntry = { ref: 0, labels, hash, lastIter: this.iter, seenAttempt: 0 };
    this.entries.set(flatten(key), e);
    return e;
  }

  /** Starts a new attempt (one page, or one empty page after a failure). */
  beginAttempt(): void {
    this.attempt++;
    this.seriesCur.clear();
  }

  /** The attempt was rolled back: nothing from it counts. */
  abortAttempt(): void {
    this.seriesCur.clear();
  }

  /** Calls f for each series of the last committed scrape that is not in the current attempt. */
  forEachStale(f: (e: CacheEntry) => void): void {
    const cur = this.seriesCur;
    for (const [h, e] of this.seriesPrev) if (!cur.has(h)) f(e);
  }

  /** The attempt was committed: it becomes the previous scrape; expire entries not seen lately. */
  iterDone(seenEntries: number, flush: boolean): void {
    const prev = this.seriesPrev;
    this.seriesPrev = this.seriesCur;
    prev.clear();
    this.seriesCur = prev;
    if (flush && this.entries.size > seenEntries) {
      const limit = this.iter - EXPIRE_AFTER;
      for (const [k, e] of this.entries) if (e.lastIter < limit) this.entries.delete(k);
    }
    this.iter++;
  }

  /** Forgets cached labels (after metric_relabel_configs changed) but keeps staleness tracking. */
  invalidateLabels(): void {
    this.entries.clear();
    this.reportLabels = null;
    this.reportRefs.fill(0);
  }
}

/**
 * Copies a string into its own storage. Substrings of a scraped page would otherwise keep the whole
 * page alive for as long as the cache holds them.
 */
export function flatten(s: string): string {
  return s.length < 13 ? s : Buffer.from(s, 'utf8').toString('utf8');
}
