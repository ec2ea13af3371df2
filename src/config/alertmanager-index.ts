/** alertmanager.yml: loading, types, matcher syntax, printing. Re-exported by src/config/index.ts. */

export { DEFAULT_GROUP_INTERVAL, DEFAULT_GROUP_WAIT, DEFAULT_REPEAT_INTERVAL } from './alertmanager-build.ts';
export {
  type AlertmanagerParseOptions,
  configErrorMessage,
  loadAlertmanagerConfigFile,
  parseAlertmanagerConfig,
} from './alertmanager-load.ts';
export {
  MatcherParseError,
  matchersMatch,
  matchersToString,
  matcherToString,
  parseMatcher,
  parseMatchers,
  sortMatchers,
  unquoteGo,
} from './alertmanager-matchers.ts';
export type * from './alertmanager-types.ts';
export { INTEGRATION_KINDS } from './alertmanager-types.ts';
export { alertmanagerConfigToYaml, type PrintOptions, redactedAlertmanagerConfig } from './alertmanager-yaml.ts';
