/** Public surface of the PromQL package: parser, engine, result values and errors. */

export { Engine, type EngineOptions, type QueryOptions } from './engine.ts';
export { QueryError, type QueryErrorType } from './errors.ts';
export * from './parser-index.ts';
export {
  formatTime,
  formatValue,
  type JSONPoint,
  type Matrix,
  type MatrixSeries,
  type QueryResult,
  type QueryValue,
  type ResultJSON,
  resultToJSON,
  type Sample,
  type Vector,
} from './value.ts';
