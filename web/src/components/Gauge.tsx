import { formatNumber } from '../lib/format.ts';

/** A half-circle gauge drawn with SVG arcs. */
export function Gauge({
  value,
  min = 0,
  max = 100,
  unit,
  color,
}: {
  value: number;
  min?: number;
  max?: number;
  unit?: string;
  color: string;
}) {
  const f = Math.max(0, Math.min(1, (value - min) / (max - min || 1)));
  const r = 40;
  const angle = Math.PI * (1 - f);
  const x = 50 + r * Math.cos(angle);
  const y = 50 - r * Math.sin(angle);
  return (
    <svg class="gauge" viewBox="0 0 100 60" role="img" aria-label={formatNumber(value, unit)}>
      <path d="M10 50 A40 40 0 0 1 90 50" fill="none" stroke="var(--grid)" stroke-width="10" />
      {f > 0 && (
        <path d={`M10 50 A40 40 0 0 1 ${x.toFixed(2)} ${y.toFixed(2)}`} fill="none" stroke={color} stroke-width="10" />
      )}
      <text x="50" y="48" text-anchor="middle" class="gauge-text">
        {formatNumber(value, unit)}
      </text>
    </svg>
  );
}
