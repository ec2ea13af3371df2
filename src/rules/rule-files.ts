/** Rule file loading with the PromQL and template checks wired in (src/config cannot import them). */
import { loadRuleFile, parseRuleFile, type RuleFileConfig, type RuleFileOptions } from '../config/rules-index.ts';
import { parseExpr } from '../promql/index.ts';
import { checkAlertTemplate } from '../template/index.ts';

function checkExpr(expr: string): string | null {
  try {
    parseExpr(expr);
    return null;
  } catch (e) {
    return (e as Error).message;
  }
}

export type RuleFileLoadOptions = Omit<RuleFileOptions, 'checkExpr' | 'checkTemplate'>;

/** Loads and fully validates a rule file; throws ConfigError. */
export function loadRules(path: string, opts: RuleFileLoadOptions = {}): RuleFileConfig {
  return loadRuleFile(path, { ...opts, checkExpr, checkTemplate: checkAlertTemplate });
}

/** Parses and fully validates rule file text; throws ConfigError. */
export function parseRules(text: string, file: string, opts: RuleFileLoadOptions = {}): RuleFileConfig {
  return parseRuleFile(text, file, { ...opts, checkExpr, checkTemplate: checkAlertTemplate });
}
