/** Rule evaluation: rule groups, recording and alerting rules, alert sending, the rules API, promtool-style tests. */
export { RuleManager, type RuleManagerOptions, type RulesGlobalConfig, type RuleLogger } from './manager.ts';
export { RuleGroup } from './group.ts';
export { AlertingRule, RESOLVED_RETENTION, generatorURL } from './alerting-rule.ts';
export { RecordingRule, type Rule } from './recording-rule.ts';
export { loadRules, parseRules, type RuleFileLoadOptions } from './rule-files.ts';
export { registerRulesRoutes, type RuleGroupSource } from './api.ts';
export { rulesData, alertsData, type RulesFilter, type APIAlert } from './api-data.ts';
export { AlertmanagerHTTPSender, type AlertmanagerHTTPSenderOptions, alertmanagerURLs } from './alertmanager-sender.ts';
export { localAlertSender, type LocalAlertTarget } from './local-sender.ts';
export type { Alert, AlertSender, AlertState, RuleHealth, SentAlert } from './types.ts';
export { runUnitTestFiles, type UnitTestOptions, type UnitTestReport } from './unittest.ts';
export { checkRuleFiles, duplicateRules, type CheckRulesOptions, type CheckRulesResult } from './check-rules.ts';
