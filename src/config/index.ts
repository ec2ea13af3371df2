/** Configuration loading: prometheus.yml (and the generic YAML error machinery other loaders reuse). */

export { type CheckResult, checkConfigFiles } from './check.ts';
export { configToYaml, redactedConfig, SECRET_PLACEHOLDER } from './config-yaml.ts';
export { expandEnv } from './env-expand.ts';
export { parseFileSD, parseTargetGroupYaml } from './file-sd.ts';
export { GlobError, globMatch, globSync } from './glob.ts';
export { DEFAULT_SCRAPE_PROTOCOLS, PROTO_FIRST_SCRAPE_PROTOCOLS } from './prometheus-build.ts';
export { loadPrometheusConfigFile, type ParseOptions, parsePrometheusConfig } from './prometheus-load.ts';
export { RELABEL_ACTIONS, RELABEL_DEFAULTS } from './relabel.ts';
export { zbool, zduration, zfloat, zint, zlist, zmap, zsize, zstr, zstrlist, zuint } from './schema-scalars.ts';
export type * from './types.ts';
export { formatSize, parseSize, SizeError } from './units.ts';
export * from './web-config-index.ts';
export {
  ConfigError,
  type ConfigIssue,
  type ConfigPath,
  goQuote,
  IssueList,
  pathToString,
  type TypeNameAt,
  unmarshalMessage,
  YamlSource,
  zodIssuesToConfigIssues,
} from './yaml-errors.ts';
export { parseWithSchema, type SchemaParseOptions } from './yaml-schema.ts';
export { unwrapLiterals, YamlLiteral } from './yaml-values.ts';
