/**
 * Go's time.Time and time.Duration as template values: String() like Go, Format(layout) with Go's
 * reference-time layouts, and time zones through Intl (tz database names such as Europe/Paris).
 */

const MONTHS = [
  'January',
  'February',
  'March',
  'April',
  'May',
  'June',
  'July',
  'August',
  'September',
  'October',
  'November',
  'December',
];
const DAYS = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'];

/** A time zone: UTC, a fixed offset, or an IANA zone resolved through Intl. */
export interface GoLocation {
  name: string;
  /** Offset east of UTC in seconds and the abbreviation, at the given instant (ms since epoch). */
  zoneAt(ms: number): { offset: number; abbrev: string };
}

export const UTC: GoLocation = { name: 'UTC', zoneAt: () => ({ offset: 0, abbrev: 'UTC' }) };

const zoneCache = new Map<string, GoLocation>();

function numericAbbrev(offset: number): string {
  const sign = offset < 0 ? '-' : '+';
  const a = Math.abs(offset);
  const h = Math.floor(a / 3600);
  const m = Math.floor((a % 3600) / 60);
  return `${sign}${String(h).padStart(2, '0')}${m ? String(m).padStart(2, '0') : ''}`;
}

/** time.LoadLocation. Throws Go's "unknown time zone X" error. */
export function loadLocation(name: string): GoLocation {
  if (name === '' || name === 'UTC') return UTC;
  const cached = zoneCache.get(name);
  if (cached) return cached;
  let dtf: Intl.DateTimeFormat;
  try {
    dtf = new Intl.DateTimeFormat('en-US', {
      timeZone: name,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    });
  } catch {
    throw new Error(`unknown time zone ${name}`);
  }
  const shortUS = new Intl.DateTimeFormat('en-US', { timeZone: name, timeZoneName: 'short' });
  const shortGB = new Intl.DateTimeFormat('en-GB', { timeZone: name, timeZoneName: 'short' });
  const loc: GoLocation = {
    name,
    zoneAt(ms: number) {
      const parts: Record<string, number> = {};
      for (const p of dtf.formatToParts(new Date(ms))) if (p.type !== 'literal') parts[p.type] = Number(p.value);
      const asUTC = Date.UTC(parts.year, parts.month - 1, parts.day, parts.hour, parts.minute, parts.second);
      const offset = Math.round((asUTC - Math.floor(ms / 1000) * 1000) / 1000);
      let abbrev = '';
      for (const f of [shortUS, shortGB]) {
        const z = f.formatToParts(new Date(ms)).find((p) => p.type === 'timeZoneName')?.value ?? '';
        if (z && !/^(GMT|UTC)([+-]|$)/.test(z)) {
          abbrev = z;
          break;
        }
      }
      if (!abbrev)
        abbrev = offset === 0 ? (name.startsWith('Etc/') || name === 'GMT' ? 'GMT' : 'UTC') : numericAbbrev(offset);
      return { offset, abbrev };
    },
  };
  zoneCache.set(name, loc);
  return loc;
}

function pad(n: number, w: number, c = '0'): string {
  const s = String(Math.abs(n));
  return (n < 0 ? '-' : '') + (s.length >= w ? s : c.repeat(w - s.length) + s);
}

/** A time.Time: milliseconds since the epoch plus extra nanoseconds, in a location. */
export class GoTime {
  static goTypeName = 'time.Time';
  constructor(
    readonly ms: number,
    readonly loc: GoLocation = UTC,
    /** Nanoseconds beyond the millisecond (0-999999). */
    readonly extraNs = 0,
  ) {}

  static fromDate(d: Date): GoTime {
    return new GoTime(d.getTime());
  }
  /** From float seconds since the epoch, as Prometheus's toTime/humanizeTimestamp do. */
  static fromUnixSeconds(s: number): GoTime {
    const ns = BigInt(Math.trunc(s * 1e9));
    const ms = Number(ns / 1000000n) - (ns % 1000000n < 0n ? 1 : 0);
    let extra = Number(ns % 1000000n);
    if (extra < 0) extra += 1000000;
    return new GoTime(ms, UTC, extra);
  }

  private fields() {
    const { offset, abbrev } = this.loc.zoneAt(this.ms);
    const d = new Date(this.ms + offset * 1000);
    const nanos = (((this.ms % 1000) + 1000) % 1000) * 1e6 + this.extraNs;
    const start = Date.UTC(d.getUTCFullYear(), 0, 1);
    const yday = Math.floor((Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate()) - start) / 86400000) + 1;
    return {
      year: d.getUTCFullYear(),
      month: d.getUTCMonth() + 1,
      day: d.getUTCDate(),
      hour: d.getUTCHours(),
      minute: d.getUTCMinutes(),
      second: d.getUTCSeconds(),
      weekday: d.getUTCDay(),
      yday,
      nanos,
      offset,
      abbrev,
    };
  }

  /** time.Time.Format with a Go reference layout ("2006-01-02 15:04:05"). */
  Format(layout: string): string {
    return formatTime(this.fields(), String(layout));
  }
  String(): string {
    return this.Format('2006-01-02 15:04:05.999999999 -0700 MST');
  }
  toJSON(): string {
    return this.Format('2006-01-02T15:04:05.999999999Z07:00');
  }
  UTC(): GoTime {
    return new GoTime(this.ms, UTC, this.extraNs);
  }
  Local(): GoTime {
    return this;
  }
  In(loc: GoLocation): GoTime {
    return new GoTime(this.ms, loc, this.extraNs);
  }
  Unix(): bigint {
    return BigInt(Math.floor(this.ms / 1000));
  }
  UnixMilli(): bigint {
    return BigInt(Math.floor(this.ms));
  }
  UnixNano(): bigint {
    return BigInt(Math.floor(this.ms)) * 1000000n + BigInt(this.extraNs);
  }
  IsZero(): boolean {
    return this.ms === ZERO_TIME_MS && this.extraNs === 0;
  }
  Year(): bigint {
    return BigInt(this.fields().year);
  }
  Month(): string {
    return MONTHS[this.fields().month - 1];
  }
  Day(): bigint {
    return BigInt(this.fields().day);
  }
  Hour(): bigint {
    return BigInt(this.fields().hour);
  }
  Minute(): bigint {
    return BigInt(this.fields().minute);
  }
  Second(): bigint {
    return BigInt(this.fields().second);
  }
  Weekday(): string {
    return DAYS[this.fields().weekday];
  }
  Add(d: GoDuration): GoTime {
    const ns = BigInt(this.extraNs) + d.ns;
    const msAdd = ns / 1000000n;
    let extra = Number(ns % 1000000n);
    let ms = this.ms + Number(msAdd);
    if (extra < 0) {
      extra += 1000000;
      ms -= 1;
    }
    return new GoTime(ms, this.loc, extra);
  }
  Sub(o: GoTime): GoDuration {
    return new GoDuration(BigInt(Math.round(this.ms - o.ms)) * 1000000n + BigInt(this.extraNs - o.extraNs));
  }
  Before(o: GoTime): boolean {
    return this.ms < o.ms || (this.ms === o.ms && this.extraNs < o.extraNs);
  }
  After(o: GoTime): boolean {
    return o.Before(this);
  }
  Equal(o: GoTime): boolean {
    return this.ms === o.ms && this.extraNs === o.extraNs;
  }
}

/** Go's zero time (January 1, year 1, 00:00:00 UTC) in ms since the Unix epoch. */
export const ZERO_TIME_MS = -62135596800000;

const STD_CHUNKS = [
  'January',
  'Jan',
  'Monday',
  'Mon',
  'MST',
  '2006',
  '2',
  '_2',
  '__2',
  '002',
  '01',
  '02',
  '03',
  '04',
  '05',
  '06',
  '15',
  '1',
  '3',
  '4',
  '5',
  'PM',
  'pm',
  '-07:00:00',
  '-070000',
  '-07:00',
  '-0700',
  '-07',
  'Z07:00:00',
  'Z070000',
  'Z07:00',
  'Z0700',
  'Z07',
];

interface TimeFields {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
  weekday: number;
  yday: number;
  nanos: number;
  offset: number;
  abbrev: string;
}

function formatOffset(offset: number, style: string): string {
  if (style.startsWith('Z') && offset === 0) return 'Z';
  const sign = offset < 0 ? '-' : '+';
  const a = Math.abs(offset);
  const hh = pad(Math.floor(a / 3600), 2);
  const mm = pad(Math.floor((a % 3600) / 60), 2);
  const ss = pad(a % 60, 2);
  const s = style.replace(/^Z/, '-');
  switch (s) {
    case '-07':
      return sign + hh;
    case '-0700':
      return sign + hh + mm;
    case '-07:00':
      return `${sign}${hh}:${mm}`;
    case '-070000':
      return sign + hh + mm + ss;
    default:
      return `${sign}${hh}:${mm}:${ss}`;
  }
}

function formatTime(t: TimeFields, layout: string): string {
  let out = '';
  let i = 0;
  while (i < layout.length) {
    // fractional seconds: .000 / .999 / ,000 (must follow a seconds field or stand alone, like Go)
    if ((layout[i] === '.' || layout[i] === ',') && (layout[i + 1] === '0' || layout[i + 1] === '9')) {
      const ch = layout[i + 1];
      let j = i + 1;
      while (layout[j] === ch) j++;
      if (!(layout[j] >= '0' && layout[j] <= '9')) {
        const n = j - i - 1;
        const digits = String(t.nanos).padStart(9, '0').slice(0, n);
        if (ch === '0') out += layout[i] + digits;
        else {
          const trimmed = digits.replace(/0+$/, '');
          if (trimmed) out += layout[i] + trimmed;
        }
        i = j;
        continue;
      }
    }
    let chunk = '';
    for (const c of STD_CHUNKS) {
      if (layout.startsWith(c, i) && c.length > chunk.length) {
        // "Jan" must not match inside "January" when the longer one also matches (handled by longest-match);
        // Mon/Monday likewise. Go also requires that "Jan"/"Mon" aren't followed by a lowercase letter.
        if ((c === 'Jan' || c === 'Mon') && /[a-z]/.test(layout[i + c.length] ?? '')) continue;
        chunk = c;
      }
    }
    if (!chunk) {
      out += layout[i];
      i++;
      continue;
    }
    i += chunk.length;
    switch (chunk) {
      case 'January':
        out += MONTHS[t.month - 1];
        break;
      case 'Jan':
        out += MONTHS[t.month - 1].slice(0, 3);
        break;
      case 'Monday':
        out += DAYS[t.weekday];
        break;
      case 'Mon':
        out += DAYS[t.weekday].slice(0, 3);
        break;
      case 'MST':
        out += t.abbrev;
        break;
      case '2006':
        out += pad(t.year, 4);
        break;
      case '06':
        out += pad(t.year % 100, 2);
        break;
      case '01':
        out += pad(t.month, 2);
        break;
      case '1':
        out += String(t.month);
        break;
      case '02':
        out += pad(t.day, 2);
        break;
      case '2':
        out += String(t.day);
        break;
      case '_2':
        out += pad(t.day, 2, ' ');
        break;
      case '__2':
        out += pad(t.yday, 3, ' ');
        break;
      case '002':
        out += pad(t.yday, 3);
        break;
      case '15':
        out += pad(t.hour, 2);
        break;
      case '03':
        out += pad(t.hour % 12 === 0 ? 12 : t.hour % 12, 2);
        break;
      case '3':
        out += String(t.hour % 12 === 0 ? 12 : t.hour % 12);
        break;
      case '04':
        out += pad(t.minute, 2);
        break;
      case '4':
        out += String(t.minute);
        break;
      case '05':
        out += pad(t.second, 2);
        break;
      case '5':
        out += String(t.second);
        break;
      case 'PM':
        out += t.hour >= 12 ? 'PM' : 'AM';
        break;
      case 'pm':
        out += t.hour >= 12 ? 'pm' : 'am';
        break;
      default:
        out += formatOffset(t.offset, chunk);
    }
  }
  return out;
}

/** A time.Duration in nanoseconds. %d prints the count; %v and {{.}} print String(). */
export class GoDuration {
  static goTypeName = 'time.Duration';
  constructor(readonly ns: bigint) {}

  static fromSeconds(s: number): GoDuration {
    return new GoDuration(BigInt(Math.trunc(s * 1e9)));
  }

  String(): string {
    return formatGoDuration(this.ns);
  }
  Seconds(): number {
    return Number(this.ns) / 1e9;
  }
  Minutes(): number {
    return Number(this.ns) / 6e10;
  }
  Hours(): number {
    return Number(this.ns) / 3.6e12;
  }
  Milliseconds(): bigint {
    return this.ns / 1000000n;
  }
  Nanoseconds(): bigint {
    return this.ns;
  }
}

function fracString(v: bigint, prec: number): string {
  // v units with `prec` decimal digits: integer part and trimmed fraction
  const base = 10n ** BigInt(prec);
  const ip = v / base;
  let fp = (v % base).toString().padStart(prec, '0').replace(/0+$/, '');
  if (fp) fp = `.${fp}`;
  return ip.toString() + fp;
}

/** time.Duration.String: "1h2m3.5s", "1.5ms", "0s". */
export function formatGoDuration(ns: bigint): string {
  if (ns === 0n) return '0s';
  const neg = ns < 0n;
  let u = neg ? -ns : ns;
  let s: string;
  if (u < 1000000000n) {
    if (u < 1000n) s = `${u}ns`;
    else if (u < 1000000n) s = `${fracString(u, 3)}µs`;
    else s = `${fracString(u, 6)}ms`;
  } else {
    const secs = u % 60000000000n;
    s = `${fracString(secs, 9)}s`;
    u /= 60000000000n;
    if (u > 0n) {
      s = `${u % 60n}m${s}`;
      u /= 60n;
      if (u > 0n) s = `${u}h${s}`;
    }
  }
  return neg ? `-${s}` : s;
}
