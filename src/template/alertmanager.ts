/**
 * Alertmanager's notification template data model (Data, Alert, Alerts, KV, Pairs) with the methods
 * templates call (.Alerts.Firing, .CommonLabels.SortedPairs, .Remove, .Names, .Values), and its
 * function map (toUpper, title, join, date, tz, since, humanizeDuration, toJson, ...).
 */
import { type TemplateFunc, withArity } from './builtins.ts';
import { humanizeDuration } from './convert.ts';
import { DEFAULT_TEMPLATES } from './defaults.ts';
import { queryUnescape } from './escape.ts';
import type { FuncContext } from './exec.ts';
import { goJson } from './gojson.ts';
import { matchString, mustCompile, replaceAllString } from './goregexp.ts';
import { GoDuration, GoTime, loadLocation, ZERO_TIME_MS } from './gotime.ts';
import { type FuncMap, parseGlobs, Template } from './template.ts';
import { titleCase } from './title.ts';
import { typeName } from './values.ts';

/** A key/value pair (template.Pair). */
export class Pair {
  static goTypeName = 'template.Pair';
  constructor(
    readonly Name: string,
    readonly Value: string,
  ) {}
}

/** A list of pairs (template.Pairs) with Names/Values. */
export class Pairs extends Array<Pair> {
  static goTypeName = 'template.Pairs';
  static override get [Symbol.species]() {
    return Array;
  }
  Names(): string[] {
    return this.map((p) => p.Name);
  }
  Values(): string[] {
    return this.map((p) => p.Value);
  }
  String(): string {
    return this.map((p) => `${p.Name}=${p.Value}`).join(', ');
  }
}

/** A label or annotation set (template.KV, a map[string]string). Missing keys read as "". */
export class KV extends Map<string, string> {
  static goTypeName = 'template.KV';
  static goZeroValue = '';

  static from(obj: Record<string, string> | Map<string, string> | undefined | null): KV {
    const kv = new KV();
    if (!obj) return kv;
    const entries = obj instanceof Map ? obj.entries() : Object.entries(obj);
    for (const [k, v] of entries) kv.set(k, v);
    return kv;
  }

  /** Sorted by name, except that "alertname" comes first. */
  SortedPairs(): Pairs {
    const keys = [...this.keys()];
    const hasAlertname = this.has('alertname');
    const rest = keys.filter((k) => k !== 'alertname').sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
    const ordered = hasAlertname ? ['alertname', ...rest] : rest;
    const ps = new Pairs();
    for (const k of ordered) ps.push(new Pair(k, this.get(k) as string));
    return ps;
  }
  Remove(keys: unknown): KV {
    if (!Array.isArray(keys)) throw new Error(`wrong type for value; expected []string; got ${typeName(keys)}`);
    const drop = new Set(keys as string[]);
    const res = new KV();
    for (const [k, v] of this) if (!drop.has(k)) res.set(k, v);
    return res;
  }
  Names(): string[] {
    return this.SortedPairs().Names();
  }
  Values(): string[] {
    return this.SortedPairs().Values();
  }
  String(): string {
    return this.SortedPairs().String();
  }
  toJSON(): Record<string, string> {
    return Object.fromEntries(this);
  }
}

/** One alert in a notification (template.Alert). */
export class Alert {
  static goTypeName = 'template.Alert';
  constructor(
    readonly Status: string,
    readonly Labels: KV,
    readonly Annotations: KV,
    readonly StartsAt: GoTime,
    readonly EndsAt: GoTime,
    readonly GeneratorURL: string,
    readonly Fingerprint: string,
  ) {}
  toJSON() {
    return {
      status: this.Status,
      labels: this.Labels,
      annotations: this.Annotations,
      startsAt: this.StartsAt,
      endsAt: this.EndsAt,
      generatorURL: this.GeneratorURL,
      fingerprint: this.Fingerprint,
    };
  }
}

/** The alerts of a notification (template.Alerts) with Firing/Resolved. */
export class Alerts extends Array<Alert> {
  static goTypeName = 'template.Alerts';
  static override get [Symbol.species]() {
    return Array;
  }
  Firing(): Alert[] {
    return this.filter((a) => a.Status === 'firing');
  }
  Resolved(): Alert[] {
    return this.filter((a) => a.Status === 'resolved');
  }
}

/** The notification template data (template.Data). */
export class Data {
  static goTypeName = '*template.Data';
  constructor(
    readonly Receiver: string,
    readonly Status: string,
    readonly Alerts: Alerts,
    readonly GroupLabels: KV,
    readonly CommonLabels: KV,
    readonly CommonAnnotations: KV,
    readonly ExternalURL: string,
  ) {}
  toJSON() {
    return {
      receiver: this.Receiver,
      status: this.Status,
      alerts: this.Alerts,
      groupLabels: this.GroupLabels,
      commonLabels: this.CommonLabels,
      commonAnnotations: this.CommonAnnotations,
      externalURL: this.ExternalURL,
    };
  }
}

export interface AlertInput {
  labels: Record<string, string> | Map<string, string>;
  annotations?: Record<string, string> | Map<string, string>;
  /** ms since the epoch or a Date */
  startsAt: number | Date;
  /** ms since the epoch or a Date; 0/undefined means unset (Go's zero time) */
  endsAt?: number | Date;
  generatorURL?: string;
  fingerprint?: string;
  /** Defaults to resolved when endsAt is set and not after `now`, else firing. */
  status?: 'firing' | 'resolved';
}

export interface DataInput {
  receiver: string;
  groupLabels: Record<string, string> | Map<string, string>;
  alerts: AlertInput[];
  externalURL: string;
  /** Reference time for alert status (ms). */
  now?: number;
}

/** regexp.QuoteMeta. */
export function quoteMeta(s: string): string {
  let out = '';
  for (const ch of s) out += '\\.+*?()|[]{}^$'.includes(ch) ? `\\${ch}` : ch;
  return out;
}

function toGoTime(t: number | Date | undefined): GoTime {
  if (t === undefined) return new GoTime(ZERO_TIME_MS);
  const ms = t instanceof Date ? t.getTime() : t;
  return ms === 0 ? new GoTime(ZERO_TIME_MS) : new GoTime(ms);
}

/** Builds Alertmanager's template Data for a notification, like template.Data() does. */
export function buildTemplateData(input: DataInput): Data {
  const now = input.now ?? Date.now();
  const alerts = new Alerts();
  for (const a of input.alerts) {
    const endsAtMs = a.endsAt instanceof Date ? a.endsAt.getTime() : a.endsAt;
    const status = a.status ?? (endsAtMs && endsAtMs <= now ? 'resolved' : 'firing');
    alerts.push(
      new Alert(
        status,
        KV.from(a.labels),
        KV.from(a.annotations ?? {}),
        toGoTime(a.startsAt),
        toGoTime(a.endsAt),
        a.generatorURL ?? '',
        a.fingerprint ?? '',
      ),
    );
  }
  const common = (get: (a: Alert) => KV): KV => {
    if (alerts.length === 0) return new KV();
    const res = new KV(get(alerts[0]));
    for (const a of alerts.slice(1)) {
      const kv = get(a);
      for (const [k, v] of [...res]) if (kv.get(k) !== v) res.delete(k);
    }
    return res;
  };
  return new Data(
    quoteMeta(input.receiver),
    alerts.some((a) => a.Status === 'firing') ? 'firing' : 'resolved',
    alerts,
    KV.from(input.groupLabels),
    common((a) => a.Labels),
    common((a) => a.Annotations),
    input.externalURL,
  );
}

function str(v: unknown): string {
  if (typeof v !== 'string') throw new Error(`wrong type for value; expected string; got ${typeName(v)}`);
  return v;
}

function toTime(v: unknown): GoTime {
  if (v instanceof GoTime) return v;
  if (v instanceof Date) return GoTime.fromDate(v);
  throw new Error(`wrong type for value; expected time.Time; got ${typeName(v)}`);
}

/** Alertmanager's DefaultFuncs. `now` (ms) only affects `since`. */
export function alertmanagerFuncs(opts: { now?: () => number } = {}): FuncMap {
  const now = opts.now ?? Date.now;
  const funcs: Record<string, TemplateFunc> = {
    toUpper: withArity((s: unknown) => str(s).toUpperCase(), 1),
    toLower: withArity((s: unknown) => str(s).toLowerCase(), 1),
    title: withArity((s: unknown) => titleCase(str(s), true), 1),
    trimSpace: withArity(
      (s: unknown) => str(s).replace(/^[\t\n\v\f\r \u0085\u00a0]+|[\t\n\v\f\r \u0085\u00a0]+$/g, ''),
      1,
    ),
    join: withArity((sep: unknown, s: unknown) => {
      if (!Array.isArray(s)) throw new Error(`wrong type for value; expected []string; got ${typeName(s)}`);
      return (s as unknown[]).map((x) => str(x)).join(str(sep));
    }, 2),
    match: withArity((pattern: unknown, s: unknown) => matchString(str(pattern), str(s)), 2),
    safeHtml: withArity(function (this: FuncContext, s: unknown) {
      const v = str(s);
      this.markSafe?.(v);
      return v;
    }, 1),
    safeUrl: withArity(function (this: FuncContext, s: unknown) {
      const v = str(s);
      this.markSafe?.(v);
      return v;
    }, 1),
    urlUnescape: withArity((s: unknown) => queryUnescape(str(s)), 1),
    reReplaceAll: withArity(
      (pattern: unknown, repl: unknown, text: unknown) =>
        replaceAllString(mustCompile(str(pattern)), str(text), str(repl)),
      3,
    ),
    stringSlice: withArity((...s: unknown[]) => s.map((x) => str(x)), 0, -1),
    date: withArity((layout: unknown, t: unknown) => toTime(t).Format(str(layout)), 2),
    tz: withArity((name: unknown, t: unknown) => toTime(t).In(loadLocation(str(name))), 2),
    since: withArity((t: unknown) => {
      const tt = toTime(t);
      return new GoDuration(BigInt(Math.round(now() - tt.ms)) * 1000000n - BigInt(tt.extraNs));
    }, 1),
    humanizeDuration: withArity(humanizeDuration, 1),
    toJson: withArity((v: unknown) => goJson(v), 1),
  };
  return funcs;
}

/**
 * Alertmanager's ExecuteTextString: `text` (a receiver field such as a Slack title) is parsed as a new
 * template in a copy of the loaded set, with missingkey=zero, and executed; "" stays "".
 */
export function executeTextString(set: Template, text: string, data: unknown): string {
  if (text === '') return '';
  const t = set.clone({ missingKey: 'zero', escapeHtml: false }).new('');
  return t.parse(text).execute(data);
}

/** ExecuteHTMLString: like executeTextString with HTML escaping of action output (html/template approximation). */
export function executeHTMLString(set: Template, text: string, data: unknown): string {
  if (text === '') return '';
  const t = set.clone({ missingKey: 'zero', escapeHtml: true }).new('');
  return t.parse(text).execute(data);
}

/**
 * Alertmanager's template set: its functions, the default templates (Osprey's own unless other texts are
 * given), then the user's `templates:` globs, which may redefine any of them.
 */
export function alertmanagerTemplates(
  defaultTexts: string[] = [DEFAULT_TEMPLATES],
  globs: string[] = [],
  opts: { now?: () => number } = {},
): Template {
  const t = Template.new('', alertmanagerFuncs(opts), { missingKey: 'zero' });
  for (const text of defaultTexts) t.parse(text);
  return globs.length ? parseGlobs(t, globs) : t;
}

export interface DataJSON {
  receiver?: string;
  status?: string;
  alerts?: {
    status?: string;
    labels?: Record<string, string>;
    annotations?: Record<string, string>;
    startsAt?: string;
    endsAt?: string;
    generatorURL?: string;
    fingerprint?: string;
  }[];
  groupLabels?: Record<string, string>;
  commonLabels?: Record<string, string>;
  commonAnnotations?: Record<string, string>;
  externalURL?: string;
}

function parseRFC3339(s: string | undefined): GoTime {
  if (!s) return new GoTime(ZERO_TIME_MS);
  const ms = Date.parse(s);
  if (Number.isNaN(ms)) throw new Error(`parsing time ${JSON.stringify(s)}: invalid RFC 3339 time`);
  const frac = /\.(\d+)/.exec(s)?.[1] ?? '';
  const extraNs = frac.length > 3 ? Number(frac.slice(3, 9).padEnd(6, '0')) : 0;
  return new GoTime(ms, undefined, extraNs);
}

/** Data from its JSON form (the webhook payload / `amtool template render --template.data` shape), as is. */
export function dataFromJSON(j: DataJSON): Data {
  const alerts = new Alerts();
  for (const a of j.alerts ?? []) {
    alerts.push(
      new Alert(
        a.status ?? '',
        KV.from(a.labels),
        KV.from(a.annotations),
        parseRFC3339(a.startsAt),
        parseRFC3339(a.endsAt),
        a.generatorURL ?? '',
        a.fingerprint ?? '',
      ),
    );
  }
  return new Data(
    j.receiver ?? '',
    j.status ?? '',
    alerts,
    KV.from(j.groupLabels),
    KV.from(j.commonLabels),
    KV.from(j.commonAnnotations),
    j.externalURL ?? '',
  );
}
