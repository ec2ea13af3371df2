import type { MetricFamily, MetricSample, MetricType } from '../../exposition/types.ts';
import type { LabelsCache } from './labels-cache.ts';

/** Accumulates samples into families by name; one per sub-collector run. */
export class FamilyBuilder {
  private readonly families = new Map<string, MetricFamily>();

  constructor(private readonly labels: LabelsCache) {}

  /** Adds one sample; `pairs` are label name/value pairs [n0, v0, n1, v1, ...]. */
  add(name: string, type: MetricType, help: string, value: number, ...pairs: string[]): void {
    let f = this.families.get(name);
    if (f === undefined) {
      f = { name, help, type, samples: [] };
      this.families.set(name, f);
    }
    f.samples.push({ labels: this.labels.get(name, pairs), value });
  }

  /** Adds a ready-made sample (labels built elsewhere, e.g. by a parser) to family `family`. */
  addSample(family: string, type: MetricType, help: string, sample: MetricSample): void {
    let f = this.families.get(family);
    if (f === undefined) {
      f = { name: family, help, type, samples: [] };
      this.families.set(family, f);
    }
    f.samples.push(sample);
  }

  gauge(name: string, help: string, value: number, ...pairs: string[]): void {
    this.add(name, 'gauge', help, value, ...pairs);
  }

  counter(name: string, help: string, value: number, ...pairs: string[]): void {
    this.add(name, 'counter', help, value, ...pairs);
  }

  /** node_exporter's "untyped" metrics (vmstat, netstat). */
  untyped(name: string, help: string, value: number, ...pairs: string[]): void {
    this.add(name, 'unknown', help, value, ...pairs);
  }

  result(): MetricFamily[] {
    return [...this.families.values()];
  }
}
