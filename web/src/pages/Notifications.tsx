import { useMemo } from 'preact/hooks';
import { Empty, ErrorBox, HealthBadge, Loading, PageTitle } from '../components/common.tsx';
import { apiJson, apiV2 } from '../lib/api.ts';
import type { Labels } from '../lib/format.ts';
import { setSearch } from '../lib/router.ts';
import { ago } from '../lib/time.ts';
import { useFetch } from '../lib/use-fetch.ts';

/**
 * One notification attempt from /api/v1/notifications. The shape is read tolerantly:
 * time|timestamp, receiver, integration, status|result ('success'|'failed'), error, alerts (fingerprints as
 * Osprey sends them, or [{labels}], or labels).
 */
interface RawEntry {
  time?: string;
  timestamp?: string;
  receiver?: string;
  integration?: string;
  status?: string;
  result?: string;
  error?: string;
  groupKey?: string;
  groupLabels?: Labels;
  alerts?: (string | { labels?: Labels; status?: string } | Labels)[];
  firing?: number;
  resolved?: number;
}

interface Entry {
  time: number;
  receiver: string;
  integration: string;
  status: string;
  error: string;
  alertnames: string[];
  groupLabels: Labels;
  count: string;
}

/** `byFingerprint` names the alerts the alert manager still holds (the history keeps only fingerprints). */
function normalize(e: RawEntry, byFingerprint: Map<string, Labels>): Entry {
  const alerts = (e.alerts ?? []).map((a) =>
    typeof a === 'string' ? (byFingerprint.get(a) ?? {}) : (((a as { labels?: Labels }).labels ?? a) as Labels),
  );
  const names = [...new Set(alerts.map((l) => l.alertname).filter(Boolean))];
  if (e.groupLabels?.alertname && !names.includes(e.groupLabels.alertname)) names.unshift(e.groupLabels.alertname);
  const firing = e.firing ?? (e.alerts ?? []).filter((a) => (a as { status?: string }).status !== 'resolved').length;
  const resolved =
    e.resolved ?? (e.alerts ?? []).filter((a) => (a as { status?: string }).status === 'resolved').length;
  return {
    time: Date.parse(e.time ?? e.timestamp ?? ''),
    receiver: e.receiver ?? '',
    integration: e.integration ?? '',
    status: (e.status ?? e.result ?? '').toLowerCase(),
    error: e.error ?? '',
    alertnames: names,
    groupLabels: e.groupLabels ?? {},
    count: `${firing} firing${resolved ? `, ${resolved} resolved` : ''}`,
  };
}

/** What was sent to whom, when, and with what result; filters live in the URL (?receiver=&alert=&status=). */
export function NotificationsPage({ search }: { search: URLSearchParams }) {
  const receiver = search.get('receiver') ?? '';
  const alert = search.get('alert') ?? '';
  const status = search.get('status') ?? '';
  const r = useFetch(
    (s) => apiJson<RawEntry[] | { notifications: RawEntry[] }>('/api/v1/notifications', s),
    [],
    15_000,
  );
  const current = useFetch(
    (s) => apiV2<{ fingerprint: string; labels: Labels }[]>('alerts', { signal: s }).catch(() => []),
    [],
    15_000,
  );
  const all = useMemo(() => {
    const d = r.data;
    const list = Array.isArray(d) ? d : (d?.notifications ?? []);
    const byFingerprint = new Map((current.data ?? []).map((a) => [a.fingerprint, a.labels]));
    return list.map((e) => normalize(e, byFingerprint)).sort((a, b) => b.time - a.time);
  }, [r.data, current.data]);
  const receivers = [...new Set(all.map((e) => e.receiver))].sort();
  const rows = all.filter(
    (e) =>
      (!receiver || e.receiver === receiver) &&
      (!status || e.status === status) &&
      (!alert || e.alertnames.some((n) => n.toLowerCase().includes(alert.toLowerCase()))),
  );
  const setFilter = (k: string, v: string) => {
    const q = new URLSearchParams(search);
    if (v) q.set(k, v);
    else q.delete(k);
    setSearch(q);
  };
  return (
    <div>
      <PageTitle>Notification history</PageTitle>
      <div class="filters card">
        <label>
          Receiver{' '}
          <select value={receiver} onChange={(e) => setFilter('receiver', (e.target as HTMLSelectElement).value)}>
            <option value="">all</option>
            {receivers.map((x) => (
              <option key={x} value={x}>
                {x}
              </option>
            ))}
          </select>
        </label>
        <label>
          Alert{' '}
          <input
            type="search"
            value={alert}
            placeholder="alertname"
            onInput={(e) => setFilter('alert', (e.target as HTMLInputElement).value)}
          />
        </label>
        <label>
          Status{' '}
          <select value={status} onChange={(e) => setFilter('status', (e.target as HTMLSelectElement).value)}>
            <option value="">all</option>
            <option value="success">success</option>
            <option value="failed">failed</option>
          </select>
        </label>
      </div>
      {r.error && <ErrorBox error={r.error} />}
      {r.loading && !r.data && <Loading />}
      {r.data && rows.length === 0 && (
        <Empty>{all.length ? 'No notifications match the filter.' : 'No notifications have been sent yet.'}</Empty>
      )}
      {rows.length > 0 && (
        <div class="table-scroll">
          <table class="table stack">
            <thead>
              <tr>
                <th>Time</th>
                <th>Receiver</th>
                <th>Integration</th>
                <th>Alerts</th>
                <th>Result</th>
              </tr>
            </thead>
            <tbody>
              {rows.slice(0, 1000).map((e, i) => (
                <tr key={i}>
                  <td data-label="Time" title={Number.isNaN(e.time) ? '' : new Date(e.time).toISOString()}>
                    {Number.isNaN(e.time) ? '-' : ago(e.time)}
                  </td>
                  <td data-label="Receiver">{e.receiver}</td>
                  <td data-label="Integration">{e.integration}</td>
                  <td data-label="Alerts">
                    {e.alertnames.join(', ') || '-'} <span class="muted small">({e.count})</span>
                  </td>
                  <td data-label="Result">
                    <HealthBadge
                      health={e.status === 'success' ? 'ok' : e.status === 'failed' ? 'err' : e.status || 'unknown'}
                      label={e.status || 'unknown'}
                    />
                    {e.error && <div class="error-text small">{e.error}</div>}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </div>
  );
}
