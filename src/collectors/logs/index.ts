export {
  DEFAULT_BUCKETS,
  DEFAULT_MAX_LINE_BYTES,
  DEFAULT_MAX_SERIES,
  type LogFileConfig,
  type LogMetricRule,
  type LogMetricType,
  logsConfigFromValue,
  parseLogsConfig,
} from './config.ts';
export { LogCollector, type LogCollectorOptions } from './log-collector.ts';
