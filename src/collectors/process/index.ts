export { parseProcessGroups, type ProcessGroupConfig, processGroupsFromValue } from './config.ts';
export { ProcessCollector, type ProcessCollectorOptions } from './process-collector.ts';
