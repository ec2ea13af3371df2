import type { MetricFamily } from '../exposition/types.ts';

/**
 * A built-in exporter. collect() is called once per scrape and returns fresh families;
 * it should not throw for partial failures (report them as metrics instead).
 */
export interface Collector {
  readonly name: string;
  collect(): Promise<MetricFamily[]>;
}
