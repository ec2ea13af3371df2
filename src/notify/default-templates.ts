/**
 * Osprey's built-in notification templates. They define the template names Alertmanager ships
 * (`__subject`, `slack.default.title`, `email.default.html`, ...) so that users' templates calling them keep
 * working, and they produce the same text as Alertmanager's defaults (checked by default-templates.test.ts).
 *
 * The texts are assembled from a few helpers, because most integrations share the same building blocks:
 * a subject line, a link to the alert manager, and a "firing / resolved" listing of alerts.
 */

const define = (name: string, body: string) => `{{ define "${name}" }}${body}{{ end }}`;
const call = (name: string, arg = '.') => `{{ template "${name}" ${arg} }}`;

const SUBJECT = call('__subject');
const AM_NAME = call('__alertmanager');
const AM_URL = call('__alertmanagerURL');
const STATUS_COLOR = '{{ if eq .Status "firing" }}danger{{ else }}good{{ end }}';
const ANNOTATION_VALUES = '{{ join " " .CommonAnnotations.Values }}';

/** One alert, as plain text or as markdown (a blank line between the blocks, list items indented by 2). */
function alertList(markdown: boolean): string {
  const item = markdown ? '  - ' : ' - ';
  const gap = markdown ? '\n' : '';
  const pairs = (field: string) => `{{ range .${field}.SortedPairs }}${item}{{ .Name }} = {{ .Value }}\n{{ end }}`;
  const one = `${gap}Labels:\n${pairs('Labels')}${gap}Annotations:\n${pairs('Annotations')}${gap}Source: {{ .GeneratorURL }}\n`;
  return `{{ range . }}${one}{{ end }}${gap}`;
}

/**
 * The firing section, a newline, then the resolved section; each only when it has alerts. A `padded`
 * section has an empty line before its heading and a newline after its list.
 */
function firingThenResolved(opts: { list: string; heading: string; padded: boolean }): string {
  const section = (state: 'Firing' | 'Resolved') => {
    const body = `${opts.heading}Alerts ${state}:\n${call(opts.list, `.Alerts.${state}`)}`;
    return `{{ if .Alerts.${state} }}${opts.padded ? `\n${body}\n` : body}{{ end }}`;
  };
  return `${section('Firing')}\n${section('Resolved')}`;
}

const PLAIN_COMPACT = firingThenResolved({ list: '__text_alert_list', heading: '', padded: false });
const PLAIN_PADDED = firingThenResolved({ list: '__text_alert_list', heading: '', padded: true });
const MARKDOWN_PADDED = firingThenResolved({ list: '__text_alert_list_markdown', heading: '# ', padded: true });

/** "High", "Medium" or "Low" from the highest `severity` among the firing alerts, else among the resolved. */
const JIRA_PRIORITY = (() => {
  const rank = (list: string) =>
    `{{ range ${list} }}{{ $s := index .Labels "severity" }}` +
    `{{ if eq $s "critical" }}{{ $p = "High" }}` +
    `{{ else if and (eq $s "warning") (ne $p "High") }}{{ $p = "Medium" }}` +
    `{{ else if and (eq $s "info") (eq $p "") }}{{ $p = "Low" }}{{ end }}{{ end }}`;
  return `{{ $p := "" }}${rank('.Alerts.Firing')}{{ if eq $p "" }}${rank('.Alerts.Resolved')}{{ end }}{{ $p }}`;
})();

const SHARED = [
  define('__alertmanager', 'Alertmanager'),
  define('__alertmanagerURL', '{{ .ExternalURL }}/#/alerts?receiver={{ urlquery .Receiver }}'),
  define(
    '__subject',
    '[{{ toUpper .Status }}{{ if eq .Status "firing" }}:{{ len .Alerts.Firing }}{{ end }}] ' +
      '{{ join " " .GroupLabels.Values }} ' +
      '{{ if gt (len .CommonLabels) (len .GroupLabels) }}' +
      '({{ with .CommonLabels.Remove .GroupLabels.Names }}{{ join " " .Values }}{{ end }}){{ end }}',
  ),
  define('__description', ''),
  define('__text_alert_list', alertList(false)),
  define('__text_alert_list_markdown', alertList(true)),
];

const PER_INTEGRATION = [
  // Slack
  define('slack.default.title', SUBJECT),
  define('slack.default.username', AM_NAME),
  define('slack.default.fallback', `${call('slack.default.title')} | ${call('slack.default.titlelink')}`),
  define('slack.default.callbackid', ''),
  define('slack.default.pretext', ''),
  define('slack.default.titlelink', AM_URL),
  define('slack.default.iconemoji', ''),
  define('slack.default.iconurl', ''),
  define('slack.default.text', ''),
  define('slack.default.footer', ''),
  define('slack.default.color', STATUS_COLOR),
  // PagerDuty
  define('pagerduty.default.description', SUBJECT),
  define('pagerduty.default.client', AM_NAME),
  define('pagerduty.default.clientURL', AM_URL),
  define('pagerduty.default.instances', call('__text_alert_list')),
  // Opsgenie
  define('opsgenie.default.message', SUBJECT),
  define('opsgenie.default.description', `${ANNOTATION_VALUES}\n${PLAIN_COMPACT}`),
  define('opsgenie.default.source', AM_URL),
  // WeChat (WeCom application messages)
  define('wechat.default.message', `${SUBJECT}\n${ANNOTATION_VALUES}\n${PLAIN_COMPACT}\nAlertmanagerUrl:\n${AM_URL}`),
  define('wechat.default.to_user', ''),
  define('wechat.default.to_party', ''),
  define('wechat.default.to_tag', ''),
  define('wechat.default.agent_id', ''),
  // VictorOps
  define('victorops.default.state_message', `${ANNOTATION_VALUES}\n${PLAIN_COMPACT}`),
  define('victorops.default.entity_display_name', SUBJECT),
  define('victorops.default.monitoring_tool', AM_NAME),
  // Pushover, SNS, Webex
  define('pushover.default.title', SUBJECT),
  define('pushover.default.message', `${ANNOTATION_VALUES}\n${PLAIN_PADDED}\n`),
  define('pushover.default.url', AM_URL),
  define('sns.default.subject', SUBJECT),
  define('sns.default.message', `${ANNOTATION_VALUES}\n${PLAIN_PADDED}\n`),
  define('webex.default.message', `${ANNOTATION_VALUES}\n${PLAIN_PADDED}\n`),
  // Telegram, Discord
  define('telegram.default.message', `\n${PLAIN_PADDED}\n`),
  define('discord.default.content', ''),
  define('discord.default.title', SUBJECT),
  define('discord.default.message', `\n${PLAIN_PADDED}\n`),
  // Microsoft Teams (both flavours), Jira, Mattermost: markdown listings
  define('msteams.default.summary', SUBJECT),
  define('msteams.default.title', SUBJECT),
  define('msteams.default.text', `\n${MARKDOWN_PADDED}\n`),
  define('msteamsv2.default.title', SUBJECT),
  define('msteamsv2.default.text', `\n${MARKDOWN_PADDED}\n`),
  define('jira.default.summary', SUBJECT),
  define('jira.default.description', `\n${MARKDOWN_PADDED}\n`),
  define('jira.default.priority', JIRA_PRIORITY),
  // Rocket.Chat, Mattermost
  define('rocketchat.default.title', SUBJECT),
  define('rocketchat.default.alias', AM_NAME),
  define('rocketchat.default.titlelink', AM_URL),
  define('rocketchat.default.emoji', ''),
  define('rocketchat.default.iconurl', ''),
  define('rocketchat.default.text', ''),
  define('mattermost.default.color', STATUS_COLOR),
  define('mattermost.default.username', AM_NAME),
  define('mattermost.default.title', SUBJECT),
  define('mattermost.default.titlelink', AM_URL),
  define(
    'mattermost.default.fallback',
    `${call('mattermost.default.title')} | ${call('mattermost.default.titlelink')}`,
  ),
  define('mattermost.default.text', `\n${MARKDOWN_PADDED}\n`),
];

/**
 * Osprey-only integrations (DingTalk, Feishu, WeCom group robot): markdown for the robots that render it,
 * a title from the subject.
 */
const OSPREY_EXTRAS = [
  define('dingtalk.default.title', SUBJECT),
  define(
    'dingtalk.default.message',
    `### ${SUBJECT}\n${ANNOTATION_VALUES}\n${MARKDOWN_PADDED}\n[Alertmanager](${AM_URL})`,
  ),
  define('feishu.default.title', SUBJECT),
  define('feishu.default.message', `${ANNOTATION_VALUES}\n${PLAIN_PADDED}\n${AM_URL}`),
  define('wecom_robot.default.message', `${SUBJECT}\n${ANNOTATION_VALUES}\n${MARKDOWN_PADDED}\n${AM_URL}`),
];

/** The HTML email: a coloured banner, a link to the alert manager, then the firing and resolved alerts. */
const EMAIL_HTML = (() => {
  const cell = 'style="padding:0 0 16px;vertical-align:top"';
  const alertRows = (state: 'Firing' | 'Resolved') =>
    `{{ range .Alerts.${state} }}<tr><td ${cell}>` +
    '<strong>Labels</strong><br>{{ range .Labels.SortedPairs }}{{ .Name }} = {{ .Value }}<br>{{ end }}' +
    '{{ if .Annotations }}<strong>Annotations</strong><br>{{ end }}' +
    '{{ range .Annotations.SortedPairs }}{{ .Name }} = {{ .Value }}<br>{{ end }}' +
    '<a href="{{ .GeneratorURL }}">Source</a><br></td></tr>\n{{ end }}';
  const heading = (state: 'Firing' | 'Resolved') =>
    `<tr><td ${cell}><strong>[{{ len .Alerts.${state} }}] ${state}</strong></td></tr>\n`;
  return (
    '<!DOCTYPE html>\n<html><head><meta name="viewport" content="width=device-width">' +
    '<meta http-equiv="Content-Type" content="text/html; charset=UTF-8">' +
    `<title>${SUBJECT}</title></head>\n` +
    '<body style="margin:0;background:#f6f6f6;font-family:Helvetica,Arial,sans-serif;font-size:14px;color:#333">\n' +
    '<table width="100%" cellpadding="0" cellspacing="0"><tr><td align="center" style="padding:20px">\n' +
    '<table width="600" cellpadding="0" cellspacing="0" style="background:#fff;border:1px solid #e9e9e9;border-radius:3px">\n' +
    '<tr><td align="center" style="padding:20px;color:#fff;font-size:16px;font-weight:500;' +
    'background:{{ if .Alerts.Firing }}#E6522C{{ else }}#68B90F{{ end }}">' +
    '{{ len .Alerts }} alert{{ if gt (len .Alerts) 1 }}s{{ end }} for ' +
    '{{ range .GroupLabels.SortedPairs }}{{ .Name }}={{ .Value }} {{ end }}</td></tr>\n' +
    '<tr><td style="padding:20px"><table width="100%" cellpadding="0" cellspacing="0">\n' +
    `<tr><td ${cell}><a href="${AM_URL}" style="display:inline-block;padding:8px 16px;background:#348eda;` +
    `color:#fff;border-radius:5px;text-decoration:none;font-weight:bold">View in ${AM_NAME}</a></td></tr>\n` +
    `{{ if .Alerts.Firing }}${heading('Firing')}{{ end }}${alertRows('Firing')}` +
    `{{ if .Alerts.Resolved }}{{ if .Alerts.Firing }}<tr><td ${cell}><br><hr><br></td></tr>\n{{ end }}` +
    `${heading('Resolved')}{{ end }}${alertRows('Resolved')}` +
    '</table></td></tr></table>\n' +
    `<p style="color:#999;font-size:12px"><a href="{{ .ExternalURL }}" style="color:#999">Sent by ${AM_NAME}</a></p>\n` +
    '</td></tr></table>\n</body></html>\n'
  );
})();

const EMAIL = [define('email.default.subject', SUBJECT), define('email.default.html', EMAIL_HTML)];

/** The default template texts, parsed before the user's template files (which may redefine any of them). */
export const DEFAULT_TEMPLATES: readonly string[] = [
  SHARED.join('\n'),
  PER_INTEGRATION.join('\n'),
  OSPREY_EXTRAS.join('\n'),
  EMAIL.join('\n'),
];
