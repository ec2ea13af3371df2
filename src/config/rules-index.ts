/** Rule file loading (Prometheus rulefmt); re-exported by the lead from src/config/index.ts. */
export { loadRuleFile, parseRuleFile } from './rules-load.ts';
export type { RuleConfig, RuleFileConfig, RuleFileOptions, RuleGroupConfig } from './rules-types.ts';
