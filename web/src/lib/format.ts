// Value formatting for tables, legends and panels.

export type Labels = Record<string, string>;

/** `name{a="b", c="d"}` — as text, never HTML. */
export function seriesName(labels: Labels): string {
  const name = labels.__name__ ?? '';
  const rest = Object.keys(labels)
    .filter((k) => k !== '__name__')
    .sort()
    .map((k) => `${k}=${JSON.stringify(labels[k])}`);
  if (rest.length === 0) return name || '{}';
  return `${name}{${rest.join(', ')}}`;
}

const SI = ['', 'k', 'M', 'G', 'T', 'P', 'E'];
const SI_SMALL = ['', 'm', 'µ', 'n', 'p'];

export function formatNumber(v: number, unit?: string): string {
  if (Number.isNaN(v)) return 'NaN';
  if (!Number.isFinite(v)) return v > 0 ? '+Inf' : '-Inf';
  switch (unit) {
    case 'percent':
      return `${trim(v)}%`;
    case 'percentunit':
      return `${trim(v * 100)}%`;
    case 'bytes':
      return bytes(v);
    case 'bytes/s':
      return `${bytes(v)}/s`;
    case 'seconds':
    case 's':
      return seconds(v);
    default:
      return si(v) + (unit ? ` ${unit}` : '');
  }
}

function trim(v: number): string {
  const a = Math.abs(v);
  if (a === 0) return '0';
  if (Number.isInteger(v) && a < 1e4) return String(v);
  if (a >= 100) return v.toFixed(0);
  if (a >= 10) return v.toFixed(1);
  if (a >= 1) return v.toFixed(2);
  return Number(v.toPrecision(3)).toString();
}

export function si(v: number): string {
  const a = Math.abs(v);
  if (a === 0) return '0';
  if (a >= 1000) {
    let i = 0;
    while (Math.abs(v) >= 1000 && i < SI.length - 1) {
      v /= 1000;
      i++;
    }
    return trim(v) + SI[i];
  }
  if (a < 0.01) {
    let i = 0;
    while (Math.abs(v) < 1 && i < SI_SMALL.length - 1) {
      v *= 1000;
      i++;
    }
    return trim(v) + SI_SMALL[i];
  }
  return trim(v);
}

function bytes(v: number): string {
  const u = ['B', 'KiB', 'MiB', 'GiB', 'TiB', 'PiB'];
  let i = 0;
  while (Math.abs(v) >= 1024 && i < u.length - 1) {
    v /= 1024;
    i++;
  }
  return `${trim(v)} ${u[i]}`;
}

function seconds(v: number): string {
  const a = Math.abs(v);
  if (a >= 86400) return `${trim(v / 86400)}d`;
  if (a >= 3600) return `${trim(v / 3600)}h`;
  if (a >= 60) return `${trim(v / 60)}m`;
  if (a >= 1 || a === 0) return `${trim(v)}s`;
  if (a >= 0.001) return `${trim(v * 1000)}ms`;
  return `${trim(v * 1e6)}µs`;
}

/** Parses a sample value string from the API ("+Inf", "NaN", "1.5"). */
export function parseSampleValue(s: string): number {
  if (s === '+Inf') return Number.POSITIVE_INFINITY;
  if (s === '-Inf') return Number.NEGATIVE_INFINITY;
  return Number(s);
}
