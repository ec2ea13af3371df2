import type { MetricFamily } from '../../exposition/types.ts';
import type { Collector } from '../collector.ts';
import { CollectContext, type SubCollector } from './context.ts';
import { FamilyBuilder } from './family-builder.ts';
import { LabelsCache } from './labels-cache.ts';
import { createSubCollectors, type SubCollectorOptions } from './registry.ts';

export interface HostCollectorOptions extends SubCollectorOptions {
  procPath?: string;
  sysPath?: string;
  rootfsPath?: string;
  /** Sub-collector names to run (e.g. ['cpu', 'meminfo']); all of them when omitted. */
  enabled?: string[];
}

/**
 * Linux host metrics with node_exporter's names, labels, types and help. Sub-collectors run
 * concurrently; one failing yields node_scrape_collector_success{collector="x"} 0 and drops only its own metrics.
 */
export class HostCollector implements Collector {
  readonly name = 'host';
  private readonly subs: SubCollector[];
  private readonly labels = new LabelsCache();
  private readonly procPath: string;
  private readonly sysPath: string;
  private readonly rootfsPath: string;
  private readonly onError?: (collector: string, err: unknown) => void;

  constructor(opts: HostCollectorOptions = {}) {
    if ((opts.textfileDirectory === undefined) !== (opts.textfileParser === undefined)) {
      throw new Error('textfileDirectory and textfileParser must be given together');
    }
    this.procPath = opts.procPath ?? '/proc';
    this.sysPath = opts.sysPath ?? '/sys';
    this.rootfsPath = opts.rootfsPath ?? '/';
    this.onError = opts.onError;
    const all = createSubCollectors(opts);
    if (opts.enabled === undefined) {
      this.subs = all;
    } else {
      const known = new Set(all.map((s) => s.name));
      const unknown = opts.enabled.filter((n) => !known.has(n));
      if (unknown.length > 0) {
        throw new Error(`unknown host collector(s): ${unknown.join(', ')} (known: ${[...known].join(', ')})`);
      }
      const want = new Set(opts.enabled);
      this.subs = all.filter((s) => want.has(s.name));
    }
  }

  /** Names of the sub-collectors this instance runs. */
  get collectorNames(): string[] {
    return this.subs.map((s) => s.name);
  }

  async collect(): Promise<MetricFamily[]> {
    const ctx = new CollectContext(this.procPath, this.sysPath, this.rootfsPath);
    const results = await Promise.all(this.subs.map((s) => this.runOne(s, ctx)));
    const merged = new Map<string, MetricFamily>();
    const scrape = new FamilyBuilder(this.labels);
    for (let i = 0; i < results.length; i++) {
      const r = results[i];
      const name = this.subs[i].name;
      scrape.gauge(
        'node_scrape_collector_duration_seconds',
        'node_exporter: Duration of a collector scrape.',
        r.seconds,
        'collector',
        name,
      );
      scrape.gauge(
        'node_scrape_collector_success',
        'node_exporter: Whether a collector succeeded.',
        r.families ? 1 : 0,
        'collector',
        name,
      );
      if (r.families) for (const f of r.families) mergeInto(merged, f);
    }
    for (const f of scrape.result()) mergeInto(merged, f);
    // node_exporter's page is sorted by family name; keep that so the two are easy to compare.
    return [...merged.values()].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  }

  private async runOne(s: SubCollector, ctx: CollectContext): Promise<{ seconds: number; families?: MetricFamily[] }> {
    const start = process.hrtime.bigint();
    const out = new FamilyBuilder(this.labels);
    let families: MetricFamily[] | undefined;
    try {
      await s.collect(ctx, out);
      families = out.result();
    } catch (e) {
      this.onError?.(s.name, e);
    }
    return { seconds: Number(process.hrtime.bigint() - start) / 1e9, families };
  }
}

function mergeInto(merged: Map<string, MetricFamily>, f: MetricFamily): void {
  const prev = merged.get(f.name);
  if (prev === undefined) merged.set(f.name, f);
  else for (const s of f.samples) prev.samples.push(s);
}
