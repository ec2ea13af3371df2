import type { MetricFamily } from '../exposition/types.ts';
import type { Collector } from './collector.ts';

export type { Collector } from './collector.ts';
export {
  EXPORTER_COLLECTORS,
  type ExporterCollectorName,
  type ExporterOptions,
  parseListenAddress,
  type RunningExporter,
  startExporter,
} from './exporter.ts';
export * from './host/index.ts';
export * from './logs/index.ts';
export * from './probe/index.ts';
export * from './process/index.ts';

/**
 * Runs collectors concurrently and concatenates their families, merging families of the same
 * name. A collector that rejects contributes nothing (and `onError` hears about it); the others still count.
 */
export async function collectToFamilies(
  collectors: readonly Collector[],
  onError?: (collector: string, err: unknown) => void,
): Promise<MetricFamily[]> {
  const results = await Promise.allSettled(collectors.map((c) => c.collect()));
  const byName = new Map<string, MetricFamily>();
  for (let i = 0; i < results.length; i++) {
    const r = results[i];
    if (r.status === 'rejected') {
      onError?.(collectors[i].name, r.reason);
      continue;
    }
    for (const f of r.value) {
      const prev = byName.get(f.name);
      if (prev === undefined) byName.set(f.name, { ...f, samples: [...f.samples] });
      else for (const s of f.samples) prev.samples.push(s);
    }
  }
  return [...byName.values()];
}
