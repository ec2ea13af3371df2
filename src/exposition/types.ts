import type { Labels } from '../model/index.ts';

/**
 * The exposition contract shared by the scrape loop, collectors and /metrics.
 * Text 0.0.4 ("text") and OpenMetrics 1.0 ("openmetrics").
 */
export type ExpositionFormat = 'text' | 'openmetrics';

export type MetricType =
  | 'counter'
  | 'gauge'
  | 'histogram'
  | 'gaugehistogram'
  | 'summary'
  | 'info'
  | 'stateset'
  | 'unknown';

/** What the parser found at the current position. */
export type EntryKind = 'series' | 'help' | 'type' | 'unit' | 'comment' | 'eof';

/** Thrown on malformed input. `line` and `col` are 1-based. Message: "line:col: what is wrong". */
export class ExpositionError extends Error {
  readonly line: number;
  readonly col: number;
  constructor(line: number, col: number, message: string) {
    super(`${line}:${col}: ${message}`);
    this.line = line;
    this.col = col;
  }
}

/**
 * A pull parser over one scraped page. Typical use in the scrape loop:
 *
 *   for (let e = p.next(); e !== null; e = p.next()) {
 *     if (e !== 'series') continue;
 *     const key = p.seriesKey();              // raw text; cache key -> series ref
 *     const labels = cacheMiss ? p.labels() : undefined;
 *     append(labels, p.timestamp() ?? scrapeTime, p.value());
 *   }
 *
 * next() returns null at the end of input and throws ExpositionError on malformed input.
 */
export interface ExpositionParser {
  next(): EntryKind | null;
  /**
   * After 'series': the metric name and label set exactly as written, usable as a cache key.
   * It is a view into the page: store detachString(key) when keeping it, or the page stays in memory.
   */
  seriesKey(): string;
  /** After 'series': parsed labels including __name__, sorted. Allocates; call on cache misses only. */
  labels(): Labels;
  /** After 'series': the sample value (NaN/±Inf allowed). */
  value(): number;
  /** After 'series': the explicit timestamp in ms, or undefined. */
  timestamp(): number | undefined;
  /** After 'help'/'type'/'unit': the metric family name. */
  familyName(): string;
  /** After 'help': the unescaped help text. */
  help(): string;
  /** After 'type': the declared type. */
  type(): MetricType;
  /** After 'unit': the unit. */
  unit(): string;
  /** 1-based line of the current entry. */
  line(): number;
}

/** One sample of a family, for writers. `labels` excludes nothing: it carries __name__ with suffixes. */
export interface MetricSample {
  labels: Labels;
  value: number;
  /** ms; omitted when undefined. */
  timestamp?: number;
}

/** A metric family, as produced by collectors and /metrics, consumed by the writers. */
export interface MetricFamily {
  name: string;
  help: string;
  type: MetricType;
  unit?: string;
  samples: MetricSample[];
}
