import { useEffect, useMemo, useRef, useState } from 'preact/hooks';
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';
import { seriesColor } from '../lib/colors.ts';
import { formatNumber, type Labels, parseSampleValue, seriesName } from '../lib/format.ts';

export interface RangeSeries {
  metric: Labels;
  values?: [number, string][];
}

interface Props {
  series: RangeSeries[];
  /** ms */
  start: number;
  end: number;
  /** ms */
  step: number;
  stacked?: boolean;
  unit?: string;
  height?: number;
  showLegend?: boolean;
  legendFormat?: (m: Labels) => string;
}

/** Builds aligned columns on the step grid: one x array, one y array per series (null = gap). */
function align(
  series: RangeSeries[],
  start: number,
  end: number,
  step: number,
): { xs: number[]; ys: (number | null)[][] } {
  const n = Math.max(1, Math.floor((end - start) / step) + 1);
  const xs = new Array<number>(n);
  for (let i = 0; i < n; i++) xs[i] = (start + i * step) / 1000;
  const ys = series.map((s) => {
    const col = new Array<number | null>(n).fill(null);
    for (const [t, v] of s.values ?? []) {
      const i = Math.round((t * 1000 - start) / step);
      if (i >= 0 && i < n) {
        const f = parseSampleValue(v);
        col[i] = Number.isFinite(f) ? f : null;
      }
    }
    return col;
  });
  return { xs, ys };
}

/**
 * Lines hide lone samples (a gap on each side), e.g. a series that just appeared: draw those as dots.
 * When the points are sparse anyway, draw them all.
 */
function pointsFor(col: (number | null)[], n: number, width: number): uPlot.Series.Points {
  if (n * 8 <= width) return { show: true, size: 5 };
  const lone: number[] = [];
  for (let i = 0; i < col.length; i++) {
    if (col[i] !== null && (i === 0 || col[i - 1] === null) && (i === col.length - 1 || col[i + 1] === null))
      lone.push(i);
  }
  return lone.length ? { show: true, size: 5, filter: lone } : { show: false };
}

/** uPlot time-series chart with a legend (click isolates, Ctrl/Cmd-click toggles) and a hover tooltip. */
export function TimeChart({
  series,
  start,
  end,
  step,
  stacked = false,
  unit,
  height = 300,
  showLegend = true,
  legendFormat = seriesName,
}: Props) {
  const host = useRef<HTMLDivElement>(null);
  const tip = useRef<HTMLDivElement>(null);
  const plot = useRef<uPlot | undefined>(undefined);
  const [hidden, setHidden] = useState<Set<number>>(new Set());
  const [width, setWidth] = useState(0);
  const names = useMemo(() => series.map((s) => legendFormat(s.metric)), [series, legendFormat]);
  const aligned = useMemo(() => align(series, start, end, step), [series, start, end, step]);

  useEffect(() => setHidden(new Set()), [series]);
  // Canvas strokes cannot use CSS variables: resolve them, and rebuild the chart when the theme changes.
  const theme = document.documentElement.dataset.theme ?? 'light';

  useEffect(() => {
    const el = host.current!;
    const ro = new ResizeObserver(() => setWidth(el.clientWidth));
    ro.observe(el);
    setWidth(el.clientWidth);
    return () => ro.disconnect();
  }, []);

  useEffect(() => {
    if (!width) return;
    const { xs, ys } = aligned;
    const css = getComputedStyle(document.documentElement);
    const muted = css.getPropertyValue('--muted').trim() || '#888';
    const grid = css.getPropertyValue('--grid').trim() || 'rgba(128,128,128,0.2)';
    // Stacking: each visible series is drawn at the running sum; the raw values stay in `ys` for the tooltip.
    let drawn = ys;
    if (stacked) {
      const acc = new Array<number>(xs.length).fill(0);
      drawn = ys.map((col, si) => {
        if (hidden.has(si)) return col;
        return col.map((v, i) => (v === null ? null : (acc[i] += v)));
      });
    }
    const opts: uPlot.Options = {
      width,
      height,
      legend: { show: false },
      cursor: { drag: { x: true, y: false }, points: { size: 6 } },
      scales: { x: { time: true } },
      axes: [
        { stroke: muted, grid: { stroke: grid, width: 1 }, ticks: { stroke: grid } },
        {
          stroke: muted,
          grid: { stroke: grid, width: 1 },
          ticks: { stroke: grid },
          // Wide enough for the longest tick label ("18.6 GiB/s").
          size: (_u, values) => Math.max(40, Math.max(0, ...(values ?? []).map((v) => String(v).length)) * 8 + 24),
          values: (_u, splits) => splits.map((v) => formatNumber(v, unit)),
        },
      ],
      series: [
        {},
        ...ys.map((_, i) => ({
          label: names[i],
          stroke: seriesColor(i),
          width: 1.5,
          show: !hidden.has(i),
          spanGaps: false,
          points: pointsFor(ys[i], xs.length, width),
          fill: stacked ? `${seriesColor(i)}55` : undefined,
        })),
      ],
      hooks: {
        setCursor: [
          (u) => {
            const t = tip.current;
            if (!t) return;
            const idx = u.cursor.idx;
            if (idx == null || u.cursor.left == null || u.cursor.left < 0) {
              t.style.display = 'none';
              return;
            }
            const rows: [number, number][] = [];
            ys.forEach((col, si) => {
              if (hidden.has(si)) return;
              // Sparse series: take the nearest point within a few steps of the cursor.
              for (let d = 0; d <= 3; d++) {
                const v = col[idx - d] ?? col[idx + d] ?? null;
                if (v !== null) {
                  rows.push([si, v]);
                  break;
                }
              }
            });
            rows.sort((a, b) => b[1] - a[1]);
            t.replaceChildren();
            const head = document.createElement('div');
            head.className = 'tip-time';
            head.textContent = new Date(xs[idx] * 1000).toISOString().replace('T', ' ').replace('.000Z', ' UTC');
            t.appendChild(head);
            for (const [si, v] of rows.slice(0, 12)) {
              const row = document.createElement('div');
              row.className = 'tip-row';
              const sw = document.createElement('span');
              sw.className = 'swatch';
              sw.style.background = seriesColor(si);
              const label = document.createElement('span');
              label.className = 'tip-label';
              label.textContent = names[si]; // text, never HTML
              const val = document.createElement('b');
              val.textContent = formatNumber(v, unit);
              row.append(sw, label, val);
              t.appendChild(row);
            }
            if (rows.length > 12) {
              const more = document.createElement('div');
              more.textContent = `… ${rows.length - 12} more`;
              t.appendChild(more);
            }
            t.style.display = rows.length ? 'block' : 'none';
            const left = u.cursor.left + u.over.offsetLeft;
            const flip = left > u.width / 2;
            t.style.left = flip ? '' : `${left + 16}px`;
            t.style.right = flip ? `${u.width - left + 16}px` : '';
            t.style.top = `${(u.cursor.top ?? 0) + u.over.offsetTop}px`;
          },
        ],
      },
    };
    plot.current?.destroy();
    plot.current = new uPlot(opts, [xs, ...drawn] as uPlot.AlignedData, host.current!);
    plot.current.over.addEventListener('mouseleave', () => {
      if (tip.current) tip.current.style.display = 'none';
    });
    return () => {
      plot.current?.destroy();
      plot.current = undefined;
    };
  }, [aligned, width, height, stacked, hidden, names, unit, theme]);

  const onLegend = (i: number, e: MouseEvent) => {
    const next = new Set(hidden);
    if (e.ctrlKey || e.metaKey) {
      if (next.has(i)) next.delete(i);
      else next.add(i);
    } else {
      const isolated = hidden.size === series.length - 1 && !hidden.has(i);
      next.clear();
      if (!isolated) for (let j = 0; j < series.length; j++) if (j !== i) next.add(j);
    }
    setHidden(next);
  };

  return (
    <div class="chart">
      <div class="chart-canvas" ref={host}>
        <div class="chart-tip" ref={tip} />
      </div>
      {showLegend && series.length > 0 && (
        <ul class="legend" aria-label="Legend">
          {names.map((n, i) => (
            <li key={n} class={hidden.has(i) ? 'off' : ''}>
              <button
                type="button"
                class="legend-item"
                title="Click to isolate, Ctrl/Cmd-click to toggle"
                onClick={(e) => onLegend(i, e as MouseEvent)}
              >
                <span class="swatch" style={{ background: seriesColor(i) }} />
                <span class="legend-name">{n}</span>
              </button>
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}
