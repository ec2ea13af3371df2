import type { Logger } from '../discovery/index.ts';
import { createParser, ExpositionError, type ExpositionFormat } from '../exposition/index.ts';
import { isStaleNaN, type Labels, STALE_NAN } from '../model/index.ts';
import { type Appendable, AppendError, type Appender } from '../tsdb/interfaces.ts';
import { formatForContentType } from './content-type.ts';
import type { CompiledRelabelConfig } from './relabel.ts';
import {
  checkLabelLimits,
  checkSeriesLabels,
  type LabelLimits,
  mutateSampleLabels,
  reportLabels,
} from './sample-labels.ts';
import { type CacheEntry, ScrapeCache } from './scrape-cache.ts';
import type { Target } from './target.ts';

/** What a scrape fetches: the page and its Content-Type. */
export interface FetchedPage {
  body: Uint8Array | string;
  contentType: string;
}

export type FetchFn = (timeoutMs: number, signal: AbortSignal) => Promise<FetchedPage>;

/** Scrape settings shared by all loops of a pool (derived from the scrape config). */
export interface LoopSettings {
  honorLabels: boolean;
  honorTimestamps: boolean;
  trackTimestampsStaleness: boolean;
  sampleLimit: number;
  limits: LabelLimits;
  metricRelabel: readonly CompiledRelabelConfig[];
  validation: 'utf8' | 'legacy';
  fallbackFormat: ExpositionFormat | null;
}

/** Counters for self-monitoring, shared by the loops of a manager. */
export interface ScrapeStats {
  scrapes: number;
  failedScrapes: number;
  samplesAppended: number;
  outOfOrder: number;
  duplicateTimestamps: number;
  outOfBounds: number;
  duplicateSeriesInPage: number;
  sampleLimitExceeded: number;
}

export function newScrapeStats(): ScrapeStats {
  return {
    scrapes: 0,
    failedScrapes: 0,
    samplesAppended: 0,
    outOfOrder: 0,
    duplicateTimestamps: 0,
    outOfBounds: 0,
    duplicateSeriesInPage: 0,
    sampleLimitExceeded: 0,
  };
}

export const REPORT_NAMES = [
  'up',
  'scrape_duration_seconds',
  'scrape_samples_scraped',
  'scrape_samples_post_metric_relabeling',
  'scrape_series_added',
] as const;

/** Scrape timestamps within this distance of the schedule use the scheduled time (better compression). */
const TIMESTAMP_TOLERANCE_MS = 2;

export interface ScrapeLoopOptions {
  target: Target;
  appendable: Appendable;
  fetch: FetchFn;
  settings: LoopSettings;
  stats: ScrapeStats;
  logger: Logger;
  /** Taken over from the loop this one replaces on a reload, so staleness tracking continues. */
  cache?: ScrapeCache;
  /** Varies the scrape offsets between servers (Prometheus uses a hash of external labels). */
  offsetSeed?: number;
}

interface PageResult {
  total: number;
  added: number;
  seriesAdded: number;
  error: string | null;
}

/**
 * Scrapes one target every interval: fetch, parse, attach labels, relabel, check limits, append,
 * write staleness markers and the report series (up, scrape_duration_seconds, ...).
 */
export class ScrapeLoop {
  readonly target: Target;
  readonly cache: ScrapeCache;
  private readonly appendable: Appendable;
  private readonly fetchPage: FetchFn;
  settings: LoopSettings;
  /** When set, scrapes fail with this error without fetching (e.g. target_limit exceeded). */
  forcedError: string | null = null;
  private readonly stats: ScrapeStats;
  private readonly logger: Logger;
  private readonly offsetSeed: number;
  private timer: NodeJS.Timeout | null = null;
  private endOfRunTimer: NodeJS.Timeout | null = null;
  private abort = new AbortController();
  private running: Promise<void> | null = null;
  private stopped = false;
  /** Next scheduled scrape time (ms). */
  private next = 0;
  /** Time of the last scrape (ms), 0 = never. */
  private lastScrapeTime = 0;

  constructor(o: ScrapeLoopOptions) {
    this.target = o.target;
    this.appendable = o.appendable;
    this.fetchPage = o.fetch;
    this.settings = o.settings;
    this.stats = o.stats;
    this.logger = o.logger;
    this.cache = o.cache ?? new ScrapeCache();
    this.offsetSeed = o.offsetSeed ?? 0;
  }

  /** Starts scraping at a per-target offset within the interval, then every interval. */
  start(): void {
    const now = Date.now();
    this.next = now + scrapeOffset(this.target.hash, this.offsetSeed, this.target.intervalMs, now);
    this.schedule();
  }

  private schedule(): void {
    if (this.stopped) return;
    this.timer = setTimeout(() => this.tick(), Math.max(0, this.next - Date.now()));
  }

  private tick(): void {
    this.timer = null;
    const scheduled = this.next;
    this.running = this.scrapeAndReport(scheduled)
      .catch((e) => this.logger.error({ err: String(e), target: this.target.url }, 'scrape loop error'))
      .finally(() => {
        this.running = null;
        const iv = this.target.intervalMs;
        this.next = scheduled + iv;
        // Skip ticks we missed (a slow event loop), like Go's ticker.
        const now = Date.now();
        if (this.next < now) this.next += Math.ceil((now - this.next) / iv) * iv;
        this.schedule();
      });
  }

  /**
   * Stops scraping. With endOfRunStaleness (the target went away), staleness markers for all its
   * series are written a little over two intervals later, as Prometheus does, unless cancelled.
   */
  async stop(endOfRunStaleness: boolean): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    this.abort.abort();
    if (this.running) await this.running;
    if (!endOfRunStaleness || this.lastScrapeTime === 0) return;
    const iv = this.target.intervalMs;
    let staleTime = this.next;
    const now = Date.now();
    if (staleTime <= now) staleTime += Math.ceil((now - staleTime) / iv) * iv;
    const writeAt = staleTime + iv + iv / 10;
    this.endOfRunTimer = setTimeout(
      () => {
        this.endOfRunTimer = null;
        this.writeEndOfRunStaleness(staleTime);
      },
      Math.max(0, writeAt - now),
    );
  }

  /** Cancels pending end-of-run staleness markers (server shutdown). */
  cancelEndOfRun(): void {
    if (this.endOfRunTimer) clearTimeout(this.endOfRunTimer);
    this.endOfRunTimer = null;
  }

  get pendingEndOfRun(): boolean {
    return this.endOfRunTimer !== null;
  }

  private writeEndOfRunStaleness(t: number): void {
    const app = this.appendable.appender();
    try {
      this.appendEmpty(app, t);
      this.appendReport(app, t, STALE_NAN, STALE_NAN, STALE_NAN, STALE_NAN, STALE_NAN);
      app.commit();
    } catch (e) {
      app.rollback();
      this.logger.warn({ err: String(e), target: this.target.url }, 'stale append failed');
    }
  }

  /** One scrape at `scheduled` (exported for tests and benchmarks). */
  async scrapeAndReport(scheduled: number): Promise<void> {
    const start = Date.now();
    const appendTime = Math.abs(start - scheduled) <= TIMESTAMP_TOLERANCE_MS ? scheduled : start;
    let scrapeErr: string | null = null;
    let page: FetchedPage | null = null;
    if (this.forcedError !== null) scrapeErr = this.forcedError;
    else {
      try {
        page = await this.fetchPage(this.target.timeoutMs, this.abort.signal);
      } catch (e) {
        scrapeErr = (e as Error).message || String(e);
      }
    }
    if (this.stopped) return;
    this.stats.scrapes++;
    let app = this.appendable.appender();
    let res: PageResult = { total: 0, added: 0, seriesAdded: 0, error: null };
    if (page !== null) {
      const f = formatForContentType(page.contentType, this.settings.fallbackFormat);
      if ('error' in f) res.error = f.error;
      else res = this.appendPage(app, page.body, f.format, appendTime);
    }
    const err = scrapeErr ?? res.error;
    if (err !== null) {
      if (res.error !== null) {
        app.rollback();
        app = this.appendable.appender();
      }
      // A failed scrape counts as an empty one: every series of the last scrape goes stale.
      this.appendEmpty(app, appendTime);
      this.stats.failedScrapes++;
      this.logger.debug?.({ target: this.target.url, err }, 'Scrape failed');
    }
    const duration = (Date.now() - start) / 1000;
    this.appendReport(app, appendTime, err === null ? 1 : 0, duration, res.total, res.added, res.seriesAdded);
    let commitErr: string | null = null;
    try {
      app.commit();
    } catch (e) {
      // Storage refused the batch (e.g. a full disk): nothing was stored, so the target shows as down.
      commitErr = `storage: ${(e as Error).message}`;
    }
    this.lastScrapeTime = appendTime;
    const t = this.target;
    const finalErr = err ?? commitErr;
    t.health = finalErr === null ? 'up' : 'down';
    t.lastError = finalErr ?? '';
    t.lastScrape = start;
    t.lastScrapeDuration = duration;
  }

  private appendPage(app: Appender, body: Uint8Array | string, format: ExpositionFormat, defTime: number): PageResult {
    const c = this.cache;
    const s = this.settings;
    const st = this.stats;
    const targetLabels = this.target.labels;
    c.beginAttempt();
    const attempt = c.attempt;
    const iter = c.iter;
    let total = 0;
    let added = 0;
    let seriesAdded = 0;
    let limited = 0;
    let seenKeys = 0;
    let appended = 0;
    let sampleLimitErr = false;
    let error: string | null = null;
    let ooo = 0;
    let dup = 0;
    try {
      const p = createParser(body, format);
      // The entry at this position of the last page: its text is announced to the parser, which then
      // only compares the line with it instead of parsing labels (pages list series in the same order).
      let expected = c.previousAt(0);
      if (expected?.fast) p.expectKey(expected.key);
      for (let e = p.next(); e !== null; e = p.next()) {
        if (e !== 'series') continue;
        const pos = total++;
        let entry: CacheEntry | undefined;
        let key = '';
        if (expected !== undefined && p.keyMatched()) entry = expected;
        else {
          key = p.seriesKey();
          entry = c.lookup(key, pos);
        }
        expected = c.previousAt(pos + 1);
        if (expected?.fast) p.expectKey(expected.key);
        let isNew = false;
        if (entry === undefined) {
          const lset = mutateSampleLabels(p.labels(), targetLabels, s.honorLabels, s.metricRelabel, c.intern);
          if (lset === null) {
            c.setPosition(pos, c.add(key, null, 0));
            seenKeys++;
            continue;
          }
          error = checkSeriesLabels(lset, s.validation) ?? checkLabelLimits(lset, s.limits);
          if (error !== null) break;
          // The key is a slice of the page: add() stores a copy, so the cache does not keep pages alive.
          entry = c.add(key, lset, lset.hash());
          isNew = true;
        } else if (entry.lastIter !== iter) {
          entry.lastIter = iter;
        }
        c.setPosition(pos, entry);
        seenKeys++;
        const labels = entry.labels;
        if (labels === null) continue;
        added++;
        if (entry.seenAttempt === attempt) {
          // The same series twice in one page: keep the first sample, as the TSDB would.
          st.duplicateSeriesInPage++;
          continue;
        }
        entry.seenAttempt = attempt;
        const v = p.value();
        if (s.sampleLimit > 0 && !isStaleNaN(v) && ++limited > s.sampleLimit) {
          // Keep parsing so scrape_samples_scraped reports the full count.
          sampleLimitErr = true;
          continue;
        }
        let t = defTime;
        let explicit = false;
        if (s.honorTimestamps) {
          const ts = p.timestamp();
          if (ts !== undefined) {
            t = ts;
            explicit = true;
          }
        }
        try {
          entry.ref = app.append(entry.ref, labels, t, v);
        } catch (ex) {
          if (!(ex instanceof AppendError)) throw ex;
          if (ex.kind === 'out_of_order') ooo++;
          else if (ex.kind === 'duplicate') dup++;
          else if (ex.kind === 'out_of_bounds' || ex.kind === 'too_old') st.outOfBounds++;
          else throw ex;
          continue;
        }
        appended++;
        if (!explicit || s.trackTimestampsStaleness) c.track(entry);
        if (isNew) seriesAdded++;
      }
    } catch (e) {
      error = e instanceof ExpositionError || e instanceof AppendError ? e.message : String((e as Error).message ?? e);
    }
    if (error === null && sampleLimitErr) {
      error = 'sample limit exceeded';
      st.sampleLimitExceeded++;
    }
    if (ooo > 0) {
      st.outOfOrder += ooo;
      this.logger.warn({ target: this.target.url, num_dropped: ooo }, 'Error on ingesting out-of-order samples');
    }
    if (dup > 0) {
      st.duplicateTimestamps += dup;
      this.logger.warn(
        { target: this.target.url, num_dropped: dup },
        'Error on ingesting samples with different value but same timestamp',
      );
    }
    if (error !== null) {
      c.abortAttempt();
      return { total, added, seriesAdded, error };
    }
    st.samplesAppended += appended;
    this.appendStaleMarkers(app, defTime);
    c.iterDone(seenKeys, true);
    return { total, added, seriesAdded, error: null };
  }

  /** Staleness markers for the series of the last scrape missing from this one. */
  private appendStaleMarkers(app: Appender, t: number): void {
    this.cache.forEachStale((e) => {
      try {
        e.ref = app.append(e.ref, e.labels as Labels, t, STALE_NAN);
      } catch (ex) {
        // A newer sample already exists (e.g. the target was re-created): the marker is not needed.
        if (!(ex instanceof AppendError)) throw ex;
      }
    });
  }

  /** An empty page: all series of the last scrape become stale. */
  private appendEmpty(app: Appender, t: number): void {
    this.cache.beginAttempt();
    this.appendStaleMarkers(app, t);
    this.cache.iterDone(0, false);
  }

  private appendReport(
    app: Appender,
    t: number,
    up: number,
    dur: number,
    total: number,
    added: number,
    sa: number,
  ): void {
    // Values are passed one by one: storing them in a JS array would canonicalize the stale NaN's bits.
    this.appendReportSample(app, 0, t, up);
    this.appendReportSample(app, 1, t, dur);
    this.appendReportSample(app, 2, t, total);
    this.appendReportSample(app, 3, t, added);
    this.appendReportSample(app, 4, t, sa);
  }

  private appendReportSample(app: Appender, i: number, t: number, v: number): void {
    const c = this.cache;
    if (c.reportLabels === null) c.reportLabels = REPORT_NAMES.map((n) => reportLabels(n, this.target.labels));
    try {
      c.reportRefs[i] = app.append(c.reportRefs[i], c.reportLabels[i], t, v);
    } catch (ex) {
      if (!(ex instanceof AppendError)) throw ex;
    }
  }
}

/**
 * Where in the interval a target is scraped: a fixed phase from the target's hash, so a pool's targets
 * spread over the interval and keep their phase across restarts (as Prometheus's Target.offset).
 */
export function scrapeOffset(hash: number, seed: number, interval: number, now: number): number {
  const phase = (hash + seed) % interval;
  const base = interval - (now % interval);
  let next = base + phase;
  if (next > interval) next -= interval;
  return next;
}
