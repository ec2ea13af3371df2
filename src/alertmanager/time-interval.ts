/**
 * Evaluation of Alertmanager time intervals: a named interval contains an instant when any of its specs
 * does; a spec contains it when every field given (times, days_of_month, months, weekdays, years) does,
 * evaluated in the spec's location (IANA zone through Intl; UTC by default).
 */
import type { NamedTimeInterval, TimeIntervalSpec } from '../config/alertmanager-index.ts';

interface Civil {
  year: number;
  month: number;
  day: number;
  weekday: number;
  minuteOfDay: number;
}

const WEEKDAY: Record<string, number> = { Sun: 0, Mon: 1, Tue: 2, Wed: 3, Thu: 4, Fri: 5, Sat: 6 };
const formatters = new Map<string, Intl.DateTimeFormat>();

function civilTime(t: number, zone: string | undefined): Civil {
  if (zone === undefined) {
    const d = new Date(t);
    return {
      year: d.getUTCFullYear(),
      month: d.getUTCMonth() + 1,
      day: d.getUTCDate(),
      weekday: d.getUTCDay(),
      minuteOfDay: d.getUTCHours() * 60 + d.getUTCMinutes(),
    };
  }
  let f = formatters.get(zone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone: zone,
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      weekday: 'short',
      hour: 'numeric',
      minute: 'numeric',
      hourCycle: 'h23',
    });
    formatters.set(zone, f);
  }
  const c: Civil = { year: 0, month: 0, day: 0, weekday: 0, minuteOfDay: 0 };
  let hour = 0;
  for (const p of f.formatToParts(new Date(t))) {
    if (p.type === 'year') c.year = Number(p.value);
    else if (p.type === 'month') c.month = Number(p.value);
    else if (p.type === 'day') c.day = Number(p.value);
    else if (p.type === 'weekday') c.weekday = WEEKDAY[p.value] ?? 0;
    else if (p.type === 'hour') hour = Number(p.value);
    else if (p.type === 'minute') c.minuteOfDay = Number(p.value);
  }
  c.minuteOfDay += hour * 60;
  return c;
}

function daysInMonth(year: number, month: number): number {
  return new Date(Date.UTC(year, month, 0)).getUTCDate();
}

const clamp = (v: number, lo: number, hi: number) => Math.min(Math.max(v, lo), hi);

export function specContains(spec: TimeIntervalSpec, t: number): boolean {
  const c = civilTime(t, spec.location);
  if (spec.times && !spec.times.some((r) => c.minuteOfDay >= r.start_minute && c.minuteOfDay < r.end_minute))
    return false;
  if (spec.days_of_month) {
    const dim = daysInMonth(c.year, c.month);
    const ok = spec.days_of_month.some((r) => {
      let begin = r.begin < 0 ? dim + r.begin + 1 : r.begin;
      let end = r.end < 0 ? dim + r.end + 1 : r.end;
      // A range starting after the end of this month does not apply to it.
      if (begin > dim) return false;
      begin = clamp(begin, -dim, dim);
      end = clamp(end, -dim, dim);
      return c.day >= begin && c.day <= end;
    });
    if (!ok) return false;
  }
  if (spec.months && !spec.months.some((r) => c.month >= r.begin && c.month <= r.end)) return false;
  if (spec.weekdays && !spec.weekdays.some((r) => c.weekday >= r.begin && c.weekday <= r.end)) return false;
  if (spec.years && !spec.years.some((r) => c.year >= r.begin && c.year <= r.end)) return false;
  return true;
}

export function intervalContains(ti: NamedTimeInterval, t: number): boolean {
  return ti.time_intervals.some((s) => specContains(s, t));
}

/** Looks intervals up by name. */
export class TimeIntervals {
  private readonly byName: Map<string, NamedTimeInterval>;
  constructor(list: readonly NamedTimeInterval[]) {
    this.byName = new Map(list.map((t) => [t.name, t]));
  }
  /** Names among `names` whose interval contains t. */
  containing(names: readonly string[], t: number): string[] {
    const out: string[] = [];
    for (const n of names) {
      const ti = this.byName.get(n);
      if (ti && intervalContains(ti, t)) out.push(n);
    }
    return out;
  }
}
