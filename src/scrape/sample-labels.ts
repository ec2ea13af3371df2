import {
  isLegacyLabelName,
  isLegacyMetricName,
  isValidLabelName,
  type Labels,
  LabelsBuilder,
  METRIC_NAME,
} from '../model/index.ts';
import { type CompiledRelabelConfig, relabelBuilder } from './relabel.ts';
import { flatten } from './scrape-cache.ts';

const EXPORTED_PREFIX = 'exported_';

/**
 * Attaches the target's labels to a scraped series, as Prometheus does, then applies
 * metric_relabel_configs. With honor_labels the scraped labels win; otherwise the target's labels win
 * and the scraped values move to exported_<name> (exported_exported_<name>, ... if that is taken).
 * Returns null when relabeling dropped the series. Strings are copied out of the page.
 */
export function mutateSampleLabels(
  scraped: Labels,
  target: Labels,
  honorLabels: boolean,
  metricRelabel: readonly CompiledRelabelConfig[],
): Labels | null {
  const lb = new LabelsBuilder();
  const sf = scraped.flat;
  for (let i = 0; i < sf.length; i += 2) lb.set(flatten(sf[i]), flatten(sf[i + 1]));
  const tf = target.flat;
  if (honorLabels) {
    for (let i = 0; i < tf.length; i += 2) if (!lb.has(tf[i])) lb.set(tf[i], tf[i + 1]);
  } else {
    let conflicts: [string, string][] | null = null;
    for (let i = 0; i < tf.length; i += 2) {
      const existing = lb.get(tf[i]);
      if (existing !== '') (conflicts ??= []).push([tf[i], existing]);
      lb.set(tf[i], tf[i + 1]);
    }
    if (conflicts !== null) {
      // Shorter names first, so exported_a is taken by a before exported_a's own conflict.
      conflicts.sort((a, b) => a[0].length - b[0].length);
      for (const [name, value] of conflicts) {
        let n = name;
        for (;;) {
          n = EXPORTED_PREFIX + n;
          if (lb.get(n) === '') {
            lb.set(n, value);
            break;
          }
        }
      }
    }
  }
  if (metricRelabel.length > 0 && !relabelBuilder(lb, metricRelabel)) return null;
  const out = lb.labels();
  return out.isEmpty ? null : out;
}

/** Report series labels: the target's labels plus __name__. */
export function reportLabels(name: string, target: Labels): Labels {
  const lb = new LabelsBuilder(target);
  lb.set(METRIC_NAME, name);
  return lb.labels();
}

export interface LabelLimits {
  labelLimit: number;
  labelNameLengthLimit: number;
  labelValueLengthLimit: number;
}

/** Go's %.50s: at most 50 characters (runes). */
function trunc50(s: string): string {
  const cps = Array.from(s);
  return cps.length <= 50 ? s : cps.slice(0, 50).join('');
}

/** Returns the error text Prometheus gives for a series breaking a label limit, or null. */
export function checkLabelLimits(l: Labels, limits: LabelLimits): string | null {
  const met = trunc50(l.metricName);
  if (limits.labelLimit > 0 && l.size > limits.labelLimit) {
    return `label_limit exceeded (metric: ${met}, number of labels: ${l.size}, limit: ${limits.labelLimit})`;
  }
  if (limits.labelNameLengthLimit === 0 && limits.labelValueLengthLimit === 0) return null;
  const f = l.flat;
  for (let i = 0; i < f.length; i += 2) {
    if (limits.labelNameLengthLimit > 0) {
      const n = Buffer.byteLength(f[i], 'utf8');
      if (n > limits.labelNameLengthLimit) {
        return `label_name_length_limit exceeded (metric: ${met}, label name: ${trunc50(f[i])}, length: ${n}, limit: ${limits.labelNameLengthLimit})`;
      }
    }
    if (limits.labelValueLengthLimit > 0) {
      const n = Buffer.byteLength(f[i + 1], 'utf8');
      if (n > limits.labelValueLengthLimit) {
        return `label_value_length_limit exceeded (metric: ${met}, label value: ${trunc50(f[i + 1])}, length: ${n}, limit: ${limits.labelValueLengthLimit})`;
      }
    }
  }
  return null;
}

/** Returns an error text when the series has no name or an invalid label name under the scheme. */
export function checkSeriesLabels(l: Labels, scheme: 'utf8' | 'legacy'): string | null {
  const name = l.metricName;
  if (name === '') return 'missing metric name (__name__ label)';
  const f = l.flat;
  let ok = scheme === 'legacy' ? isLegacyMetricName(name) : isValidLabelName(name);
  for (let i = 0; ok && i < f.length; i += 2) {
    ok = scheme === 'legacy' ? f[i] === METRIC_NAME || isLegacyLabelName(f[i]) : isValidLabelName(f[i]);
  }
  return ok ? null : `invalid metric name or label names: ${l.toString()}`;
}
