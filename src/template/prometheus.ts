/**
 * Prometheus's template functions (rule annotations/labels and console templates) and the
 * alert-template expansion with its `$labels`/`$value` prelude and "<error expanding template: ...>" result.
 */
import { parseDuration as parsePromDuration } from '../model/index.ts';
import type { Tree } from './ast.ts';
import { BUILTINS, type TemplateFunc, withArity } from './builtins.ts';
import { convertToFloat, g4, humanizeDuration } from './convert.ts';
import { queryEscape } from './escape.ts';
import type { FuncContext } from './exec.ts';
import { formatV } from './fmt.ts';
import { matchString, mustCompile, replaceAllString } from './goregexp.ts';
import { GoDuration, GoTime } from './gotime.ts';
import { parseTemplates } from './parser.ts';
import { type FuncMap, Template } from './template.ts';
import { titleCase } from './title.ts';
import { StringMap } from './values.ts';

/** One query result element, like Prometheus's template `sample`. */
export interface Sample {
  Labels: Record<string, string>;
  Value: number;
}

export interface PrometheusFuncOptions {
  /** Runs an instant query; may return a Promise (then use executeAsync / expandPrometheusTemplateAsync). */
  query?: (q: string) => Promise<Sample[]> | Sample[];
  /** The server's external URL (--web.external-url), e.g. "http://prom.example.com/prometheus". */
  externalURL?: string;
  /** Overrides the path prefix (defaults to the external URL's path). */
  pathPrefix?: string;
  /** Evaluation time in ms since the epoch for `now` (defaults to the current time). */
  timestamp?: number;
}

function toSamples(v: unknown, fn: string): Sample[] {
  if (!Array.isArray(v)) throw new Error(`${fn}: expected query result, got ${typeof v}`);
  return v as Sample[];
}

function sampleOf(v: unknown): Sample {
  if (v === null || v === undefined) throw new Error('nil pointer dereference');
  return v as Sample;
}

const ERR_NAN_OR_INF = 'value is NaN or Inf';

function floatToTime(v: number): GoTime {
  if (Number.isNaN(v) || !Number.isFinite(v)) throw new Error(ERR_NAN_OR_INF);
  const ns = v * 1e9;
  if (ns > 9.223372036854776e18 || ns < -9.223372036854776e18) {
    throw new Error(`${formatV(v)} cannot be represented as a nanoseconds timestamp since it overflows int64`);
  }
  // Prometheus goes through model.Time, which has millisecond precision.
  const ms = Math.trunc(ns / 1e6);
  return new GoTime(ms);
}

/** net.SplitHostPort; null on error. */
export function splitHostPort(hostPort: string): [string, string] | null {
  const i = hostPort.lastIndexOf(':');
  if (i < 0) return null;
  if (hostPort[0] === '[') {
    const end = hostPort.indexOf(']');
    if (end < 0) return null;
    if (end + 1 !== i) return null;
    const host = hostPort.slice(1, end);
    if (host.includes('[') || host.includes(']')) return null;
    return [host, hostPort.slice(i + 1)];
  }
  const host = hostPort.slice(0, i);
  if (host.includes(':')) return null;
  if (host.includes('[') || host.includes(']') || hostPort.slice(i + 1).includes(']')) return null;
  return [host, hostPort.slice(i + 1)];
}

function isIP(s: string): boolean {
  if (/^(25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])(\.(25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])){3}$/.test(s))
    return true;
  if (!s.includes(':')) return false;
  try {
    return new URL(`http://[${s}]/`).hostname.length > 0;
  } catch {
    return false;
  }
}

function joinHostPort(host: string, port: string): string {
  return host.includes(':') ? `[${host}]:${port}` : `${host}:${port}`;
}

function humanize(i: unknown): string {
  let v = convertToFloat(i);
  if (v === 0 || Number.isNaN(v) || !Number.isFinite(v)) return g4(v);
  if (Math.abs(v) >= 1) {
    let prefix = '';
    for (const p of ['k', 'M', 'G', 'T', 'P', 'E', 'Z', 'Y']) {
      if (Math.abs(v) < 1000) break;
      prefix = p;
      v /= 1000;
    }
    return g4(v) + prefix;
  }
  let prefix = '';
  for (const p of ['m', 'u', 'n', 'p', 'f', 'a', 'z', 'y']) {
    if (Math.abs(v) >= 1) break;
    prefix = p;
    v *= 1000;
  }
  return g4(v) + prefix;
}

function humanize1024(i: unknown): string {
  let v = convertToFloat(i);
  if (Math.abs(v) <= 1 || Number.isNaN(v) || !Number.isFinite(v)) return g4(v);
  let prefix = '';
  for (const p of ['ki', 'Mi', 'Gi', 'Ti', 'Pi', 'Ei', 'Zi', 'Yi']) {
    if (Math.abs(v) < 1024) break;
    prefix = p;
    v /= 1024;
  }
  return g4(v) + prefix;
}

function str(v: unknown, fn: string): string {
  if (typeof v !== 'string') {
    throw new Error(
      `wrong type for value; expected string; got ${v === null || v === undefined ? 'nil' : typeof v === 'bigint' ? 'int' : typeof v === 'number' ? 'float64' : typeof v}`,
    );
  }
  void fn;
  return v;
}

/** The function map Prometheus gives alert and console templates. */
export function prometheusFuncs(opts: PrometheusFuncOptions = {}): FuncMap {
  const external = opts.externalURL ?? '';
  let prefix = opts.pathPrefix;
  if (prefix === undefined) {
    try {
      prefix = external ? new URL(external).pathname.replace(/\/$/, '') : '';
    } catch {
      prefix = '';
    }
  }
  const pathPrefix = prefix;
  const funcs: Record<string, TemplateFunc> = {
    query: withArity((q: unknown) => {
      if (!opts.query) throw new Error('no query function configured');
      return opts.query(str(q, 'query'));
    }, 1),
    first: withArity((v: unknown) => {
      const s = toSamples(v, 'first');
      if (s.length > 0) return s[0];
      throw new Error('first() called on vector with no elements');
    }, 1),
    label: withArity((label: unknown, s: unknown) => {
      const smp = sampleOf(s);
      const l = smp.Labels ?? {};
      const name = str(label, 'label');
      return Object.hasOwn(l, name) ? l[name] : '';
    }, 2),
    value: withArity((s: unknown) => sampleOf(s).Value, 1),
    strvalue: withArity((s: unknown) => {
      const l = sampleOf(s).Labels ?? {};
      return Object.hasOwn(l, '__value__') ? l.__value__ : '';
    }, 1),
    sortByLabel: withArity((label: unknown, v: unknown) => {
      const name = str(label, 'sortByLabel');
      const s = toSamples(v, 'sortByLabel');
      const get = (x: Sample) => (x.Labels && Object.hasOwn(x.Labels, name) ? x.Labels[name] : '');
      // Array.prototype.sort is stable, like sort.Stable; it sorts in place like Prometheus does.
      return s.sort((a, b) => {
        const x = get(a);
        const y = get(b);
        return x < y ? -1 : x > y ? 1 : 0;
      });
    }, 2),
    humanize: withArity(humanize, 1),
    humanize1024: withArity(humanize1024, 1),
    humanizeDuration: withArity(humanizeDuration, 1),
    humanizePercentage: withArity((i: unknown) => `${g4(convertToFloat(i) * 100)}%`, 1),
    humanizeTimestamp: withArity((i: unknown) => {
      const v = convertToFloat(i);
      if (Number.isNaN(v) || !Number.isFinite(v)) return g4(v);
      return floatToTime(v).String();
    }, 1),
    toTime: withArity((i: unknown) => floatToTime(convertToFloat(i)), 1),
    toDuration: withArity((i: unknown) => {
      const v = convertToFloat(i);
      if (Number.isNaN(v) || !Number.isFinite(v)) throw new Error(ERR_NAN_OR_INF);
      if (Math.abs(v * 1e9) >= 9.223372036854776e18) {
        throw new Error(`${formatV(v)} cannot be represented as a nanoseconds duration since it overflows int64`);
      }
      return GoDuration.fromSeconds(v);
    }, 1),
    now: withArity(() => (opts.timestamp ?? Date.now()) / 1000, 0),
    pathPrefix: withArity(() => pathPrefix, 0),
    externalURL: withArity(() => external, 0),
    args: withArity(
      (...a: unknown[]) => {
        const m: Record<string, unknown> = {};
        a.forEach((v, i) => {
          m[`arg${i}`] = v;
        });
        return m;
      },
      0,
      -1,
    ),
    tmpl: withArity(function (this: FuncContext, name: unknown, data: unknown) {
      return this.executeTemplate(str(name, 'tmpl'), data);
    }, 2),
    safeHtml: withArity(function (this: FuncContext, s: unknown) {
      const v = str(s, 'safeHtml');
      this.markSafe?.(v);
      return v;
    }, 1),
    match: withArity((pattern: unknown, s: unknown) => matchString(str(pattern, 'match'), str(s, 'match')), 2),
    reReplaceAll: withArity(
      (pattern: unknown, repl: unknown, text: unknown) =>
        replaceAllString(
          mustCompile(str(pattern, 'reReplaceAll')),
          str(text, 'reReplaceAll'),
          str(repl, 'reReplaceAll'),
        ),
      3,
    ),
    title: withArity((s: unknown) => titleCase(str(s, 'title'), false), 1),
    toUpper: withArity((s: unknown) => str(s, 'toUpper').toUpperCase(), 1),
    toLower: withArity((s: unknown) => str(s, 'toLower').toLowerCase(), 1),
    graphLink: withArity((e: unknown) => `/graph?g0.expr=${queryEscape(str(e, 'graphLink'))}&g0.tab=0`, 1),
    tableLink: withArity((e: unknown) => `/graph?g0.expr=${queryEscape(str(e, 'tableLink'))}&g0.tab=1`, 1),
    stripPort: withArity((hp: unknown) => {
      const s = str(hp, 'stripPort');
      const r = splitHostPort(s);
      return r ? r[0] : s;
    }, 1),
    stripDomain: withArity((hp: unknown) => {
      const s = str(hp, 'stripDomain');
      const r = splitHostPort(s);
      const host = r ? r[0] : s;
      const port = r ? r[1] : '';
      if (isIP(host)) return s;
      const h = host.split('.')[0];
      return port !== '' ? joinHostPort(h, port) : h;
    }, 1),
    parseDuration: withArity((d: unknown) => {
      const ms = parsePromDuration(str(d, 'parseDuration'));
      return ms / 1000;
    }, 1),
  };
  return funcs;
}

/** Names of the Prometheus functions (for parse-time checks without building closures). */
export const PROMETHEUS_FUNC_NAMES: readonly string[] = Object.keys(prometheusFuncs());

export interface AlertTemplateData {
  labels: Record<string, string>;
  externalLabels?: Record<string, string>;
  externalURL?: string;
  value: number;
}

export interface ExpandOptions extends PrometheusFuncOptions {
  /** Template name; Prometheus uses "__alert_" + the alerting rule's name. */
  name?: string;
}

/** Prometheus's prelude: convenience variables for alert templates. */
export const ALERT_TEMPLATE_PRELUDE =
  '{{$labels := .Labels}}{{$externalLabels := .ExternalLabels}}{{$externalURL := .ExternalURL}}{{$value := .Value}}';

const treeCache = new Map<string, Tree[]>();
const TREE_CACHE_MAX = 2000;
const PROM_NAMES = new Set<string>();

function cachedTrees(name: string, text: string): Tree[] {
  const key = `${name}\u0000${text}`;
  let trees = treeCache.get(key);
  if (!trees) {
    if (PROM_NAMES.size === 0) for (const n of PROMETHEUS_FUNC_NAMES) PROM_NAMES.add(n);
    trees = parseTemplates(name, text, { hasFunction: (n) => PROM_NAMES.has(n) || BUILTIN_NAMES.has(n) });
    if (treeCache.size >= TREE_CACHE_MAX) treeCache.delete(treeCache.keys().next().value as string);
    treeCache.set(key, trees);
  }
  return trees;
}

const BUILTIN_NAMES = new Set(Object.keys(BUILTINS));

/** Prometheus's template data: an anonymous struct, so unknown fields are errors, not missing keys. */
class AlertTemplateStruct {
  static goTypeName =
    'struct { Labels map[string]string; ExternalLabels map[string]string; ExternalURL string; Value interface {} }';
  constructor(
    readonly Labels: StringMap,
    readonly ExternalLabels: StringMap,
    readonly ExternalURL: string,
    readonly Value: unknown,
  ) {}
}

function alertData(d: AlertTemplateData, opts: ExpandOptions): AlertTemplateStruct {
  return new AlertTemplateStruct(
    StringMap.from(d.labels),
    StringMap.from(d.externalLabels),
    d.externalURL ?? opts.externalURL ?? '',
    d.value,
  );
}

function build(text: string, opts: ExpandOptions): { tmpl: Template | null; error: string | null; name: string } {
  const name = opts.name ?? '__alert_';
  try {
    const trees = cachedTrees(name, ALERT_TEMPLATE_PRELUDE + text);
    const t = Template.new(name, prometheusFuncs(opts), { missingKey: 'zero' });
    for (const tr of trees) t.addParseTree(tr);
    return { tmpl: t, error: null, name };
  } catch (e) {
    return { tmpl: null, error: `error parsing template ${name}: ${(e as Error).message}`, name };
  }
}

export interface ExpandResult {
  /** The expansion, or Prometheus's "<error expanding template: ...>" text on failure. */
  text: string;
  /** The error message when expansion failed. */
  error?: string;
}

function fail(error: string): ExpandResult {
  return { text: `<error expanding template: ${error}>`, error };
}

/**
 * Expands an alert annotation or label template the way Prometheus does: the `$labels`, `$externalLabels`,
 * `$externalURL` and `$value` prelude, missingkey=zero, and on failure the text
 * "<error expanding template: ...>". Synchronous: `query` must not return a Promise.
 */
export function expandAlertTemplate(text: string, data: AlertTemplateData, opts: ExpandOptions = {}): ExpandResult {
  const b = build(text, opts);
  if (!b.tmpl) return fail(b.error as string);
  try {
    return { text: b.tmpl.execute(alertData(data, opts)) };
  } catch (e) {
    return fail(`error executing template ${b.name}: ${(e as Error).message}`);
  }
}

/** Like expandAlertTemplate, but `query` may be async. */
export async function expandAlertTemplateAsync(
  text: string,
  data: AlertTemplateData,
  opts: ExpandOptions = {},
): Promise<ExpandResult> {
  const b = build(text, opts);
  if (!b.tmpl) return fail(b.error as string);
  try {
    return { text: await b.tmpl.executeAsync(alertData(data, opts)) };
  } catch (e) {
    return fail(`error executing template ${b.name}: ${(e as Error).message}`);
  }
}

/** Convenience: the expanded text only (errors become Prometheus's error text). */
export function expandPrometheusTemplate(text: string, data: AlertTemplateData, opts: ExpandOptions = {}): string {
  return expandAlertTemplate(text, data, opts).text;
}

export async function expandPrometheusTemplateAsync(
  text: string,
  data: AlertTemplateData,
  opts: ExpandOptions = {},
): Promise<string> {
  return (await expandAlertTemplateAsync(text, data, opts)).text;
}

export { humanize, humanize1024 };

/**
 * Prometheus's rule-file check of an alert label/annotation template: parses it with the prelude.
 * Returns the parse error message (e.g. `template: __alert_X:1: undefined variable "$label"`) or null.
 */
export function checkAlertTemplate(text: string, ruleName: string): string | null {
  try {
    cachedTrees(`__alert_${ruleName}`, ALERT_TEMPLATE_PRELUDE + text);
    return null;
  } catch (e) {
    return (e as Error).message;
  }
}
