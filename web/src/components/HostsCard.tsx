import { Empty, ErrorBox, Loading } from './common.tsx';
import { apiV1 } from '../lib/api.ts';
import { formatNumber, type Labels } from '../lib/format.ts';
import { useFetch } from '../lib/use-fetch.ts';

/** One figure per host (instance), from the node_* metrics of Osprey's host collector or any node_exporter. */
const QUERIES = {
  cpu: '100 * (1 - avg by (instance) (rate(node_cpu_seconds_total{mode="idle"}[1m])))',
  cores: 'count by (instance) (node_cpu_seconds_total{mode="idle"})',
  mem: '100 * (1 - max by (instance) (node_memory_MemAvailable_bytes) / max by (instance) (node_memory_MemTotal_bytes))',
  memTotal: 'max by (instance) (node_memory_MemTotal_bytes)',
  disk: '100 * (1 - max by (instance) (node_filesystem_avail_bytes{mountpoint="/"}) / max by (instance) (node_filesystem_size_bytes{mountpoint="/"}))',
  load: 'max by (instance) (node_load1)',
};
type Figure = keyof typeof QUERIES;
type Hosts = Map<string, Partial<Record<Figure, number>>>;

async function loadHosts(signal: AbortSignal): Promise<Hosts> {
  const hosts: Hosts = new Map();
  const results = await Promise.all(
    Object.entries(QUERIES).map(async ([k, query]) => {
      const r = await apiV1<{ result: { metric: Labels; value: [number, string] }[] }>('query', { query }, signal);
      return [k as Figure, r.data.result] as const;
    }),
  );
  for (const [k, result] of results) {
    for (const s of result) {
      const name = s.metric.instance ?? '';
      const h = hosts.get(name) ?? {};
      h[k] = Number(s.value[1]);
      hosts.set(name, h);
    }
  }
  return hosts;
}

const pct = (v: number | undefined) => (v === undefined || Number.isNaN(v) ? '…' : `${v.toFixed(1)}%`);
const level = (v: number | undefined) => (v === undefined ? '' : v >= 90 ? 'bad-text' : v >= 75 ? 'warn-text' : '');

/** Live host figures for the overview: CPU, memory, root disk and load per host, linked to the host dashboard. */
export function HostsCard({ refreshMs }: { refreshMs: number }) {
  const r = useFetch(loadHosts, [], refreshMs);
  const hosts = [...(r.data ?? new Map()).entries()].sort((a, b) => a[0].localeCompare(b[0])).slice(0, 20);
  return (
    <section class="card hosts">
      <h2>Hosts</h2>
      {r.error && <ErrorBox error={r.error} />}
      {r.loading && !r.data && <Loading />}
      {r.data && hosts.length === 0 && (
        <Empty>No host metrics yet (Osprey's host collector or a node_exporter shows up here once scraped).</Empty>
      )}
      {hosts.length > 0 && (
        <div class="table-scroll">
          <table class="table stack">
            <thead>
              <tr>
                <th>Host</th>
                <th class="num">CPU busy</th>
                <th class="num">Memory used</th>
                <th class="num">Root disk used</th>
                <th class="num">Load (1m)</th>
              </tr>
            </thead>
            <tbody>
              {hosts.map(([instance, h]) => (
                <tr key={instance}>
                  <td>
                    <a href={`/dashboards/host-overview?${new URLSearchParams({ 'var-instance': instance })}`}>
                      {instance || '(no instance label)'}
                    </a>
                  </td>
                  <td
                    data-label="CPU busy"
                    class={`num host-cpu ${level(h.cpu)}`}
                    title={h.cpu === undefined ? 'needs two scrapes' : undefined}
                  >
                    {pct(h.cpu)}
                    {h.cores !== undefined && <span class="muted small"> of {h.cores} cores</span>}
                  </td>
                  <td data-label="Memory used" class={`num host-mem ${level(h.mem)}`}>
                    {pct(h.mem)}
                    {h.memTotal !== undefined && (
                      <span class="muted small"> of {formatNumber(h.memTotal, 'bytes')}</span>
                    )}
                  </td>
                  <td data-label="Root disk used" class={`num host-disk ${level(h.disk)}`}>{pct(h.disk)}</td>
                  <td data-label="Load (1m)" class="num host-load">{h.load === undefined ? '…' : formatNumber(h.load)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}
