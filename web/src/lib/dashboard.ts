// Dashboard definitions (served by GET /api/v1/dashboards[/:uid], see src/api/dashboards.ts) and helpers.
import { apiJson, ApiRequestError } from './api.ts';

export type PanelType = 'timeseries' | 'stat' | 'gauge' | 'table';

export interface DashboardPanel {
  title: string;
  type: PanelType;
  expr: string;
  unit?: string;
  /** "{{instance}} {{device}}" */
  legend?: string;
  min?: number;
  max?: number;
  /** Value at or above which a stat/gauge turns amber / red. */
  thresholds?: { warn?: number; crit?: number };
  stacked?: boolean;
  /** Grid columns out of 12. */
  width?: number;
}

export interface DashboardVariable {
  name: string;
  label?: string;
  /** label_values(label) or label_values(selector, label) */
  query: string;
  includeAll?: boolean;
}

export interface Dashboard {
  uid: string;
  title: string;
  description?: string;
  tags?: string[];
  refresh?: string;
  time?: { range?: string };
  variables?: DashboardVariable[];
  rows: { title: string; collapsed?: boolean; panels: DashboardPanel[] }[];
}

export interface DashboardSummary {
  uid: string;
  title: string;
  description?: string;
  tags?: string[];
  source?: string;
}

// Built-in definitions bundled into the UI, used only when the server has no dashboards API.
const bundled = import.meta.glob<Dashboard>('../../dashboards/*.json', { eager: true, import: 'default' });
const builtins = (): Dashboard[] => Object.values(bundled);

export async function listDashboards(signal?: AbortSignal): Promise<{ list: DashboardSummary[]; fallback: boolean }> {
  try {
    const list = await apiJson<DashboardSummary[]>('/api/v1/dashboards', signal);
    return { list, fallback: false };
  } catch (e) {
    if (e instanceof ApiRequestError && e.status === 404) {
      return {
        list: builtins().map((d) => ({
          uid: d.uid,
          title: d.title,
          description: d.description,
          tags: d.tags,
          source: 'bundled',
        })),
        fallback: true,
      };
    }
    throw e;
  }
}

export async function getDashboard(uid: string, signal?: AbortSignal): Promise<Dashboard> {
  try {
    return await apiJson<Dashboard>(`/api/v1/dashboards/${encodeURIComponent(uid)}`, signal);
  } catch (e) {
    const b = builtins().find((d) => d.uid === uid);
    if (e instanceof ApiRequestError && e.status === 404 && b) return b;
    throw e;
  }
}

export { ALL, interpolate, legendText, parseLabelValues } from './dashboard-vars.ts';
