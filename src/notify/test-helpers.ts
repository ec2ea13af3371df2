/** Test helpers: a recording HTTP stand-in on 127.0.0.1, a notify context, and sample alerts. */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { AlertForNotify, NotifyContext } from '../alertmanager/notifier.ts';
import { Labels } from '../model/index.ts';
import type { NotifierDeps } from './notifier-base.ts';
import { TemplateCache } from './templates.ts';

export interface RecordedRequest {
  method: string;
  /** path with query */
  url: string;
  headers: IncomingMessage['headers'];
  body: string;
  json: unknown;
}

export interface Reply {
  status?: number;
  headers?: Record<string, string>;
  body?: string | object;
  /** ms to wait before answering */
  delayMs?: number;
}

export interface StandIn {
  base: string;
  requests: RecordedRequest[];
  /** The next replies, in order; when empty, `fallback` answers. */
  replies: Reply[];
  close(): Promise<void>;
}

export async function startStandIn(
  fallback: (req: RecordedRequest) => Reply = () => ({ status: 200 }),
): Promise<StandIn> {
  const requests: RecordedRequest[] = [];
  const replies: Reply[] = [];
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      let json: unknown;
      try {
        json = JSON.parse(body);
      } catch {
        json = undefined;
      }
      const rec = { method: req.method ?? '', url: req.url ?? '', headers: req.headers, body, json };
      requests.push(rec);
      const reply = replies.shift() ?? fallback(rec);
      const send = () => {
        if (res.destroyed) return;
        const isObj = typeof reply.body === 'object';
        res.writeHead(reply.status ?? 200, {
          ...(isObj ? { 'content-type': 'application/json' } : {}),
          ...reply.headers,
        });
        res.end(isObj ? JSON.stringify(reply.body) : (reply.body ?? ''));
      };
      if (reply.delayMs) setTimeout(send, reply.delayMs);
      else send();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    base: `http://127.0.0.1:${port}`,
    requests,
    replies,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

export const NOW = Date.parse('2024-05-01T10:00:00Z');

export function context(overrides: Partial<NotifyContext> = {}): NotifyContext {
  return {
    receiver: 'team-ops',
    groupKey: '{}/{severity="critical"}:{alertname="HighLatency"}',
    groupLabels: Labels.fromObject({ alertname: 'HighLatency' }),
    signal: AbortSignal.timeout(10_000),
    now: NOW,
    repeatInterval: 4 * 3600_000,
    externalURL: 'http://osprey.example:9090',
    ...overrides,
  };
}

export function firingAlert(instance: string, extra: Record<string, string> = {}): AlertForNotify {
  return {
    labels: { alertname: 'HighLatency', instance, severity: 'critical', ...extra },
    annotations: { summary: `latency high on ${instance}`, runbook: 'http://runbooks/latency' },
    startsAt: NOW - 300_000,
    endsAt: 0,
    generatorURL: 'http://prom:9090/graph?g0.expr=latency',
    fingerprint: instance === 'a:9100' ? '0123456789abcdef' : 'fedcba9876543210',
    status: 'firing',
  };
}

export function resolvedAlert(instance: string): AlertForNotify {
  return { ...firingAlert(instance), endsAt: NOW - 1000, status: 'resolved' };
}

const cache = new TemplateCache(() => NOW);

export function deps(extra: Partial<NotifierDeps> = {}): NotifierDeps {
  return { templates: cache.get([]), now: () => NOW, ...extra };
}
