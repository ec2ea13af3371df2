import { useMemo, useState } from 'preact/hooks';
import { Collapsible, Empty, ErrorBox, HealthBadge, LabelBadges, Loading, PageTitle } from '../components/common.tsx';
import { apiV1 } from '../lib/api.ts';
import type { Labels } from '../lib/format.ts';
import { ago, formatSeconds } from '../lib/time.ts';
import { useFetch } from '../lib/use-fetch.ts';

interface Target {
  discoveredLabels: Labels;
  labels: Labels;
  scrapePool: string;
  scrapeUrl: string;
  lastError: string;
  lastScrape: string;
  lastScrapeDuration: number;
  health: string;
  scrapeInterval?: string;
  scrapeTimeout?: string;
}

/** Targets grouped by scrape pool, with labels before (discovered) and after relabeling. */
export function TargetsPage() {
  const [filter, setFilter] = useState('');
  const [unhealthy, setUnhealthy] = useState(false);
  const r = useFetch(
    (s) =>
      apiV1<{ activeTargets: Target[]; droppedTargetCounts?: Record<string, number> }>(
        'targets',
        { state: 'active' },
        s,
      ),
    [],
    15_000,
  );
  const pools = useMemo(() => {
    const m = new Map<string, Target[]>();
    const f = filter.toLowerCase();
    for (const t of r.data?.data.activeTargets ?? []) {
      if (unhealthy && t.health === 'up') continue;
      if (f && !`${t.scrapeUrl} ${Object.entries(t.labels).join(' ')}`.toLowerCase().includes(f)) continue;
      const list = m.get(t.scrapePool) ?? [];
      list.push(t);
      m.set(t.scrapePool, list);
    }
    return [...m.entries()].sort((a, b) => a[0].localeCompare(b[0]));
  }, [r.data, filter, unhealthy]);

  return (
    <div>
      <PageTitle
        right={
          <>
            <input
              type="search"
              placeholder="Filter by endpoint or labels"
              value={filter}
              onInput={(e) => setFilter((e.target as HTMLInputElement).value)}
            />
            <label class="check">
              <input
                type="checkbox"
                checked={unhealthy}
                onChange={(e) => setUnhealthy((e.target as HTMLInputElement).checked)}
              />{' '}
              Unhealthy only
            </label>
          </>
        }
      >
        Targets
      </PageTitle>
      {r.error && <ErrorBox error={r.error} />}
      {r.loading && !r.data && <Loading />}
      {r.data && pools.length === 0 && (
        <Empty>No targets{filter || unhealthy ? ' match the filter' : ' configured'}.</Empty>
      )}
      {pools.map(([pool, list]) => {
        const up = list.filter((t) => t.health === 'up').length;
        const dropped = r.data?.data.droppedTargetCounts?.[pool];
        return (
          <Collapsible
            key={pool}
            title={<span class="pool-name">{pool}</span>}
            right={
              <span class={up === list.length ? 'pill ok' : 'pill bad'}>
                {up} / {list.length} up{dropped ? ` · ${dropped} dropped` : ''}
              </span>
            }
          >
            <div class="table-scroll">
              <table class="table stack">
                <thead>
                  <tr>
                    <th>Endpoint</th>
                    <th>State</th>
                    <th>Labels</th>
                    <th>Last scrape</th>
                    <th>Duration</th>
                    <th>Error</th>
                  </tr>
                </thead>
                <tbody>
                  {list.map((t) => (
                    <tr key={t.scrapeUrl + JSON.stringify(t.labels)}>
                      <td>
                        <a href={t.scrapeUrl} target="_blank" rel="noreferrer noopener">
                          {t.scrapeUrl}
                        </a>
                      </td>
                      <td data-label="State">
                        <HealthBadge health={t.health} />
                      </td>
                      <td data-label="Labels">
                        <LabelBadges labels={t.labels} />
                        <details class="discovered">
                          <summary>Before relabeling</summary>
                          <LabelBadges labels={t.discoveredLabels ?? {}} />
                        </details>
                      </td>
                      <td data-label="Last scrape" title={t.lastScrape}>
                        {t.lastScrape && !t.lastScrape.startsWith('0001') ? ago(Date.parse(t.lastScrape)) : 'never'}
                      </td>
                      <td data-label="Duration">
                        {formatSeconds(t.lastScrapeDuration)}
                        {t.scrapeInterval && <div class="muted small">every {t.scrapeInterval}</div>}
                      </td>
                      <td data-label="Error" class="error-text">{t.lastError}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          </Collapsible>
        );
      })}
    </div>
  );
}
