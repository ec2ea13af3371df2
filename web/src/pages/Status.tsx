import { Collapsible, ErrorBox, Loading, PageTitle } from '../components/common.tsx';
import { apiV1 } from '../lib/api.ts';
import { formatTime } from '../lib/time.ts';
import { useFetch } from '../lib/use-fetch.ts';

function KeyValueTable({ data }: { data: Record<string, unknown> }) {
  return (
    <table class="table kv">
      <tbody>
        {Object.keys(data)
          .sort()
          .map((k) => (
            <tr key={k}>
              <th>{k}</th>
              <td class="mono">{typeof data[k] === 'object' ? JSON.stringify(data[k]) : String(data[k])}</td>
            </tr>
          ))}
      </tbody>
    </table>
  );
}

function Section<T>({
  title,
  path,
  render,
  open = true,
}: {
  title: string;
  path: string;
  render: (d: T) => preact.ComponentChildren;
  open?: boolean;
}) {
  const r = useFetch((s) => apiV1<T>(path, undefined, s), [path]);
  return (
    <Collapsible title={title} open={open}>
      {r.error && <ErrorBox error={r.error} />}
      {r.loading && !r.data && <Loading />}
      {r.data && render(r.data.data)}
    </Collapsible>
  );
}

interface TsdbStatus {
  headStats: { numSeries: number; numLabelPairs: number; chunkCount: number; minTime: number; maxTime: number };
  seriesCountByMetricName: { name: string; value: number }[];
  labelValueCountByLabelName: { name: string; value: number }[];
  memoryInBytesByLabelName: { name: string; value: number }[];
  seriesCountByLabelValuePair: { name: string; value: number }[];
}

function TopTable({ title, rows, col }: { title: string; rows: { name: string; value: number }[]; col: string }) {
  return (
    <div class="top-table">
      <h3>{title}</h3>
      <table class="table">
        <thead>
          <tr>
            <th>Name</th>
            <th class="num">{col}</th>
          </tr>
        </thead>
        <tbody>
          {(rows ?? []).map((r) => (
            <tr key={r.name}>
              <td class="mono">{r.name}</td>
              <td class="num">{r.value}</td>
            </tr>
          ))}
          {(rows ?? []).length === 0 && (
            <tr>
              <td colSpan={2} class="muted">
                none
              </td>
            </tr>
          )}
        </tbody>
      </table>
    </div>
  );
}

const timeOrDash = (ms: number) =>
  Number.isFinite(ms) && Math.abs(ms) < 8.64e15 && ms > 0 ? `${formatTime(ms)} UTC` : '-';

/** Runtime & build information, TSDB head statistics, flags and the running configuration. */
export function StatusPage() {
  return (
    <div>
      <PageTitle>Status</PageTitle>
      <div class="grid2">
        <Section<Record<string, unknown>>
          title="Runtime information"
          path="status/runtimeinfo"
          render={(d) => <KeyValueTable data={d} />}
        />
        <Section<Record<string, unknown>>
          title="Build information"
          path="status/buildinfo"
          render={(d) => <KeyValueTable data={d} />}
        />
      </div>
      <Section<TsdbStatus>
        title="TSDB status"
        path="status/tsdb"
        render={(d) => (
          <>
            <table class="table kv head-stats">
              <tbody>
                <tr>
                  <th>Head series</th>
                  <td class="num">{d.headStats.numSeries}</td>
                  <th>Label pairs</th>
                  <td class="num">{d.headStats.numLabelPairs}</td>
                  <th>Chunks</th>
                  <td class="num">{d.headStats.chunkCount}</td>
                </tr>
                <tr>
                  <th>Min time</th>
                  <td colSpan={2}>{timeOrDash(d.headStats.minTime)}</td>
                  <th>Max time</th>
                  <td colSpan={2}>{timeOrDash(d.headStats.maxTime)}</td>
                </tr>
              </tbody>
            </table>
            <div class="grid2">
              <TopTable title="Top metric names by series count" rows={d.seriesCountByMetricName} col="Series" />
              <TopTable title="Top label names by value count" rows={d.labelValueCountByLabelName} col="Values" />
              <TopTable title="Top label names by memory" rows={d.memoryInBytesByLabelName} col="Bytes" />
              <TopTable title="Top label pairs by series count" rows={d.seriesCountByLabelValuePair} col="Series" />
            </div>
          </>
        )}
      />
      <Section<Record<string, string>>
        title="Command-line flags"
        path="status/flags"
        open={false}
        render={(d) => <KeyValueTable data={d} />}
      />
      <Section<{ yaml: string }>
        title="Configuration"
        path="status/config"
        render={(d) => (
          <>
            <button type="button" class="secondary small" onClick={() => navigator.clipboard?.writeText(d.yaml)}>
              Copy
            </button>
            <pre class="config">{d.yaml}</pre>
          </>
        )}
      />
    </div>
  );
}
