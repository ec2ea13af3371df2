/**
 * `osprey check alertmanager FILE...`: amtool check-config's checks and output. Loads each file, parses the
 * templates it names, and prints what was found.
 */

import { configErrorMessage, loadAlertmanagerConfigFile } from '../config/alertmanager-index.ts';
import { ConfigError } from '../config/index.ts';
import { alertmanagerFuncs, parseGlobs, Template } from '../template/index.ts';

export interface AlertmanagerCheckResult {
  file: string;
  ok: boolean;
  /** amtool-style report for this file. */
  output: string;
  /** Every issue, `file:line:col: path: message` (or the template error). */
  errors: string[];
}

export function checkAlertmanagerConfigFile(file: string): AlertmanagerCheckResult {
  let cfg: ReturnType<typeof loadAlertmanagerConfigFile>;
  try {
    cfg = loadAlertmanagerConfigFile(file);
  } catch (e) {
    const msg = e instanceof ConfigError ? configErrorMessage(e) : String((e as Error).message ?? e);
    const errors = e instanceof ConfigError ? e.issues : [msg];
    return { file, ok: false, output: `Checking '${file}'  FAILED: ${msg}\n`, errors };
  }
  try {
    parseGlobs(Template.new('', alertmanagerFuncs()), cfg.templates);
  } catch (e) {
    const msg = `failed to parse templates: ${(e as Error).message}`;
    return { file, ok: false, output: `Checking '${file}'  FAILED: ${msg}\n`, errors: [msg] };
  }
  const output = [
    `Checking '${file}'  SUCCESS`,
    'Found:',
    ' - global config',
    ' - route',
    ` - ${cfg.inhibit_rules.length} inhibit rules`,
    ` - ${cfg.receivers.length} receivers`,
    ` - ${cfg.templates.length} templates`,
  ];
  return { file, ok: true, output: `${output.join('\n')}\n`, errors: [] };
}
