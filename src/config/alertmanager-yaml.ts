/**
 * Printing a loaded alertmanager.yml as Alertmanager's status API does (`config.original` is the text as
 * loaded; this is the parsed form): YAML with defaults spelled out, durations in Prometheus notation and
 * every secret replaced by `<secret>`. The output loads again.
 */
import { stringify } from 'yaml';
import { formatDuration } from '../model/index.ts';
import { timeIntervalToRaw } from './alertmanager-time-intervals.ts';
import type { AlertmanagerConfig, AlertmanagerRoute, InhibitRule } from './alertmanager-types.ts';
import { SECRET_PLACEHOLDER } from './config-yaml.ts';

/** Alertmanager's Secret / SecretURL fields, by key, wherever they appear. */
const SECRET_KEYS = new Set([
  // global
  'smtp_auth_password',
  'smtp_auth_secret',
  'slack_api_url',
  'slack_app_token',
  'opsgenie_api_key',
  'wechat_api_secret',
  'victorops_api_key',
  'telegram_bot_token',
  'rocketchat_token',
  'rocketchat_token_id',
  'mattermost_webhook_url',
  // integrations
  'auth_password',
  'auth_secret',
  'api_url_secret',
  'app_token',
  'routing_key_secret',
  'service_key',
  'api_key',
  'bot_token',
  'webhook_url',
  'api_secret',
  'user_key',
  'token',
  'token_id',
  'secret_key',
  'alert_source_token',
  // http_config
  'password',
  'credentials',
  'client_secret',
  'bearer_token',
  'key_passphrase',
  'client_certificate_key',
]);

/** Keys that are secrets only inside some integrations. */
const KIND_SECRETS: Record<string, Set<string>> = {
  slack_configs: new Set(['api_url']),
  webhook_configs: new Set(['url']),
  pagerduty_configs: new Set(['routing_key']),
  dingtalk_configs: new Set(['secret']),
  feishu_configs: new Set(['secret']),
};

const DURATION_KEYS = new Set([
  'resolve_timeout',
  'group_wait',
  'group_interval',
  'repeat_interval',
  'timeout',
  'retry',
  'expire',
  'ttl',
]);

function redact(v: unknown, key: string, kind: string): unknown {
  if (Array.isArray(v)) return v.map((x) => redact(x, key, kind));
  if (v === null || typeof v !== 'object') {
    if (typeof v === 'number' && DURATION_KEYS.has(key)) return formatDuration(v);
    return v;
  }
  const out: Record<string, unknown> = {};
  for (const [k, x] of Object.entries(v as Record<string, unknown>)) {
    if (x === undefined) continue;
    const secret = SECRET_KEYS.has(k) || KIND_SECRETS[kind]?.has(k) || (k === 'key' && key === 'tls_config');
    if (secret && typeof x === 'string' && x !== '') out[k] = SECRET_PLACEHOLDER;
    else if (k === 'secrets' && Array.isArray(x)) out[k] = x.map(() => SECRET_PLACEHOLDER);
    else out[k] = redact(x, k, k.endsWith('_configs') ? k : kind);
  }
  return out;
}

function routeToRaw(r: AlertmanagerRoute): Record<string, unknown> {
  const out: Record<string, unknown> = { receiver: r.receiver };
  if (r.group_by.length) out.group_by = r.group_by;
  if (r.match) out.match = r.match;
  if (r.match_re) out.match_re = r.match_re;
  if (r.matchers_text) out.matchers = r.matchers_text;
  if (r.continue) out.continue = true;
  out.group_wait = r.group_wait;
  out.group_interval = r.group_interval;
  out.repeat_interval = r.repeat_interval;
  if (r.mute_time_intervals.length) out.mute_time_intervals = r.mute_time_intervals;
  if (r.active_time_intervals.length) out.active_time_intervals = r.active_time_intervals;
  if (r.routes.length) out.routes = r.routes.map(routeToRaw);
  return out;
}

function inhibitToRaw(r: InhibitRule): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  if (r.name) out.name = r.name;
  if (r.source_match) out.source_match = r.source_match;
  if (r.source_match_re) out.source_match_re = r.source_match_re;
  if (r.source_matchers_text) out.source_matchers = r.source_matchers_text;
  if (r.target_match) out.target_match = r.target_match;
  if (r.target_match_re) out.target_match_re = r.target_match_re;
  if (r.target_matchers_text) out.target_matchers = r.target_matchers_text;
  if (r.equal.length) out.equal = r.equal;
  return out;
}

/** Global URLs whose defaults older Alertmanager tools (amtool 0.25) do not know as fields. */
const GLOBAL_DEFAULTS: Record<string, string> = {
  slack_app_url: 'https://slack.com/api/chat.postMessage',
  webex_api_url: 'https://webexapis.com/v1/messages',
  rocketchat_api_url: 'https://open.rocket.chat/',
  telegram_api_url: 'https://api.telegram.org',
};

/** Drops settings equal to their defaults that older parsers reject (`compact` printing). */
function compact(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(compact);
  if (v === null || typeof v !== 'object') return v;
  const out: Record<string, unknown> = {};
  for (const [k, x] of Object.entries(v as Record<string, unknown>)) {
    if (k === 'proxy_from_environment' && x === false) continue;
    out[k] = compact(x);
  }
  return out;
}

export interface PrintOptions {
  /**
   * Leave out defaults that Alertmanager versions before 0.27 do not know (slack_app_url, rocketchat_api_url,
   * proxy_from_environment: false, ...), so older amtool releases can parse `config show` output.
   */
  compact?: boolean;
}

/** The config as a plain object in alertmanager.yml form, secrets redacted. */
export function redactedAlertmanagerConfig(cfg: AlertmanagerConfig, opts: PrintOptions = {}): Record<string, unknown> {
  let global: Record<string, unknown> = { ...cfg.global };
  if (opts.compact) {
    for (const [k, d] of Object.entries(GLOBAL_DEFAULTS)) if (global[k] === d) delete global[k];
    global = compact(global) as Record<string, unknown>;
  }
  const out: Record<string, unknown> = { global, route: routeToRaw(cfg.route) };
  if (cfg.inhibit_rules.length) out.inhibit_rules = cfg.inhibit_rules.map(inhibitToRaw);
  const legacy = new Set(cfg.legacy_mute_time_interval_names);
  const ti = (n: { name: string; time_intervals: unknown[] }) => n;
  const mk = (t: AlertmanagerConfig['time_intervals'][number]) =>
    ti({ name: t.name, time_intervals: t.time_intervals.map(timeIntervalToRaw) });
  const legacyList = cfg.time_intervals.filter((t) => legacy.has(t.name)).map(mk);
  const modern = cfg.time_intervals.filter((t) => !legacy.has(t.name)).map(mk);
  if (legacyList.length) out.mute_time_intervals = legacyList;
  if (modern.length) out.time_intervals = modern;
  out.receivers = opts.compact ? compact(cfg.receivers) : cfg.receivers;
  if (cfg.templates.length) out.templates = cfg.templates;
  return redact(out, '', '') as Record<string, unknown>;
}

/** YAML for GET /api/v2/status `config.original`-style display, with `<secret>` for every secret. */
export function alertmanagerConfigToYaml(cfg: AlertmanagerConfig, opts: PrintOptions = {}): string {
  return stringify(redactedAlertmanagerConfig(cfg, opts), { lineWidth: 0, aliasDuplicateObjects: false });
}
