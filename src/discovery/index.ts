export { FILEPATH_LABEL, FileDiscoverer, type FileDiscovererOptions, type FileSDParser } from './file.ts';
export { globFiles } from './glob.ts';
export { HTTPDiscoverer, type HTTPSDConfig } from './http.ts';
export { addAuthHeaders, createDispatcher } from './http-client.ts';
export { DiscoveryManager, type DiscoveryManagerOptions, type TargetSets } from './manager.ts';
export { StaticDiscoverer } from './static.ts';
export { type Discoverer, type DiscoveryConfigSet, type Logger, silentLogger, type TargetGroup } from './types.ts';
