// Graph page state in the URL, using Prometheus's parameter names so its links open here:
// g0.expr, g0.tab (0|graph = graph, 1|table = table), g0.stacked, g0.display_mode, g0.range_input,
// g0.end_input, g0.moment_input, g0.step_input, g0.show_exemplars.

export interface PanelState {
  expr: string;
  tab: 'graph' | 'table';
  stacked: boolean;
  range: string;
  /** "" = now */
  end: string;
  /** "" = auto */
  step: string;
}

export const defaultPanel = (): PanelState => ({
  expr: '',
  tab: 'table',
  stacked: false,
  range: '1h',
  end: '',
  step: '',
});

export function parsePanels(q: URLSearchParams): PanelState[] {
  const ids = new Set<number>();
  for (const k of q.keys()) {
    const m = /^g(\d+)\./.exec(k);
    if (m) ids.add(Number(m[1]));
  }
  const out: PanelState[] = [];
  for (const i of [...ids].sort((a, b) => a - b)) {
    const g = (n: string) => q.get(`g${i}.${n}`);
    const tab = g('tab');
    const mode = g('display_mode');
    out.push({
      expr: g('expr') ?? '',
      tab: tab === '0' || tab === 'graph' ? 'graph' : 'table',
      stacked: g('stacked') === '1' || mode === 'stacked',
      range: g('range_input') || '1h',
      end: g('end_input') || g('moment_input') || '',
      step: g('step_input') || '',
    });
  }
  return out.length ? out : [defaultPanel()];
}

export function serializePanels(panels: PanelState[]): URLSearchParams {
  const q = new URLSearchParams();
  panels.forEach((p, i) => {
    q.set(`g${i}.expr`, p.expr);
    q.set(`g${i}.tab`, p.tab === 'graph' ? '0' : '1');
    q.set(`g${i}.stacked`, p.stacked ? '1' : '0');
    q.set(`g${i}.range_input`, p.range);
    if (p.end) q.set(`g${i}.end_input`, p.end);
    if (p.end) q.set(`g${i}.moment_input`, p.end);
    if (p.step) q.set(`g${i}.step_input`, p.step);
  });
  return q;
}
