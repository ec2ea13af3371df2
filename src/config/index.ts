/** Configuration loading: prometheus.yml (and the generic YAML error machinery other loaders reuse). */
export type * from './types.ts';
export {
  ConfigError,
  type ConfigIssue,
  type ConfigPath,
  goQuote,
  IssueList,
  YamlSource,
  zodIssuesToConfigIssues,
} from './yaml-errors.ts';
export { zbool, zduration, zfloat, zint, zlist, zmap, zsize, zstr, zstrlist, zuint } from './schema-scalars.ts';
export { formatSize, parseSize, SizeError } from './units.ts';
export { expandEnv } from './env-expand.ts';
export { globMatch, globSync, GlobError } from './glob.ts';
export {
  loadPrometheusConfigFile,
  type ParseOptions,
  parsePrometheusConfig,
  parseWithSchema,
} from './prometheus-load.ts';
export { DEFAULT_SCRAPE_PROTOCOLS, PROTO_FIRST_SCRAPE_PROTOCOLS } from './prometheus-build.ts';
export { RELABEL_ACTIONS, RELABEL_DEFAULTS } from './relabel.ts';
export { configToYaml, redactedConfig, SECRET_PLACEHOLDER } from './config-yaml.ts';
export { parseFileSD, parseTargetGroupYaml } from './file-sd.ts';
export { type CheckResult, checkConfigFiles } from './check.ts';
