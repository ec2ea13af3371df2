import type { PrometheusConfig, RelabelConfig, ScrapeConfig } from '../config/types.ts';
import { isStaleNaN, type Labels } from '../model/index.ts';
import { type Appendable, AppendError, type Appender } from '../tsdb/interfaces.ts';

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
    metric_name_escaping_scheme: 'allow-utf-8',
    scrape_native_histograms: false,
    always_scrape_classic_histograms: false,
    convert_classic_histograms_to_nhcb: false,
    extra_scrape_metrics: false,
    native_histogram_bucket_limit: 0,
    native_histogram_min_bucket_factor: 0,
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

export interface RecordedSample {
  series: string;
  labels: Record<string, string>;
  t: number;
  v: number;
  stale: boolean;
}

/**
 * Test helper: an Appendable that records committed samples and rejects out-of-order and
 * duplicate-timestamp samples per series, like the TSDB head.
 */
export class RecordingAppendable implements Appendable {
  readonly committed: RecordedSample[] = [];
  commits = 0;
  rollbacks = 0;
  private readonly lastT = new Map<string, { t: number; v: number }>();
  private readonly refs = new Map<string, number>();

  appender(): Appender {
    const pending: RecordedSample[] = [];
    const self = this;
    return {
      append(_ref: number, l: Labels, t: number, v: number): number {
        const key = l.toString();
        const last = self.lastT.get(key);
        if (last && t < last.t) throw new AppendError('out_of_order', 'out of order sample');
        if (last && t === last.t && !Object.is(last.v, v) && !(Number.isNaN(last.v) && Number.isNaN(v))) {
          throw new AppendError('duplicate', 'duplicate sample for timestamp');
        }
        pending.push({ series: key, labels: l.toObject(), t, v, stale: isStaleNaN(v) });
        let ref = self.refs.get(key);
        if (ref === undefined) {
          ref = self.refs.size + 1;
          self.refs.set(key, ref);
        }
        return ref;
      },
      commit(): void {
        for (const s of pending) {
          const last = self.lastT.get(s.series);
          if (last && s.t <= last.t) continue; // the TSDB keeps the first sample of a timestamp
          self.lastT.set(s.series, { t: s.t, v: s.v });
          self.committed.push(s);
        }
        pending.length = 0;
        self.commits++;
      },
      rollback(): void {
        pending.length = 0;
        self.rollbacks++;
      },
    };
  }

  /** Committed samples whose labels include all of `match`. */
  samples(match: Record<string, string>): RecordedSample[] {
    return this.committed.filter((s) => Object.entries(match).every(([k, v]) => s.labels[k] === v));
  }
}

/** Test helper: a PrometheusConfig around the given scrape configs. */
export function prometheusConfig(
  scrapeConfigs: ScrapeConfig[],
  externalLabels: Record<string, string> = {},
): PrometheusConfig {
  return {
    global: {
      scrape_interval: 60_000,
      scrape_timeout: 10_000,
      evaluation_interval: 60_000,
      rule_query_offset: 0,
      external_labels: externalLabels,
      scrape_protocols: ['OpenMetricsText1.0.0', 'OpenMetricsText0.0.1', 'PrometheusText1.0.0', 'PrometheusText0.0.4'],
      body_size_limit: 0,
      sample_limit: 0,
      target_limit: 0,
      label_limit: 0,
      label_name_length_limit: 0,
      label_value_length_limit: 0,
      keep_dropped_targets: 0,
      metric_name_validation_scheme: 'utf8',
    } as PrometheusConfig['global'],
    rule_files: [],
    scrape_config_files: [],
    scrape_configs: scrapeConfigs,
    alerting: { alert_relabel_configs: [], alertmanagers: [] },
    remote_write: [],
    remote_read: [],
    source_file: '',
  };
}

/** Polls until `get` returns a value other than undefined/false. */
export function waitFor<T>(get: () => T | undefined | false, timeoutMs = 5000, what = 'condition'): Promise<T> {
  const start = Date.now();
  return new Promise((resolve, reject) => {
    const tick = () => {
      let v: T | undefined | false;
      try {
        v = get();
      } catch (e) {
        return reject(e);
      }
      if (v !== undefined && v !== false) return resolve(v);
      if (Date.now() - start > timeoutMs) return reject(new Error(`timed out waiting for ${what}`));
      setTimeout(tick, 10);
    };
    tick();
  });
}
