import type { FastifyReply } from 'fastify';

/** Prometheus API v1 error types and the HTTP status each one maps to (web/api/v1 in Prometheus). */
export type ApiErrorType =
  | 'bad_data'
  | 'execution'
  | 'timeout'
  | 'canceled'
  | 'internal'
  | 'unavailable'
  | 'not_found'
  | 'not_acceptable';

const STATUS: Record<ApiErrorType, number> = {
  bad_data: 400,
  execution: 422,
  timeout: 503,
  canceled: 499, // Prometheus's statusClientClosedConnection
  internal: 500,
  unavailable: 503,
  not_found: 404,
  not_acceptable: 406,
};

export class ApiError extends Error {
  readonly type: ApiErrorType;
  constructor(type: ApiErrorType, message: string) {
    super(message);
    this.type = type;
  }
}

export function sendSuccess(reply: FastifyReply, data: unknown, warnings?: string[], infos?: string[]): FastifyReply {
  const body: Record<string, unknown> = { status: 'success', data };
  if (warnings && warnings.length > 0) body.warnings = warnings;
  if (infos && infos.length > 0) body.infos = infos;
  return reply.code(200).type('application/json').send(body);
}

export function sendError(reply: FastifyReply, type: ApiErrorType, message: string, data?: unknown): FastifyReply {
  const body: Record<string, unknown> = { status: 'error', errorType: type, error: message };
  if (data !== undefined) body.data = data;
  return reply.code(STATUS[type]).type('application/json').send(body);
}
