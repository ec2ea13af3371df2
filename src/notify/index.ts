/**
 * Notifiers: one per receiver integration kind, behind src/alertmanager/notifier.ts's Notifier interface,
 * plus the default notification templates (Alertmanager's template names, Osprey's own texts).
 */

export { type CommandOutcome, type CommandSpec, notifyByCommand, runCommand } from './command.ts';
export { DEFAULT_TEMPLATES } from './default-templates.ts';
export { DINGTALK_DEFAULTS, type DingTalkConfig, DingTalkNotifier, dingtalkSign } from './dingtalk.ts';
export { type DiscordConfig, DiscordNotifier } from './discord.ts';
export { EMAIL_DEFAULTS, type EmailConfig, EmailNotifier, splitHostPort } from './email.ts';
export { createNotifierFactory, NOTIFIER_KINDS, type NotifierFactoryOptions } from './factory.ts';
export { FEISHU_DEFAULTS, type FeishuConfig, FeishuNotifier, feishuSign } from './feishu.ts';
export {
  checkStatus,
  HttpClient,
  type HttpResponse,
  NotifyError,
  parseRetryAfter,
  type RequestOptions,
  redactURL,
  secret,
} from './http.ts';
export { type MattermostConfig, MattermostNotifier } from './mattermost.ts';
export { type MSTeamsConfig, MSTeamsNotifier } from './msteams.ts';
export { type MSTeamsV2Config, MSTeamsV2Notifier } from './msteamsv2.ts';
export { type BaseConfig, BaseNotifier, hashGroupKey, type NotifierDeps, type NotifyLogger } from './notifier-base.ts';
export { type OpsgenieConfig, OpsgenieNotifier } from './opsgenie.ts';
export { PAGERDUTY_V1_URL, PAGERDUTY_V2_URL, type PagerdutyConfig, PagerdutyNotifier } from './pagerduty.ts';
export { type PushoverConfig, PushoverNotifier } from './pushover.ts';
export { type RocketChatConfig, RocketChatNotifier } from './rocketchat.ts';
export { checkSlackResponse, type SlackConfig, SlackNotifier } from './slack.ts';
export { type TelegramConfig, TelegramNotifier } from './telegram.ts';
export { notificationData, Renderer, TemplateCache, TemplateRenderError, truncate } from './templates.ts';
export { type VictorOpsConfig, VictorOpsNotifier } from './victorops.ts';
export { type WebexConfig, WebexNotifier } from './webex.ts';
export {
  type WebhookConfig,
  type WebhookMessage,
  WebhookNotifier,
  webhookMessage,
  webhookMessageFromData,
} from './webhook.ts';
export { type WeChatConfig, WeChatNotifier } from './wechat.ts';
export { WECOM_ROBOT_DEFAULTS, type WeComRobotConfig, WeComRobotNotifier } from './wecom-robot.ts';
