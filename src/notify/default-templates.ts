/**
 * Notification templates. Alertmanager's template names (`__subject`, `slack.default.title`,
 * `email.default.html`, ...) come from the template engine's defaults (src/template), so there is one set;
 * this file adds the Osprey-only integrations' templates on top of them.
 */
import { DEFAULT_TEMPLATES as ALERTMANAGER_DEFAULTS } from '../template/index.ts';

const define = (name: string, body: string) => `{{ define "${name}" }}${body}{{ end }}`;
const call = (name: string, arg = '.') => `{{ template "${name}" ${arg} }}`;

const SUBJECT = call('__subject');
const AM_URL = call('__alertmanagerURL');
const ANNOTATION_VALUES = '{{ join " " .CommonAnnotations.Values }}';

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

const PLAIN_PADDED = firingThenResolved({ list: '__text_alert_list', heading: '', padded: true });
const MARKDOWN_PADDED = firingThenResolved({ list: '__text_alert_list_markdown', heading: '# ', padded: true });

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

/** The default template texts, parsed before the user's template files (which may redefine any of them). */
export const DEFAULT_TEMPLATES: readonly string[] = [ALERTMANAGER_DEFAULTS, OSPREY_EXTRAS.join('\n')];
