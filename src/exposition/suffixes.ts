import type { MetricType } from './types.ts';

/**
 * Which series names belong to a family of a given type (OpenMetrics 1.0 and Prometheus text):
 * counters add `_total` (and `_created`), histograms `_bucket`/`_count`/`_sum`/`_created`,
 * gauge histograms `_bucket`/`_gcount`/`_gsum`, summaries `_count`/`_sum`/`_created`, info `_info`.
 * The bare family name also belongs to it (text-format counters are often declared with `_total`).
 */
const SUFFIXES: Record<MetricType, readonly string[]> = {
  counter: ['_total', '_created'],
  gauge: [],
  histogram: ['_bucket', '_count', '_sum', '_created'],
  gaugehistogram: ['_bucket', '_gcount', '_gsum'],
  summary: ['_count', '_sum', '_created'],
  info: ['_info'],
  stateset: [],
  unknown: [],
};

export function suffixesOf(t: MetricType): readonly string[] {
  return SUFFIXES[t];
}

/**
 * The type of series name s[a, b) given the current family (name and type): famType when the name is
 * the family name or the family name plus one of its suffixes, else 'unknown'. Does not allocate.
 */
export function familyTypeOf(s: string, a: number, b: number, famName: string, famType: MetricType): MetricType {
  const fl = famName.length;
  const len = b - a;
  if (len < fl) return 'unknown';
  for (let i = 0; i < fl; i++) if (s.charCodeAt(a + i) !== famName.charCodeAt(i)) return 'unknown';
  if (len === fl) return famType;
  for (const suf of SUFFIXES[famType]) {
    if (len !== fl + suf.length) continue;
    let ok = true;
    for (let i = 0; i < suf.length; i++) {
      if (s.charCodeAt(a + fl + i) !== suf.charCodeAt(i)) {
        ok = false;
        break;
      }
    }
    if (ok) return famType;
  }
  return 'unknown';
}
