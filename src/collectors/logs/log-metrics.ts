/**
 * The series a log rule produces: counters, gauges and histograms keyed by their label values, with a
 * per-metric series limit. Labels are built once per new series; a line only touches numbers.
 */
import type { MetricFamily, MetricSample } from '../../exposition/types.ts';
import { Labels } from '../../model/index.ts';
import type { LogMetricRule } from './config.ts';

interface Series {
  values: string[];
  labels: Labels;
  value: number;
  /** Histograms: cumulative counts are derived at collect time from per-bucket counts. */
  buckets?: Float64Array;
  sum: number;
  count: number;
}

export type ObserveResult = 'ok' | 'series_limit' | 'bad_value';

export class RuleMetric {
  private readonly series = new Map<string, Series>();
  private readonly values: string[];
  private readonly labelTemplates: ((groups: string[]) => string)[];
  private readonly valueTemplate: ((groups: string[]) => string) | undefined;

  constructor(readonly rule: LogMetricRule) {
    this.values = new Array(rule.labels.length);
    this.labelTemplates = rule.labels.map(([, t]) => rule.match.compileTemplate(t));
    this.valueTemplate = rule.value === undefined ? undefined : rule.match.compileTemplate(rule.value);
  }

  /** Applies one matching line (its regex groups). */
  observe(groups: string[]): ObserveResult {
    const r = this.rule;
    for (let i = 0; i < r.labels.length; i++) this.values[i] = this.labelTemplates[i](groups);
    let v = 1;
    if (this.valueTemplate !== undefined) {
      const text = this.valueTemplate(groups).trim();
      v = text === '' ? Number.NaN : Number(text);
      if (Number.isNaN(v) && !/^nan$/i.test(text)) return 'bad_value';
    }
    const key = this.values.join('\xff');
    let s = this.series.get(key);
    if (s === undefined) {
      if (this.series.size >= r.maxSeries) return 'series_limit';
      const pairs: string[] = ['__name__', r.name];
      for (let i = 0; i < r.labels.length; i++) pairs.push(r.labels[i][0], this.values[i]);
      s = {
        values: [...this.values],
        labels: Labels.fromPairs(pairs),
        value: 0,
        buckets: r.type === 'histogram' ? new Float64Array(r.buckets.length + 1) : undefined,
        sum: 0,
        count: 0,
      };
      this.series.set(key, s);
    }
    switch (r.type) {
      case 'counter':
        if (v < 0) return 'bad_value';
        s.value += v;
        break;
      case 'gauge':
        s.value = v;
        break;
      case 'histogram': {
        let i = 0;
        while (i < r.buckets.length && v > r.buckets[i]) i++;
        s.buckets![i]++;
        s.sum += v;
        s.count++;
        break;
      }
    }
    return 'ok';
  }

  get seriesCount(): number {
    return this.series.size;
  }

  family(): MetricFamily {
    const r = this.rule;
    const samples: MetricSample[] = [];
    for (const s of this.series.values()) {
      if (r.type !== 'histogram') {
        samples.push({ labels: s.labels, value: s.value });
        continue;
      }
      const base = s.labels.withoutMetricName();
      const with_ = (suffix: string, extra?: [string, string]) => {
        const b = base.builder().set('__name__', `${r.name}${suffix}`);
        if (extra) b.set(extra[0], extra[1]);
        return b.labels();
      };
      let cum = 0;
      for (let i = 0; i <= r.buckets.length; i++) {
        cum += s.buckets![i];
        const le = i < r.buckets.length ? formatLe(r.buckets[i]) : '+Inf';
        samples.push({ labels: with_('_bucket', ['le', le]), value: cum });
      }
      samples.push({ labels: with_('_sum'), value: s.sum });
      samples.push({ labels: with_('_count'), value: s.count });
    }
    return { name: r.name, help: r.help, type: r.type, samples };
  }
}

function formatLe(n: number): string {
  return Number.isInteger(n) ? `${n}.0` : String(n);
}
