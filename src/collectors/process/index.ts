export { type ProcessGroupConfig, parseProcessGroups, processGroupsFromValue } from './config.ts';
export { ProcessCollector, type ProcessCollectorOptions } from './process-collector.ts';
