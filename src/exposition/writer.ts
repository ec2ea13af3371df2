import { isLegacyLabelName, isLegacyMetricName, type Labels, METRIC_NAME } from '../model/index.ts';
import { formatGoFloat, formatOpenMetricsFloat } from './float.ts';
import type { MetricFamily, MetricType } from './types.ts';

export const CONTENT_TYPE_TEXT = 'text/plain; version=0.0.4; charset=utf-8';
export const CONTENT_TYPE_OPENMETRICS = 'application/openmetrics-text; version=1.0.0; charset=utf-8';

/** The text format knows only counter, gauge, histogram, summary and untyped. */
const TEXT_TYPE: Record<MetricType, string> = {
  counter: 'counter',
  gauge: 'gauge',
  histogram: 'histogram',
  gaugehistogram: 'histogram',
  summary: 'summary',
  info: 'gauge',
  stateset: 'gauge',
  unknown: 'untyped',
};

/** Prometheus text format 0.0.4, as client_golang writes it (values in Go's shortest 'g' form). */
export function writeText(families: MetricFamily[]): string {
  let out = '';
  for (const fam of families) {
    const name = nameToken(textFamilyName(fam));
    if (fam.help !== '') out += `# HELP ${name} ${escapeTextHelp(fam.help)}\n`;
    out += `# TYPE ${name} ${TEXT_TYPE[fam.type]}\n`;
    for (const s of fam.samples) {
      out += seriesText(s.labels, fam.name);
      out += ` ${formatGoFloat(s.value)}`;
      if (s.timestamp !== undefined) out += ` ${Math.round(s.timestamp)}`;
      out += '\n';
    }
  }
  return out;
}

/** OpenMetrics 1.0 text, ending with "# EOF". */
export function writeOpenMetrics(families: MetricFamily[]): string {
  let out = '';
  for (const fam of families) {
    const famName = openMetricsFamilyName(fam.name, fam.type);
    const name = nameToken(famName);
    if (fam.help !== '') out += `# HELP ${name} ${escapeOpenMetrics(fam.help)}\n`;
    out += `# TYPE ${name} ${fam.type}\n`;
    if (fam.unit && famName.endsWith(`_${fam.unit}`)) out += `# UNIT ${name} ${fam.unit}\n`;
    const counts = fam.type === 'histogram' || fam.type === 'gaugehistogram' || fam.type === 'summary';
    for (const s of fam.samples) {
      out += seriesText(s.labels, fam.name);
      const v = s.value;
      // Bucket and count samples are integers; client_golang writes them without ".0".
      out += ` ${counts && Number.isInteger(v) && isCountSample(s.labels.metricName) ? String(v) : formatOpenMetricsFloat(v)}`;
      if (s.timestamp !== undefined) out += ` ${formatSeconds(s.timestamp)}`;
      out += '\n';
    }
  }
  return `${out}# EOF\n`;
}

function isCountSample(name: string): boolean {
  return name.endsWith('_bucket') || name.endsWith('_count') || name.endsWith('_gcount');
}

/**
 * The text format has no suffix rules for counters and info metrics: the TYPE line must name the series
 * itself (`x_total`, `x_info`) for Prometheus to attach the type to it.
 */
function textFamilyName(fam: MetricFamily): string {
  const n = fam.name;
  if (fam.type === 'counter' && !n.endsWith('_total') && fam.samples[0]?.labels.metricName === `${n}_total`) {
    return `${n}_total`;
  }
  if (fam.type === 'info' && !n.endsWith('_info')) return `${n}_info`;
  return n;
}

/** OpenMetrics names counter families without `_total` and info families without `_info`. */
function openMetricsFamilyName(name: string, type: MetricType): string {
  if (type === 'counter' && name.endsWith('_total')) return name.slice(0, -6);
  if (type === 'info' && name.endsWith('_info')) return name.slice(0, -5);
  return name;
}

/** Milliseconds as exact decimal seconds ("1700215884.373"). */
function formatSeconds(ms: number): string {
  const t = Math.round(ms);
  const neg = t < 0;
  const a = neg ? -t : t;
  const frac = a % 1000;
  const secs = (a - frac) / 1000;
  const fs = frac === 0 ? '' : `.${String(frac).padStart(3, '0').replace(/0+$/, '')}`;
  return `${neg ? '-' : ''}${secs}${fs}`;
}

/** `name{a="b"}` for legacy names, `{"my.name",a="b"}` otherwise (Prometheus 3 UTF-8 names). */
function seriesText(labels: Labels, fallbackName: string): string {
  const f = labels.flat;
  let name = fallbackName;
  let body = '';
  for (let i = 0; i < f.length; i += 2) {
    if (f[i] === METRIC_NAME) {
      name = f[i + 1];
      continue;
    }
    if (body !== '') body += ',';
    body += `${isLegacyLabelName(f[i]) ? f[i] : `"${escapeOpenMetrics(f[i])}"`}="${escapeLabelValue(f[i + 1])}"`;
  }
  if (isLegacyMetricName(name)) return body === '' ? name : `${name}{${body}}`;
  const q = `"${escapeOpenMetrics(name)}"`;
  return body === '' ? `{${q}}` : `{${q},${body}}`;
}

function nameToken(name: string): string {
  return isLegacyMetricName(name) ? name : `"${escapeOpenMetrics(name)}"`;
}

/** Label values: backslash, double quote and line feed are escaped (both formats). */
export function escapeLabelValue(v: string): string {
  return escapeOpenMetrics(v);
}

function escapeOpenMetrics(v: string): string {
  if (!needsEscape(v, true)) return v;
  let out = '';
  for (let i = 0; i < v.length; i++) {
    const c = v.charCodeAt(i);
    if (c === 92) out += '\\\\';
    else if (c === 34) out += '\\"';
    else if (c === 10) out += '\\n';
    else out += v[i];
  }
  return out;
}

/** Text-format HELP escapes only backslash and line feed. */
function escapeTextHelp(v: string): string {
  if (!needsEscape(v, false)) return v;
  let out = '';
  for (let i = 0; i < v.length; i++) {
    const c = v.charCodeAt(i);
    if (c === 92) out += '\\\\';
    else if (c === 10) out += '\\n';
    else out += v[i];
  }
  return out;
}

function needsEscape(v: string, quote: boolean): boolean {
  for (let i = 0; i < v.length; i++) {
    const c = v.charCodeAt(i);
    if (c === 92 || c === 10 || (quote && c === 34)) return true;
  }
  return false;
}
