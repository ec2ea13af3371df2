/** The exporter-toolkit web config (`--web.config.file`): loading and types. */
export { loadWebConfigFile, parseWebConfig, type WebConfigParseOptions } from './web-config-load.ts';
export { GO_CIPHER_SUITES, GO_CURVES, NODE_TLS_VERSIONS } from './web-config-tls-names.ts';
export type * from './web-config-types.ts';
