/** Rule evaluation: rule groups, recording and alerting rules, alert sending, the rules API, promtool-style tests. */

export { AlertingRule, generatorURL, RESOLVED_RETENTION } from './alerting-rule.ts';
export { AlertmanagerHTTPSender, type AlertmanagerHTTPSenderOptions, alertmanagerURLs } from './alertmanager-sender.ts';
export { type RuleGroupSource, registerRulesRoutes } from './api.ts';
export { type APIAlert, alertsData, type RulesFilter, rulesData } from './api-data.ts';
export { type CheckRulesOptions, type CheckRulesResult, checkRuleFiles, duplicateRules } from './check-rules.ts';
export { RuleGroup } from './group.ts';
export { type LocalAlertTarget, localAlertSender } from './local-sender.ts';
export {
  type GroupMetrics,
  type RuleLogger,
  RuleManager,
  type RuleManagerOptions,
  type RulesGlobalConfig,
} from './manager.ts';
export { type AsyncRuleQuerier, vectorOf } from './query.ts';
export { RecordingRule, type Rule } from './recording-rule.ts';
export { loadRules, parseRules, type RuleFileLoadOptions } from './rule-files.ts';
export type { Alert, AlertSender, AlertState, RuleHealth, SentAlert } from './types.ts';
export { runUnitTestFiles, type UnitTestOptions, type UnitTestReport } from './unittest.ts';
