/**
 * Text formatting shared by the `osprey tsdb` commands, matching what promtool prints:
 * Go durations, go-units base-2 byte sizes, Go UTC times, and tabwriter-aligned tables.
 */

/** Go's time.Duration.String() for a whole number of milliseconds: "2h0m0s", "15.001s", "1ms", "0s". */
export function formatGoDurationMs(ms: number): string {
  if (ms === 0) return '0s';
  const neg = ms < 0;
  let rest = Math.abs(ms);
  let out: string;
  if (rest < 1000) {
    out = `${rest}ms`;
  } else {
    const h = Math.floor(rest / 3_600_000);
    rest -= h * 3_600_000;
    const m = Math.floor(rest / 60_000);
    rest -= m * 60_000;
    const s = Math.floor(rest / 1000);
    const frac = rest - s * 1000;
    const secs = frac === 0 ? `${s}` : `${s}.${String(frac).padStart(3, '0').replace(/0+$/, '')}`;
    out = h > 0 ? `${h}h${m}m${secs}s` : m > 0 ? `${m}m${secs}s` : `${secs}s`;
  }
  return neg ? `-${out}` : out;
}

const BASE2_UNITS: [number, string][] = [
  [2 ** 60, 'EiB'],
  [2 ** 50, 'PiB'],
  [2 ** 40, 'TiB'],
  [2 ** 30, 'GiB'],
  [2 ** 20, 'MiB'],
  [2 ** 10, 'KiB'],
  [1, 'B'],
];

/** go-units Base2Bytes.String(): "555KiB200B", "1MiB", "0B". */
export function formatBase2Bytes(n: number): string {
  if (n === 0) return '0B';
  let out = '';
  let rest = n;
  for (const [size, unit] of BASE2_UNITS) {
    if (rest >= size) {
      const k = Math.floor(rest / size);
      out += `${k}${unit}`;
      rest -= k * size;
    }
  }
  return out;
}

/** Go's time.Unix(sec, 0).UTC().String(): "2023-11-14 22:13:20 +0000 UTC" (milliseconds dropped). */
export function formatGoUTCSeconds(ms: number): string {
  const d = new Date(Math.floor(ms / 1000) * 1000);
  const p = (x: number, w = 2): string => String(x).padStart(w, '0');
  return `${p(d.getUTCFullYear(), 4)}-${p(d.getUTCMonth() + 1)}-${p(d.getUTCDate())} ${p(d.getUTCHours())}:${p(d.getUTCMinutes())}:${p(d.getUTCSeconds())} +0000 UTC`;
}

/**
 * Aligns rows as Go's tabwriter with minwidth 13, padding 2, padded with spaces: every column but the last
 * is as wide as its widest cell + 2, and at least 13.
 */
export function tabulate(rows: readonly (readonly string[])[]): string {
  const widths: number[] = [];
  for (const r of rows) {
    for (let i = 0; i < r.length - 1; i++) widths[i] = Math.max(widths[i] ?? 13, r[i].length + 2, 13);
  }
  return rows
    .map((r) => r.map((c, i) => (i < r.length - 1 ? c.padEnd(widths[i]) : c)).join(''))
    .map((l) => `${l}\n`)
    .join('');
}
