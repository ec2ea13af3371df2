import type { RelabelConfig, ScrapeConfig } from '../config/types.ts';

/** Test helper: a RelabelConfig with Prometheus's defaults filled in. */
export function relabelConfig(p: Partial<RelabelConfig>): RelabelConfig {
  return {
    source_labels: [],
    separator: ';',
    regex: '(.*)',
    modulus: 0,
    target_label: '',
    replacement: '$1',
    action: 'replace',
    ...p,
  };
}

/** Test helper: a ScrapeConfig with Prometheus's defaults filled in (short interval for tests). */
export function scrapeConfig(p: Partial<ScrapeConfig> & { job_name: string }): ScrapeConfig {
  return {
    honor_labels: false,
    honor_timestamps: true,
    track_timestamps_staleness: false,
    scrape_interval: 60_000,
    scrape_timeout: 10_000,
    scrape_protocols: ['OpenMetricsText1.0.0', 'OpenMetricsText0.0.1', 'PrometheusText1.0.0', 'PrometheusText0.0.4'],
    metrics_path: '/metrics',
    scheme: 'http',
    params: {},
    enable_compression: true,
    body_size_limit: 0,
    sample_limit: 0,
    target_limit: 0,
    label_limit: 0,
    label_name_length_limit: 0,
    label_value_length_limit: 0,
    keep_dropped_targets: 0,
    metric_name_validation_scheme: 'utf8',
    static_configs: [],
    file_sd_configs: [],
    other_sd_configs: {},
    relabel_configs: [],
    metric_relabel_configs: [],
    tls_config: { insecure_skip_verify: false },
    proxy_from_environment: false,
    follow_redirects: true,
    enable_http2: true,
    ...p,
  };
}
