/**
 * The loaded alertmanager.yml (Alertmanager v0.34 schema). Keys keep Alertmanager's YAML names (snake_case);
 * every default and every global-to-receiver inheritance is applied by the loader; durations are milliseconds.
 * Secrets are plain strings here; printing goes through alertmanagerConfigToYaml, which redacts them.
 */
import type { Matcher } from '../model/index.ts';
import type { HTTPClientConfig, TLSConfig } from './types.ts';

export type { HTTPClientConfig, TLSConfig };

export interface AlertmanagerGlobalConfig {
  /** default 5m */
  resolve_timeout: number;
  http_config: HTTPClientConfig;
  smtp_from?: string;
  /** default "localhost" */
  smtp_hello: string;
  smtp_smarthost?: string;
  smtp_auth_username?: string;
  smtp_auth_password?: string;
  smtp_auth_password_file?: string;
  smtp_auth_secret?: string;
  smtp_auth_secret_file?: string;
  smtp_auth_identity?: string;
  /** default true */
  smtp_require_tls: boolean;
  smtp_tls_config?: TLSConfig;
  smtp_force_implicit_tls?: boolean;
  slack_api_url?: string;
  slack_api_url_file?: string;
  slack_app_token?: string;
  slack_app_token_file?: string;
  /** default https://slack.com/api/chat.postMessage */
  slack_app_url: string;
  /** default https://events.pagerduty.com/v2/enqueue */
  pagerduty_url: string;
  /** default https://api.opsgenie.com/ */
  opsgenie_api_url: string;
  opsgenie_api_key?: string;
  opsgenie_api_key_file?: string;
  /** default https://qyapi.weixin.qq.com/cgi-bin/ */
  wechat_api_url: string;
  wechat_api_secret?: string;
  wechat_api_secret_file?: string;
  wechat_api_corp_id?: string;
  /** default https://alert.victorops.com/integrations/generic/20131114/alert/ */
  victorops_api_url: string;
  victorops_api_key?: string;
  victorops_api_key_file?: string;
  /** default https://api.telegram.org */
  telegram_api_url: string;
  telegram_bot_token?: string;
  telegram_bot_token_file?: string;
  /** default https://webexapis.com/v1/messages */
  webex_api_url: string;
  /** default https://open.rocket.chat/ */
  rocketchat_api_url: string;
  rocketchat_token?: string;
  rocketchat_token_file?: string;
  rocketchat_token_id?: string;
  rocketchat_token_id_file?: string;
  mattermost_webhook_url?: string;
  mattermost_webhook_url_file?: string;
  jira_api_url?: string;
}

/** A route after defaults and inheritance from its parent. */
export interface AlertmanagerRoute {
  /** Inherited from the parent when unset. */
  receiver: string;
  /** Label names; ['...'] means "every label" (see group_by_all). */
  group_by: string[];
  group_by_all: boolean;
  /** Parsed `matchers` plus the legacy match/match_re, in Alertmanager's order (match, match_re, matchers). */
  matchers: Matcher[];
  /** As written, for printing. */
  match?: Record<string, string>;
  match_re?: Record<string, string>;
  matchers_text?: string[];
  continue: boolean;
  /** ms; inherited (root defaults: 30s, 5m, 4h) */
  group_wait: number;
  group_interval: number;
  repeat_interval: number;
  mute_time_intervals: string[];
  active_time_intervals: string[];
  routes: AlertmanagerRoute[];
}

export interface InhibitRule {
  source_matchers: Matcher[];
  target_matchers: Matcher[];
  equal: string[];
  /** As written, for printing. */
  source_match?: Record<string, string>;
  source_match_re?: Record<string, string>;
  target_match?: Record<string, string>;
  target_match_re?: Record<string, string>;
  source_matchers_text?: string[];
  target_matchers_text?: string[];
  name?: string;
}

/** An inclusive range; for times, minutes of the day [start, end). */
export interface InclusiveRange {
  begin: number;
  end: number;
}

export interface TimeIntervalSpec {
  /** Minutes since midnight, start inclusive, end exclusive. */
  times?: { start_minute: number; end_minute: number; start_time: string; end_time: string }[];
  /** 0 = Sunday .. 6 = Saturday */
  weekdays?: (InclusiveRange & { text: string })[];
  /** 1..31 or -31..-1 (from the end of the month) */
  days_of_month?: (InclusiveRange & { text: string })[];
  /** 1..12 */
  months?: (InclusiveRange & { text: string })[];
  years?: (InclusiveRange & { text: string })[];
  /** IANA zone name; undefined = UTC */
  location?: string;
}

export interface NamedTimeInterval {
  name: string;
  time_intervals: TimeIntervalSpec[];
}

/** Fields every integration has. Other fields are the integration's own YAML keys with defaults applied. */
export interface IntegrationConfig {
  send_resolved: boolean;
  http_config?: HTTPClientConfig;
  [key: string]: unknown;
}

/** Receiver integration kinds, by their YAML key without `_configs`. */
export const INTEGRATION_KINDS = [
  'dingtalk',
  'discord',
  'email',
  'feishu',
  'incidentio',
  'jira',
  'mattermost',
  'msteams',
  'msteamsv2',
  'opsgenie',
  'pagerduty',
  'pushover',
  'rocketchat',
  'slack',
  'sns',
  'telegram',
  'victorops',
  'webex',
  'webhook',
  'wechat',
  // Osprey extensions
  'wecom_robot',
] as const;
export type IntegrationKind = (typeof INTEGRATION_KINDS)[number];

export type AlertmanagerReceiver = { name: string } & {
  [K in `${IntegrationKind}_configs`]?: IntegrationConfig[];
};

export interface AlertmanagerConfig {
  global: AlertmanagerGlobalConfig;
  route: AlertmanagerRoute;
  inhibit_rules: InhibitRule[];
  /** time_intervals and the legacy mute_time_intervals, merged (name -> interval). */
  time_intervals: NamedTimeInterval[];
  /** Which names came from the legacy section (for printing). */
  legacy_mute_time_interval_names: string[];
  receivers: AlertmanagerReceiver[];
  /** Template globs, resolved against the config file's folder. */
  templates: string[];
  /** Absolute path of the file, when loaded from a file. */
  source_file?: string;
  /** The raw text, as loaded (Alertmanager's status API shows `original`). */
  original: string;
}

/**
 * Alias for re-exporting from src/config/index.ts, where `AlertmanagerConfig` already names prometheus.yml's
 * `alerting.alertmanagers` entry.
 */
export type AlertmanagerYmlConfig = AlertmanagerConfig;
