/**
 * Osprey's built-in notification templates: the names Alertmanager's receivers use by default
 * (`slack.default.title`, `email.default.subject`, ...), written for Osprey. The text ones produce the same
 * output as Alertmanager's default.tmpl (checked in defaults.test.ts); the HTML email is Osprey's own design.
 */

/** Shared building blocks. */
const COMMON = String.raw`
{{- define "__alertmanager" }}Alertmanager{{ end }}
{{- define "__alertmanagerURL" }}{{ .ExternalURL }}/#/alerts?receiver={{ urlquery .Receiver }}{{ end }}
{{- define "__description" }}{{ end }}

{{- define "__subject" -}}
  [{{ toUpper .Status }}{{ if eq .Status "firing" }}:{{ len .Alerts.Firing }}{{ end }}]
  {{- " " }}{{ join " " .GroupLabels.Values }}{{ " " }}
  {{- if gt (len .CommonLabels) (len .GroupLabels) -}}
    ({{ join " " (.CommonLabels.Remove .GroupLabels.Names).Values }})
  {{- end -}}
{{- end }}

{{- define "__text_alert_list" -}}
  {{- range $a := . -}}
    Labels:{{ "\n" }}
    {{- range $a.Labels.SortedPairs }} - {{ .Name }} = {{ .Value }}{{ "\n" }}{{ end -}}
    Annotations:{{ "\n" }}
    {{- range $a.Annotations.SortedPairs }} - {{ .Name }} = {{ .Value }}{{ "\n" }}{{ end -}}
    Source: {{ $a.GeneratorURL }}{{ "\n" }}
  {{- end -}}
{{- end }}

{{- define "__text_alert_list_markdown" -}}
  {{- range $a := . -}}
    {{ "\n" }}Labels:{{ "\n" }}
    {{- range $a.Labels.SortedPairs }}  - {{ .Name }} = {{ .Value }}{{ "\n" }}{{ end -}}
    {{ "\n" }}Annotations:{{ "\n" }}
    {{- range $a.Annotations.SortedPairs }}  - {{ .Name }} = {{ .Value }}{{ "\n" }}{{ end -}}
    {{ "\n" }}Source: {{ $a.GeneratorURL }}{{ "\n" }}
  {{- end -}}
  {{ "\n" }}
{{- end }}

{{- /* "Alerts Firing/Resolved" sections in the three layouts the integrations use. */ -}}

{{- define "__osprey_sections_compact" -}}
  {{- with .Alerts.Firing }}Alerts Firing:{{ "\n" }}{{ template "__text_alert_list" . }}{{ end }}{{ "\n" }}
  {{- with .Alerts.Resolved }}Alerts Resolved:{{ "\n" }}{{ template "__text_alert_list" . }}{{ end -}}
{{- end }}

{{- define "__osprey_sections_spaced" -}}
  {{- with .Alerts.Firing }}{{ "\n" }}Alerts Firing:{{ "\n" }}{{ template "__text_alert_list" . }}{{ "\n" }}{{ end }}{{ "\n" }}
  {{- with .Alerts.Resolved }}{{ "\n" }}Alerts Resolved:{{ "\n" }}{{ template "__text_alert_list" . }}{{ "\n" }}{{ end }}{{ "\n" }}
{{- end }}

{{- define "__osprey_sections_markdown" -}}
  {{ "\n" }}
  {{- with .Alerts.Firing }}{{ "\n" }}# Alerts Firing:{{ "\n" }}{{ template "__text_alert_list_markdown" . }}{{ "\n" }}{{ end }}{{ "\n" }}
  {{- with .Alerts.Resolved }}{{ "\n" }}# Alerts Resolved:{{ "\n" }}{{ template "__text_alert_list_markdown" . }}{{ "\n" }}{{ end }}{{ "\n" }}
{{- end }}

{{- define "__osprey_annotation_values" }}{{ join " " .CommonAnnotations.Values }}{{ end }}
{{- define "__osprey_color" }}{{ if eq .Status "firing" }}danger{{ else }}good{{ end }}{{ end }}
`;

/** Per-integration defaults. */
const INTEGRATIONS = String.raw`
{{- define "slack.default.title" }}{{ template "__subject" . }}{{ end }}
{{- define "slack.default.username" }}{{ template "__alertmanager" . }}{{ end }}
{{- define "slack.default.fallback" }}{{ template "slack.default.title" . }} | {{ template "slack.default.titlelink" . }}{{ end }}
{{- define "slack.default.callbackid" }}{{ end }}
{{- define "slack.default.pretext" }}{{ end }}
{{- define "slack.default.titlelink" }}{{ template "__alertmanagerURL" . }}{{ end }}
{{- define "slack.default.iconemoji" }}{{ end }}
{{- define "slack.default.iconurl" }}{{ end }}
{{- define "slack.default.text" }}{{ end }}
{{- define "slack.default.footer" }}{{ end }}
{{- define "slack.default.color" }}{{ template "__osprey_color" . }}{{ end }}

{{- define "pagerduty.default.description" }}{{ template "__subject" . }}{{ end }}
{{- define "pagerduty.default.client" }}{{ template "__alertmanager" . }}{{ end }}
{{- define "pagerduty.default.clientURL" }}{{ template "__alertmanagerURL" . }}{{ end }}
{{- define "pagerduty.default.instances" }}{{ template "__text_alert_list" . }}{{ end }}

{{- define "opsgenie.default.message" }}{{ template "__subject" . }}{{ end }}
{{- define "opsgenie.default.description" }}{{ template "__osprey_annotation_values" . }}{{ "\n" }}{{ template "__osprey_sections_compact" . }}{{ end }}
{{- define "opsgenie.default.source" }}{{ template "__alertmanagerURL" . }}{{ end }}

{{- define "wechat.default.message" -}}
  {{ template "__subject" . }}{{ "\n" }}{{ template "__osprey_annotation_values" . }}{{ "\n" }}
  {{- template "__osprey_sections_compact" . }}{{ "\n" }}AlertmanagerUrl:{{ "\n" }}{{ template "__alertmanagerURL" . }}
{{- end }}
{{- define "wechat.default.to_user" }}{{ end }}
{{- define "wechat.default.to_party" }}{{ end }}
{{- define "wechat.default.to_tag" }}{{ end }}
{{- define "wechat.default.agent_id" }}{{ end }}

{{- define "victorops.default.state_message" }}{{ template "opsgenie.default.description" . }}{{ end }}
{{- define "victorops.default.entity_display_name" }}{{ template "__subject" . }}{{ end }}
{{- define "victorops.default.monitoring_tool" }}{{ template "__alertmanager" . }}{{ end }}

{{- define "pushover.default.title" }}{{ template "__subject" . }}{{ end }}
{{- define "pushover.default.message" }}{{ template "__osprey_annotation_values" . }}{{ "\n" }}{{ template "__osprey_sections_spaced" . }}{{ end }}
{{- define "pushover.default.url" }}{{ template "__alertmanagerURL" . }}{{ end }}

{{- define "sns.default.subject" }}{{ template "__subject" . }}{{ end }}
{{- define "sns.default.message" }}{{ template "pushover.default.message" . }}{{ end }}

{{- define "telegram.default.message" }}{{ "\n" }}{{ template "__osprey_sections_spaced" . }}{{ end }}

{{- define "discord.default.content" }}{{ end }}
{{- define "discord.default.title" }}{{ template "__subject" . }}{{ end }}
{{- define "discord.default.message" }}{{ template "telegram.default.message" . }}{{ end }}

{{- define "webex.default.message" }}{{ template "pushover.default.message" . }}{{ end }}

{{- define "msteams.default.summary" }}{{ template "__subject" . }}{{ end }}
{{- define "msteams.default.title" }}{{ template "__subject" . }}{{ end }}
{{- define "msteams.default.text" }}{{ template "__osprey_sections_markdown" . }}{{ end }}

{{- define "msteamsv2.default.title" }}{{ template "__subject" . }}{{ end }}
{{- define "msteamsv2.default.text" }}{{ template "__osprey_sections_markdown" . }}{{ end }}

{{- define "jira.default.summary" }}{{ template "__subject" . }}{{ end }}
{{- define "jira.default.description" }}{{ template "__osprey_sections_markdown" . }}{{ end }}
{{- define "jira.default.priority" -}}
  {{- /* the most severe label among firing alerts, else among resolved ones */ -}}
  {{- $p := "" -}}
  {{- range .Alerts.Firing -}}
    {{- $s := .Labels.severity -}}
    {{- if eq $s "critical" }}{{ $p = "High" }}
    {{- else if and (eq $s "warning") (ne $p "High") }}{{ $p = "Medium" }}
    {{- else if and (eq $s "info") (eq $p "") }}{{ $p = "Low" }}{{ end -}}
  {{- end -}}
  {{- if eq $p "" -}}
    {{- range .Alerts.Resolved -}}
      {{- $s := .Labels.severity -}}
      {{- if eq $s "critical" }}{{ $p = "High" }}
      {{- else if and (eq $s "warning") (ne $p "High") }}{{ $p = "Medium" }}
      {{- else if and (eq $s "info") (eq $p "") }}{{ $p = "Low" }}{{ end -}}
    {{- end -}}
  {{- end -}}
  {{- $p -}}
{{- end }}

{{- define "rocketchat.default.title" }}{{ template "__subject" . }}{{ end }}
{{- define "rocketchat.default.alias" }}{{ template "__alertmanager" . }}{{ end }}
{{- define "rocketchat.default.titlelink" }}{{ template "__alertmanagerURL" . }}{{ end }}
{{- define "rocketchat.default.emoji" }}{{ end }}
{{- define "rocketchat.default.iconurl" }}{{ end }}
{{- define "rocketchat.default.text" }}{{ end }}

{{- define "mattermost.default.color" }}{{ template "__osprey_color" . }}{{ end }}
{{- define "mattermost.default.username" }}{{ template "__alertmanager" . }}{{ end }}
{{- define "mattermost.default.title" }}{{ template "__subject" . }}{{ end }}
{{- define "mattermost.default.titlelink" }}{{ template "__alertmanagerURL" . }}{{ end }}
{{- define "mattermost.default.fallback" }}{{ template "mattermost.default.title" . }} | {{ template "mattermost.default.titlelink" . }}{{ end }}
{{- define "mattermost.default.text" }}{{ template "__osprey_sections_markdown" . }}{{ end }}

{{- define "email.default.subject" }}{{ template "__subject" . }}{{ end }}
`;

/** The HTML email (rendered with HTML escaping): a plain, inline-styled summary of the notification. */
const EMAIL_HTML = `
{{- define "__osprey_email_alert" -}}
<tr><td style="padding:8px 16px;border-top:1px solid #e5e7eb;font-size:14px;line-height:1.5">
<strong>Labels</strong><br>
{{- range .Labels.SortedPairs }}
{{ .Name }} = {{ .Value }}<br>
{{- end }}
{{- if gt (len .Annotations) 0 }}
<strong>Annotations</strong><br>
{{- range .Annotations.SortedPairs }}
{{ .Name }} = {{ .Value }}<br>
{{- end }}
{{- end }}
<a href="{{ .GeneratorURL }}" style="color:#2563eb">Source</a>
</td></tr>
{{- end }}

{{- define "email.default.html" -}}
<!DOCTYPE html>
<html>
<head>
<meta name="viewport" content="width=device-width">
<meta http-equiv="Content-Type" content="text/html; charset=UTF-8">
<title>{{ template "__subject" . }}</title>
</head>
<body style="margin:0;padding:24px;background:#f3f4f6;font-family:Helvetica,Arial,sans-serif;color:#111827">
<table width="100%" cellpadding="0" cellspacing="0" style="max-width:640px;margin:0 auto;background:#ffffff;border:1px solid #e5e7eb;border-radius:6px">
<tr><td style="padding:16px;font-size:16px;color:#ffffff;background:{{ if eq .Status "firing" }}#dc2626{{ else }}#16a34a{{ end }};border-radius:6px 6px 0 0">
{{ len .Alerts }} alert{{ if gt (len .Alerts) 1 }}s{{ end }} for {{ range .GroupLabels.SortedPairs }}{{ .Name }}={{ .Value }} {{ end }}
</td></tr>
<tr><td style="padding:16px"><a href="{{ template "__alertmanagerURL" . }}" style="display:inline-block;padding:8px 16px;background:#2563eb;color:#ffffff;text-decoration:none;border-radius:4px">View in {{ template "__alertmanager" . }}</a></td></tr>
{{- with .Alerts.Firing }}
<tr><td style="padding:8px 16px;font-weight:bold">[{{ len . }}] Firing</td></tr>
{{- range . }}
{{ template "__osprey_email_alert" . }}
{{- end }}
{{- end }}
{{- with .Alerts.Resolved }}
<tr><td style="padding:8px 16px;font-weight:bold">[{{ len . }}] Resolved</td></tr>
{{- range . }}
{{ template "__osprey_email_alert" . }}
{{- end }}
{{- end }}
<tr><td style="padding:16px;font-size:12px;color:#6b7280;text-align:center"><a href="{{ .ExternalURL }}" style="color:#6b7280">Sent by {{ template "__alertmanager" . }}</a></td></tr>
</table>
</body>
</html>
{{ end }}
`;

/**
 * Osprey's default notification templates (one template text with many defines). Parse it into a set made
 * with alertmanagerFuncs() and missingkey=zero, before the user's own `templates:` files.
 */
export const DEFAULT_TEMPLATES: string = COMMON + INTEGRATIONS + EMAIL_HTML;
