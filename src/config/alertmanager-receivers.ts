/**
 * Receiver integrations: per-kind defaults (Alertmanager's Default*Config), the integration's own checks, and
 * inheritance of URLs, keys and the HTTP client config from `global:`, with Alertmanager's messages.
 */

import type { AlertmanagerGlobalConfig, IntegrationConfig, IntegrationKind } from './alertmanager-types.ts';
import { buildHTTPClient, joinDir, type RawHTTPClient } from './http-client.ts';
import type { HTTPClientConfig } from './types.ts';
import type { ConfigPath, IssueList } from './yaml-errors.ts';

const t = (name: string) => `{{ template "${name}" . }}`;
const FIRING_COLOR = '{{ if eq .Status "firing" }}danger{{ else }}good{{ end }}';

/** Default field values per kind (applied when the field is unset). */
const DEFAULTS: Record<IntegrationKind, Record<string, unknown>> = {
  email: { send_resolved: false, html: t('email.default.html'), text: '' },
  slack: {
    send_resolved: false,
    color: FIRING_COLOR,
    username: t('slack.default.username'),
    title: t('slack.default.title'),
    title_link: t('slack.default.titlelink'),
    icon_emoji: t('slack.default.iconemoji'),
    icon_url: t('slack.default.iconurl'),
    pretext: t('slack.default.pretext'),
    text: t('slack.default.text'),
    fallback: t('slack.default.fallback'),
    callback_id: t('slack.default.callbackid'),
    footer: t('slack.default.footer'),
  },
  webhook: { send_resolved: true, max_alerts: 0 },
  pagerduty: {
    send_resolved: true,
    description: t('pagerduty.default.description'),
    client: t('pagerduty.default.client'),
    client_url: t('pagerduty.default.clientURL'),
  },
  opsgenie: {
    send_resolved: true,
    message: t('opsgenie.default.message'),
    description: t('opsgenie.default.description'),
    source: t('opsgenie.default.source'),
  },
  telegram: {
    send_resolved: true,
    message: t('telegram.default.message'),
    parse_mode: 'HTML',
    disable_notifications: false,
  },
  discord: { send_resolved: true, title: t('discord.default.title'), message: t('discord.default.message') },
  msteams: {
    send_resolved: true,
    title: t('msteams.default.title'),
    summary: t('msteams.default.summary'),
    text: t('msteams.default.text'),
  },
  msteamsv2: { send_resolved: true, title: t('msteamsv2.default.title'), text: t('msteamsv2.default.text') },
  wechat: {
    send_resolved: false,
    message: t('wechat.default.message'),
    to_user: t('wechat.default.to_user'),
    to_party: t('wechat.default.to_party'),
    to_tag: t('wechat.default.to_tag'),
    agent_id: t('wechat.default.agent_id'),
    message_type: 'text',
  },
  victorops: {
    send_resolved: true,
    message_type: 'CRITICAL',
    state_message: t('victorops.default.state_message'),
    entity_display_name: t('victorops.default.entity_display_name'),
    monitoring_tool: t('victorops.default.monitoring_tool'),
  },
  pushover: {
    send_resolved: true,
    title: t('pushover.default.title'),
    message: t('pushover.default.message'),
    url: t('pushover.default.url'),
    priority: '{{ if eq .Status "firing" }}2{{ else }}0{{ end }}',
    retry: 60_000,
    expire: 3_600_000,
    html: false,
  },
  sns: { send_resolved: true, subject: t('sns.default.subject'), message: t('sns.default.message') },
  webex: { send_resolved: true, message: t('webex.default.message') },
  rocketchat: {
    send_resolved: true,
    color: FIRING_COLOR,
    emoji: t('rocketchat.default.emoji'),
    icon_url: t('rocketchat.default.iconurl'),
    text: t('rocketchat.default.text'),
    title: t('rocketchat.default.title'),
    title_link: t('rocketchat.default.titlelink'),
  },
  mattermost: { send_resolved: true, text: t('mattermost.default.text') },
  jira: { send_resolved: true },
  incidentio: { send_resolved: true },
  // Osprey extensions; the same defaults as src/notify's notifiers apply.
  dingtalk: {
    send_resolved: true,
    message_type: 'markdown',
    title: t('dingtalk.default.title'),
    message: t('dingtalk.default.message'),
  },
  feishu: {
    send_resolved: true,
    message_type: 'interactive',
    title: t('feishu.default.title'),
    message: t('feishu.default.message'),
  },
  wecom_robot: { send_resolved: true, message_type: 'markdown', message: t('wecom_robot.default.message') },
};

const has = (v: unknown) => v !== undefined && v !== '';

interface Ctx {
  global: AlertmanagerGlobalConfig;
  dir: string;
  issues: IssueList;
}

function checkUrl(c: Record<string, unknown>, key: string, path: ConfigPath, issues: IssueList): void {
  const v = c[key];
  if (typeof v !== 'string' || v === '' || v === '<secret>' || v.includes('{{')) return;
  let u: URL;
  try {
    u = new URL(v);
  } catch {
    issues.add([...path, key], `parse ${JSON.stringify(v)}: invalid URL`);
    return;
  }
  if (u.protocol !== 'http:' && u.protocol !== 'https:')
    issues.add([...path, key], `unsupported scheme ${JSON.stringify(u.protocol.slice(0, -1))} for URL`);
}

function atMostOne(c: Record<string, unknown>, a: string, b: string, path: ConfigPath, issues: IssueList): boolean {
  if (has(c[a]) && has(c[b])) {
    issues.add(path, `at most one of ${a} & ${b} must be configured`);
    return false;
  }
  return true;
}

function oneOf(c: Record<string, unknown>, a: string, b: string, path: ConfigPath, issues: IssueList): void {
  if (!has(c[a]) && !has(c[b])) issues.add(path, `one of ${a} or ${b} must be configured`);
  else atMostOne(c, a, b, path, issues);
}

function fileKeys(c: Record<string, unknown>, dir: string, keys: string[]): void {
  for (const k of keys) if (typeof c[k] === 'string') c[k] = joinDir(dir, c[k] as string);
}

/** Inherits `key`/`key_file` from the global pair when the config sets neither. Returns false if none. */
function inheritPair(
  c: Record<string, unknown>,
  key: string,
  gKey: string | undefined,
  gFile: string | undefined,
): boolean {
  if (has(c[key]) || has(c[`${key}_file`])) return true;
  if (has(gKey)) {
    c[key] = gKey;
    return true;
  }
  if (has(gFile)) {
    c[`${key}_file`] = gFile;
    return true;
  }
  return false;
}

/**
 * The common HTTP client build, except that proxy_url is checked the way Go's url.Parse does (which accepts
 * relative references such as "foo"), as Alertmanager does.
 */
export function buildAlertmanagerHTTPClient(
  r: RawHTTPClient,
  dir: string,
  path: ConfigPath,
  issues: IssueList,
): HTTPClientConfig {
  const { proxy_url, ...rest } = r;
  if (proxy_url !== undefined && /[\x00-\x1f\x7f ]|%(?![0-9a-fA-F]{2})/.test(proxy_url))
    issues.add([...path, 'proxy_url'], `parse ${JSON.stringify(proxy_url)}: invalid URL`);
  const hasProxy = proxy_url !== undefined && proxy_url !== '';
  const out = buildHTTPClient(hasProxy ? { ...rest, proxy_url: 'http://proxy.invalid' } : rest, dir, path, issues);
  if (hasProxy) out.proxy_url = proxy_url;
  return out;
}

type Builder = (c: Record<string, unknown>, path: ConfigPath, ctx: Ctx) => void;

const BUILDERS: Partial<Record<IntegrationKind, Builder>> = {
  email(c, p, { global: g, dir, issues }) {
    if (!has(c.to)) issues.add(p, 'missing to address in email config');
    atMostOne(c, 'auth_password', 'auth_password_file', p, issues);
    atMostOne(c, 'auth_secret', 'auth_secret_file', p, issues);
    const headers: Record<string, string> = {};
    for (const [k, v] of Object.entries((c.headers as Record<string, string>) ?? {})) {
      const norm = k
        .toLowerCase()
        .split('-')
        .map((w) => w.charAt(0).toUpperCase() + w.slice(1))
        .join('-');
      if (norm in headers) issues.add([...p, 'headers'], `duplicate header ${JSON.stringify(norm)} in email config`);
      headers[norm] = v;
    }
    if (!('To' in headers) && has(c.to)) headers.To = c.to as string;
    if (!('Subject' in headers)) headers.Subject = t('email.default.subject');
    c.headers = headers;
    if (!has(c.smarthost)) {
      if (!has(g.smtp_smarthost)) issues.add(p, 'no global SMTP smarthost set');
      c.smarthost = g.smtp_smarthost;
    }
    if (!has(c.from)) {
      if (!has(g.smtp_from)) issues.add(p, 'no global SMTP from set');
      c.from = g.smtp_from;
    }
    if (!('From' in headers) && has(c.from)) headers.From = c.from as string;
    if (!has(c.hello)) c.hello = g.smtp_hello;
    if (!has(c.auth_username)) c.auth_username = g.smtp_auth_username;
    if (!has(c.auth_password) && !has(c.auth_password_file)) {
      c.auth_password = g.smtp_auth_password;
      c.auth_password_file = g.smtp_auth_password_file;
    }
    if (!has(c.auth_secret) && !has(c.auth_secret_file)) {
      c.auth_secret = g.smtp_auth_secret;
      c.auth_secret_file = g.smtp_auth_secret_file;
    }
    if (!has(c.auth_identity)) c.auth_identity = g.smtp_auth_identity;
    if (c.require_tls === undefined) c.require_tls = g.smtp_require_tls;
    if (c.tls_config === undefined && g.smtp_tls_config) c.tls_config = g.smtp_tls_config;
    if (c.force_implicit_tls === undefined && g.smtp_force_implicit_tls !== undefined)
      c.force_implicit_tls = g.smtp_force_implicit_tls;
    fileKeys(c, dir, ['auth_password_file', 'auth_secret_file']);
  },
  slack(c, p, { global: g, dir, issues }) {
    atMostOne(c, 'api_url', 'api_url_file', p, issues);
    atMostOne(c, 'app_token', 'app_token_file', p, issues);
    if ((has(c.app_token) || has(c.app_token_file)) && (has(c.api_url) || has(c.api_url_file)))
      issues.add(p, 'at most one of app_token/app_token_file & api_url/api_url_file must be configured');
    if (c.update_message === true && has(c.api_url) && c.api_url !== g.slack_app_url && !has(c.app_token))
      issues.add(p, `update_message can only be used with bot tokens. api_url must be set to ${g.slack_app_url}`);
    const own = has(c.api_url) || has(c.api_url_file) || has(c.app_token) || has(c.app_token_file);
    if (!own) {
      if (has(g.slack_app_token) || has(g.slack_app_token_file)) {
        c.app_token = g.slack_app_token;
        c.app_token_file = g.slack_app_token_file;
      } else if (has(g.slack_api_url) || has(g.slack_api_url_file)) {
        c.api_url = g.slack_api_url;
        c.api_url_file = g.slack_api_url_file;
      } else issues.add(p, 'no Slack API URL nor App token set either inline or in a file');
    }
    if ((has(c.app_token) || has(c.app_token_file)) && !has(c.app_url)) c.app_url = g.slack_app_url;
    checkUrl(c, 'api_url', p, issues);
    fileKeys(c, dir, ['api_url_file', 'app_token_file']);
  },
  webhook(c, p, { dir, issues }) {
    // With a command (Osprey extension) the URL is optional: the notification may be the command alone.
    const command = c.command as string[] | undefined;
    if (command !== undefined && command.length === 0) issues.add([...p, 'command'], 'command must not be empty');
    if (command?.length) atMostOne(c, 'url', 'url_file', p, issues);
    else oneOf(c, 'url', 'url_file', p, issues);
    checkUrl(c, 'url', p, issues);
    fileKeys(c, dir, ['url_file']);
  },
  pagerduty(c, p, { global: g, dir, issues }) {
    atMostOne(c, 'routing_key', 'routing_key_file', p, issues);
    atMostOne(c, 'service_key', 'service_key_file', p, issues);
    if (!has(c.routing_key) && !has(c.service_key) && !has(c.routing_key_file) && !has(c.service_key_file))
      issues.add(p, 'missing service or routing key in PagerDuty config');
    if (!has(c.url)) c.url = g.pagerduty_url;
    checkUrl(c, 'url', p, issues);
    fileKeys(c, dir, ['routing_key_file', 'service_key_file']);
  },
  opsgenie(c, p, { global: g, dir, issues }) {
    atMostOne(c, 'api_key', 'api_key_file', p, issues);
    const responders = (c.responders as Record<string, string>[] | undefined) ?? [];
    for (const r of responders) {
      if (!has(r.id) && !has(r.username) && !has(r.name))
        issues.add(
          [...p, 'responders'],
          `opsGenieConfig responder ${JSON.stringify(r)} has to have at least one of id, username or name specified`,
        );
      const type = (r.type ?? '').toLowerCase();
      if (!type.includes('{{') && !['team', 'teams', 'user', 'escalation', 'schedule'].includes(type))
        issues.add(
          [...p, 'responders'],
          `opsGenieConfig responder ${JSON.stringify(r)} type does not match valid options team,teams,user,escalation,schedule`,
        );
    }
    if (!inheritPair(c, 'api_key', g.opsgenie_api_key, g.opsgenie_api_key_file))
      issues.add(p, 'no global OpsGenie API Key set either inline or in a file');
    if (!has(c.api_url)) c.api_url = g.opsgenie_api_url;
    checkUrl(c, 'api_url', p, issues);
    fileKeys(c, dir, ['api_key_file']);
  },
  telegram(c, p, { global: g, dir, issues }) {
    atMostOne(c, 'bot_token', 'bot_token_file', p, issues);
    if (c.chat_id === undefined && !has(c.chat_id_file)) issues.add(p, 'missing chat_id on telegram_config');
    const pm = c.parse_mode;
    if (pm !== undefined && !['', 'Markdown', 'MarkdownV2', 'HTML'].includes(pm as string))
      issues.add(p, 'unknown parse_mode on telegram_config, must be Markdown, MarkdownV2, HTML or empty string');
    if (!inheritPair(c, 'bot_token', g.telegram_bot_token, g.telegram_bot_token_file))
      issues.add(p, 'missing bot_token or bot_token_file on telegram_config');
    if (!has(c.api_url)) c.api_url = g.telegram_api_url;
    fileKeys(c, dir, ['bot_token_file', 'chat_id_file']);
  },
  discord(c, p, { dir, issues }) {
    oneOf(c, 'webhook_url', 'webhook_url_file', p, issues);
    fileKeys(c, dir, ['webhook_url_file']);
  },
  msteams(c, p, { dir, issues }) {
    oneOf(c, 'webhook_url', 'webhook_url_file', p, issues);
    fileKeys(c, dir, ['webhook_url_file']);
  },
  msteamsv2(c, p, { dir, issues }) {
    oneOf(c, 'webhook_url', 'webhook_url_file', p, issues);
    fileKeys(c, dir, ['webhook_url_file']);
  },
  wechat(c, p, { global: g, dir, issues }) {
    atMostOne(c, 'api_secret', 'api_secret_file', p, issues);
    if (c.message_type !== 'text' && c.message_type !== 'markdown')
      issues.add(p, `weChatConfig message type ${JSON.stringify(c.message_type)} not allowed`);
    if (!has(c.api_url)) c.api_url = g.wechat_api_url;
    if (!inheritPair(c, 'api_secret', g.wechat_api_secret, g.wechat_api_secret_file))
      issues.add(p, 'no global Wechat Api Secret set either inline or in a file');
    if (!has(c.corp_id)) {
      if (!has(g.wechat_api_corp_id)) issues.add(p, 'no global Wechat CorpID set');
      c.corp_id = g.wechat_api_corp_id;
    }
    fileKeys(c, dir, ['api_secret_file']);
  },
  victorops(c, p, { global: g, dir, issues }) {
    atMostOne(c, 'api_key', 'api_key_file', p, issues);
    if (!has(c.routing_key)) issues.add(p, 'missing Routing key in VictorOps config');
    const reserved = [
      'routing_key',
      'message_type',
      'state_message',
      'entity_display_name',
      'monitoring_tool',
      'entity_id',
      'entity_state',
    ];
    for (const k of Object.keys((c.custom_fields as Record<string, string>) ?? {}))
      if (reserved.includes(k))
        issues.add(
          p,
          `victorOps config contains custom field ${k} which cannot be used as it conflicts with the fixed/static fields`,
        );
    if (!inheritPair(c, 'api_key', g.victorops_api_key, g.victorops_api_key_file))
      issues.add(p, 'no global VictorOps API Key set');
    if (!has(c.api_url)) c.api_url = g.victorops_api_url;
    fileKeys(c, dir, ['api_key_file']);
  },
  pushover(c, p, { dir, issues }) {
    oneOf(c, 'user_key', 'user_key_file', p, issues);
    oneOf(c, 'token', 'token_file', p, issues);
    fileKeys(c, dir, ['user_key_file', 'token_file']);
  },
  sns(c, p, { issues }) {
    if (!has(c.target_arn) && !has(c.topic_arn) && !has(c.phone_number))
      issues.add(p, 'must provide either a Target ARN, Topic ARN, or Phone Number for SNS config');
  },
  webex(c, p, { global: g, issues }) {
    if (!has(c.room_id)) issues.add(p, 'missing room_id on webex_config');
    const hc = c.http_config as { authorization?: unknown } | undefined;
    if (!hc?.authorization) issues.add(p, 'missing webex_configs.http_config.authorization');
    if (!has(c.api_url)) c.api_url = g.webex_api_url;
  },
  rocketchat(c, p, { global: g, dir, issues }) {
    atMostOne(c, 'token', 'token_file', p, issues);
    atMostOne(c, 'token_id', 'token_id_file', p, issues);
    if (!has(c.api_url)) c.api_url = g.rocketchat_api_url;
    if (!inheritPair(c, 'token', g.rocketchat_token, g.rocketchat_token_file))
      issues.add(p, 'no global Rocketchat Token set either inline or in a file');
    if (!inheritPair(c, 'token_id', g.rocketchat_token_id, g.rocketchat_token_id_file))
      issues.add(p, 'no global Rocketchat Token ID set either inline or in a file');
    fileKeys(c, dir, ['token_file', 'token_id_file']);
  },
  mattermost(c, p, { global: g, dir, issues }) {
    atMostOne(c, 'webhook_url', 'webhook_url_file', p, issues);
    if (!inheritPair(c, 'webhook_url', g.mattermost_webhook_url, g.mattermost_webhook_url_file))
      issues.add(p, 'missing webhook_url or webhook_url_file on mattermost_config');
    fileKeys(c, dir, ['webhook_url_file']);
  },
  dingtalk(c, p, ctx) {
    robotChecks('dingtalk', c, p, ctx, ['markdown', 'text'], true);
  },
  feishu(c, p, ctx) {
    robotChecks('feishu', c, p, ctx, ['interactive', 'post', 'text'], true);
  },
  wecom_robot(c, p, ctx) {
    robotChecks('wecom_robot', c, p, ctx, ['markdown', 'text'], false);
  },
  jira(c, _p, { global: g }) {
    if (!has(c.api_url) && has(g.jira_api_url)) c.api_url = g.jira_api_url;
  },
};

/** Checks shared by the chat-robot webhooks (DingTalk, Feishu, WeCom robot). */
function robotChecks(
  kind: string,
  c: Record<string, unknown>,
  p: ConfigPath,
  { dir, issues }: Ctx,
  messageTypes: string[],
  signed: boolean,
): void {
  oneOf(c, 'webhook_url', 'webhook_url_file', p, issues);
  checkUrl(c, 'webhook_url', p, issues);
  if (signed) atMostOne(c, 'secret', 'secret_file', p, issues);
  if (!messageTypes.includes(c.message_type as string))
    issues.add(
      [...p, 'message_type'],
      `${kind} message_type ${JSON.stringify(c.message_type)} not allowed, must be one of ${messageTypes.join(', ')}`,
    );
  fileKeys(c, dir, signed ? ['webhook_url_file', 'secret_file'] : ['webhook_url_file']);
}

/** Builds one integration config (defaults, own checks, inheritance). */
export function buildIntegration(
  kind: IntegrationKind,
  raw: Record<string, unknown> | null,
  path: ConfigPath,
  global: AlertmanagerGlobalConfig,
  dir: string,
  issues: IssueList,
): IntegrationConfig {
  const c: Record<string, unknown> = { ...DEFAULTS[kind] };
  for (const [k, v] of Object.entries(raw ?? {})) if (v !== undefined) c[k] = v;
  if (raw?.http_config)
    c.http_config = buildAlertmanagerHTTPClient(
      raw.http_config as RawHTTPClient,
      dir,
      [...path, 'http_config'],
      issues,
    );
  else c.http_config = global.http_config;
  BUILDERS[kind]?.(c, path, { global, dir, issues });
  for (const k of Object.keys(c)) if (c[k] === undefined || c[k] === '') delete c[k];
  if (kind === 'email' && c.text === undefined) c.text = '';
  return c as IntegrationConfig;
}
