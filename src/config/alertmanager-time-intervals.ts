/**
 * Parsing of Alertmanager time intervals (times, weekdays, days_of_month, months, years, location) into
 * numeric ranges, with Alertmanager's validation messages. Evaluation lives in src/alertmanager/time-interval.ts.
 */
import type { RawTimeInterval } from './alertmanager-schema.ts';
import type { InclusiveRange, TimeIntervalSpec } from './alertmanager-types.ts';
import type { ConfigPath, IssueList } from './yaml-errors.ts';

const WEEKDAYS = ['sunday', 'monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday'];
const MONTHS = [
  'january',
  'february',
  'march',
  'april',
  'may',
  'june',
  'july',
  'august',
  'september',
  'october',
  'november',
  'december',
];

type R = InclusiveRange & { text: string };

function splitRange(s: string): [string, string] {
  const i = s.indexOf(':');
  if (i < 0) return [s, s];
  return [s.slice(0, i), s.slice(i + 1)];
}

const INT = /^[+-]?\d+$/;

function parseTime(s: string): number | null {
  const m = /^(\d{2}):(\d{2})$/.exec(s);
  if (!m) return null;
  const h = Number(m[1]);
  const min = Number(m[2]);
  if (h > 24 || min > 59 || (h === 24 && min !== 0)) return null;
  return h * 60 + min;
}

/** Adds issues at `path`; returns the parsed interval. */
export function parseTimeInterval(raw: RawTimeInterval, path: ConfigPath, issues: IssueList): TimeIntervalSpec {
  const out: TimeIntervalSpec = {};
  if (raw.times) {
    out.times = [];
    raw.times.forEach((t, i) => {
      const p = [...path, 'times', i];
      const st = parseTime(t.start_time);
      const et = parseTime(t.end_time);
      if (st === null) {
        issues.add([...p, 'start_time'], `couldn't parse timestamp ${t.start_time}, invalid format`);
        return;
      }
      if (et === null) {
        issues.add([...p, 'end_time'], `couldn't parse timestamp ${t.end_time}, invalid format`);
        return;
      }
      if (st >= et) {
        issues.add(p, 'start time cannot be equal or greater than end time');
        return;
      }
      out.times!.push({ start_minute: st, end_minute: et, start_time: t.start_time, end_time: t.end_time });
    });
  }
  if (raw.weekdays) {
    out.weekdays = [];
    raw.weekdays.forEach((w, i) => {
      const [a, b] = splitRange(w.toLowerCase());
      const s = WEEKDAYS.indexOf(a);
      const e = WEEKDAYS.indexOf(b);
      if (s < 0) {
        issues.add([...path, 'weekdays', i], `${a} is not a valid weekday`);
        return;
      }
      if (e < 0) {
        issues.add([...path, 'weekdays', i], `${b} is not a valid weekday`);
        return;
      }
      if (s > e) {
        issues.add([...path, 'weekdays', i], 'start day cannot be before end day');
        return;
      }
      out.weekdays!.push({ begin: s, end: e, text: w });
    });
  }
  if (raw.days_of_month) {
    out.days_of_month = [];
    raw.days_of_month.forEach((d, i) => {
      const p = [...path, 'days_of_month', i];
      const [a, b] = splitRange(d);
      if (!INT.test(a) || !INT.test(b)) {
        issues.add(p, `invalid range ${d}`);
        return;
      }
      const s = Number(a);
      const e = Number(b);
      if (s === 0 || e === 0) {
        issues.add(p, `0 is not a valid day of the month`);
        return;
      }
      if (Math.abs(s) > 31 || Math.abs(e) > 31) {
        issues.add(p, `${d} is not a valid day of the month: out of range`);
        return;
      }
      // Both positive or both negative must be ordered; mixed signs are resolved per month at evaluation.
      if (Math.sign(s) === Math.sign(e) && s > e) {
        issues.add(p, 'start day cannot be after end day');
        return;
      }
      if (s < 0 && e > 0) {
        issues.add(p, 'end day must be negative if start day is negative');
        return;
      }
      out.days_of_month!.push({ begin: s, end: e, text: d });
    });
  }
  if (raw.months) {
    out.months = [];
    raw.months.forEach((m, i) => {
      const p = [...path, 'months', i];
      const [a, b] = splitRange(m.toLowerCase());
      const month = (x: string) => (INT.test(x) ? Number(x) : MONTHS.indexOf(x) + 1);
      const s = month(a);
      const e = month(b);
      if (s < 1 || s > 12) {
        issues.add(p, `${a} is not a valid month`);
        return;
      }
      if (e < 1 || e > 12) {
        issues.add(p, `${b} is not a valid month`);
        return;
      }
      if (s > e) {
        issues.add(p, 'end month cannot be before start month');
        return;
      }
      out.months!.push({ begin: s, end: e, text: m });
    });
  }
  if (raw.years) {
    out.years = [];
    raw.years.forEach((y, i) => {
      const p = [...path, 'years', i];
      const [a, b] = splitRange(y);
      if (!/^\d+$/.test(a) || !/^\d+$/.test(b)) {
        issues.add(p, `invalid year range ${y}`);
        return;
      }
      const s = Number(a);
      const e = Number(b);
      if (s > e) {
        issues.add(p, 'end year cannot be before start year');
        return;
      }
      out.years!.push({ begin: s, end: e, text: y });
    });
  }
  if (raw.location !== undefined) {
    const loc = raw.location;
    if (loc === 'UTC' || loc === '') out.location = undefined;
    else if (loc === 'Local') out.location = Intl.DateTimeFormat().resolvedOptions().timeZone;
    else {
      try {
        new Intl.DateTimeFormat('en-US', { timeZone: loc });
        out.location = loc;
      } catch {
        issues.add([...path, 'location'], `unknown time zone ${loc}`);
      }
    }
  }
  return out;
}

/** Raw form for printing (inverse of parseTimeInterval). */
export function timeIntervalToRaw(t: TimeIntervalSpec): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  if (t.times) out.times = t.times.map((x) => ({ start_time: x.start_time, end_time: x.end_time }));
  const texts = (rs?: R[]) => rs?.map((r) => r.text);
  if (t.weekdays) out.weekdays = texts(t.weekdays);
  if (t.days_of_month) out.days_of_month = texts(t.days_of_month);
  if (t.months) out.months = texts(t.months);
  if (t.years) out.years = texts(t.years);
  if (t.location) out.location = t.location;
  return out;
}
