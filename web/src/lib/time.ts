// Durations and timestamps as the Prometheus UI writes them: "1h", "1d2h", "30s"; end times as "YYYY-MM-DD HH:mm:ss" (UTC).

const UNITS: Record<string, number> = {
  ms: 1,
  s: 1000,
  m: 60_000,
  h: 3_600_000,
  d: 86_400_000,
  w: 604_800_000,
  y: 31_536_000_000,
};
const DUR_RE = /^((\d+)y)?((\d+)w)?((\d+)d)?((\d+)h)?((\d+)m)?((\d+)s)?((\d+)ms)?$/;

/** Parses a Prometheus duration ("1h30m") into ms; null when invalid. A bare number is seconds. */
export function parseDuration(s: string): number | null {
  s = s.trim();
  if (s === '') return null;
  if (/^\d+(\.\d+)?$/.test(s)) return Number(s) * 1000;
  const m = DUR_RE.exec(s);
  if (!m) return null;
  const parts: [number, string][] = [
    [2, 'y'],
    [4, 'w'],
    [6, 'd'],
    [8, 'h'],
    [10, 'm'],
    [12, 's'],
    [14, 'ms'],
  ];
  let ms = 0;
  for (const [i, u] of parts) if (m[i]) ms += Number(m[i]) * UNITS[u];
  return ms > 0 ? ms : null;
}

export function formatDuration(ms: number): string {
  if (ms <= 0) return '0s';
  let out = '';
  for (const u of ['y', 'w', 'd', 'h', 'm', 's', 'ms']) {
    const n = Math.floor(ms / UNITS[u]);
    if (n > 0) {
      out += `${n}${u}`;
      ms -= n * UNITS[u];
    }
  }
  return out;
}

const pad = (n: number, w = 2) => String(n).padStart(w, '0');

/** "2024-01-02 15:04:05" in UTC, as Prometheus's end_input. */
export function formatTime(ms: number): string {
  const d = new Date(ms);
  return `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())} ${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())}`;
}

/** Parses end_input: "YYYY-MM-DD HH:mm[:ss]" as UTC, RFC3339, or unix seconds. */
export function parseTime(s: string): number | null {
  s = s.trim();
  if (!s) return null;
  if (/^\d+(\.\d+)?$/.test(s)) return Number(s) * 1000;
  const m = /^(\d{4})-(\d{2})-(\d{2})[ T](\d{2}):(\d{2})(?::(\d{2}))?$/.exec(s);
  if (m) return Date.UTC(+m[1], +m[2] - 1, +m[3], +m[4], +m[5], +(m[6] ?? 0));
  const t = Date.parse(s);
  return Number.isNaN(t) ? null : t;
}

/** "3m 12s ago"-style relative time. */
export function ago(ms: number, now = Date.now()): string {
  const d = now - ms;
  if (!Number.isFinite(d)) return '-';
  if (Math.abs(d) < 1000) return 'just now';
  const s = formatDurationShort(Math.abs(d));
  return d >= 0 ? `${s} ago` : `in ${s}`;
}

export function formatDurationShort(ms: number): string {
  if (ms < 1000) return `${Math.round(ms)}ms`;
  const s = Math.floor(ms / 1000);
  const parts: string[] = [];
  const d = Math.floor(s / 86400);
  const h = Math.floor((s % 86400) / 3600);
  const m = Math.floor((s % 3600) / 60);
  const sec = s % 60;
  if (d) parts.push(`${d}d`);
  if (h) parts.push(`${h}h`);
  if (m && !d) parts.push(`${m}m`);
  if (sec && !d && !h) parts.push(`${sec}s`);
  return parts.join(' ') || '0s';
}

/** Seconds as "1.234s" / "12.3ms" (scrape durations). */
export function formatSeconds(sec: number): string {
  if (!Number.isFinite(sec)) return '-';
  if (sec >= 1) return `${sec.toFixed(3)}s`;
  return `${(sec * 1000).toFixed(1)}ms`;
}

/** Prometheus's default step: range / 250, at least 1s, rounded to whole seconds. */
export function autoStep(rangeMs: number, width = 250): number {
  return Math.max(1, Math.ceil(rangeMs / 1000 / width));
}
