/** Fastify routes /api/v1/rules and /api/v1/alerts in Prometheus's JSON shapes. */
import type { FastifyInstance, FastifyReply } from 'fastify';
import { alertsData, type RulesFilter, rulesData } from './api-data.ts';
import type { RuleGroup } from './group.ts';

export interface RuleGroupSource {
  groups(): RuleGroup[];
}

function list(q: Record<string, unknown>, name: string): string[] {
  const v = q[name] ?? q[`${name}[]`];
  if (v === undefined) return [];
  return Array.isArray(v) ? v.map(String) : [String(v)];
}

function badData(reply: FastifyReply, msg: string) {
  return reply.code(400).type('application/json').send({ status: 'error', errorType: 'bad_data', error: msg });
}

export function registerRulesRoutes(app: FastifyInstance, manager: RuleGroupSource): void {
  const rules = async (req: { query: unknown; body?: unknown }, reply: FastifyReply) => {
    const q = { ...((req.query as Record<string, unknown>) ?? {}) };
    const type = q.type === undefined ? undefined : String(q.type).toLowerCase();
    if (type !== undefined && type !== '' && type !== 'alert' && type !== 'record') {
      return badData(reply, `unsupported type ${JSON.stringify(q.type)}`);
    }
    const filter: RulesFilter = {
      type: type === 'alert' || type === 'record' ? type : undefined,
      ruleName: list(q, 'rule_name'),
      ruleGroup: list(q, 'rule_group'),
      file: list(q, 'file'),
      excludeAlerts: String(q.exclude_alerts ?? '') === 'true',
    };
    return reply
      .code(200)
      .type('application/json')
      .send({ status: 'success', data: rulesData(manager.groups(), filter) });
  };
  app.get('/api/v1/rules', rules);
  app.get('/api/v1/alerts', async (_req, reply) =>
    reply
      .code(200)
      .type('application/json')
      .send({ status: 'success', data: alertsData(manager.groups()) }),
  );
}
