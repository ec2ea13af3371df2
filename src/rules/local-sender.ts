/**
 * An AlertSender that hands alerts to an in-process alert manager (the built-in one when no
 * `alerting.alertmanagers` are configured), with external labels and alert_relabel_configs applied.
 * Typed structurally so src/rules does not depend on src/alertmanager.
 */
import type { RelabelConfig } from '../config/index.ts';
import { Labels, LabelsBuilder } from '../model/index.ts';
import { compileRelabelConfigs, relabel } from '../scrape/index.ts';
import type { AlertSender, SentAlert } from './types.ts';

export interface LocalAlertTarget {
  putAlerts(
    alerts: {
      labels: Record<string, string>;
      annotations: Record<string, string>;
      startsAt: number;
      endsAt: number;
      generatorURL: string;
    }[],
  ): unknown;
}

export function localAlertSender(
  target: LocalAlertTarget,
  externalLabels: Record<string, string> = {},
  alertRelabelConfigs: readonly RelabelConfig[] = [],
): AlertSender {
  const cfgs = compileRelabelConfigs(alertRelabelConfigs);
  return {
    send(alerts: SentAlert[]): void {
      const out = [];
      for (const a of alerts) {
        const lb = new LabelsBuilder(Labels.fromObject(a.labels));
        for (const [k, v] of Object.entries(externalLabels)) if (!lb.get(k)) lb.set(k, v);
        const l = relabel(lb.labels(), cfgs);
        if (!l || l.isEmpty) continue;
        out.push({
          labels: l.toObject(),
          annotations: a.annotations,
          startsAt: Date.parse(a.startsAt),
          endsAt: Date.parse(a.endsAt),
          generatorURL: a.generatorURL,
        });
      }
      if (out.length > 0) target.putAlerts(out);
    },
  };
}
