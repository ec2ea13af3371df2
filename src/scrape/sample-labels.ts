import {
  isLegacyLabelName,
  isLegacyMetricName,
  isValidLabelName,
  Labels,
  LabelsBuilder,
  METRIC_NAME,
} from '../model/index.ts';
import { type CompiledRelabelConfig, relabelBuilder } from './relabel.ts';
import { flatten } from './scrape-cache.ts';

const EXPORTED_PREFIX = 'exported_';

/** Returns a flat, possibly shared copy of a string taken from a scraped page. */
export type Interner = (s: string) => string;

/**
 * Attaches the target's labels to a scraped series, as Prometheus does, then applies
 * metric_relabel_configs. With honor_labels the scraped labels win; otherwise the target's labels win
 * and the scraped values move to exported_<name> (exported_exported_<name>, ... if that is taken).
 * Returns null when relabeling dropped the series. Strings are copied out of the page with `intern`.
 */
export function mutateSampleLabels(
  scraped: Labels,
  target: Labels,
  honorLabels: boolean,
  metricRelabel: readonly CompiledRelabelConfig[],
  intern: Interner = flatten,
): Labels | null {
  const sf = scraped.flat;
  const tf = target.flat;
  // Fast path: merge two sorted label lists when no name conflicts (the common case).
  const merged: string[] = new Array(sf.length + tf.length);
  let i = 0;
  let j = 0;
  let n = 0;
  let conflict = false;
  while (i < sf.length || j < tf.length) {
    if (j >= tf.length || (i < sf.length && sf[i] < tf[j])) {
      merged[n++] = intern(sf[i]);
      merged[n++] = intern(sf[i + 1]);
      i += 2;
    } else if (i >= sf.length || tf[j] < sf[i]) {
      merged[n++] = tf[j];
      merged[n++] = tf[j + 1];
      j += 2;
    } else {
      if (!honorLabels) {
        conflict = true;
        break;
      }
      merged[n++] = intern(sf[i]);
      merged[n++] = intern(sf[i + 1]);
      i += 2;
      j += 2;
    }
  }
  let out: Labels;
  if (!conflict) {
    merged.length = n;
    out = Labels.fromSortedFlat(merged);
  } else {
    out = withExportedConflicts(sf, tf, intern);
  }
  if (metricRelabel.length === 0) return out.isEmpty ? null : out;
  const lb = new LabelsBuilder(out);
  if (!relabelBuilder(lb, metricRelabel)) return null;
  const res = lb.labels();
  return res.isEmpty ? null : res;
}

/** honor_labels: false with conflicts: the target's labels win, scraped values move to exported_*. */
function withExportedConflicts(sf: readonly string[], tf: readonly string[], intern: Interner): Labels {
  const lb = new LabelsBuilder();
  for (let i = 0; i < sf.length; i += 2) lb.set(intern(sf[i]), intern(sf[i + 1]));
  const conflicts: [string, string][] = [];
  for (let i = 0; i < tf.length; i += 2) {
    const existing = lb.get(tf[i]);
    if (existing !== '') conflicts.push([tf[i], existing]);
    lb.set(tf[i], tf[i + 1]);
  }
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
  return lb.labels();
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
  if (limits.labelLimit > 0 && l.size > limits.labelLimit) {
    return `label_limit exceeded (metric: ${trunc50(l.metricName)}, number of labels: ${l.size}, limit: ${limits.labelLimit})`;
  }
  if (limits.labelNameLengthLimit === 0 && limits.labelValueLengthLimit === 0) return null;
  const met = trunc50(l.metricName);
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
