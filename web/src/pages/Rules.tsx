import { Collapsible, Empty, ErrorBox, HealthBadge, LabelBadges, Loading, PageTitle } from '../components/common.tsx';
import { apiV1 } from '../lib/api.ts';
import type { Labels } from '../lib/format.ts';
import { ago, formatSeconds } from '../lib/time.ts';
import { useFetch } from '../lib/use-fetch.ts';

export interface Rule {
  name: string;
  query: string;
  type: 'alerting' | 'recording';
  health: string;
  lastError?: string;
  lastEvaluation?: string;
  evaluationTime?: number;
  labels?: Labels;
  annotations?: Labels;
  duration?: number;
  keepFiringFor?: number;
  state?: string;
  alerts?: { labels: Labels; annotations: Labels; state: string; activeAt: string; value: string }[];
}

export interface RuleGroup {
  name: string;
  file: string;
  interval: number;
  rules: Rule[];
  evaluationTime?: number;
  lastEvaluation?: string;
}

const evalAgo = (s?: string) => (s && !s.startsWith('0001') ? ago(Date.parse(s)) : 'never');

export function queryLink(expr: string): string {
  const q = new URLSearchParams({ 'g0.expr': expr, 'g0.tab': '1' });
  return `/graph?${q}`;
}

/** Rule groups with health, last evaluation, evaluation time and errors. */
export function RulesPage() {
  const r = useFetch((s) => apiV1<{ groups: RuleGroup[] }>('rules', undefined, s), [], 30_000);
  return (
    <div>
      <PageTitle>Rules</PageTitle>
      {r.error && <ErrorBox error={r.error} />}
      {r.loading && !r.data && <Loading />}
      {r.data && r.data.data.groups.length === 0 && (
        <Empty>
          No rule groups loaded. Add rule files with <code>rule_files</code> in the configuration.
        </Empty>
      )}
      {r.data?.data.groups.map((g) => (
        <Collapsible
          key={`${g.file}/${g.name}`}
          title={
            <span>
              <strong>{g.name}</strong> <span class="muted small">{g.file}</span>
            </span>
          }
          right={
            <span class="muted small">
              every {g.interval}s · last {evalAgo(g.lastEvaluation)} · took {formatSeconds(g.evaluationTime ?? 0)}
            </span>
          }
        >
          <div class="table-scroll">
            <table class="table stack">
              <thead>
                <tr>
                  <th>Rule</th>
                  <th>Health</th>
                  <th>Last evaluation</th>
                  <th>Evaluation time</th>
                </tr>
              </thead>
              <tbody>
                {g.rules.map((rule) => (
                  <tr key={rule.name + rule.query}>
                    <td>
                      <div>
                        <span class="muted small">{rule.type === 'alerting' ? 'alert: ' : 'record: '}</span>
                        <strong>{rule.name}</strong>
                      </div>
                      <div class="mono small">
                        expr: <a href={queryLink(rule.query)}>{rule.query}</a>
                      </div>
                      {rule.duration ? <div class="small">for: {rule.duration}s</div> : null}
                      {rule.labels && Object.keys(rule.labels).length > 0 && <LabelBadges labels={rule.labels} />}
                      {rule.lastError && <div class="error-text small">{rule.lastError}</div>}
                    </td>
                    <td data-label="Health">
                      <HealthBadge health={rule.health} />
                    </td>
                    <td data-label="Last evaluation">{evalAgo(rule.lastEvaluation)}</td>
                    <td data-label="Evaluation time">{formatSeconds(rule.evaluationTime ?? 0)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        </Collapsible>
      ))}
    </div>
  );
}
