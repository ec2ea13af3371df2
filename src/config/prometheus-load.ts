/**
 * Loading prometheus.yml: YAML with positions -> zod shape check -> build (defaults, rules) -> merge of the
 * files named by scrape_config_files. Every problem becomes one ConfigError listing all issues as
 * `file:line:col: path: message`.
 */
import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { globSync } from './glob.ts';
import { buildPrometheus, buildScrapeList } from './prometheus-build.ts';
import { prometheusSchema, prometheusTypeNameAt, scrapeConfigFileSchema } from './prometheus-schema.ts';
import type { PrometheusConfig, ScrapeConfig } from './types.ts';
import {
  ConfigError,
  type ConfigIssue,
  type ConfigPath,
  goQuote,
  IssueList,
  pathToString,
  YamlSource,
} from './yaml-errors.ts';
import { parseWithSchema } from './yaml-schema.ts';

export interface ParseOptions {
  /** Folder that relative paths in the file are resolved against; default: the folder of `file`. */
  baseDir?: string;
  /** Environment for ${VAR} in external_labels; default process.env. */
  env?: Record<string, string | undefined>;
  /** Agent mode (rule_files, alerting and remote_read are errors). */
  agent?: boolean;
}

/** Null for these keys means "set to empty" rather than "unset" (Go zero value vs. default). */
const KEEP_NULL = new Set(['action']);

/** Collects issues that may come from several files; throws one ConfigError for all of them. */
class MultiFileIssues {
  private readonly formatted: string[] = [];
  private first: { file: string; line: number; col: number; path: string } | null = null;

  addAll(src: YamlSource, issues: readonly ConfigIssue[]): void {
    for (const iss of issues) {
      if (!this.first) {
        const pos = iss.line !== undefined ? { line: iss.line, col: iss.col ?? 1 } : src.position(iss.path, iss.atKey);
        this.first = { file: src.file, ...pos, path: pathToString(iss.path) };
      }
      this.formatted.push(src.format(iss));
    }
  }

  addError(e: unknown): void {
    if (!(e instanceof ConfigError)) throw e;
    if (!this.first) this.first = { file: e.file, line: e.line, col: e.col, path: e.path };
    this.formatted.push(...e.issues);
  }

  throwIfAny(): void {
    if (!this.first) return;
    const f = this.first;
    throw new ConfigError(f.file, f.line, f.col, f.path, this.formatted);
  }
}

/** Parses prometheus.yml text. `file` is used in messages and, by default, for resolving relative paths. */
export function parsePrometheusConfig(text: string, file: string, opts: ParseOptions = {}): PrometheusConfig {
  const src = new YamlSource(text, file);
  const raw = parseWithSchema(src, prometheusSchema, { typeNameAt: prometheusTypeNameAt, keepNull: KEEP_NULL });
  const dir = opts.baseDir ?? dirname(file);
  const issues = new IssueList();
  const { config, ctx, scrapes } = buildPrometheus(
    raw,
    { dir, env: opts.env ?? process.env, agent: opts.agent },
    issues,
  );
  src.throwIfAny(issues.items);

  if (config.scrape_config_files.length === 0) return config;
  // Included scrape configs: validated with the main file's global settings, paths relative to their own file.
  const all = new MultiFileIssues();
  const entries: { config: ScrapeConfig; path: ConfigPath; src: YamlSource }[] = scrapes.map((s) => ({ ...s, src }));
  for (const pattern of config.scrape_config_files) {
    for (const f of globSync(pattern)) {
      let text2: string;
      try {
        text2 = readFileSync(f, 'utf8');
      } catch (e) {
        all.addError(new ConfigError(f, 0, 0, '', [`${f}: ${(e as Error).message}`]));
        continue;
      }
      const fsrc = new YamlSource(text2, f);
      try {
        const rawFile = parseWithSchema(fsrc, scrapeConfigFileSchema, {
          typeNameAt: prometheusTypeNameAt,
          keepNull: KEEP_NULL,
        });
        const fileIssues = new IssueList();
        const list = buildScrapeList(rawFile.scrape_configs, ctx, dirname(f), ['scrape_configs'], fileIssues);
        all.addAll(fsrc, fileIssues.items);
        for (const s of list) entries.push({ ...s, src: fsrc });
      } catch (e) {
        all.addError(e);
      }
    }
  }
  // Duplicate job names across the main file and all included files.
  const seen = new Set<string>();
  for (const e of entries) {
    const job = e.config.job_name;
    if (job === '') continue;
    if (seen.has(job))
      all.addAll(e.src, [
        { path: [...e.path, 'job_name'], message: `found multiple scrape configs with job name ${goQuote(job)}` },
      ]);
    seen.add(job);
  }
  all.throwIfAny();
  config.scrape_configs = entries.map((e) => e.config);
  return config;
}

/** Reads and parses a prometheus.yml; relative paths resolve against its folder (relative stays relative). */
export function loadPrometheusConfigFile(path: string, opts: Omit<ParseOptions, 'baseDir'> = {}): PrometheusConfig {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    const why =
      code === 'ENOENT' ? 'no such file or directory' : code === 'EACCES' ? 'permission denied' : (e as Error).message;
    throw new ConfigError(path, 0, 0, '', [`${path}: open ${path}: ${why}`]);
  }
  // Like Prometheus, relative paths in the file resolve against the folder of `path` as given.
  const cfg = parsePrometheusConfig(text, path, { ...opts, baseDir: dirname(path) });
  cfg.source_file = resolve(path);
  return cfg;
}
