import type { Labels, Matcher } from '../model/index.ts';

/**
 * The TSDB's narrow interfaces. Scraping, remote write and rule evaluation append through Appender;
 * the PromQL engine and the API read through Querier. Nothing else of the TSDB is used by other parts.
 */

/** An opaque reference to a series, returned by append so the next scrape can skip the label lookup. 0 = unknown. */
export type SeriesRef = number;

/** Why a sample was not stored. Thrown by Appender.append as an AppendError. */
export type AppendErrorKind = 'out_of_order' | 'duplicate' | 'out_of_bounds' | 'too_old' | 'invalid_labels';

export class AppendError extends Error {
  readonly kind: AppendErrorKind;
  constructor(kind: AppendErrorKind, message: string) {
    super(message);
    this.kind = kind;
  }
}

/** A batch of samples that becomes visible to queries atomically on commit. */
export interface Appender {
  /**
   * Adds a float sample. `ref` is a value returned by a previous append for the same labels (or 0).
   * Returns the series ref. Throws AppendError for out-of-order/duplicate samples (the batch goes on).
   */
  append(ref: SeriesRef, labels: Labels, t: number, v: number): SeriesRef;
  /** Makes all appended samples visible. */
  commit(): void;
  /** Discards all appended samples. */
  rollback(): void;
}

export interface Appendable {
  appender(): Appender;
}

/** Iterates samples in ascending time order. Usage: while (it.next()) use(it.t, it.v). */
export interface SampleIterator {
  /** Advances to the next sample; false when exhausted. */
  next(): boolean;
  /** Advances to the first sample with timestamp >= t (may stay at the current one); false when none. */
  seek(t: number): boolean;
  /** Timestamp (ms) of the current sample. */
  readonly t: number;
  /** Value of the current sample. */
  readonly v: number;
}

export interface Series {
  readonly labels: Labels;
  iterator(): SampleIterator;
}

export interface SelectHints {
  /** Function the selection feeds, e.g. "rate"; "series" for metadata-only requests. */
  func?: string;
  /** Range of the matrix selector in ms, 0 for instant selectors. */
  range?: number;
}

/** Read access to [mint, maxt] (inclusive, ms). Series come sorted by labels. */
export interface Querier {
  select(matchers: readonly Matcher[], mint: number, maxt: number, hints?: SelectHints): Series[];
  /** Sorted label names of series matching all matchers (all series when none given). */
  labelNames(matchers: readonly Matcher[], mint: number, maxt: number): string[];
  /** Sorted values of `name` over series matching all matchers. */
  labelValues(name: string, matchers: readonly Matcher[], mint: number, maxt: number): string[];
}

export interface Queryable {
  querier(): Querier;
}

/** Head statistics for /api/v1/status/tsdb and /metrics. */
export interface HeadStats {
  numSeries: number;
  numSamples: number;
  chunkCount: number;
  minTime: number;
  maxTime: number;
  outOfOrderSamples: number;
  duplicateSamples: number;
  seriesCountByMetricName: { name: string; value: number }[];
  labelValueCountByLabelName: { name: string; value: number }[];
  memoryInBytesByLabelName: { name: string; value: number }[];
  seriesCountByLabelValuePair: { name: string; value: number }[];
}
