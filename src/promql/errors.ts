/**
 * Query errors, typed so the HTTP API can map them to Prometheus's error JSON
 * (`errorType`: bad_data for parse errors, execution, timeout, canceled, internal).
 */
export type QueryErrorType = 'bad_data' | 'execution' | 'timeout' | 'canceled' | 'internal';

export class QueryError extends Error {
  readonly type: QueryErrorType;
  constructor(type: QueryErrorType, message: string) {
    super(message);
    this.type = type;
    this.name = 'QueryError';
  }
}

/** An error raised during evaluation (errorType "execution"). */
export function execError(message: string): QueryError {
  return new QueryError('execution', message);
}

export const ERR_TOO_MANY_SAMPLES = 'query processing would load too many samples into memory in query execution';
export const ERR_SAME_LABELSET = 'vector cannot contain metrics with the same labelset';
