/**
 * Printing a loaded config as Prometheus's /api/v1/status/config does: YAML with every default spelled
 * out, durations and sizes in Prometheus syntax, and every secret replaced by `<secret>`.
 * The output loads again to the same config (apart from the secrets).
 */
import { stringify } from 'yaml';
import { formatDuration } from '../model/index.ts';
import type { PrometheusConfig } from './types.ts';
import { formatSize } from './units.ts';

export const SECRET_PLACEHOLDER = '<secret>';

/** Keys whose string values are secrets wherever they appear (Prometheus config.Secret fields). */
const SECRET_KEYS = new Set([
  'password',
  'credentials',
  'client_secret',
  'bearer_token',
  'token',
  'secret_key',
  'auth_token',
  'key_passphrase',
  'application_secret',
  'consumer_key',
  'service_account_key',
  'private_key',
  'application_credential_secret',
  'client_certificate_key',
]);

const DURATION_KEYS = new Set([
  'scrape_interval',
  'scrape_timeout',
  'evaluation_interval',
  'rule_query_offset',
  'refresh_interval',
  'timeout',
  'remote_timeout',
  'batch_send_deadline',
  'min_backoff',
  'max_backoff',
  'sample_age_limit',
  'send_interval',
  'out_of_order_time_window',
]);

const SIZE_KEYS = new Set(['body_size_limit']);

/**
 * Booleans whose `false` must be printed: default true, or inherited from global (a scrape config's own
 * false must not turn into global's true on the next load). Other false booleans are left out.
 */
const DEFAULT_TRUE = new Set([
  'scrape_native_histograms',
  'always_scrape_classic_histograms',
  'convert_classic_histograms_to_nhcb',
  'extra_scrape_metrics',
  'honor_timestamps',
  'enable_compression',
  'follow_redirects',
  'enable_http2',
  'send',
  'filter_external_labels',
]);

/** Numbers whose 0 is not the default, so 0 must be printed. */
const KEEP_ZERO = new Set(['capacity', 'max_shards', 'min_shards', 'max_samples_per_send', 'percentage', 'gogc']);

function redactValue(v: unknown, parentKey: string): unknown {
  if (Array.isArray(v)) return v.map((x) => redactValue(x, parentKey));
  if (v === null || typeof v !== 'object') return v;
  const out: Record<string, unknown> = {};
  for (const [k, x] of Object.entries(v as Record<string, unknown>)) {
    const secret = SECRET_KEYS.has(k) || (k === 'key' && parentKey === 'tls_config');
    if (secret && typeof x === 'string' && x !== '') out[k] = SECRET_PLACEHOLDER;
    else if (k === 'secrets' && Array.isArray(x)) out[k] = x.map((s) => (s === '' ? s : SECRET_PLACEHOLDER));
    else if (k === 'proxy_connect_header' && x !== null && typeof x === 'object')
      out[k] = Object.fromEntries(
        Object.entries(x).map(([h, vs]) => [h, Array.isArray(vs) ? vs.map(() => SECRET_PLACEHOLDER) : vs]),
      );
    else out[k] = redactValue(x, k);
  }
  return out;
}

/** Converts ms/bytes back to Prometheus notation, drops undefined, and expands other_sd_configs. */
/** Sections kept as the user wrote them: their defaults are not known here, so nothing is left out. */
const VERBATIM_SECTIONS = new Set(['storage', 'tracing', 'otlp', 'runtime']);

/**
 * Converts ms/bytes back to Prometheus notation, drops undefined, and expands other_sd_configs.
 * Inside typed sections, values equal to their default (false, 0, empty) are left out like Prometheus's
 * omitempty; inside SD entries and pass-through sections (`verbatim`) only undefined is dropped.
 */
function printable(v: unknown, key: string, parentKey: string, verbatim: boolean): unknown {
  if (v === undefined) return undefined;
  if (typeof v === 'number') {
    if (DURATION_KEYS.has(key) || (key === 'time' && parentKey === 'retention')) return formatDuration(v);
    if (SIZE_KEYS.has(key) || (key === 'size' && parentKey === 'retention')) return formatSize(v);
    return v;
  }
  if (Array.isArray(v)) return v.map((x) => printable(x, key, parentKey, verbatim));
  if (v === null || typeof v !== 'object') return v;
  const out: Record<string, unknown> = {};
  for (const [k, x] of Object.entries(v as Record<string, unknown>)) {
    if (x === undefined) continue;
    if (k === 'other_sd_configs') {
      for (const [sk, list] of Object.entries(x as Record<string, unknown[]>)) out[sk] = printable(list, sk, k, true);
      continue;
    }
    const keepAll = verbatim || VERBATIM_SECTIONS.has(k);
    if (!keepAll && x === false && !DEFAULT_TRUE.has(k)) continue;
    if (!keepAll && x === 0 && !KEEP_ZERO.has(k)) continue;
    const pv = printable(x, k, key, keepAll);
    if (!keepAll && Array.isArray(pv) && pv.length === 0) continue;
    if (!keepAll && pv !== null && typeof pv === 'object' && !Array.isArray(pv) && Object.keys(pv).length === 0)
      continue;
    out[k] = pv;
  }
  return out;
}

/**
 * The config as the object /api/v1/status/config would show: Prometheus notation, secrets redacted.
 * scrape_config_files is left out because scrape_configs already holds the merged configs.
 */
export function redactedConfig(cfg: PrometheusConfig): Record<string, unknown> {
  // Prometheus's section order.
  const ordered: Record<string, unknown> = { global: cfg.global };
  if (cfg.runtime) ordered.runtime = cfg.runtime;
  if (cfg.alerting.alertmanagers.length || cfg.alerting.alert_relabel_configs.length) ordered.alerting = cfg.alerting;
  if (cfg.rule_files.length) ordered.rule_files = cfg.rule_files;
  if (cfg.scrape_configs.length) ordered.scrape_configs = cfg.scrape_configs;
  if (cfg.storage) ordered.storage = cfg.storage;
  if (cfg.tracing) ordered.tracing = cfg.tracing;
  if (cfg.remote_write.length) ordered.remote_write = cfg.remote_write;
  if (cfg.remote_read.length) ordered.remote_read = cfg.remote_read;
  if (cfg.otlp) ordered.otlp = cfg.otlp;
  const out = redactValue(printable(ordered, '', '', false), '') as Record<string, unknown>;
  // Osprey's own section is free-form: only redact, never reinterpret numbers.
  if (cfg.osprey) out.osprey = redactValue(cfg.osprey, '');
  return out;
}

export function configToYaml(cfg: PrometheusConfig): string {
  return stringify(redactedConfig(cfg), { lineWidth: 0, aliasDuplicateObjects: false });
}
