import { type CollectContext, fields, type SubCollector } from './context.ts';
import type { FamilyBuilder } from './family-builder.ts';

let zoneFormat: Intl.DateTimeFormat | undefined;

/** The short zone name ("UTC", "CET"), falling back to the IANA name when the locale has no abbreviation. */
function zoneName(d: Date): string {
  // Building a DateTimeFormat is expensive; one is enough for the process.
  zoneFormat ??= new Intl.DateTimeFormat('en-US', { timeZoneName: 'short' });
  const part = zoneFormat.formatToParts(d).find((p) => p.type === 'timeZoneName')?.value;
  if (part !== undefined && !part.startsWith('GMT')) return part;
  if (d.getTimezoneOffset() === 0 && (part === 'GMT' || part === undefined)) return 'UTC';
  return Intl.DateTimeFormat().resolvedOptions().timeZone;
}

/** node_time_seconds, node_time_zone_offset_seconds and the clocksource info from sysfs. */
export function createTimeCollector(now: () => number = Date.now): SubCollector {
  return {
    name: 'time',
    async collect(ctx: CollectContext, out: FamilyBuilder): Promise<void> {
      const ms = now();
      const d = new Date(ms);
      out.gauge('node_time_seconds', 'System time in seconds since epoch (1970).', ms / 1000);
      out.gauge(
        'node_time_zone_offset_seconds',
        'System time zone offset in seconds.',
        -d.getTimezoneOffset() * 60,
        'time_zone',
        zoneName(d),
      );
      const base = ctx.sys('devices/system/clocksource');
      const devices = (await ctx.list(base)).filter((e) => /^clocksource\d+$/.test(e)).sort();
      for (const dev of devices) {
        const id = dev.slice('clocksource'.length);
        const [available, current] = await Promise.all([
          ctx.readOptional(`${base}/${dev}/available_clocksource`),
          ctx.readOptional(`${base}/${dev}/current_clocksource`),
        ]);
        for (const cs of fields(available ?? '')) {
          out.gauge(
            'node_time_clocksource_available_info',
            "Available clocksources read from '/sys/devices/system/clocksource'.",
            1,
            'clocksource',
            cs,
            'device',
            id,
          );
        }
        const cur = (current ?? '').trim();
        if (cur !== '') {
          out.gauge(
            'node_time_clocksource_current_info',
            "Current clocksource read from '/sys/devices/system/clocksource'.",
            1,
            'clocksource',
            cur,
            'device',
            id,
          );
        }
      }
    },
  };
}
