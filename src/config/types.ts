/**
 * The loaded prometheus.yml. Keys keep Prometheus's YAML names (snake_case) so docs map 1:1;
 * every default is applied by the loader; durations are milliseconds; sizes are bytes.
 * Secrets are plain strings here; printing goes through the redacting writer.
 */

export type RelabelAction =
  | 'replace'
  | 'keep'
  | 'drop'
  | 'keepequal'
  | 'dropequal'
  | 'hashmod'
  | 'labelmap'
  | 'labeldrop'
  | 'labelkeep'
  | 'lowercase'
  | 'uppercase';

export interface RelabelConfig {
  source_labels: string[];
  /** default ";" */
  separator: string;
  /** The user's pattern, unanchored as written (default "(.*)"); compile with model's AnchoredRegex. */
  regex: string;
  modulus: number;
  target_label: string;
  /** default "$1" */
  replacement: string;
  /** default "replace" */
  action: RelabelAction;
}

export interface BasicAuth {
  username: string;
  username_file?: string;
  password?: string;
  password_file?: string;
}

export interface Authorization {
  /** default "Bearer" */
  type: string;
  credentials?: string;
  credentials_file?: string;
}

export interface TLSConfig {
  ca?: string;
  ca_file?: string;
  cert?: string;
  cert_file?: string;
  key?: string;
  key_file?: string;
  server_name?: string;
  insecure_skip_verify: boolean;
  min_version?: string;
  max_version?: string;
}

/** Prometheus's common HTTP client config, shared by scrape, remote write, alerting, http_sd. */
export interface HTTPClientConfig {
  basic_auth?: BasicAuth;
  authorization?: Authorization;
  oauth2?: Record<string, unknown>;
  /** Deprecated spellings are folded into authorization by the loader. */
  tls_config: TLSConfig;
  proxy_url?: string;
  no_proxy?: string;
  proxy_from_environment: boolean;
  proxy_connect_header?: Record<string, string[]>;
  /** default true */
  follow_redirects: boolean;
  /** default true */
  enable_http2: boolean;
  http_headers?: Record<string, { values?: string[]; secrets?: string[]; files?: string[] }>;
}

export interface TargetGroup {
  targets: string[];
  labels: Record<string, string>;
  /** Where the group came from (for the UI), e.g. "static/0" or a file path. */
  source?: string;
}

export interface FileSDConfig {
  files: string[];
  /** default 5m */
  refresh_interval: number;
}

export interface StaticConfig {
  targets: string[];
  labels: Record<string, string>;
}

export type ScrapeProtocol =
  | 'PrometheusProto'
  | 'OpenMetricsText0.0.1'
  | 'OpenMetricsText1.0.0'
  | 'PrometheusText0.0.4'
  | 'PrometheusText1.0.0';

export interface ScrapeConfig extends HTTPClientConfig {
  job_name: string;
  honor_labels: boolean;
  /** default true */
  honor_timestamps: boolean;
  track_timestamps_staleness: boolean;
  /** inherited from global */
  scrape_interval: number;
  scrape_timeout: number;
  scrape_protocols: ScrapeProtocol[];
  fallback_scrape_protocol?: ScrapeProtocol;
  /** default "/metrics" */
  metrics_path: string;
  /** default "http" */
  scheme: 'http' | 'https';
  params: Record<string, string[]>;
  enable_compression: boolean;
  body_size_limit: number;
  sample_limit: number;
  target_limit: number;
  label_limit: number;
  label_name_length_limit: number;
  label_value_length_limit: number;
  keep_dropped_targets: number;
  metric_name_validation_scheme: 'utf8' | 'legacy';
  /** underscores | dots | values | allow-utf-8; inherited from global, or inferred from the validation scheme */
  metric_name_escaping_scheme: string;
  scrape_failure_log_file?: string;
  scrape_native_histograms: boolean;
  always_scrape_classic_histograms: boolean;
  convert_classic_histograms_to_nhcb: boolean;
  extra_scrape_metrics: boolean;
  native_histogram_bucket_limit: number;
  native_histogram_min_bucket_factor: number;
  static_configs: StaticConfig[];
  file_sd_configs: FileSDConfig[];
  /** Other SD mechanisms, kept as parsed for later issues: key = "<kind>_sd_configs". */
  other_sd_configs: Record<string, unknown[]>;
  relabel_configs: RelabelConfig[];
  metric_relabel_configs: RelabelConfig[];
}

export interface GlobalConfig {
  /** default 1m */
  scrape_interval: number;
  /** default 10s */
  scrape_timeout: number;
  /** default 1m */
  evaluation_interval: number;
  rule_query_offset: number;
  external_labels: Record<string, string>;
  query_log_file?: string;
  scrape_failure_log_file?: string;
  scrape_protocols: ScrapeProtocol[];
  body_size_limit: number;
  sample_limit: number;
  target_limit: number;
  label_limit: number;
  label_name_length_limit: number;
  label_value_length_limit: number;
  keep_dropped_targets: number;
  metric_name_validation_scheme: 'utf8' | 'legacy';
  /** default "allow-utf-8" (utf8 validation) or "underscores" (legacy) */
  metric_name_escaping_scheme: string;
  scrape_native_histograms: boolean;
  always_scrape_classic_histograms: boolean;
  convert_classic_histograms_to_nhcb: boolean;
  extra_scrape_metrics: boolean;
  native_histogram_bucket_limit: number;
  native_histogram_min_bucket_factor: number;
}

export interface AlertmanagerConfig extends HTTPClientConfig {
  scheme: 'http' | 'https';
  path_prefix: string;
  /** default 10s */
  timeout: number;
  /** default "v2" */
  api_version: string;
  static_configs: StaticConfig[];
  file_sd_configs: FileSDConfig[];
  other_sd_configs: Record<string, unknown[]>;
  relabel_configs: RelabelConfig[];
  alert_relabel_configs: RelabelConfig[];
  sigv4?: Record<string, unknown>;
}

export interface AlertingConfig {
  alert_relabel_configs: RelabelConfig[];
  alertmanagers: AlertmanagerConfig[];
}

export interface QueueConfig {
  capacity: number;
  max_shards: number;
  min_shards: number;
  max_samples_per_send: number;
  batch_send_deadline: number;
  min_backoff: number;
  max_backoff: number;
  retry_on_http_429: boolean;
  sample_age_limit: number;
}

export interface RemoteWriteConfig extends HTTPClientConfig {
  url: string;
  name?: string;
  remote_timeout: number;
  headers: Record<string, string>;
  write_relabel_configs: RelabelConfig[];
  send_exemplars: boolean;
  send_native_histograms: boolean;
  /** "prometheus.WriteRequest" (default, remote write 1.0) or "io.prometheus.write.v2.Request" */
  protobuf_message: string;
  round_robin_dns: boolean;
  sigv4?: Record<string, unknown>;
  azuread?: Record<string, unknown>;
  google_iam?: Record<string, unknown>;
  queue_config: QueueConfig;
  metadata_config: { send: boolean; send_interval: number; max_samples_per_send: number };
}

export interface RemoteReadConfig extends HTTPClientConfig {
  url: string;
  name?: string;
  remote_timeout: number;
  headers: Record<string, string>;
  read_recent: boolean;
  required_matchers: Record<string, string>;
  filter_external_labels: boolean;
}

/** Osprey-only settings under the optional top-level `osprey:` key. */
export interface OspreyConfig {
  [key: string]: unknown;
}

export interface PrometheusConfig {
  global: GlobalConfig;
  rule_files: string[];
  scrape_config_files: string[];
  scrape_configs: ScrapeConfig[];
  alerting: AlertingConfig;
  remote_write: RemoteWriteConfig[];
  remote_read: RemoteReadConfig[];
  storage?: Record<string, unknown>;
  tracing?: Record<string, unknown>;
  runtime?: Record<string, unknown>;
  otlp?: Record<string, unknown>;
  osprey?: OspreyConfig;
  /** Absolute path of the loaded file, '' for a config given as text. */
  source_file: string;
}
