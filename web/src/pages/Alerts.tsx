import { useMemo, useState } from 'preact/hooks';
import { Collapsible, Empty, ErrorBox, HealthBadge, LabelBadges, Loading, PageTitle } from '../components/common.tsx';
import { apiV1, apiV2 } from '../lib/api.ts';
import type { Labels } from '../lib/format.ts';
import { newSilenceLink } from '../lib/matchers.ts';
import { ago, formatDurationShort } from '../lib/time.ts';
import { useFetch } from '../lib/use-fetch.ts';
import { queryLink, type RuleGroup } from './Rules.tsx';

interface AmAlert {
  labels: Labels;
  annotations: Labels;
  startsAt: string;
  endsAt: string;
  fingerprint: string;
  generatorURL?: string;
  receivers: { name: string }[];
  status: { state: 'active' | 'suppressed' | 'unprocessed'; silencedBy: string[]; inhibitedBy: string[] };
}

interface AmGroup {
  labels: Labels;
  receiver: { name: string };
  alerts: AmAlert[];
}

function Annotations({ a }: { a: Labels }) {
  const keys = Object.keys(a ?? {}).sort();
  if (!keys.length) return null;
  return (
    <dl class="annotations">
      {keys.map((k) => (
        <div key={k}>
          <dt>{k}</dt>
          <dd>{a[k]}</dd>
        </div>
      ))}
    </dl>
  );
}

function AlertingRules() {
  const [states, setStates] = useState<Record<string, boolean>>({ firing: true, pending: true, inactive: true });
  const r = useFetch((s) => apiV1<{ groups: RuleGroup[] }>('rules', { type: 'alert' }, s), [], 15_000);
  const rules = useMemo(
    () =>
      (r.data?.data.groups ?? []).flatMap((g) =>
        g.rules.filter((x) => x.type === 'alerting').map((x) => ({ ...x, group: g.name })),
      ),
    [r.data],
  );
  const counts = { firing: 0, pending: 0, inactive: 0 } as Record<string, number>;
  for (const x of rules) counts[x.state ?? 'inactive'] = (counts[x.state ?? 'inactive'] ?? 0) + 1;
  return (
    <section>
      <div class="section-head">
        <h2>Alerting rules</h2>
        <div class="filters">
          {(['firing', 'pending', 'inactive'] as const).map((st) => (
            <label key={st} class="check">
              <input
                type="checkbox"
                checked={states[st]}
                onChange={(e) => setStates({ ...states, [st]: (e.target as HTMLInputElement).checked })}
              />{' '}
              {st} ({counts[st] ?? 0})
            </label>
          ))}
        </div>
      </div>
      {r.error && <ErrorBox error={r.error} />}
      {r.loading && !r.data && <Loading />}
      {r.data && rules.length === 0 && <Empty>No alerting rules loaded.</Empty>}
      {rules
        .filter((x) => states[x.state ?? 'inactive'])
        .map((rule) => (
          <Collapsible
            key={rule.group + rule.name}
            open={rule.state === 'firing'}
            title={
              <span>
                <HealthBadge health={rule.state ?? 'inactive'} /> <strong>{rule.name}</strong>{' '}
                <span class="muted small">
                  ({rule.alerts?.length ?? 0} active) · {rule.group}
                </span>
              </span>
            }
          >
            <pre class="rule-def">
              alert: {rule.name}
              {'\n'}expr: <a href={queryLink(rule.query)}>{rule.query}</a>
              {rule.duration ? `\nfor: ${rule.duration}s` : ''}
              {rule.labels && Object.keys(rule.labels).length
                ? `\nlabels:\n${Object.entries(rule.labels)
                    .map(([k, v]) => `  ${k}: ${v}`)
                    .join('\n')}`
                : ''}
              {rule.annotations && Object.keys(rule.annotations).length
                ? `\nannotations:\n${Object.entries(rule.annotations)
                    .map(([k, v]) => `  ${k}: ${v}`)
                    .join('\n')}`
                : ''}
            </pre>
            {(rule.alerts ?? []).length > 0 && (
              <div class="table-scroll">
                <table class="table">
                  <thead>
                    <tr>
                      <th>Labels</th>
                      <th>State</th>
                      <th>Active since</th>
                      <th>Value</th>
                      <th />
                    </tr>
                  </thead>
                  <tbody>
                    {rule.alerts!.map((a) => (
                      <tr key={JSON.stringify(a.labels)}>
                        <td>
                          <LabelBadges labels={a.labels} />
                          <Annotations a={a.annotations} />
                        </td>
                        <td>
                          <HealthBadge health={a.state} />
                        </td>
                        <td title={a.activeAt}>
                          {a.activeAt ? formatDurationShort(Date.now() - Date.parse(a.activeAt)) : ''}
                        </td>
                        <td class="num">{a.value}</td>
                        <td>
                          <a class="button small" href={newSilenceLink(a.labels)}>
                            Silence
                          </a>
                        </td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              </div>
            )}
          </Collapsible>
        ))}
    </section>
  );
}

function AlertCard({ a }: { a: AmAlert }) {
  return (
    <div class={`alert-card ${a.status.state}`}>
      <div class="alert-card-head">
        <span class="muted small" title={a.startsAt}>
          firing for {formatDurationShort(Date.now() - Date.parse(a.startsAt))} (since {ago(Date.parse(a.startsAt))})
        </span>
        {a.status.state === 'suppressed' && (
          <span class="pill neutral">{a.status.silencedBy.length ? 'silenced' : 'inhibited'}</span>
        )}
        <span class="spacer" />
        {a.generatorURL && (
          <a class="small" href={a.generatorURL} target="_blank" rel="noreferrer noopener">
            source
          </a>
        )}
        {a.status.silencedBy.length > 0 ? (
          <a class="button small" href={`/silences/${encodeURIComponent(a.status.silencedBy[0])}`}>
            View silence
          </a>
        ) : (
          <a class="button small" href={newSilenceLink(a.labels)}>
            Silence
          </a>
        )}
      </div>
      <LabelBadges labels={a.labels} />
      <Annotations a={a.annotations} />
    </div>
  );
}

function AlertGroups() {
  const [showSuppressed, setShowSuppressed] = useState(false);
  const r = useFetch(
    (s) =>
      apiV2<AmGroup[]>(`alerts/groups?silenced=${showSuppressed}&inhibited=${showSuppressed}&active=true`, {
        signal: s,
      }),
    [showSuppressed],
    15_000,
  );
  const groups = r.data ?? [];
  return (
    <section>
      <div class="section-head">
        <h2>Active alerts (grouped as the alert manager groups them)</h2>
        <label class="check">
          <input
            type="checkbox"
            checked={showSuppressed}
            onChange={(e) => setShowSuppressed((e.target as HTMLInputElement).checked)}
          />{' '}
          show silenced and inhibited
        </label>
      </div>
      {r.error && <ErrorBox error={r.error} title="Alertmanager API" />}
      {r.loading && !r.data && <Loading />}
      {r.data && groups.length === 0 && <Empty>No active alerts.</Empty>}
      {groups.map((g) => (
        <Collapsible
          key={`${g.receiver?.name}/${JSON.stringify(g.labels)}`}
          title={
            <span>
              <LabelBadges labels={g.labels} />{' '}
              <span class="muted small">
                → {g.receiver?.name} · {g.alerts.length} alert{g.alerts.length === 1 ? '' : 's'}
              </span>
            </span>
          }
        >
          {g.alerts.map((a) => (
            <AlertCard key={a.fingerprint} a={a} />
          ))}
        </Collapsible>
      ))}
    </section>
  );
}

/** Alerting rules with state, and the alert manager's active alerts grouped by route. */
export function AlertsPage() {
  return (
    <div>
      <PageTitle>Alerts</PageTitle>
      <AlertGroups />
      <AlertingRules />
    </div>
  );
}
