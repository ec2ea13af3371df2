import type { Labels } from '../model/index.ts';

/** One series of a target (possibly reached through several spellings of its text). */
export interface CacheEntry {
  /** TSDB ref of the series (0 = unknown yet). */
  ref: number;
  /** Labels after target labels and metric_relabel_configs; null when relabeling dropped the series. */
  labels: Labels | null;
  /** Labels hash cut to 30 bits (V8 keeps small integers unboxed); collisions only lose sharing. */
  hash: number;
  /** Last scrape iteration the text appeared in (for expiry). */
  lastIter: number;
  /** Attempt in which a sample of this series was last taken, to drop duplicates within one page. */
  seenAttempt: number;
  /** Attempt in which the series was last written with staleness tracking. */
  trackedAttempt: number;
  /** The (flat) series text this entry was first cached under. */
  key: string;
  /** Whether the parser may match `key` without parsing it (see ExpositionTextParser.expectKey). */
  fast: boolean;
}

/** Keys the parser's expectKey() fast path accepts: an unquoted metric name first, no line break. */
function fastKey(key: string): boolean {
  const c = key.charCodeAt(0);
  const nameStart = (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || c === 95 || c === 58;
  return nameStart && key.indexOf('\n') < 0;
}

/** How many iterations an entry may go unseen before it is forgotten. */
const EXPIRE_AFTER = 2;

/**
 * Per-loop cache: the series text of a page -> ref and final labels, so a scrape parses labels and
 * runs relabeling only for series it has not seen recently. Also tracks which series were written in
 * the last successful scrape, to write staleness markers for the ones that vanished. Tracking uses
 * fields on the entries and two reused arrays, so a scrape allocates nothing per sample here.
 */
export class ScrapeCache {
  readonly entries = new Map<string, CacheEntry>();
  /** Labels hash -> entry, so different spellings of one series share an entry (labels are compared). */
  private readonly byHash = new Map<number, CacheEntry>();
  /** Series written (and tracked for staleness) in the last committed scrape. */
  private prevTracked: CacheEntry[] = [];
  /** Series written in the current attempt. */
  private curTracked: CacheEntry[] = [];
  iter = 0;
  attempt = 0;
  /** Entries by position in the last committed page, and in the current one. */
  private orderPrev: CacheEntry[] = [];
  private orderCur: CacheEntry[] = [];

  /** Series refs of the report series (up, scrape_duration_seconds, ...), by index. */
  readonly reportRefs: number[] = [0, 0, 0, 0, 0];
  reportLabels: Labels[] | null = null;

  /**
   * Takes a label name or value from the parser into a cached series. The parser's labels() already
   * returns strings detached from the page, and the head replaces them with its interned copies when it
   * creates the series (the cached Labels is the head's), so no per-target table is kept.
   */
  readonly intern = (s: string): string => s;

  get(key: string): CacheEntry | undefined {
    return this.entries.get(key);
  }

  /** Caches a new series text; reuses the entry of the same labels reached through another text. */
  add(key: string, labels: Labels | null, fullHash: number): CacheEntry {
    const hash = fullHash & 0x3fffffff;
    let e: CacheEntry | undefined;
    if (labels !== null) {
      const same = this.byHash.get(hash);
      if (same?.labels?.equals(labels)) e = same;
    }
    const flat = flatten(key);
    if (e === undefined) {
      e = {
        ref: 0,
        labels,
        hash,
        lastIter: this.iter,
        seenAttempt: 0,
        trackedAttempt: 0,
        key: flat,
        fast: fastKey(flat),
      };
      if (labels !== null) this.byHash.set(hash, e);
    }
    this.entries.set(flat, e);
    return e;
  }

  /**
   * Looks up the entry for the series at `pos` of the page. Pages list their series in the same order
   * every scrape, so comparing with the text seen at that position last time usually avoids hashing
   * the text for a map lookup.
   */
  lookup(key: string, pos: number): CacheEntry | undefined {
    const prev = this.orderPrev;
    if (pos < prev.length) {
      const e = prev[pos];
      if (e.key === key) return e;
    }
    return this.entries.get(key);
  }

  /** The entry at `pos` of the last committed page, if any. */
  previousAt(pos: number): CacheEntry | undefined {
    const prev = this.orderPrev;
    return pos < prev.length ? prev[pos] : undefined;
  }

  /** Records the entry at `pos` of the current page (for lookup in the next scrape). */
  setPosition(pos: number, e: CacheEntry): void {
    this.orderCur[pos] = e;
  }

  /** Marks the entry as written in this attempt with staleness tracking. */
  track(e: CacheEntry): void {
    if (e.trackedAttempt === this.attempt) return;
    e.trackedAttempt = this.attempt;
    this.curTracked.push(e);
  }

  /** Starts a new attempt (one page, or one empty page after a failure). */
  beginAttempt(): void {
    this.attempt++;
    this.curTracked.length = 0;
    this.orderCur.length = 0;
  }

  /** The attempt was rolled back: nothing from it counts. */
  abortAttempt(): void {
    this.curTracked.length = 0;
  }

  /** Calls f for each series of the last committed scrape not written in the current attempt. */
  forEachStale(f: (e: CacheEntry) => void): void {
    const a = this.attempt;
    for (const e of this.prevTracked) if (e.trackedAttempt !== a) f(e);
  }

  /** The attempt was committed: it becomes the previous scrape; expire entries not seen lately. */
  iterDone(seenEntries: number, flush: boolean): void {
    const prev = this.prevTracked;
    this.prevTracked = this.curTracked;
    prev.length = 0;
    this.curTracked = prev;
    if (flush) {
      const o = this.orderPrev;
      this.orderPrev = this.orderCur;
      o.length = 0;
      this.orderCur = o;
    }
    if (flush && this.entries.size > seenEntries) {
      const limit = this.iter - EXPIRE_AFTER;
      for (const [k, e] of this.entries) {
        if (e.lastIter >= limit) continue;
        this.entries.delete(k);
        if (this.byHash.get(e.hash) === e) this.byHash.delete(e.hash);
      }
    }
    this.iter++;
  }

  /** Forgets cached labels (after metric_relabel_configs changed) but keeps staleness tracking. */
  invalidateLabels(): void {
    this.entries.clear();
    this.byHash.clear();
    this.orderPrev.length = 0;
    this.orderCur.length = 0;
    // Series of the last scrape stay findable by their labels, so they do not get spurious markers.
    for (const e of this.prevTracked) if (e.labels !== null) this.byHash.set(e.hash, e);
    this.reportLabels = null;
    this.reportRefs.fill(0);
  }
}

/**
 * Copies a string into its own flat storage. Substrings of a scraped page would otherwise keep the whole
 * page alive for as long as the cache holds them. V8 makes strings under 13 characters as copies; longer
 * ones go through a UTF-8 round trip, which (unlike slicing a concatenation) yields a plain sequential
 * string: no 32-byte slice header in front of a parent string, and direct comparisons.
 */
export function flatten(s: string): string {
  return s.length < 13 ? s : Buffer.from(s, 'utf8').toString('utf8');
}
