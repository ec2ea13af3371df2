/**
 * `osprey check config`: promtool-style checking of prometheus.yml files. Beyond loading, it checks that
 * the files the config points at exist (rule files, TLS client certificates, credentials files) and warns
 * about missing file_sd files, as promtool does. Rule file contents are checked by the rules part.
 */
import { readFileSync, statSync } from 'node:fs';
import { parseFileSD } from './file-sd.ts';
import { globSync, hasMeta } from './glob.ts';
import { parsePrometheusConfig } from './prometheus-load.ts';
import type { FileSDConfig, HTTPClientConfig, PrometheusConfig } from './types.ts';
import { ConfigError } from './yaml-errors.ts';

export interface CheckResult {
  ok: boolean;
  /** Lines to print, promtool's wording. */
  output: string[];
  /** Rule files (resolved, globs expanded) of the configs that loaded, for the rules checker. */
  ruleFiles?: string[];
}

function readConfig(p: string): string {
  try {
    return readFileSync(p, 'utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    const why = code === 'ENOENT' ? 'no such file or directory' : (e as Error).message;
    throw new ConfigError(p, 0, 0, '', [`open ${p}: ${why}`]);
  }
}

function statError(p: string): string | null {
  try {
    statSync(p);
    return null;
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    const why =
      code === 'ENOENT' ? 'no such file or directory' : code === 'EACCES' ? 'permission denied' : String(code);
    return `stat ${p}: ${why}`;
  }
}

function checkHTTPFiles(h: HTTPClientConfig): string | null {
  const tls = h.tls_config;
  if (tls.cert_file) {
    const e = statError(tls.cert_file);
    if (e) return `error checking client cert file ${JSON.stringify(tls.cert_file)}: ${e}`;
  }
  if (tls.key_file) {
    const e = statError(tls.key_file);
    if (e) return `error checking client key file ${JSON.stringify(tls.key_file)}: ${e}`;
  }
  const cred = h.authorization?.credentials_file;
  if (cred) {
    const e = statError(cred);
    if (e) return `error checking authorization credentials or bearer token file ${JSON.stringify(cred)}: ${e}`;
  }
  return null;
}

/** Missing file_sd files are warnings; existing ones must parse. */
function checkSDFiles(list: FileSDConfig[], where: string, warnings: string[]): string | null {
  for (const fsd of list) {
    for (const pattern of fsd.files) {
      const found = globSync(pattern);
      if (found.length === 0)
        warnings.push(`  WARNING: file ${JSON.stringify(pattern)} for file_sd in ${where} does not exist`);
      for (const f of found) {
        try {
          parseFileSD(readFileSync(f, 'utf8'), f);
        } catch (e) {
          return `checking SD file ${JSON.stringify(pattern)}: ${(e as Error).message}`;
        }
      }
    }
  }
  return null;
}

/** Returns [error, warnings, rule files]. */
function checkReferencedFiles(cfg: PrometheusConfig): [string | null, string[], string[]] {
  const warnings: string[] = [];
  const rules: string[] = [];
  for (const rf of cfg.rule_files) {
    const found = globSync(rf);
    if (found.length === 0 && !hasMeta(rf))
      return [`${JSON.stringify(rf)} does not point to an existing file`, warnings, rules];
    rules.push(...found);
  }
  for (const sc of cfg.scrape_configs) {
    const e =
      checkHTTPFiles(sc) ?? checkSDFiles(sc.file_sd_configs, `scrape job ${JSON.stringify(sc.job_name)}`, warnings);
    if (e) return [e, warnings, rules];
  }
  for (const am of cfg.alerting.alertmanagers) {
    const e = checkHTTPFiles(am) ?? checkSDFiles(am.file_sd_configs, 'alertmanager config', warnings);
    if (e) return [e, warnings, rules];
  }
  return [null, warnings, rules];
}

/**
 * Checks each file like `promtool check config`. `syntaxOnly` skips the referenced-file checks.
 */
export function checkConfigFiles(paths: string[], opts: { syntaxOnly?: boolean } = {}): CheckResult {
  const output: string[] = [];
  const ruleFiles: string[] = [];
  let ok = true;
  for (const p of paths) {
    output.push(`Checking ${p}`);
    try {
      // Paths resolve against the config's folder as given (relative stays relative), so messages show
      // the same paths as promtool's.
      const cfg = parsePrometheusConfig(readConfig(p), p);
      if (!opts.syntaxOnly) {
        const [err, warnings, rules] = checkReferencedFiles(cfg);
        output.push(...warnings);
        if (err) throw new Error(err);
        if (cfg.rule_files.length > 0) output.push(`  SUCCESS: ${rules.length} rule files found`);
        ruleFiles.push(...rules);
      }
      output.push(` SUCCESS: ${p} is valid prometheus config file syntax`);
    } catch (e) {
      ok = false;
      if (e instanceof ConfigError) for (const line of e.issues) output.push(`  FAILED: ${line}`);
      else output.push(`  FAILED: ${(e as Error).message}`);
    }
    output.push('');
  }
  return { ok, output, ruleFiles };
}
