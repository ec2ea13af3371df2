/**
 * Turns the schema-checked raw prometheus.yml into PrometheusConfig: applies Prometheus 3 defaults and
 * global inheritance, resolves relative paths against the config folder, expands ${VAR} in external labels,
 * and applies Prometheus's load-time rules with its messages.
 */
import { isLegacyLabelName, isValidLabelName, isWellFormed } from '../model/index.ts';
import { expandEnv } from './env-expand.ts';
import { buildHTTPClient, joinDir, type RawHTTPClient } from './http-client.ts';
import type {
  RawAlertmanager,
  RawFileSD,
  RawGlobal,
  RawPrometheus,
  RawRemoteRead,
  RawRemoteWrite,
  RawScrape,
  RawStatic,
} from './prometheus-schema.ts';
import { buildRelabelList, type NameValidationScheme } from './relabel.ts';
import { buildOtherSD } from './sd-configs.ts';
import type {
  AlertingConfig,
  AlertmanagerConfig,
  FileSDConfig,
  GlobalConfig,
  PrometheusConfig,
  RemoteReadConfig,
  RemoteWriteConfig,
  ScrapeConfig,
  ScrapeProtocol,
  StaticConfig,
} from './types.ts';
import { type ConfigPath, goQuote, IssueList } from './yaml-errors.ts';
import { unwrapLiterals } from './yaml-values.ts';

const S = 1000;
const M = 60 * S;

export interface BuildOptions {
  /** Folder relative paths are resolved against ('' keeps them as written). */
  dir: string;
  env: Record<string, string | undefined>;
  /** Agent mode forbids rule_files, alerting and remote_read. */
  agent?: boolean;
}

export const DEFAULT_SCRAPE_PROTOCOLS: ScrapeProtocol[] = [
  'OpenMetricsText1.0.0',
  'OpenMetricsText0.0.1',
  'PrometheusText1.0.0',
  'PrometheusText0.0.4',
];
export const PROTO_FIRST_SCRAPE_PROTOCOLS: ScrapeProtocol[] = ['PrometheusProto', ...DEFAULT_SCRAPE_PROTOCOLS];
const SUPPORTED_PROTOCOLS = [
  'OpenMetricsText0.0.1',
  'OpenMetricsText1.0.0',
  'PrometheusProto',
  'PrometheusText0.0.4',
  'PrometheusText1.0.0',
];
const SUPPORTED_MSG = `supported: [${SUPPORTED_PROTOCOLS.join(' ')}]`;
const ESCAPING_SCHEMES = new Set(['allow-utf-8', 'underscores', 'dots', 'values']);

/** rule_files and scrape_config_files may use wildcards only in the last path element. */
const PAT_RULE_PATH = /^[^*]*(\*[^/]*)?$/;

/** Global settings the scrape configs inherit, plus whether scrape_protocols was set explicitly. */
interface GlobalCtx {
  g: GlobalConfig;
  protocolsSet: boolean;
}

function validationScheme(v: string | undefined, path: ConfigPath, issues: IssueList, inherit: 'utf8' | 'legacy') {
  if (v === undefined || v === '') return inherit;
  if (v === 'utf8' || v === 'legacy') return v;
  issues.add(path, `unrecognized ValidationScheme: ${goQuote(v)}`);
  return inherit;
}

function escapingScheme(
  v: string | undefined,
  scheme: 'utf8' | 'legacy',
  path: ConfigPath,
  issues: IssueList,
  inherit?: string,
): string {
  let e = v ?? '';
  if (e !== '' && !ESCAPING_SCHEMES.has(e)) {
    issues.add(path, `unknown name escaping method ${e}`);
    e = '';
  }
  if (e === '') e = inherit ?? (scheme === 'legacy' ? 'underscores' : 'allow-utf-8');
  if (e === 'allow-utf-8' && scheme === 'legacy')
    issues.add(path, 'utf8 metric names requested but validation scheme is not set to UTF8');
  return e;
}

function checkProtocols(list: string[], path: ConfigPath, issues: IssueList, suffix: string): ScrapeProtocol[] {
  const seen = new Set<string>();
  for (const p of list) {
    if (!SUPPORTED_PROTOCOLS.includes(p)) {
      issues.add(path, `unknown scrape protocol ${p}, ${SUPPORTED_MSG}${suffix}`);
      return list as ScrapeProtocol[];
    }
    if (seen.has(p)) {
      issues.add(path, `duplicated protocol in scrape_protocols, got [${list.join(' ')}]${suffix}`);
      return list as ScrapeProtocol[];
    }
    seen.add(p);
  }
  return list as ScrapeProtocol[];
}

export function buildGlobal(raw: RawGlobal | undefined, opts: BuildOptions, issues: IssueList): GlobalCtx {
  const r = raw ?? {};
  const p = ['global'];
  const interval = r.scrape_interval || M;
  let timeout = r.scrape_timeout ?? 0;
  if (timeout > interval) issues.add([...p, 'scrape_timeout'], 'global scrape timeout greater than scrape interval');
  if (timeout === 0) timeout = Math.min(10 * S, interval);
  const scheme = validationScheme(
    r.metric_name_validation_scheme,
    [...p, 'metric_name_validation_scheme'],
    issues,
    'utf8',
  );
  const escaping = escapingScheme(r.metric_name_escaping_scheme, scheme, [...p, 'metric_name_escaping_scheme'], issues);
  const native = r.scrape_native_histograms ?? false;
  const protocolsSet = r.scrape_protocols !== undefined;
  const protocols = protocolsSet
    ? checkProtocols(r.scrape_protocols!, [...p, 'scrape_protocols'], issues, '')
    : native
      ? PROTO_FIRST_SCRAPE_PROTOCOLS
      : DEFAULT_SCRAPE_PROTOCOLS;
  const external: Record<string, string> = {};
  const names = Object.keys(r.external_labels ?? {}).sort();
  for (const name of names) {
    const value = expandEnv(r.external_labels![name], opts.env);
    const lp = [...p, 'external_labels', name];
    const nameOk = scheme === 'legacy' ? isLegacyLabelName(name) : isValidLabelName(name);
    if (!nameOk || name === '__name__') issues.add(lp, `${goQuote(name)} is not a valid label name`, true);
    if (!isWellFormed(value)) issues.add(lp, `${goQuote(value)} is not a valid label value`);
    external[name] = value;
  }
  const g: GlobalConfig = {
    scrape_interval: interval,
    scrape_timeout: timeout,
    evaluation_interval: r.evaluation_interval || M,
    rule_query_offset: r.rule_query_offset ?? 0,
    external_labels: external,
    scrape_protocols: protocols,
    body_size_limit: r.body_size_limit ?? 0,
    sample_limit: r.sample_limit ?? 0,
    target_limit: r.target_limit ?? 0,
    label_limit: r.label_limit ?? 0,
    label_name_length_limit: r.label_name_length_limit ?? 0,
    label_value_length_limit: r.label_value_length_limit ?? 0,
    keep_dropped_targets: r.keep_dropped_targets ?? 0,
    metric_name_validation_scheme: scheme,
    metric_name_escaping_scheme: escaping,
    scrape_native_histograms: native,
    always_scrape_classic_histograms: r.always_scrape_classic_histograms ?? false,
    convert_classic_histograms_to_nhcb: r.convert_classic_histograms_to_nhcb ?? false,
    extra_scrape_metrics: r.extra_scrape_metrics ?? false,
    native_histogram_bucket_limit: r.native_histogram_bucket_limit ?? 0,
    native_histogram_min_bucket_factor: r.native_histogram_min_bucket_factor ?? 0,
  };
  if (r.query_log_file) g.query_log_file = joinDir(opts.dir, r.query_log_file);
  if (r.scrape_failure_log_file) g.scrape_failure_log_file = joinDir(opts.dir, r.scrape_failure_log_file);
  return { g, protocolsSet };
}

export function buildStaticConfigs(
  raws: (RawStatic | null)[] | undefined,
  path: ConfigPath,
  issues: IssueList,
  checkHostnames = true,
): StaticConfig[] {
  const out: StaticConfig[] = [];
  for (let i = 0; i < (raws?.length ?? 0); i++) {
    const r = raws![i];
    const p = [...path, i];
    if (r === null) {
      issues.add(p, 'empty or null section in static_configs');
      continue;
    }
    const targets = r.targets ?? [];
    targets.forEach((t, j) => {
      if (checkHostnames && t.includes('/')) issues.add([...p, 'targets', j], `${goQuote(t)} is not a valid hostname`);
    });
    const labels: Record<string, string> = {};
    for (const [k, v] of Object.entries(r.labels ?? {})) {
      if (!isValidLabelName(k)) issues.add([...p, 'labels', k], `${goQuote(k)} is not a valid label name`, true);
      if (!isWellFormed(v)) issues.add([...p, 'labels', k], `${goQuote(v)} is not a valid label value`);
      labels[k] = v;
    }
    out.push({ targets, labels });
  }
  return out;
}

/**
 * A static target containing '/' is rejected at load time unless relabeling may rewrite __address__
 * (promtool then checks the relabeled result).
 */
function rewritesAddress(rules: ({ target_label?: string; action?: string } | null)[] | undefined): boolean {
  return (rules ?? []).some(
    (r) => r !== null && (r.target_label === '__address__' || r.action?.toLowerCase() === 'labelmap'),
  );
}

function buildFileSD(raws: (RawFileSD | null)[] | undefined, dir: string, path: ConfigPath, issues: IssueList) {
  const out: FileSDConfig[] = [];
  for (let i = 0; i < (raws?.length ?? 0); i++) {
    const r = raws![i];
    const p = [...path, i];
    if (r === null) {
      issues.add(p, 'empty or null section in file_sd_configs');
      continue;
    }
    const files = r.files ?? [];
    files.forEach((f, j) => {
      if (!/^[^*]*(\*[^/]*)?\.(json|yml|yaml|JSON|YML|YAML)$/.test(f))
        issues.add([...p, 'files', j], `path name ${goQuote(f)} is not valid for file discovery`);
    });
    out.push({ files: files.map((f) => joinDir(dir, f) ?? f), refresh_interval: r.refresh_interval || 5 * M });
  }
  return out;
}

export function buildScrapeConfig(
  r: RawScrape,
  ctx: GlobalCtx,
  dir: string,
  path: ConfigPath,
  issues: IssueList,
): ScrapeConfig {
  const g = ctx.g;
  const job = r.job_name ?? '';
  const jobSuffix = ` for scrape config with job name ${goQuote(job)}`;
  const interval = r.scrape_interval || g.scrape_interval;
  let timeout = r.scrape_timeout ?? 0;
  const timeoutTooLong = timeout > interval;
  if (timeout === 0) timeout = Math.min(g.scrape_timeout, interval);
  const native = r.scrape_native_histograms ?? g.scrape_native_histograms;
  let protocols: ScrapeProtocol[];
  if (r.scrape_protocols !== undefined)
    protocols = checkProtocols(r.scrape_protocols, [...path, 'scrape_protocols'], issues, jobSuffix);
  else if (ctx.protocolsSet) protocols = g.scrape_protocols;
  else protocols = native ? PROTO_FIRST_SCRAPE_PROTOCOLS : DEFAULT_SCRAPE_PROTOCOLS;
  const fallback = r.fallback_scrape_protocol;
  if (fallback !== undefined && fallback !== '' && !SUPPORTED_PROTOCOLS.includes(fallback))
    issues.add(
      [...path, 'fallback_scrape_protocol'],
      `invalid fallback_scrape_protocol${jobSuffix}: unknown scrape protocol ${fallback}, ${SUPPORTED_MSG}`,
    );
  const schemeSet = r.metric_name_validation_scheme !== undefined && r.metric_name_validation_scheme !== '';
  const scheme = validationScheme(
    r.metric_name_validation_scheme,
    [...path, 'metric_name_validation_scheme'],
    issues,
    g.metric_name_validation_scheme,
  );
  // A scrape config that sets its own validation scheme infers its escaping from it, not from global.
  const escapingSet = r.metric_name_escaping_scheme !== undefined;
  // Only re-check the combination when this scrape config sets one of the two; global was checked already.
  const escaping = escapingScheme(
    r.metric_name_escaping_scheme,
    scheme,
    [...path, escapingSet ? 'metric_name_escaping_scheme' : 'metric_name_validation_scheme'],
    schemeSet || escapingSet ? issues : new IssueList(),
    schemeSet ? undefined : g.metric_name_escaping_scheme,
  );
  const httpScheme = r.scheme ?? 'http';
  if (httpScheme !== 'http' && httpScheme !== 'https')
    issues.add([...path, 'scheme'], `invalid scheme ${goQuote(httpScheme)}, must be "http" or "https"`);
  const relabelScheme: NameValidationScheme = scheme;
  const sc: ScrapeConfig = {
    job_name: job,
    honor_labels: r.honor_labels ?? false,
    honor_timestamps: r.honor_timestamps ?? true,
    track_timestamps_staleness: r.track_timestamps_staleness ?? false,
    scrape_interval: interval,
    scrape_timeout: timeout,
    scrape_protocols: protocols,
    metrics_path: r.metrics_path ?? '/metrics',
    scheme: httpScheme as 'http' | 'https',
    params: r.params ?? {},
    enable_compression: r.enable_compression ?? true,
    body_size_limit: r.body_size_limit || g.body_size_limit,
    sample_limit: r.sample_limit || g.sample_limit,
    target_limit: r.target_limit || g.target_limit,
    label_limit: r.label_limit || g.label_limit,
    label_name_length_limit: r.label_name_length_limit || g.label_name_length_limit,
    label_value_length_limit: r.label_value_length_limit || g.label_value_length_limit,
    keep_dropped_targets: r.keep_dropped_targets || g.keep_dropped_targets,
    metric_name_validation_scheme: scheme,
    metric_name_escaping_scheme: escaping,
    scrape_native_histograms: native,
    always_scrape_classic_histograms: r.always_scrape_classic_histograms ?? g.always_scrape_classic_histograms,
    convert_classic_histograms_to_nhcb: r.convert_classic_histograms_to_nhcb ?? g.convert_classic_histograms_to_nhcb,
    extra_scrape_metrics: r.extra_scrape_metrics ?? g.extra_scrape_metrics,
    native_histogram_bucket_limit: r.native_histogram_bucket_limit ?? g.native_histogram_bucket_limit,
    native_histogram_min_bucket_factor: r.native_histogram_min_bucket_factor ?? g.native_histogram_min_bucket_factor,
    static_configs: buildStaticConfigs(
      r.static_configs,
      [...path, 'static_configs'],
      issues,
      !rewritesAddress(r.relabel_configs),
    ),
    file_sd_configs: buildFileSD(r.file_sd_configs, dir, [...path, 'file_sd_configs'], issues),
    other_sd_configs: buildOtherSD(r as Record<string, unknown>, dir, path, issues),
    relabel_configs: buildRelabelList(
      r.relabel_configs,
      [...path, 'relabel_configs'],
      issues,
      'empty or null target relabeling rule',
      relabelScheme,
    ),
    metric_relabel_configs: buildRelabelList(
      r.metric_relabel_configs,
      [...path, 'metric_relabel_configs'],
      issues,
      'empty or null metric relabeling rule',
      relabelScheme,
    ),
    ...buildHTTPClient(r as RawHTTPClient, dir, path, issues),
  };
  // Prometheus checks these after decoding the nested sections, so their errors come first there too.
  if (job === '') issues.add(r.job_name === undefined ? path : [...path, 'job_name'], 'job_name is empty');
  if (timeoutTooLong)
    issues.add(
      r.scrape_timeout !== undefined ? [...path, 'scrape_timeout'] : path,
      `scrape timeout greater than scrape interval${jobSuffix}`,
    );
  if (fallback) sc.fallback_scrape_protocol = fallback as ScrapeProtocol;
  const failLog = r.scrape_failure_log_file ? joinDir(dir, r.scrape_failure_log_file) : g.scrape_failure_log_file;
  if (failLog) sc.scrape_failure_log_file = failLog;
  return sc;
}

/** Builds every scrape config of a list and reports null entries. */
export function buildScrapeList(
  raws: (RawScrape | null)[] | undefined,
  ctx: GlobalCtx,
  dir: string,
  path: ConfigPath,
  issues: IssueList,
): { config: ScrapeConfig; path: ConfigPath }[] {
  const out: { config: ScrapeConfig; path: ConfigPath }[] = [];
  for (let i = 0; i < (raws?.length ?? 0); i++) {
    const r = raws![i];
    const p = [...path, i];
    if (r === null) {
      issues.add(p, 'empty or null scrape config section');
      continue;
    }
    out.push({ config: buildScrapeConfig(r, ctx, dir, p, issues), path: p });
  }
  return out;
}

function buildAlertmanager(r: RawAlertmanager, g: GlobalConfig, dir: string, path: ConfigPath, issues: IssueList) {
  const version = r.api_version || 'v2';
  if (version !== 'v2')
    issues.add([...path, 'api_version'], `expected Alertmanager api version to be one of [v2] but got ${version}`);
  const scheme = r.scheme ?? 'http';
  if (scheme !== 'http' && scheme !== 'https')
    issues.add([...path, 'scheme'], `invalid scheme ${goQuote(scheme)}, must be "http" or "https"`);
  const http = buildHTTPClient(r as RawHTTPClient, dir, path, issues);
  if (r.sigv4 && (http.basic_auth || http.authorization || http.oauth2))
    issues.add(path, 'at most one of basic_auth, authorization, oauth2, & sigv4 must be configured');
  const am: AlertmanagerConfig = {
    ...http,
    scheme: scheme as 'http' | 'https',
    path_prefix: r.path_prefix ?? '/',
    timeout: r.timeout || 10 * S,
    api_version: version,
    static_configs: buildStaticConfigs(
      r.static_configs,
      [...path, 'static_configs'],
      issues,
      !rewritesAddress(r.relabel_configs),
    ),
    file_sd_configs: buildFileSD(r.file_sd_configs, dir, [...path, 'file_sd_configs'], issues),
    other_sd_configs: buildOtherSD(r as Record<string, unknown>, dir, path, issues),
    relabel_configs: buildRelabelList(
      r.relabel_configs,
      [...path, 'relabel_configs'],
      issues,
      'empty or null Alertmanager target relabeling rule',
      g.metric_name_validation_scheme,
    ),
    alert_relabel_configs: buildRelabelList(
      r.alert_relabel_configs,
      [...path, 'alert_relabel_configs'],
      issues,
      'empty or null Alertmanager alert relabeling rule',
      g.metric_name_validation_scheme,
    ),
  };
  if (r.sigv4) am.sigv4 = r.sigv4;
  return am;
}

const RESERVED_HEADERS = new Set([
  'content-encoding',
  'content-length',
  'content-type',
  'user-agent',
  'x-prometheus-remote-write-version',
  'x-prometheus-remote-read-version',
]);

function checkHeaders(headers: Record<string, string> | undefined, path: ConfigPath, issues: IssueList): void {
  for (const h of Object.keys(headers ?? {})) {
    const l = h.toLowerCase();
    if (l === 'authorization')
      issues.add(
        [...path, 'headers', h],
        'authorization header must be changed via the basic_auth, authorization, oauth2, sigv4, azuread or google_iam parameter',
        true,
      );
    else if (RESERVED_HEADERS.has(l))
      issues.add([...path, 'headers', h], `${l} is a reserved header. It must not be changed`, true);
  }
}

const PROTOBUF_MESSAGES = ['prometheus.WriteRequest', 'io.prometheus.write.v2.Request'];

function buildRemoteWrite(r: RawRemoteWrite, g: GlobalConfig, dir: string, path: ConfigPath, issues: IssueList) {
  if (!r.url) issues.add(r.url === undefined ? path : [...path, 'url'], 'url for remote_write is empty');
  checkHeaders(r.headers, path, issues);
  const msg = r.protobuf_message ?? 'prometheus.WriteRequest';
  if (!PROTOBUF_MESSAGES.includes(msg))
    issues.add(
      [...path, 'protobuf_message'],
      `invalid protobuf_message value: unknown type for remote write protobuf message ${msg}, supported: ${PROTOBUF_MESSAGES.join(', ')}`,
    );
  const http = buildHTTPClient(r as RawHTTPClient, dir, path, issues);
  const auths = [http.basic_auth, http.authorization, http.oauth2, r.sigv4, r.azuread, r.google_iam].filter(Boolean);
  if (auths.length > 1)
    issues.add(
      path,
      'at most one of basic_auth, authorization, oauth2, sigv4, azuread or google_iam must be configured',
    );
  const q = r.queue_config ?? {};
  const queue = {
    capacity: q.capacity ?? 10000,
    max_shards: q.max_shards ?? 50,
    min_shards: q.min_shards ?? 1,
    max_samples_per_send: q.max_samples_per_send ?? 2000,
    batch_send_deadline: q.batch_send_deadline ?? 5 * S,
    min_backoff: q.min_backoff ?? 30,
    max_backoff: q.max_backoff ?? 5 * S,
    retry_on_http_429: q.retry_on_http_429 ?? false,
    sample_age_limit: q.sample_age_limit ?? 0,
  };
  const qp = [...path, 'queue_config'];
  const at = (f: keyof typeof q) => (q[f] !== undefined ? [...qp, f] : qp);
  if (queue.capacity <= 0) issues.add(at('capacity'), 'remote write queue capacity must be positive');
  if (queue.max_shards <= 0) issues.add(at('max_shards'), 'remote write queue max_shards must be positive');
  if (queue.min_shards <= 0) issues.add(at('min_shards'), 'remote write queue min_shards must be positive');
  if (queue.min_shards > queue.max_shards)
    issues.add(at('min_shards'), 'remote write queue min_shards must not be greater than max_shards');
  if (queue.max_samples_per_send <= 0)
    issues.add(at('max_samples_per_send'), 'remote write queue max_samples_per_send must be positive');
  if (queue.max_backoff < queue.min_backoff)
    issues.add(at('max_backoff'), 'remote write queue max_backoff must not be less than min_backoff');
  const md = r.metadata_config ?? {};
  const rw: RemoteWriteConfig = {
    ...http,
    url: r.url ?? '',
    remote_timeout: r.remote_timeout || 30 * S,
    headers: r.headers ?? {},
    write_relabel_configs: buildRelabelList(
      r.write_relabel_configs,
      [...path, 'write_relabel_configs'],
      issues,
      'empty or null relabeling rule in remote write config',
      g.metric_name_validation_scheme,
    ),
    send_exemplars: r.send_exemplars ?? false,
    send_native_histograms: r.send_native_histograms ?? false,
    protobuf_message: msg,
    round_robin_dns: r.round_robin_dns ?? false,
    queue_config: queue,
    metadata_config: {
      send: md.send ?? true,
      send_interval: md.send_interval || M,
      max_samples_per_send: md.max_samples_per_send ?? 2000,
    },
  };
  if (r.name) rw.name = r.name;
  if (r.sigv4) rw.sigv4 = r.sigv4;
  if (r.azuread) rw.azuread = r.azuread;
  if (r.google_iam) rw.google_iam = r.google_iam;
  return rw;
}

function buildRemoteRead(r: RawRemoteRead, dir: string, path: ConfigPath, issues: IssueList) {
  if (!r.url) issues.add(r.url === undefined ? path : [...path, 'url'], 'url for remote_read is empty');
  checkHeaders(r.headers, path, issues);
  const rr: RemoteReadConfig = {
    ...buildHTTPClient(r as RawHTTPClient, dir, path, issues),
    url: r.url ?? '',
    remote_timeout: r.remote_timeout || M,
    headers: r.headers ?? {},
    read_recent: r.read_recent ?? false,
    required_matchers: r.required_matchers ?? {},
    filter_external_labels: r.filter_external_labels ?? true,
  };
  if (r.name) rr.name = r.name;
  return rr;
}

function checkStorage(s: RawPrometheus['storage'], issues: IssueList): void {
  const tsdb = s?.tsdb;
  if (!tsdb) return;
  const p = ['storage', 'tsdb'];
  if (tsdb.retention?.size !== undefined && tsdb.retention.size < 0)
    issues.add([...p, 'retention', 'size'], "'storage.tsdb.retention.size' must be greater than or equal to 0");
  const pct = tsdb.retention?.percentage;
  if (pct !== undefined && (pct < 0 || pct > 100))
    issues.add([...p, 'retention', 'percentage'], "'storage.tsdb.retention.percentage' must be in the range [0, 100]");
  const floats = tsdb.chunk_encoding?.floats;
  if (floats !== undefined && floats !== 'xor' && floats !== 'xor2')
    issues.add(
      [...p, 'chunk_encoding', 'floats'],
      `'storage.tsdb.chunk_encoding.floats' must be 'xor' or 'xor2', or the field must be omitted entirely, got ${goQuote(floats)}`,
    );
}

function checkTracing(t: RawPrometheus['tracing'], issues: IssueList): void {
  if (!t || Object.keys(t).length === 0) return;
  const p = ['tracing'];
  if (!t.endpoint) issues.add(p, 'tracing endpoint must be set');
  const ct = t.client_type ?? 'grpc';
  if (ct !== 'grpc' && ct !== 'http') issues.add([...p, 'client_type'], `invalid tracing client type ${ct}`);
  for (const h of Object.keys(t.headers ?? {})) {
    const l = h.toLowerCase();
    if (l === 'authorization')
      issues.add([...p, 'headers', h], 'authorization header configuration is not yet supported', true);
    else if (RESERVED_HEADERS.has(l))
      issues.add([...p, 'headers', h], `${l} is a reserved header. It must not be changed`, true);
  }
  if (t.compression !== undefined && t.compression !== '' && t.compression !== 'gzip')
    issues.add([...p, 'compression'], `invalid compression type ${t.compression} provided, valid options: gzip`);
}

const OTLP_STRATEGIES = [
  'UnderscoreEscapingWithSuffixes',
  'UnderscoreEscapingWithoutSuffixes',
  'NoUTF8EscapingWithSuffixes',
  'NoTranslation',
];

function checkAttrList(list: string[] | undefined, field: string, word: string, issues: IssueList): void {
  if (!list) return;
  const errs: string[] = [];
  const seen = new Set<string>();
  for (const a of list) {
    const t = a.trim();
    if (t === '') errs.push(`empty ${word} OTel resource attribute`);
    else if (seen.has(t)) errs.push(`duplicated ${word} OTel resource attribute ${goQuote(t)}`);
    seen.add(t);
  }
  if (errs.length) issues.add(['otlp', field], `invalid '${field}': ${errs.join('; ')}`);
}

function checkOTLP(o: RawPrometheus['otlp'], g: GlobalConfig, issues: IssueList): void {
  if (!o) return;
  checkAttrList(o.promote_resource_attributes, 'promote_resource_attributes', 'promoted', issues);
  checkAttrList(o.ignore_resource_attributes, 'ignore_resource_attributes', 'ignored', issues);
  if (o.promote_all_resource_attributes && (o.promote_resource_attributes?.length ?? 0) > 0)
    issues.add(
      ['otlp'],
      "'promote_all_resource_attributes' and 'promote_resource_attributes' cannot be configured simultaneously",
    );
  if ((o.ignore_resource_attributes?.length ?? 0) > 0 && !o.promote_all_resource_attributes)
    issues.add(
      ['otlp'],
      "'ignore_resource_attributes' cannot be configured unless 'promote_all_resource_attributes' is true",
    );
  const s = o.translation_strategy;
  if (s !== undefined && s !== '') {
    if (!OTLP_STRATEGIES.includes(s))
      issues.add(['otlp', 'translation_strategy'], `unsupported OTLP translation strategy ${goQuote(s)}`);
    else if (
      (s === 'NoUTF8EscapingWithSuffixes' || s === 'NoTranslation') &&
      g.metric_name_validation_scheme === 'legacy'
    )
      issues.add(
        ['otlp', 'translation_strategy'],
        `OTLP translation strategy ${goQuote(s)} is not allowed when UTF8 is disabled`,
      );
  }
}

function checkPathPatterns(list: string[], field: string, what: string, issues: IssueList): void {
  list.forEach((f, i) => {
    if (!PAT_RULE_PATH.test(f)) issues.add([field, i], `invalid ${what} path ${goQuote(f)}`);
  });
}

/** Checks job_name uniqueness over the scrape configs (main file and included files). */
export function checkDuplicateJobs(list: { config: ScrapeConfig; path: ConfigPath }[], issues: IssueList): void {
  const seen = new Set<string>();
  for (const { config, path } of list) {
    if (config.job_name === '') continue;
    if (seen.has(config.job_name))
      issues.add([...path, 'job_name'], `found multiple scrape configs with job name ${goQuote(config.job_name)}`);
    seen.add(config.job_name);
  }
}

/**
 * Builds the whole config (without scrape_config_files, which the loader reads and merges afterwards).
 * Scrape configs come back with their paths so included files can be checked for duplicates together.
 */
export function buildPrometheus(
  raw: RawPrometheus,
  opts: BuildOptions,
  issues: IssueList,
): { config: PrometheusConfig; ctx: GlobalCtx; scrapes: { config: ScrapeConfig; path: ConfigPath }[] } {
  const ctx = buildGlobal(raw.global, opts, issues);
  const g = ctx.g;
  if (opts.agent) {
    if (
      raw.alerting &&
      ((raw.alerting.alertmanagers?.length ?? 0) > 0 || (raw.alerting.alert_relabel_configs?.length ?? 0) > 0)
    )
      issues.add(['alerting'], 'field alerting is not allowed in agent mode', true);
    if ((raw.rule_files?.length ?? 0) > 0)
      issues.add(['rule_files'], 'field rule_files is not allowed in agent mode', true);
    if ((raw.remote_read?.length ?? 0) > 0)
      issues.add(['remote_read'], 'field remote_read is not allowed in agent mode', true);
  }
  const ruleFiles = raw.rule_files ?? [];
  checkPathPatterns(ruleFiles, 'rule_files', 'rule file', issues);
  const scrapeFiles = raw.scrape_config_files ?? [];
  checkPathPatterns(scrapeFiles, 'scrape_config_files', 'scrape config file', issues);
  const scrapes = buildScrapeList(raw.scrape_configs, ctx, opts.dir, ['scrape_configs'], issues);
  checkDuplicateJobs(scrapes, issues);

  const alerting: AlertingConfig = {
    alert_relabel_configs: buildRelabelList(
      raw.alerting?.alert_relabel_configs,
      ['alerting', 'alert_relabel_configs'],
      issues,
      'empty or null alert relabeling rule',
      g.metric_name_validation_scheme,
    ),
    alertmanagers: [],
  };
  (raw.alerting?.alertmanagers ?? []).forEach((am, i) => {
    const p = ['alerting', 'alertmanagers', i];
    if (am === null) issues.add(p, 'empty or null alertmanager config section');
    else alerting.alertmanagers.push(buildAlertmanager(am, g, opts.dir, p, issues));
  });

  const remoteWrite: RemoteWriteConfig[] = [];
  const rwNames = new Set<string>();
  (raw.remote_write ?? []).forEach((rw, i) => {
    const p = ['remote_write', i];
    if (rw === null) {
      issues.add(p, 'empty or null remote write config section');
      return;
    }
    const c = buildRemoteWrite(rw, g, opts.dir, p, issues);
    if (c.name) {
      if (rwNames.has(c.name))
        issues.add([...p, 'name'], `found multiple remote write configs with job name ${goQuote(c.name)}`);
      rwNames.add(c.name);
    }
    remoteWrite.push(c);
  });
  const remoteRead: RemoteReadConfig[] = [];
  const rrNames = new Set<string>();
  (raw.remote_read ?? []).forEach((rr, i) => {
    const p = ['remote_read', i];
    if (rr === null) {
      issues.add(p, 'empty or null remote read config section');
      return;
    }
    const c = buildRemoteRead(rr, opts.dir, p, issues);
    if (c.name) {
      if (rrNames.has(c.name))
        issues.add([...p, 'name'], `found multiple remote read configs with job name ${goQuote(c.name)}`);
      rrNames.add(c.name);
    }
    remoteRead.push(c);
  });
  checkStorage(raw.storage, issues);
  checkTracing(raw.tracing, issues);
  checkOTLP(raw.otlp, g, issues);

  const config: PrometheusConfig = {
    global: g,
    rule_files: ruleFiles.map((f) => joinDir(opts.dir, f) ?? f),
    scrape_config_files: scrapeFiles.map((f) => joinDir(opts.dir, f) ?? f),
    scrape_configs: scrapes.map((s) => s.config),
    alerting,
    remote_write: remoteWrite,
    remote_read: remoteRead,
    source_file: '',
  };
  // Sections Osprey passes on as data; unknown (loosely accepted) fields come back as plain values.
  if (raw.storage) config.storage = unwrapLiterals(raw.storage) as Record<string, unknown>;
  if (raw.tracing) config.tracing = unwrapLiterals(raw.tracing) as Record<string, unknown>;
  if (raw.runtime) config.runtime = unwrapLiterals(raw.runtime) as Record<string, unknown>;
  if (raw.otlp) config.otlp = unwrapLiterals(raw.otlp) as Record<string, unknown>;
  if (raw.osprey) config.osprey = raw.osprey;
  return { config, ctx, scrapes };
}
