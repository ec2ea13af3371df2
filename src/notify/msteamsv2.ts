/**
 * msteamsv2_configs: a Teams Workflows (Power Automate) webhook receiving a message with one Adaptive Card
 * (a heading coloured by status, then the markdown text).
 */
import type { AlertForNotify, NotifyContext, NotifyResult } from '../alertmanager/notifier.ts';
import { secret } from './http.ts';
import { type BaseConfig, BaseNotifier, type NotifierDeps } from './notifier-base.ts';
import type { Renderer } from './templates.ts';

export interface MSTeamsV2Config extends BaseConfig {
  webhook_url?: string;
  webhook_url_file?: string;
  title?: string;
  text?: string;
}

export class MSTeamsV2Notifier extends BaseNotifier<MSTeamsV2Config> {
  constructor(conf: MSTeamsV2Config, deps: NotifierDeps, index = 0) {
    super('msteamsv2', conf, deps, index, true);
  }

  buildMessage(r: Renderer): Record<string, unknown> {
    const firing = r.data.Status === 'firing';
    return {
      type: 'message',
      attachments: [
        {
          contentType: 'application/vnd.microsoft.card.adaptive',
          content: {
            $schema: 'http://adaptivecards.io/schemas/adaptive-card.json',
            type: 'AdaptiveCard',
            version: '1.2',
            body: [
              {
                type: 'TextBlock',
                text: r.text(this.conf.title),
                weight: 'Bolder',
                size: 'Medium',
                wrap: true,
                style: 'heading',
                color: firing ? 'Attention' : 'Good',
              },
              { type: 'TextBlock', text: r.text(this.conf.text), wrap: true },
            ],
            msteams: { width: 'full' },
          },
        },
      ],
    };
  }

  protected async send(ctx: NotifyContext, _alerts: AlertForNotify[], r: Renderer): Promise<NotifyResult> {
    const url = secret(this.conf.webhook_url, this.conf.webhook_url_file);
    return this.http.send('msteamsv2', url, { json: this.buildMessage(r), signal: ctx.signal });
  }
}
