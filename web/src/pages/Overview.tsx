import { useMemo } from 'preact/hooks';
import { Empty, ErrorBox, HealthBadge, LabelBadges, Loading, PageTitle } from '../components/common.tsx';
import { HostsCard } from '../components/HostsCard.tsx';
import { TimeChart } from '../components/TimeChart.tsx';
import { apiV1 } from '../lib/api.ts';
import { formatNumber, type Labels } from '../lib/format.ts';
import { ago } from '../lib/time.ts';
import { useFetch } from '../lib/use-fetch.ts';

const REFRESH = 15_000;
const INGEST = 'sum(rate(osprey_tsdb_head_samples_appended_total[1m]))';

function Stat({
  label,
  value,
  hint,
  cls,
}: {
  label: string;
  value: preact.ComponentChildren;
  hint?: preact.ComponentChildren;
  cls?: string;
}) {
  return (
    <div class={`stat card ${cls ?? ''}`}>
      <div class="stat-label">{label}</div>
      <div class="stat-value">{value}</div>
      {hint && <div class="stat-hint muted">{hint}</div>}
    </div>
  );
}

interface ActiveAlert {
  labels: Labels;
  annotations: Labels;
  state: string;
  activeAt: string;
  value: string;
}

/** The page an operator leaves open: targets, alerts, ingestion, head series, last reload. */
export function OverviewPage() {
  const targets = useFetch(
    (s) =>
      apiV1<{ activeTargets: { labels: Labels; scrapePool: string; health: string }[] }>(
        'targets',
        { state: 'active' },
        s,
      ),
    [],
    REFRESH,
  );
  const alerts = useFetch((s) => apiV1<{ alerts: ActiveAlert[] }>('alerts', undefined, s), [], REFRESH);
  const runtime = useFetch(
    (s) =>
      apiV1<{ reloadConfigSuccess: boolean; lastConfigTime: string; startTime: string }>(
        'status/runtimeinfo',
        undefined,
        s,
      ),
    [],
    REFRESH,
  );
  const tsdb = useFetch(
    (s) => apiV1<{ headStats: { numSeries: number; chunkCount: number } }>('status/tsdb', { limit: '1' }, s),
    [],
    REFRESH,
  );
  const rate = useFetch(
    (s) => {
      const end = Date.now();
      return apiV1<{ resultType: string; result: { metric: Labels; values: [number, string][] }[] }>(
        'query_range',
        { query: INGEST, start: String((end - 3_600_000) / 1000), end: String(end / 1000), step: '30' },
        s,
      ).then((r) => ({ ...r.data, end }));
    },
    [],
    REFRESH,
  );

  const byJob = useMemo(() => {
    const m = new Map<string, { up: number; down: number }>();
    for (const t of targets.data?.data.activeTargets ?? []) {
      const job = t.labels.job ?? t.scrapePool;
      const e = m.get(job) ?? { up: 0, down: 0 };
      if (t.health === 'up') e.up++;
      else e.down++;
      m.set(job, e);
    }
    return [...m.entries()].sort((a, b) => b[1].down - a[1].down || a[0].localeCompare(b[0]));
  }, [targets.data]);

  const list = alerts.data?.data.alerts ?? [];
  const firing = list.filter((a) => a.state === 'firing');
  const pending = list.filter((a) => a.state === 'pending');
  const last = rate.data?.result[0]?.values;
  const currentRate = last?.length ? Number(last[last.length - 1][1]) : undefined;
  const totalDown = byJob.reduce((a, [, e]) => a + e.down, 0);
  const totalUp = byJob.reduce((a, [, e]) => a + e.up, 0);

  return (
    <div>
      <PageTitle>Overview</PageTitle>
      <div class="stats">
        <Stat
          label="Targets up"
          value={targets.data ? `${totalUp} / ${totalUp + totalDown}` : '…'}
          cls={totalDown ? 'bad' : 'ok'}
          hint={totalDown ? `${totalDown} down` : 'all healthy'}
        />
        <Stat
          label="Firing alerts"
          value={alerts.data ? firing.length : '…'}
          cls={firing.length ? 'bad' : 'ok'}
          hint={`${pending.length} pending`}
        />
        <Stat
          label="Ingestion rate"
          value={currentRate !== undefined ? `${formatNumber(currentRate)}/s` : '-'}
          hint="samples appended"
        />
        <Stat
          label="Head series"
          value={tsdb.data ? formatNumber(tsdb.data.data.headStats.numSeries) : '…'}
          hint={tsdb.data ? `${formatNumber(tsdb.data.data.headStats.chunkCount)} chunks` : undefined}
        />
        <Stat
          label="Last reload"
          value={runtime.data ? (runtime.data.data.reloadConfigSuccess ? 'Success' : 'Failed') : '…'}
          cls={runtime.data && !runtime.data.data.reloadConfigSuccess ? 'bad' : 'ok'}
          hint={runtime.data ? ago(Date.parse(runtime.data.data.lastConfigTime)) : undefined}
        />
      </div>
      <HostsCard refreshMs={REFRESH} />
      <div class="grid2">
        <section class="card">
          <h2>Targets by job</h2>
          {targets.error && <ErrorBox error={targets.error} />}
          {targets.loading && !targets.data && <Loading />}
          {targets.data && byJob.length === 0 && <Empty>No targets configured.</Empty>}
          {byJob.length > 0 && (
            <table class="table">
              <thead>
                <tr>
                  <th>Job</th>
                  <th class="num">Up</th>
                  <th class="num">Down</th>
                </tr>
              </thead>
              <tbody>
                {byJob.map(([job, e]) => (
                  <tr key={job}>
                    <td>
                      <a href={`/targets`}>{job}</a>
                    </td>
                    <td class="num ok-text">{e.up}</td>
                    <td class={e.down ? 'num bad-text' : 'num'}>{e.down}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
        </section>
        <section class="card">
          <h2>Active alerts</h2>
          {alerts.error && <ErrorBox error={alerts.error} />}
          {alerts.data && list.length === 0 && <Empty>No alerts are firing or pending.</Empty>}
          {list.length > 0 && (
            <table class="table">
              <tbody>
                {[...firing, ...pending].slice(0, 20).map((a, i) => (
                  <tr key={i}>
                    <td>
                      <HealthBadge health={a.state} />
                    </td>
                    <td>
                      <strong>{a.labels.alertname}</strong>{' '}
                      <LabelBadges
                        labels={Object.fromEntries(Object.entries(a.labels).filter(([k]) => k !== 'alertname'))}
                      />
                    </td>
                    <td class="muted">{a.activeAt ? ago(Date.parse(a.activeAt)) : ''}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
          <a href="/alerts">All alerts →</a>
        </section>
      </div>
      <section class="card">
        <h2>
          Ingestion rate <span class="muted small mono">{INGEST}</span>
        </h2>
        {rate.error && <ErrorBox error={rate.error} />}
        {rate.data && rate.data.result.length === 0 && (
          <Empty>No data yet (Osprey's own metrics appear once it scrapes itself).</Empty>
        )}
        {rate.data && rate.data.result.length > 0 && (
          <TimeChart
            series={rate.data.result}
            start={rate.data.end - 3_600_000}
            end={rate.data.end}
            step={30_000}
            height={180}
            showLegend={false}
            unit="/s"
          />
        )}
      </section>
    </div>
  );
}
