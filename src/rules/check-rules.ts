/** `osprey check rules`: promtool's rule file check with its output, the duplicate-rules lint and exit codes. */
import { ConfigError } from '../config/index.ts';
import type { RuleFileConfig } from '../config/rules-index.ts';
import { Labels } from '../model/index.ts';
import { loadRules } from './rule-files.ts';

export interface CheckRulesOptions {
  /** Lint names ("duplicate-rules", "none"); default ["duplicate-rules"]. */
  lint?: readonly string[];
  /** Exit 3 when a lint problem is found. */
  lintFatal?: boolean;
  ignoreUnknownFields?: boolean;
}

export interface CheckRulesResult {
  exitCode: 0 | 1 | 3;
  stdout: string;
  stderr: string;
}

/** Rules with the same name and labels (group labels included), as promtool's checkDuplicates finds them. */
export function duplicateRules(f: RuleFileConfig): { metric: string; labels: Labels }[] {
  const all: { metric: string; labels: Labels; key: string }[] = [];
  for (const g of f.groups) {
    for (const r of g.rules) {
      const labels = Labels.fromObject({ ...g.labels, ...r.labels });
      const metric = r.alert || r.record || '';
      all.push({ metric, labels, key: `${metric}\u0000${labels.toString()}` });
    }
  }
  all.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  const out: { metric: string; labels: Labels }[] = [];
  for (let i = 1; i < all.length; i++) {
    // Three copies are one duplicate, as promtool counts them.
    if (all[i].key === all[i - 1].key && (i < 2 || all[i - 1].key !== all[i - 2].key))
      out.push({ metric: all[i].metric, labels: all[i].labels });
  }
  return out;
}

export function checkRuleFiles(files: readonly string[], opts: CheckRulesOptions = {}): CheckRulesResult {
  const lint = opts.lint ?? ['duplicate-rules'];
  const lintDup = lint.includes('duplicate-rules') && !lint.includes('none');
  let stdout = '';
  let stderr = '';
  let failed = false;
  let lintProblems = false;
  for (const f of files) {
    stdout += `Checking ${f}\n`;
    let cfg: RuleFileConfig;
    try {
      cfg = loadRules(f, { ignoreUnknownFields: opts.ignoreUnknownFields });
    } catch (e) {
      failed = true;
      stderr += '  FAILED:\n';
      stderr += `${e instanceof ConfigError ? e.issues.join('\n') : (e as Error).message}\n\n`;
      continue;
    }
    const n = cfg.groups.reduce((s, g) => s + g.rules.length, 0);
    if (lintDup) {
      const dups = duplicateRules(cfg);
      if (dups.length > 0) {
        lintProblems = true;
        stdout += `${dups.length} duplicate rule(s) found.\n`;
        for (const d of dups) {
          stdout += `Metric: ${d.metric}\nLabel(s):\n`;
          d.labels.forEach((k, v) => {
            stdout += `\t${k}: ${v}\n`;
          });
        }
        stdout += 'Might cause inconsistency while recording expressions.\n';
      }
    }
    stdout += `  SUCCESS: ${n} rules found\n\n`;
  }
  const exitCode = failed ? 1 : lintProblems && opts.lintFatal ? 3 : 0;
  return { exitCode, stdout, stderr };
}
