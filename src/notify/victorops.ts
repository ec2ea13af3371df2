/**
 * victorops_configs (Splunk On-Call): `POST {api_url}{api_key}/{routing_key}` with the REST integration's
 * alert JSON. `entity_id` (sha256 of the group key) ties the RECOVERY to the incident the alert opened.
 */
import type { AlertForNotify, NotifyContext, NotifyResult } from '../alertmanager/notifier.ts';
import { secret } from './http.ts';
import { type BaseConfig, BaseNotifier, hashGroupKey, type NotifierDeps } from './notifier-base.ts';
import { type Renderer, truncate } from './templates.ts';

export interface VictorOpsConfig extends BaseConfig {
  api_key?: string;
  api_key_file?: string;
  /** default https://alert.victorops.com/integrations/generic/20131114/alert/ */
  api_url?: string;
  routing_key?: string;
  /** default CRITICAL; RECOVERY is sent for resolved groups */
  message_type?: string;
  entity_display_name?: string;
  state_message?: string;
  monitoring_tool?: string;
  custom_fields?: Record<string, string>;
}

export class VictorOpsNotifier extends BaseNotifier<VictorOpsConfig> {
  constructor(conf: VictorOpsConfig, deps: NotifierDeps, index = 0) {
    super('victorops', conf, deps, index, true);
  }

  buildAlert(ctx: NotifyContext, r: Renderer): Record<string, unknown> {
    const c = this.conf;
    const type = r.data.Status === 'resolved' ? 'RECOVERY' : r.text(c.message_type || 'CRITICAL').toUpperCase();
    return {
      ...r.textMap(c.custom_fields),
      message_type: type,
      entity_id: hashGroupKey(ctx.groupKey),
      entity_display_name: r.text(c.entity_display_name),
      state_message: truncate(r.text(c.state_message), 20480),
      monitoring_tool: r.text(c.monitoring_tool),
    };
  }

  protected async send(ctx: NotifyContext, _alerts: AlertForNotify[], r: Renderer): Promise<NotifyResult> {
    const c = this.conf;
    const base = (c.api_url || 'https://alert.victorops.com/integrations/generic/20131114/alert/').replace(/\/?$/, '/');
    const url = `${base}${encodeURIComponent(secret(c.api_key, c.api_key_file))}/${encodeURIComponent(r.text(c.routing_key))}`;
    return this.http.send('victorops', url, { json: this.buildAlert(ctx, r), signal: ctx.signal });
  }
}
