/**
 * Notifiers: one per receiver integration kind, behind src/alertmanager/notifier.ts's Notifier interface,
 * plus the default notification templates (Alertmanager's template names, Osprey's own texts).
 */
export { createNotifierFactory, NOTIFIER_KINDS, type NotifierFactoryOptions } from './factory.ts';
export { DEFAULT_TEMPLATES } from './default-templates.ts';
export { TemplateCache, Renderer, notificationData, truncate, TemplateRenderError } from './templates.ts';
export {
  HttpClient,
  NotifyError,
  checkStatus,
  parseRetryAfter,
  redactURL,
  secret,
  type HttpResponse,
  type RequestOptions,
} from './http.ts';
export { BaseNotifier, type BaseConfig, type NotifierDeps, type NotifyLogger, hashGroupKey } from './notifier-base.ts';
export { runCommand, notifyByCommand, type CommandSpec, type CommandOutcome } from './command.ts';
export {
  WebhookNotifier,
  webhookMessage,
  webhookMessageFromData,
  type WebhookConfig,
  type WebhookMessage,
} from './webhook.ts';
export { EmailNotifier, EMAIL_DEFAULTS, splitHostPort, type EmailConfig } from './email.ts';
export { SlackNotifier, checkSlackResponse, type SlackConfig } from './slack.ts';
export { PagerdutyNotifier, PAGERDUTY_V1_URL, PAGERDUTY_V2_URL, type PagerdutyConfig } from './pagerduty.ts';
export { OpsgenieNotifier, type OpsgenieConfig } from './opsgenie.ts';
export { TelegramNotifier, type TelegramConfig } from './telegram.ts';
export { DiscordNotifier, type DiscordConfig } from './discord.ts';
export { MSTeamsNotifier, type MSTeamsConfig } from './msteams.ts';
export { MSTeamsV2Notifier, type MSTeamsV2Config } from './msteamsv2.ts';
export { WeChatNotifier, type WeChatConfig } from './wechat.ts';
export { DingTalkNotifier, DINGTALK_DEFAULTS, dingtalkSign, type DingTalkConfig } from './dingtalk.ts';
export { FeishuNotifier, FEISHU_DEFAULTS, feishuSign, type FeishuConfig } from './feishu.ts';
export { WeComRobotNotifier, WECOM_ROBOT_DEFAULTS, type WeComRobotConfig } from './wecom-robot.ts';
export { WebexNotifier, type WebexConfig } from './webex.ts';
export { VictorOpsNotifier, type VictorOpsConfig } from './victorops.ts';
export { PushoverNotifier, type PushoverConfig } from './pushover.ts';
export { MattermostNotifier, type MattermostConfig } from './mattermost.ts';
export { RocketChatNotifier, type RocketChatConfig } from './rocketchat.ts';
