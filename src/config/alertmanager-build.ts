/**
 * From the shape-checked alertmanager.yml to the loaded config: global defaults, route defaults and
 * inheritance, matcher parsing, time intervals, receivers, and the cross-reference checks of Alertmanager
 * (unknown receivers, duplicate names, root route rules, undefined time intervals), with its messages.
 */
import { isValidLabelName, Matcher, MatchType, RegexError } from '../model/index.ts';
import { MatcherParseError, parseMatchers, sortMatchers } from './alertmanager-matchers.ts';
import { buildAlertmanagerHTTPClient, buildIntegration } from './alertmanager-receivers.ts';
import type { RawAlertmanager, RawGlobal, RawInhibit, RawRoute } from './alertmanager-schema.ts';
import { parseTimeInterval } from './alertmanager-time-intervals.ts';
import {
  type AlertmanagerConfig,
  type AlertmanagerGlobalConfig,
  type AlertmanagerReceiver,
  type AlertmanagerRoute,
  INTEGRATION_KINDS,
  type InhibitRule,
  type NamedTimeInterval,
} from './alertmanager-types.ts';
import { buildTLS, joinDir } from './http-client.ts';
import { type ConfigPath, goQuote, type IssueList } from './yaml-errors.ts';

const has = (v: unknown) => v !== undefined && v !== '';

export const DEFAULT_GROUP_WAIT = 30_000;
export const DEFAULT_GROUP_INTERVAL = 5 * 60_000;
export const DEFAULT_REPEAT_INTERVAL = 4 * 3600_000;

function buildGlobal(raw: RawGlobal | undefined, dir: string, issues: IssueList): AlertmanagerGlobalConfig {
  const r = raw ?? {};
  const p: ConfigPath = ['global'];
  const pairs: [string, string][] = [
    ['smtp_auth_password', 'smtp_auth_password_file'],
    ['smtp_auth_secret', 'smtp_auth_secret_file'],
    ['victorops_api_key', 'victorops_api_key_file'],
    ['telegram_bot_token', 'telegram_bot_token_file'],
    ['opsgenie_api_key', 'opsgenie_api_key_file'],
    ['slack_api_url', 'slack_api_url_file'],
    ['slack_app_token', 'slack_app_token_file'],
    ['rocketchat_token', 'rocketchat_token_file'],
    ['rocketchat_token_id', 'rocketchat_token_id_file'],
    ['wechat_api_secret', 'wechat_api_secret_file'],
    ['mattermost_webhook_url', 'mattermost_webhook_url_file'],
  ];
  const rr = r as Record<string, unknown>;
  for (const [a, b] of pairs)
    if (has(rr[a]) && has(rr[b])) issues.add(p, `at most one of ${a} & ${b} must be configured`);
  const appUrl = r.slack_app_url || 'https://slack.com/api/chat.postMessage';
  // An api_url equal to the chat.postMessage endpoint is the old way to use a bot token, so it may coexist.
  if (
    (has(r.slack_app_token) || has(r.slack_app_token_file)) &&
    ((has(r.slack_api_url) && r.slack_api_url !== appUrl) || has(r.slack_api_url_file))
  )
    issues.add(
      p,
      'at most one of slack_app_token/slack_app_token_file & slack_api_url/slack_api_url_file must be configured',
    );
  const g: AlertmanagerGlobalConfig = {
    resolve_timeout: r.resolve_timeout ?? 5 * 60_000,
    http_config: buildAlertmanagerHTTPClient(r.http_config ?? {}, dir, [...p, 'http_config'], issues),
    smtp_hello: r.smtp_hello || 'localhost',
    smtp_require_tls: r.smtp_require_tls ?? true,
    slack_app_url: appUrl,
    pagerduty_url: r.pagerduty_url || 'https://events.pagerduty.com/v2/enqueue',
    opsgenie_api_url: r.opsgenie_api_url || 'https://api.opsgenie.com/',
    wechat_api_url: r.wechat_api_url || 'https://qyapi.weixin.qq.com/cgi-bin/',
    victorops_api_url: r.victorops_api_url || 'https://alert.victorops.com/integrations/generic/20131114/alert/',
    telegram_api_url: r.telegram_api_url || 'https://api.telegram.org',
    webex_api_url: r.webex_api_url || 'https://webexapis.com/v1/messages',
    rocketchat_api_url: r.rocketchat_api_url || 'https://open.rocket.chat/',
  };
  const copy = [
    'smtp_from',
    'smtp_smarthost',
    'smtp_auth_username',
    'smtp_auth_password',
    'smtp_auth_secret',
    'smtp_auth_identity',
    'smtp_force_implicit_tls',
    'slack_api_url',
    'slack_app_token',
    'opsgenie_api_key',
    'wechat_api_secret',
    'wechat_api_corp_id',
    'victorops_api_key',
    'telegram_bot_token',
    'rocketchat_token',
    'rocketchat_token_id',
    'mattermost_webhook_url',
    'jira_api_url',
  ] as const;
  const gr = g as unknown as Record<string, unknown>;
  for (const k of copy) if (has(rr[k])) gr[k] = rr[k];
  for (const [, f] of pairs) if (has(rr[f])) gr[f] = joinDir(dir, rr[f] as string);
  if (r.smtp_tls_config) g.smtp_tls_config = buildTLS(r.smtp_tls_config, dir, p, issues);
  if (r.resolve_timeout === 0) issues.add([...p, 'resolve_timeout'], 'resolve_timeout cannot be zero');
  return g;
}

/** match / match_re maps -> matchers (with label-name and regex checks). */
function legacyMatchers(
  match: Record<string, string> | undefined,
  matchRe: Record<string, string> | undefined,
  path: ConfigPath,
  names: [string, string],
  issues: IssueList,
): Matcher[] {
  const out: Matcher[] = [];
  for (const [k, v] of Object.entries(match ?? {})) {
    if (!isValidLabelName(k)) issues.add([...path, names[0]], `${goQuote(k)} is not a valid label name`);
    else out.push(new Matcher(MatchType.Equal, k, v));
  }
  for (const [k, v] of Object.entries(matchRe ?? {})) {
    if (!isValidLabelName(k)) {
      issues.add([...path, names[1]], `${goQuote(k)} is not a valid label name`);
      continue;
    }
    try {
      // Alertmanager turns a legacy regex into a matcher with its anchored form, which shows in route keys.
      new Matcher(MatchType.Regex, k, v);
      out.push(new Matcher(MatchType.Regex, k, `^(?:${v})$`));
    } catch (e) {
      issues.add([...path, names[1], k], e instanceof RegexError ? e.message : String(e));
    }
  }
  return out;
}

function parseMatcherList(list: string[] | undefined, path: ConfigPath, issues: IssueList): Matcher[] {
  const out: Matcher[] = [];
  (list ?? []).forEach((s, i) => {
    try {
      out.push(...parseMatchers(s));
    } catch (e) {
      issues.add([...path, i], e instanceof MatcherParseError ? e.message : String(e));
    }
  });
  return out;
}

function buildRoute(
  r: RawRoute,
  parent: AlertmanagerRoute | null,
  path: ConfigPath,
  issues: IssueList,
): AlertmanagerRoute {
  const matchers = legacyMatchers(r.match, r.match_re, path, ['match', 'match_re'], issues);
  matchers.push(...parseMatcherList(r.matchers, [...path, 'matchers'], issues));
  sortMatchers(matchers);
  let groupBy = r.group_by;
  let all = false;
  if (groupBy) {
    const seen = new Set<string>();
    for (const l of groupBy) {
      if (l === '...') {
        all = true;
        continue;
      }
      if (!isValidLabelName(l)) issues.add([...path, 'group_by'], `invalid label name ${goQuote(l)} in group_by list`);
      if (seen.has(l)) issues.add([...path, 'group_by'], `duplicated label ${goQuote(l)} in group_by`);
      seen.add(l);
    }
    if (all && groupBy.length > 1)
      issues.add(
        [...path, 'group_by'],
        'cannot have wildcard group_by (`...`) and other other labels at the same time',
      );
  } else if (parent) {
    groupBy = parent.group_by;
    all = parent.group_by_all;
  }
  if (r.group_interval === 0) issues.add([...path, 'group_interval'], 'group_interval cannot be zero');
  if (r.repeat_interval === 0) issues.add([...path, 'repeat_interval'], 'repeat_interval cannot be zero');
  const route: AlertmanagerRoute = {
    receiver: r.receiver || parent?.receiver || '',
    group_by: all ? ['...'] : [...(groupBy ?? [])],
    group_by_all: all,
    matchers,
    continue: r.continue ?? false,
    group_wait: r.group_wait ?? parent?.group_wait ?? DEFAULT_GROUP_WAIT,
    group_interval: r.group_interval || parent?.group_interval || DEFAULT_GROUP_INTERVAL,
    repeat_interval: r.repeat_interval || parent?.repeat_interval || DEFAULT_REPEAT_INTERVAL,
    mute_time_intervals: r.mute_time_intervals ?? [],
    active_time_intervals: r.active_time_intervals ?? [],
    routes: [],
  };
  if (r.match && Object.keys(r.match).length) route.match = r.match;
  if (r.match_re && Object.keys(r.match_re).length) route.match_re = r.match_re;
  if (r.matchers?.length) route.matchers_text = r.matchers;
  (r.routes ?? []).forEach((child, i) => {
    if (child) route.routes.push(buildRoute(child, route, [...path, 'routes', i], issues));
  });
  return route;
}

function buildInhibit(r: RawInhibit, path: ConfigPath, issues: IssueList): InhibitRule {
  const src = legacyMatchers(r.source_match, r.source_match_re, path, ['source_match', 'source_match_re'], issues);
  src.push(...parseMatcherList(r.source_matchers, [...path, 'source_matchers'], issues));
  const tgt = legacyMatchers(r.target_match, r.target_match_re, path, ['target_match', 'target_match_re'], issues);
  tgt.push(...parseMatcherList(r.target_matchers, [...path, 'target_matchers'], issues));
  const equal = r.equal ?? [];
  for (const l of equal) if (!isValidLabelName(l)) issues.add([...path, 'equal'], `invalid label name ${goQuote(l)}`);
  const rule: InhibitRule = { source_matchers: src, target_matchers: tgt, equal };
  if (r.name) rule.name = r.name;
  if (r.source_match && Object.keys(r.source_match).length) rule.source_match = r.source_match;
  if (r.source_match_re && Object.keys(r.source_match_re).length) rule.source_match_re = r.source_match_re;
  if (r.target_match && Object.keys(r.target_match).length) rule.target_match = r.target_match;
  if (r.target_match_re && Object.keys(r.target_match_re).length) rule.target_match_re = r.target_match_re;
  if (r.source_matchers?.length) rule.source_matchers_text = r.source_matchers;
  if (r.target_matchers?.length) rule.target_matchers_text = r.target_matchers;
  return rule;
}

function walkRoutes(r: AlertmanagerRoute, path: ConfigPath, fn: (r: AlertmanagerRoute, p: ConfigPath) => void): void {
  fn(r, path);
  r.routes.forEach((c, i) => {
    walkRoutes(c, [...path, 'routes', i], fn);
  });
}

export function buildAlertmanager(
  raw: RawAlertmanager,
  dir: string,
  original: string,
  issues: IssueList,
): AlertmanagerConfig {
  const global = buildGlobal(raw.global, dir, issues);

  const route = raw.route ? buildRoute(raw.route, null, ['route'], issues) : buildRoute({}, null, ['route'], issues);

  const inhibit: InhibitRule[] = [];
  (raw.inhibit_rules ?? []).forEach((r, i) => {
    if (r) inhibit.push(buildInhibit(r, ['inhibit_rules', i], issues));
  });

  const intervals: NamedTimeInterval[] = [];
  const legacy: string[] = [];
  const tiNames = new Set<string>();
  for (const section of ['mute_time_intervals', 'time_intervals'] as const) {
    (raw[section] ?? []).forEach((ti, i) => {
      if (!ti) return;
      const p: ConfigPath = [section, i];
      const name = ti.name ?? '';
      if (name === '')
        issues.add(p, `${section === 'time_intervals' ? 'time interval' : 'mute time interval'} name cannot be empty`);
      if (tiNames.has(name))
        issues.add(
          p,
          `${section === 'time_intervals' ? 'time interval' : 'mute time interval'} ${goQuote(name)} is not unique`,
        );
      tiNames.add(name);
      if (section === 'mute_time_intervals') legacy.push(name);
      intervals.push({
        name,
        time_intervals: (ti.time_intervals ?? []).map((x, j) =>
          parseTimeInterval(x, [...p, 'time_intervals', j], issues),
        ),
      });
    });
  }

  const receivers: AlertmanagerReceiver[] = [];
  const rcvNames = new Set<string>();
  (raw.receivers ?? []).forEach((rr, i) => {
    if (!rr) return;
    const p: ConfigPath = ['receivers', i];
    const name = rr.name ?? '';
    if (name === '') issues.add(p, 'missing name in receiver');
    if (rcvNames.has(name)) issues.add([...p, 'name'], `notification config name ${goQuote(name)} is not unique`);
    rcvNames.add(name);
    const rcv: AlertmanagerReceiver = { name };
    for (const kind of INTEGRATION_KINDS) {
      const list = rr[`${kind}_configs`];
      if (!list) continue;
      rcv[`${kind}_configs`] = list.map((c, j) =>
        buildIntegration(kind, c, [...p, `${kind}_configs`, j], global, dir, issues),
      );
    }
    receivers.push(rcv);
  });

  if (!raw.route) issues.add([], 'no routes provided');
  else {
    if (!raw.route.receiver) issues.add(['route'], 'root route must specify a default receiver');
    if (route.matchers.length > 0) issues.add(['route'], 'root route must not have any matchers');
    if (route.mute_time_intervals.length > 0) issues.add(['route'], 'root route must not have any mute time intervals');
    if (route.active_time_intervals.length > 0)
      issues.add(['route'], 'root route must not have any active time intervals');
    walkRoutes(route, ['route'], (r, p) => {
      if (r.receiver !== '' && !rcvNames.has(r.receiver))
        issues.add([...p, 'receiver'], `undefined receiver ${goQuote(r.receiver)} used in route`);
      for (const n of [...r.mute_time_intervals, ...r.active_time_intervals])
        if (!tiNames.has(n)) issues.add(p, `undefined time interval ${goQuote(n)} used in route`);
    });
  }

  return {
    global,
    route,
    inhibit_rules: inhibit,
    time_intervals: intervals,
    legacy_mute_time_interval_names: legacy,
    receivers,
    templates: (raw.templates ?? []).map((t) => joinDir(dir, t) ?? t),
    original,
  };
}
