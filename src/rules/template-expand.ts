/** Expands alert label/annotation templates with Prometheus's data ($labels, $value, ...) and `query`. */
import type { Engine } from '../promql/index.ts';
import { expandAlertTemplate, type Sample as TemplateSample } from '../template/index.ts';

export type { TemplateSample };

import type { Queryable } from '../tsdb/index.ts';

export interface TemplateEnv {
  engine: Engine;
  queryable: Queryable;
  externalLabels: Record<string, string>;
  externalURL: string;
  /** Answers the template `query` function instead of the local engine (datasource mode; see group.ts). */
  templateQuery?: (q: string, ts: number) => TemplateSample[];
}

/** Runs `query` of a template at the evaluation time; only vectors and scalars are allowed, as in Prometheus. */
function templateQuery(env: TemplateEnv, ts: number) {
  const override = env.templateQuery;
  if (override) return (q: string) => override(q, ts);
  return (q: string): TemplateSample[] => {
    const res = env.engine.instantQuery(env.queryable, q, ts);
    const v = res.value;
    if (v.type === 'vector') return v.vector.map((s) => ({ Labels: s.labels.toObject(), Value: s.v }));
    if (v.type === 'scalar') return [{ Labels: {}, Value: v.v }];
    throw new Error('rule result is not a vector or scalar');
  };
}

/** Expands one template text; errors become Prometheus's "<error expanding template: ...>" text. */
export function expandTemplate(
  env: TemplateEnv,
  ruleName: string,
  text: string,
  labels: Record<string, string>,
  value: number,
  ts: number,
): string {
  if (!text.includes('{{')) return text;
  return expandAlertTemplate(
    text,
    { labels, value, externalLabels: env.externalLabels, externalURL: env.externalURL },
    { name: `__alert_${ruleName}`, query: templateQuery(env, ts), externalURL: env.externalURL, timestamp: ts },
  ).text;
}
