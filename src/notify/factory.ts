/**
 * createNotifierFactory: the NotifierFactory the alert manager calls for every receiver on every config load.
 * It builds one notifier per `*_configs` entry, sharing one template set (defaults + the user's `templates:`
 * files, cached by glob list) across receivers.
 */
import type { Notifier, NotifierFactory } from '../alertmanager/notifier.ts';
import type { AlertmanagerGlobalConfig, AlertmanagerReceiver } from '../config/alertmanager-index.ts';
import { DingTalkNotifier } from './dingtalk.ts';
import { DiscordNotifier } from './discord.ts';
import { EmailNotifier } from './email.ts';
import { FeishuNotifier } from './feishu.ts';
import { NotifyError, permanent } from './http.ts';
import { MattermostNotifier } from './mattermost.ts';
import { MSTeamsNotifier } from './msteams.ts';
import { MSTeamsV2Notifier } from './msteamsv2.ts';
import type { NotifierDeps, NotifyLogger } from './notifier-base.ts';
import { OpsgenieNotifier } from './opsgenie.ts';
import { PagerdutyNotifier } from './pagerduty.ts';
import { PushoverNotifier } from './pushover.ts';
import { RocketChatNotifier } from './rocketchat.ts';
import { SlackNotifier } from './slack.ts';
import { TelegramNotifier } from './telegram.ts';
import { TemplateCache } from './templates.ts';
import { VictorOpsNotifier } from './victorops.ts';
import { WebexNotifier } from './webex.ts';
import { WebhookNotifier } from './webhook.ts';
import { WeChatNotifier } from './wechat.ts';
import { WeComRobotNotifier } from './wecom-robot.ts';

export interface NotifierFactoryOptions {
  logger?: NotifyLogger;
  /** Replaces undici's fetch for every HTTP notifier (tests; proxy/TLS settings are then not applied). */
  fetch?: typeof fetch;
  /** Clock (ms) for templates' `since` and signing timestamps. */
  now?: () => number;
}

type Ctor = new (conf: any, deps: NotifierDeps, index: number) => Notifier;

/** Integration kinds Osprey can send to, by YAML key without `_configs`. */
export const NOTIFIER_KINDS: Record<string, Ctor> = {
  webhook: WebhookNotifier,
  email: EmailNotifier,
  slack: SlackNotifier,
  pagerduty: PagerdutyNotifier,
  opsgenie: OpsgenieNotifier,
  telegram: TelegramNotifier,
  discord: DiscordNotifier,
  msteams: MSTeamsNotifier,
  msteamsv2: MSTeamsV2Notifier,
  wechat: WeChatNotifier,
  webex: WebexNotifier,
  victorops: VictorOpsNotifier,
  pushover: PushoverNotifier,
  mattermost: MattermostNotifier,
  rocketchat: RocketChatNotifier,
  // Osprey extensions (not in Alertmanager).
  dingtalk: DingTalkNotifier,
  feishu: FeishuNotifier,
  wecom_robot: WeComRobotNotifier,
};

/** Integrations Alertmanager has and Osprey does not send to yet: they fail visibly instead of vanishing. */
class UnsupportedNotifier implements Notifier {
  constructor(
    readonly integration: string,
    readonly index: number,
    readonly sendResolved: boolean,
  ) {}
  async notify() {
    return permanent(new NotifyError(`${this.integration}: integration not supported by Osprey`));
  }
}

export function createNotifierFactory(opts: NotifierFactoryOptions = {}): NotifierFactory {
  const cache = new TemplateCache(opts.now);
  return (receiver: AlertmanagerReceiver, global: AlertmanagerGlobalConfig, templates: readonly string[]) => {
    const deps: NotifierDeps = {
      templates: cache.get(templates),
      ...(opts.fetch ? { fetch: opts.fetch } : {}),
      ...(opts.logger ? { logger: opts.logger } : {}),
      ...(opts.now ? { now: opts.now } : {}),
    };
    const out: Notifier[] = [];
    for (const [key, list] of Object.entries(receiver)) {
      if (!key.endsWith('_configs') || !Array.isArray(list)) continue;
      const kind = key.slice(0, -'_configs'.length);
      const Ctor = NOTIFIER_KINDS[kind];
      list.forEach((raw: Record<string, unknown> | null, i) => {
        const conf = { ...(raw ?? {}) };
        conf.http_config ??= global.http_config;
        if (Ctor) out.push(new Ctor(conf, deps, i));
        else {
          opts.logger?.warn(
            { receiver: receiver.name, integration: kind },
            'integration not supported; notifications to it fail',
          );
          out.push(new UnsupportedNotifier(kind, i, conf.send_resolved === true));
        }
      });
    }
    return out;
  };
}
