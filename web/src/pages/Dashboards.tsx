import { useEffect, useMemo, useState } from 'preact/hooks';
import { Empty, ErrorBox, Loading, PageTitle } from '../components/common.tsx';
import { Gauge } from '../components/Gauge.tsx';
import { TimeChart } from '../components/TimeChart.tsx';
import { apiV1 } from '../lib/api.ts';
import {
  ALL,
  type Dashboard,
  type DashboardPanel,
  type DashboardVariable,
  getDashboard,
  interpolate,
  legendText,
  listDashboards,
  parseLabelValues,
} from '../lib/dashboard.ts';
import { formatNumber, type Labels, parseSampleValue, seriesName } from '../lib/format.ts';
import { setSearch } from '../lib/router.ts';
import { autoStep, parseDuration } from '../lib/time.ts';
import { useFetch } from '../lib/use-fetch.ts';

const RANGES = ['5m', '15m', '1h', '3h', '6h', '12h', '1d', '2d', '7d'];
const REFRESHES = ['off', '10s', '30s', '1m', '5m'];

function DashboardList() {
  const r = useFetch((s) => listDashboards(s), []);
  return (
    <div>
      <PageTitle>Dashboards</PageTitle>
      {r.error && <ErrorBox error={r.error} />}
      {r.loading && !r.data && <Loading />}
      {r.data?.fallback && (
        <div class="alert info">The server has no dashboards API; showing the dashboards built into the UI.</div>
      )}
      {r.data && r.data.list.length === 0 && (
        <Empty>No dashboards. Put YAML or JSON definitions in the dashboards folder.</Empty>
      )}
      <div class="dash-list">
        {r.data?.list.map((d) => (
          <a class="card dash-item" key={d.uid} href={`/dashboards/${encodeURIComponent(d.uid)}`}>
            <strong>{d.title}</strong>
            {d.description && <div class="muted small">{d.description}</div>}
            <div>
              {(d.tags ?? []).map((t) => (
                <span class="badge" key={t}>
                  {t}
                </span>
              ))}
              {d.source && <span class="muted small"> {d.source}</span>}
            </div>
          </a>
        ))}
      </div>
    </div>
  );
}

interface Frame {
  start: number;
  end: number;
  step: number;
  tick: number;
}

function VariablePicker({
  v,
  value,
  onChange,
}: {
  v: DashboardVariable;
  value: string;
  onChange: (x: string) => void;
}) {
  const q = parseLabelValues(v.query);
  const r = useFetch(
    (s) => {
      if (!q) return Promise.reject(new Error(`unsupported variable query: ${v.query}`));
      return apiV1<string[]>(
        `label/${encodeURIComponent(q.label)}/values`,
        { 'match[]': q.match ? [q.match] : undefined },
        s,
      ).then((x) => x.data);
    },
    [v.query],
  );
  const values = r.data ?? [];
  useEffect(() => {
    // Default to the first value (or All) once values are known.
    if ((r.data || r.error) && (!value || (value !== ALL && !values.includes(value))))
      onChange(v.includeAll || !values.length ? ALL : values[0]);
  }, [r.data, r.error]);
  return (
    <label class="var">
      {v.label ?? v.name}{' '}
      <select
        value={value}
        onChange={(e) => onChange((e.target as HTMLSelectElement).value)}
        title={r.error ? r.error.message : undefined}
      >
        {(v.includeAll || !values.length) && <option value={ALL}>All</option>}
        {values.map((x) => (
          <option key={x} value={x}>
            {x}
          </option>
        ))}
      </select>
    </label>
  );
}

function colorFor(p: DashboardPanel, v: number): string {
  const t = p.thresholds;
  if (t?.crit !== undefined && v >= t.crit) return 'var(--bad)';
  if (t?.warn !== undefined && v >= t.warn) return 'var(--warn)';
  return 'var(--ok)';
}

function PanelView({ panel, vars, frame }: { panel: DashboardPanel; vars: Record<string, string>; frame: Frame }) {
  const expr = interpolate(panel.expr, vars);
  const ranged = panel.type === 'timeseries';
  const r = useFetch(
    (s) =>
      ranged
        ? apiV1(
            'query_range',
            {
              query: expr,
              start: String(frame.start / 1000),
              end: String(frame.end / 1000),
              step: String(frame.step / 1000),
            },
            s,
          )
        : apiV1('query', { query: expr, time: String(frame.end / 1000) }, s),
    [expr, frame.tick, frame.start, frame.end, ranged],
  );
  const data = r.data?.data as { resultType: string; result: any } | undefined;
  const series: { metric: Labels; value?: [number, string]; values?: [number, string][] }[] =
    data && (data.resultType === 'vector' || data.resultType === 'matrix')
      ? data.result
      : data?.resultType === 'scalar'
        ? [{ metric: {}, value: data.result }]
        : [];
  const fmt = (l: Labels) => legendText(panel.legend, l, seriesName);
  let body: preact.ComponentChildren = null;
  if (r.error) body = <ErrorBox error={r.error} />;
  else if (!data) body = <Loading />;
  else if (series.length === 0) body = <div class="empty small">No data</div>;
  else if (panel.type === 'timeseries')
    body = (
      <TimeChart
        series={series}
        start={frame.start}
        end={frame.end}
        step={frame.step}
        unit={panel.unit}
        stacked={panel.stacked}
        height={200}
        legendFormat={fmt}
      />
    );
  else if (panel.type === 'stat' || panel.type === 'gauge') {
    body = (
      <div class="stat-values">
        {series.slice(0, 8).map((s) => {
          const v = parseSampleValue(s.value?.[1] ?? 'NaN');
          return (
            <div class="stat-one" key={seriesName(s.metric)}>
              {panel.type === 'gauge' ? (
                <Gauge
                  value={v}
                  min={panel.min}
                  max={panel.max ?? (panel.unit === 'percentunit' ? 1 : 100)}
                  unit={panel.unit}
                  color={colorFor(panel, v)}
                />
              ) : (
                <div class="big" style={{ color: colorFor(panel, v) }}>
                  {formatNumber(v, panel.unit)}
                </div>
              )}
              {series.length > 1 && <div class="muted small">{fmt(s.metric)}</div>}
            </div>
          );
        })}
      </div>
    );
  } else {
    const keys = [...new Set(series.flatMap((s) => Object.keys(s.metric)))].filter((k) => k !== '__name__').sort();
    body = (
      <div class="table-scroll">
        <table class="table">
          <thead>
            <tr>
              {keys.map((k) => (
                <th key={k}>{k}</th>
              ))}
              <th class="num">Value</th>
            </tr>
          </thead>
          <tbody>
            {series.map((s) => (
              <tr key={seriesName(s.metric)}>
                {keys.map((k) => (
                  <td key={k}>{s.metric[k] ?? ''}</td>
                ))}
                <td class="num">{formatNumber(parseSampleValue(s.value?.[1] ?? 'NaN'), panel.unit)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    );
  }
  const q = new URLSearchParams({
    'g0.expr': expr,
    'g0.tab': ranged ? '0' : '1',
    'g0.range_input': `${Math.round((frame.end - frame.start) / 1000)}s`,
  });
  return (
    <div
      class={`card dash-panel type-${panel.type}`}
      style={{ '--span': String(Math.min(12, Math.max(2, panel.width ?? (panel.type === 'timeseries' ? 6 : 3)))) }}
    >
      <div class="dash-panel-head">
        <h3 title={expr}>{panel.title}</h3>
        <a class="small muted" href={`/graph?${q}`} title="Open in query page">
          explore
        </a>
      </div>
      {body}
    </div>
  );
}

function DashboardView({ uid, search }: { uid: string; search: URLSearchParams }) {
  const r = useFetch((s) => getDashboard(uid, s), [uid]);
  const d: Dashboard | undefined = r.data;
  const range = search.get('range') ?? d?.time?.range ?? '1h';
  const refresh = search.get('refresh') ?? d?.refresh ?? '30s';
  const [tick, setTick] = useState(0);
  const rangeMs = parseDuration(range) ?? 3_600_000;
  // The frame is computed once per tick so every panel queries the same window.
  const frame = useMemo<Frame>(() => {
    const end = Date.now();
    return { start: end - rangeMs, end, step: autoStep(rangeMs, 300) * 1000, tick };
  }, [rangeMs, tick]);
  useEffect(() => {
    const ms = parseDuration(refresh);
    if (!ms || refresh === 'off') return;
    const t = setInterval(() => setTick((x) => x + 1), ms);
    return () => clearInterval(t);
  }, [refresh]);
  const vars: Record<string, string> = {};
  for (const v of d?.variables ?? []) vars[v.name] = search.get(`var-${v.name}`) ?? '';
  const setParam = (k: string, v: string) => {
    const q = new URLSearchParams(location.search);
    q.set(k, v);
    setSearch(q);
  };
  const ready = (d?.variables ?? []).every((v) => vars[v.name] !== '');
  return (
    <div>
      <PageTitle
        right={
          <>
            <label>
              Range{' '}
              <select
                aria-label="Time range"
                value={range}
                onChange={(e) => setParam('range', (e.target as HTMLSelectElement).value)}
              >
                {(RANGES.includes(range) ? RANGES : [range, ...RANGES]).map((x) => (
                  <option key={x}>{x}</option>
                ))}
              </select>
            </label>
            <label>
              Refresh{' '}
              <select
                aria-label="Auto refresh"
                value={refresh}
                onChange={(e) => setParam('refresh', (e.target as HTMLSelectElement).value)}
              >
                {(REFRESHES.includes(refresh) ? REFRESHES : [refresh, ...REFRESHES]).map((x) => (
                  <option key={x}>{x}</option>
                ))}
              </select>
            </label>
            <button type="button" class="secondary" onClick={() => setTick((x) => x + 1)}>
              Refresh
            </button>
          </>
        }
      >
        <a href="/dashboards" class="muted">
          Dashboards
        </a>{' '}
        / {d?.title ?? uid}
      </PageTitle>
      {r.error && <ErrorBox error={r.error} />}
      {r.loading && !d && <Loading />}
      {d && (d.variables ?? []).length > 0 && (
        <div class="vars card">
          {d.variables!.map((v) => (
            <VariablePicker key={v.name} v={v} value={vars[v.name]} onChange={(x) => setParam(`var-${v.name}`, x)} />
          ))}
        </div>
      )}
      {d &&
        ready &&
        d.rows.map((row) => (
          <section class="dash-row" key={row.title}>
            <h2>{row.title}</h2>
            <div class="dash-grid">
              {row.panels.map((p) => (
                <PanelView key={p.title + p.expr} panel={p} vars={vars} frame={frame} />
              ))}
            </div>
          </section>
        ))}
    </div>
  );
}

/** /dashboards and /dashboards/:uid (?range=1h&refresh=30s&var-instance=...) */
export function DashboardsPage({ path, search }: { path: string; search: URLSearchParams }) {
  const uid = path.split('/').filter(Boolean)[1];
  return uid ? <DashboardView uid={decodeURIComponent(uid)} search={search} /> : <DashboardList />;
}
