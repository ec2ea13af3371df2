/**
 * Durations as Prometheus parses and prints them (model.ParseDuration / Duration.String):
 * units y w d h m s ms, each at most once and in decreasing order; no fractions; milliseconds precision.
 */
const UNITS: [string, number][] = [
  ['y', 365 * 24 * 3600 * 1000],
  ['w', 7 * 24 * 3600 * 1000],
  ['d', 24 * 3600 * 1000],
  ['h', 3600 * 1000],
  ['m', 60 * 1000],
  ['s', 1000],
  ['ms', 1],
];

const DURATION_RE = /^(?:(\d+)y)?(?:(\d+)w)?(?:(\d+)d)?(?:(\d+)h)?(?:(\d+)m)?(?:(\d+)s)?(?:(\d+)ms)?$/;

export class DurationError extends Error {}

/** Parses a Prometheus duration into milliseconds. Throws DurationError. */
export function parseDuration(s: string): number {
  if (s === '0') return 0;
  if (s === '') throw new DurationError('empty duration string');
  const m = DURATION_RE.exec(s);
  if (!m) throw new DurationError(`not a valid duration string: ${JSON.stringify(s)}`);
  let total = 0;
  for (let i = 0; i < UNITS.length; i++) {
    const g = m[i + 1];
    if (g !== undefined) total += Number(g) * UNITS[i][1];
  }
  if (total > Number.MAX_SAFE_INTEGER) throw new DurationError('duration out of range');
  return total;
}

/** Formats milliseconds as Prometheus prints a duration: 1h30m, 90s -> 1m30s, 0 -> 0s. */
export function formatDuration(ms: number): string {
  if (ms === 0) return '0s';
  let out = '';
  let rest = ms;
  if (rest < 0) {
    out = '-';
    rest = -rest;
  }
  for (const [u, size] of UNITS) {
    // Prometheus prints weeks and years only when they divide evenly (the whole remainder).
    if ((u === 'y' || u === 'w') && rest % size !== 0) continue;
    const n = Math.floor(rest / size);
    if (n > 0) {
      out += `${n}${u}`;
      rest -= n * size;
    }
  }
  return out;
}
