export type { ApiDeps, ApiLimits, QueryOptions, QueryResponse, QueryService, ReadProxy, TargetsView } from './deps.ts';
export { createHttpServer, type HttpServerOptions } from './http-server.ts';
export { ApiError, type ApiErrorType } from './respond.ts';
