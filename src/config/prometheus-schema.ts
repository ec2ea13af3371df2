/**
 * The zod schema of prometheus.yml: shapes and scalar types only (strict objects, so unknown fields are
 * errors). Defaults, inheritance and cross-field rules are applied afterwards by prometheus-build.ts, which
 * knows the path of every element for its messages.
 */
import { z } from 'zod';
import { httpClientFields, tlsConfigSchema } from './http-client.ts';
import { relabelSchema } from './relabel.ts';
import {
  zanymap,
  zbool,
  zduration,
  zfloat,
  zint,
  zlist,
  zmap,
  zsize,
  zstr,
  zstrlist,
  zuint,
} from './schema-scalars.ts';
import { otherSDFields, sdGoType } from './sd-configs.ts';
import type { ConfigPath } from './yaml-errors.ts';

export const staticConfigSchema = z.strictObject({
  targets: zstrlist().optional(),
  labels: zmap(zstr).optional(),
});

export const fileSDSchema = z.strictObject({
  files: zstrlist().optional(),
  refresh_interval: zduration.optional(),
});

const sdFields = {
  static_configs: zlist(staticConfigSchema).optional(),
  file_sd_configs: zlist(fileSDSchema).optional(),
  ...otherSDFields,
};

/** Settings a scrape config inherits from global. */
const scrapeDefaultsFields = {
  scrape_interval: zduration.optional(),
  scrape_timeout: zduration.optional(),
  scrape_protocols: zstrlist().optional(),
  scrape_failure_log_file: zstr.optional(),
  body_size_limit: zsize.optional(),
  sample_limit: zuint.optional(),
  target_limit: zuint.optional(),
  label_limit: zuint.optional(),
  label_name_length_limit: zuint.optional(),
  label_value_length_limit: zuint.optional(),
  keep_dropped_targets: zuint.optional(),
  metric_name_validation_scheme: zstr.optional(),
  metric_name_escaping_scheme: zstr.optional(),
  scrape_native_histograms: zbool.optional(),
  always_scrape_classic_histograms: zbool.optional(),
  convert_classic_histograms_to_nhcb: zbool.optional(),
  extra_scrape_metrics: zbool.optional(),
  native_histogram_bucket_limit: zuint.optional(),
  native_histogram_min_bucket_factor: zfloat.optional(),
};

export const scrapeConfigSchema = z.strictObject({
  job_name: zstr.optional(),
  honor_labels: zbool.optional(),
  honor_timestamps: zbool.optional(),
  track_timestamps_staleness: zbool.optional(),
  params: zmap(zstrlist()).optional(),
  fallback_scrape_protocol: zstr.optional(),
  metrics_path: zstr.optional(),
  scheme: zstr.optional(),
  enable_compression: zbool.optional(),
  relabel_configs: zlist(relabelSchema).optional(),
  metric_relabel_configs: zlist(relabelSchema).optional(),
  ...scrapeDefaultsFields,
  ...httpClientFields,
  ...sdFields,
});

export const globalSchema = z.strictObject({
  ...scrapeDefaultsFields,
  evaluation_interval: zduration.optional(),
  rule_query_offset: zduration.optional(),
  external_labels: zmap(zstr).optional(),
  query_log_file: zstr.optional(),
});

export const alertmanagerSchema = z.strictObject({
  ...httpClientFields,
  ...sdFields,
  scheme: zstr.optional(),
  path_prefix: zstr.optional(),
  timeout: zduration.optional(),
  api_version: zstr.optional(),
  relabel_configs: zlist(relabelSchema).optional(),
  alert_relabel_configs: zlist(relabelSchema).optional(),
  sigv4: zanymap.optional(),
});

const queueConfigSchema = z.strictObject({
  capacity: zint.optional(),
  max_shards: zint.optional(),
  min_shards: zint.optional(),
  max_samples_per_send: zint.optional(),
  batch_send_deadline: zduration.optional(),
  min_backoff: zduration.optional(),
  max_backoff: zduration.optional(),
  retry_on_http_429: zbool.optional(),
  sample_age_limit: zduration.optional(),
});

const metadataConfigSchema = z.strictObject({
  send: zbool.optional(),
  send_interval: zduration.optional(),
  max_samples_per_send: zint.optional(),
});

const remoteAuthFields = {
  sigv4: zanymap.optional(),
  azuread: zanymap.optional(),
  google_iam: zanymap.optional(),
};

export const remoteWriteSchema = z.strictObject({
  ...httpClientFields,
  ...remoteAuthFields,
  url: zstr.optional(),
  name: zstr.optional(),
  remote_timeout: zduration.optional(),
  headers: zmap(zstr).optional(),
  write_relabel_configs: zlist(relabelSchema).optional(),
  send_exemplars: zbool.optional(),
  send_native_histograms: zbool.optional(),
  round_robin_dns: zbool.optional(),
  protobuf_message: zstr.optional(),
  queue_config: queueConfigSchema.optional(),
  metadata_config: metadataConfigSchema.optional(),
});

export const remoteReadSchema = z.strictObject({
  ...httpClientFields,
  url: zstr.optional(),
  name: zstr.optional(),
  remote_timeout: zduration.optional(),
  headers: zmap(zstr).optional(),
  read_recent: zbool.optional(),
  required_matchers: zmap(zstr).optional(),
  filter_external_labels: zbool.optional(),
});

const storageSchema = z.strictObject({
  tsdb: z
    .looseObject({
      out_of_order_time_window: zduration.optional(),
      stale_series_compaction_threshold: zfloat.optional(),
      retention: z
        .strictObject({ time: zduration.optional(), size: zsize.optional(), percentage: zfloat.optional() })
        .optional(),
      chunk_encoding: z.strictObject({ floats: zstr.optional() }).optional(),
    })
    .optional(),
  exemplars: z.looseObject({ max_exemplars: zint.optional() }).optional(),
});

const tracingSchema = z.strictObject({
  client_type: zstr.optional(),
  endpoint: zstr.optional(),
  sampling_fraction: zfloat.optional(),
  insecure: zbool.optional(),
  tls_config: tlsConfigSchema.optional(),
  headers: zmap(zstr).optional(),
  compression: zstr.optional(),
  timeout: zduration.optional(),
});

const otlpSchema = z.strictObject({
  promote_resource_attributes: zstrlist().optional(),
  ignore_resource_attributes: zstrlist().optional(),
  promote_all_resource_attributes: zbool.optional(),
  translation_strategy: zstr.optional(),
  keep_identifying_resource_attributes: zbool.optional(),
  convert_histograms_to_nhcb: zbool.optional(),
  promote_scope_metadata: zbool.optional(),
  label_name_underscore_sanitization: zbool.optional(),
  label_name_preserve_multiple_underscores: zbool.optional(),
});

export const prometheusSchema = z.strictObject({
  global: globalSchema.optional(),
  runtime: z.looseObject({ gogc: zint.optional() }).optional(),
  rule_files: zstrlist().optional(),
  scrape_config_files: zstrlist().optional(),
  scrape_configs: zlist(scrapeConfigSchema).optional(),
  alerting: z
    .strictObject({
      alert_relabel_configs: zlist(relabelSchema).optional(),
      alertmanagers: zlist(alertmanagerSchema).optional(),
    })
    .optional(),
  remote_write: zlist(remoteWriteSchema).optional(),
  remote_read: zlist(remoteReadSchema).optional(),
  storage: storageSchema.optional(),
  tracing: tracingSchema.optional(),
  otlp: otlpSchema.optional(),
  osprey: zanymap.optional(),
});

/** A file listed in scrape_config_files holds only scrape_configs. */
export const scrapeConfigFileSchema = z.strictObject({
  scrape_configs: zlist(scrapeConfigSchema).optional(),
});

export type RawPrometheus = z.infer<typeof prometheusSchema>;
export type RawScrape = z.infer<typeof scrapeConfigSchema>;
export type RawGlobal = z.infer<typeof globalSchema>;
export type RawAlertmanager = z.infer<typeof alertmanagerSchema>;
export type RawRemoteWrite = z.infer<typeof remoteWriteSchema>;
export type RawRemoteRead = z.infer<typeof remoteReadSchema>;
export type RawStatic = z.infer<typeof staticConfigSchema>;
export type RawFileSD = z.infer<typeof fileSDSchema>;

/** Go type names for unknown-field messages ("field X not found in type config.plain"). */
export function prometheusTypeNameAt(path: ConfigPath): string {
  const last = path[path.length - 1];
  if (last === 'tls_config') return 'config.TLSConfig';
  if (last === 'basic_auth') return 'config.BasicAuth';
  if (last === 'oauth2') return 'config.OAuth2';
  if (last === 'authorization') return 'config.Authorization';
  if (last === 'queue_config') return 'config.QueueConfig';
  if (last === 'metadata_config') return 'config.MetadataConfig';
  const parent = path[path.length - 2];
  if (typeof parent === 'string' && parent.endsWith('relabel_configs')) return 'relabel.plain';
  if (path.length >= 2 && path[path.length - 2] === 'static_configs')
    return 'struct { Targets []string; Labels model.LabelSet }';
  // Inside an SD section (also nested parts like kubernetes namespaces): the SD package's own `plain` type.
  for (let i = path.length - 2; i >= 0; i--) {
    const seg = path[i];
    if (typeof seg === 'string') {
      const sd = sdGoType(seg);
      if (sd) return sd;
    }
  }
  return 'config.plain';
}
