/**
 * zod shape of alertmanager.yml (Alertmanager v0.34): strict objects, so an unknown key is an error naming
 * the key. Only shapes and scalar types here; defaults, inheritance and cross-field rules are in
 * alertmanager-build.ts. The common integrations are strict; the rarer ones (jira, incidentio, mattermost
 * attachments, ...) accept their documented keys and check only what the loader needs.
 */
import { z } from 'zod';
import { httpClientFields, tlsConfigSchema } from './http-client.ts';
import { zanymap, zbool, zduration, zint, zmap, zstr, zstrlist, zuint } from './schema-scalars.ts';
import type { ConfigPath } from './yaml-errors.ts';

const httpConfigSchema = z.strictObject(httpClientFields);

const globalSchema = z.strictObject({
  resolve_timeout: zduration.optional(),
  http_config: httpConfigSchema.optional(),
  smtp_from: zstr.optional(),
  smtp_hello: zstr.optional(),
  smtp_smarthost: zstr.optional(),
  smtp_auth_username: zstr.optional(),
  smtp_auth_password: zstr.optional(),
  smtp_auth_password_file: zstr.optional(),
  smtp_auth_secret: zstr.optional(),
  smtp_auth_secret_file: zstr.optional(),
  smtp_auth_identity: zstr.optional(),
  smtp_require_tls: zbool.optional(),
  smtp_tls_config: tlsConfigSchema.optional(),
  smtp_force_implicit_tls: zbool.optional(),
  slack_api_url: zstr.optional(),
  slack_api_url_file: zstr.optional(),
  slack_app_token: zstr.optional(),
  slack_app_token_file: zstr.optional(),
  slack_app_url: zstr.optional(),
  pagerduty_url: zstr.optional(),
  opsgenie_api_url: zstr.optional(),
  opsgenie_api_key: zstr.optional(),
  opsgenie_api_key_file: zstr.optional(),
  wechat_api_url: zstr.optional(),
  wechat_api_secret: zstr.optional(),
  wechat_api_secret_file: zstr.optional(),
  wechat_api_corp_id: zstr.optional(),
  victorops_api_url: zstr.optional(),
  victorops_api_key: zstr.optional(),
  victorops_api_key_file: zstr.optional(),
  telegram_api_url: zstr.optional(),
  telegram_bot_token: zstr.optional(),
  telegram_bot_token_file: zstr.optional(),
  webex_api_url: zstr.optional(),
  rocketchat_api_url: zstr.optional(),
  rocketchat_token: zstr.optional(),
  rocketchat_token_file: zstr.optional(),
  rocketchat_token_id: zstr.optional(),
  rocketchat_token_id_file: zstr.optional(),
  mattermost_webhook_url: zstr.optional(),
  mattermost_webhook_url_file: zstr.optional(),
  jira_api_url: zstr.optional(),
});

export type RawRoute = {
  receiver?: string;
  group_by?: string[];
  match?: Record<string, string>;
  match_re?: Record<string, string>;
  matchers?: string[];
  continue?: boolean;
  group_wait?: number;
  group_interval?: number;
  repeat_interval?: number;
  mute_time_intervals?: string[];
  active_time_intervals?: string[];
  routes?: (RawRoute | null)[];
};

const routeSchema: z.ZodType<RawRoute> = z.lazy(() =>
  z.strictObject({
    receiver: zstr.optional(),
    group_by: zstrlist().optional(),
    match: zmap(zstr).optional(),
    match_re: zmap(zstr).optional(),
    matchers: zstrlist().optional(),
    continue: zbool.optional(),
    group_wait: zduration.optional(),
    group_interval: zduration.optional(),
    repeat_interval: zduration.optional(),
    mute_time_intervals: zstrlist().optional(),
    active_time_intervals: zstrlist().optional(),
    routes: z.array(routeSchema.nullable()).optional(),
  }),
) as z.ZodType<RawRoute>;

const inhibitSchema = z.strictObject({
  name: zstr.optional(),
  source_match: zmap(zstr).optional(),
  source_match_re: zmap(zstr).optional(),
  source_matchers: zstrlist().optional(),
  target_match: zmap(zstr).optional(),
  target_match_re: zmap(zstr).optional(),
  target_matchers: zstrlist().optional(),
  equal: zstrlist().optional(),
});

const timeRangeSchema = z.strictObject({ start_time: zstr, end_time: zstr });

const timeIntervalSchema = z.strictObject({
  times: z.array(timeRangeSchema).optional(),
  weekdays: zstrlist().optional(),
  days_of_month: zstrlist().optional(),
  months: zstrlist().optional(),
  years: zstrlist().optional(),
  location: zstr.optional(),
});

const namedTimeIntervalSchema = z.strictObject({
  name: zstr.optional(),
  time_intervals: z.array(timeIntervalSchema).optional(),
});

/** Fields every integration has. */
function integration<T extends z.ZodRawShape>(fields: T) {
  return z.strictObject({ send_resolved: zbool.optional(), http_config: httpConfigSchema.optional(), ...fields });
}

const s = () => zstr.optional();

const emailSchema = integration({
  to: s(),
  from: s(),
  hello: s(),
  smarthost: s(),
  auth_username: s(),
  auth_password: s(),
  auth_password_file: s(),
  auth_secret: s(),
  auth_secret_file: s(),
  auth_identity: s(),
  headers: zmap(zstr).optional(),
  html: s(),
  text: s(),
  require_tls: zbool.optional(),
  force_implicit_tls: zbool.optional(),
  tls_config: tlsConfigSchema.optional(),
  threading: zanymap.optional(),
});

const pagerdutySchema = integration({
  routing_key: s(),
  routing_key_file: s(),
  service_key: s(),
  service_key_file: s(),
  url: s(),
  client: s(),
  client_url: s(),
  description: s(),
  details: zmap(zstr).optional(),
  images: z.array(z.strictObject({ src: s(), alt: s(), href: s() })).optional(),
  links: z.array(z.strictObject({ href: s(), text: s() })).optional(),
  source: s(),
  severity: s(),
  class: s(),
  component: s(),
  group: s(),
  timeout: zduration.optional(),
});

const slackConfirm = z.strictObject({ text: s(), title: s(), ok_text: s(), dismiss_text: s() });

const slackSchema = integration({
  api_url: s(),
  api_url_file: s(),
  app_token: s(),
  app_token_file: s(),
  app_url: s(),
  channel: s(),
  username: s(),
  color: s(),
  title: s(),
  title_link: s(),
  pretext: s(),
  text: s(),
  message_text: s(),
  fields: z.array(z.strictObject({ title: s(), value: s(), short: zbool.optional() })).optional(),
  short_fields: zbool.optional(),
  footer: s(),
  fallback: s(),
  callback_id: s(),
  icon_emoji: s(),
  icon_url: s(),
  image_url: s(),
  thumb_url: s(),
  link_names: zbool.optional(),
  mrkdwn_in: zstrlist().optional(),
  actions: z
    .array(
      z.strictObject({
        type: s(),
        text: s(),
        url: s(),
        style: s(),
        name: s(),
        value: s(),
        confirm: slackConfirm.optional(),
      }),
    )
    .optional(),
  update_message: zbool.optional(),
  timeout: zduration.optional(),
});

const webhookSchema = integration({
  url: s(),
  url_file: s(),
  max_alerts: zuint.optional(),
  timeout: zduration.optional(),
  /** Osprey: argv of a local command run with the webhook JSON on stdin. */
  command: zstrlist().optional(),
});

const opsgenieSchema = integration({
  api_key: s(),
  api_key_file: s(),
  api_url: s(),
  message: s(),
  description: s(),
  source: s(),
  details: zmap(zstr).optional(),
  entity: s(),
  responders: z.array(z.strictObject({ id: s(), name: s(), username: s(), type: s() })).optional(),
  actions: s(),
  tags: s(),
  note: s(),
  priority: s(),
  update_alerts: zbool.optional(),
  visible_to: z.array(z.strictObject({ id: s(), name: s(), username: s(), type: s() })).optional(),
});

const telegramSchema = integration({
  api_url: s(),
  bot_token: s(),
  bot_token_file: s(),
  chat_id: zint.optional(),
  chat_id_file: s(),
  message_thread_id: zint.optional(),
  message: s(),
  disable_notifications: zbool.optional(),
  parse_mode: s(),
});

const discordSchema = integration({
  webhook_url: s(),
  webhook_url_file: s(),
  title: s(),
  message: s(),
  content: s(),
  username: s(),
  avatar_url: s(),
});

const msteamsSchema = integration({
  webhook_url: s(),
  webhook_url_file: s(),
  title: s(),
  summary: s(),
  text: s(),
});

const msteamsv2Schema = integration({ webhook_url: s(), webhook_url_file: s(), title: s(), text: s() });

const wechatSchema = integration({
  api_secret: s(),
  api_secret_file: s(),
  api_url: s(),
  corp_id: s(),
  message: s(),
  message_type: s(),
  to_user: s(),
  to_party: s(),
  to_tag: s(),
  agent_id: s(),
});

const victoropsSchema = integration({
  api_key: s(),
  api_key_file: s(),
  api_url: s(),
  routing_key: s(),
  message_type: s(),
  entity_display_name: s(),
  state_message: s(),
  monitoring_tool: s(),
  custom_fields: zmap(zstr).optional(),
});

const pushoverSchema = integration({
  user_key: s(),
  user_key_file: s(),
  token: s(),
  token_file: s(),
  title: s(),
  message: s(),
  url: s(),
  url_title: s(),
  device: s(),
  sound: s(),
  priority: s(),
  retry: zduration.optional(),
  expire: zduration.optional(),
  ttl: zduration.optional(),
  html: zbool.optional(),
  monospace: zbool.optional(),
});

const snsSchema = integration({
  api_url: s(),
  sigv4: z
    .strictObject({
      region: s(),
      access_key: s(),
      secret_key: s(),
      profile: s(),
      role_arn: s(),
      external_id: s(),
      use_fips_sts_endpoint: zbool.optional(),
    })
    .optional(),
  topic_arn: s(),
  phone_number: s(),
  target_arn: s(),
  subject: s(),
  message: s(),
  attributes: zmap(zstr).optional(),
});

const webexSchema = integration({ api_url: s(), room_id: s(), message: s() });

const rocketchatSchema = integration({
  api_url: s(),
  channel: s(),
  token: s(),
  token_file: s(),
  token_id: s(),
  token_id_file: s(),
  color: s(),
  emoji: s(),
  icon_url: s(),
  text: s(),
  title: s(),
  title_link: s(),
  fields: z.array(z.strictObject({ title: s(), value: s(), short: zbool.optional() })).optional(),
  short_fields: zbool.optional(),
  image_url: s(),
  thumb_url: s(),
  link_names: zbool.optional(),
  actions: z.array(z.strictObject({ type: s(), text: s(), url: s(), msg: s() })).optional(),
});

const mattermostSchema = integration({
  webhook_url: s(),
  webhook_url_file: s(),
  channel: s(),
  username: s(),
  text: s(),
  icon_url: s(),
  icon_emoji: s(),
  attachments: z.array(zanymap).optional(),
  props: zanymap.optional(),
  priority: zanymap.optional(),
});

// Osprey extensions (chat robots Alertmanager has no integration for).
const dingtalkSchema = integration({
  webhook_url: s(),
  webhook_url_file: s(),
  secret: s(),
  secret_file: s(),
  message_type: s(),
  title: s(),
  message: s(),
  at_mobiles: zstrlist().optional(),
  at_user_ids: zstrlist().optional(),
  at_all: zbool.optional(),
});

const feishuSchema = integration({
  webhook_url: s(),
  webhook_url_file: s(),
  secret: s(),
  secret_file: s(),
  message_type: s(),
  title: s(),
  message: s(),
});

const wecomRobotSchema = integration({
  webhook_url: s(),
  webhook_url_file: s(),
  message_type: s(),
  message: s(),
  mentioned_list: zstrlist().optional(),
  mentioned_mobile_list: zstrlist().optional(),
});

/** Rarer integrations: documented top-level keys are not enforced; values come back as plain JS. */
const looseSchema = z
  .looseObject({ send_resolved: zbool.optional(), http_config: httpConfigSchema.optional() })
  .transform((o) => o as Record<string, unknown>);

export const INTEGRATION_SCHEMAS = {
  dingtalk: dingtalkSchema,
  discord: discordSchema,
  email: emailSchema,
  feishu: feishuSchema,
  incidentio: looseSchema,
  jira: looseSchema,
  mattermost: mattermostSchema,
  msteams: msteamsSchema,
  msteamsv2: msteamsv2Schema,
  opsgenie: opsgenieSchema,
  pagerduty: pagerdutySchema,
  pushover: pushoverSchema,
  rocketchat: rocketchatSchema,
  slack: slackSchema,
  sns: snsSchema,
  telegram: telegramSchema,
  victorops: victoropsSchema,
  webex: webexSchema,
  webhook: webhookSchema,
  wechat: wechatSchema,
  wecom_robot: wecomRobotSchema,
} as const;

const receiverSchema = z.strictObject({
  name: zstr.optional(),
  ...Object.fromEntries(
    Object.entries(INTEGRATION_SCHEMAS).map(([k, v]) => [`${k}_configs`, z.array(v.nullable()).optional()]),
  ),
}) as unknown as z.ZodType<{ name?: string } & Record<string, (Record<string, unknown> | null)[] | undefined>>;

export const alertmanagerSchema = z.strictObject({
  global: globalSchema.optional(),
  route: routeSchema.optional(),
  inhibit_rules: z.array(inhibitSchema.nullable()).optional(),
  receivers: z.array(receiverSchema.nullable()).optional(),
  templates: zstrlist().optional(),
  time_intervals: z.array(namedTimeIntervalSchema.nullable()).optional(),
  mute_time_intervals: z.array(namedTimeIntervalSchema.nullable()).optional(),
  tracing: zanymap.optional(),
});

export type RawAlertmanager = z.infer<typeof alertmanagerSchema>;
export type RawGlobal = z.infer<typeof globalSchema>;
export type RawInhibit = z.infer<typeof inhibitSchema>;
export type RawTimeInterval = z.infer<typeof timeIntervalSchema>;

/** Go type names for "field X not found in type T" messages, as Alertmanager's decoder names them. */
export function alertmanagerTypeNameAt(path: ConfigPath): string {
  if (path.length === 0) return 'config.plain';
  const top = path[0];
  if (top === 'global') return path.length === 1 ? 'config.plain' : 'config.plain';
  if (top === 'receivers') {
    // receivers.N.<kind>_configs.M -> "<kind>.plain"
    const k = path[2];
    if (path.length >= 4 && typeof k === 'string' && k.endsWith('_configs')) return `${k.slice(0, -8)}.plain`;
    return 'config.plain';
  }
  return 'config.plain';
}
