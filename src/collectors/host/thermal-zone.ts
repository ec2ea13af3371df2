import type { CollectContext, SubCollector } from './context.ts';
import type { FamilyBuilder } from './family-builder.ts';

/** node_thermal_zone_temp and node_cooling_device_* from /sys/class/thermal, where the platform has them. */
export const thermalZoneCollector: SubCollector = {
  name: 'thermal_zone',
  async collect(ctx: CollectContext, out: FamilyBuilder): Promise<void> {
    const base = ctx.sys('class/thermal');
    const entries = (await ctx.list(base)).sort();
    const zones = entries.filter((e) => /^thermal_zone\d+$/.test(e));
    const coolers = entries.filter((e) => /^cooling_device\d+$/.test(e));
    const zoneData = await Promise.all(
      zones.map((z) => Promise.all([ctx.readOptional(`${base}/${z}/type`), ctx.readOptional(`${base}/${z}/temp`)])),
    );
    for (let i = 0; i < zones.length; i++) {
      const [type, temp] = zoneData[i];
      if (type === undefined || temp === undefined || temp.trim() === '') continue;
      const milli = Number(temp.trim());
      if (Number.isNaN(milli)) continue;
      const zone = zones[i].slice('thermal_zone'.length);
      out.gauge(
        'node_thermal_zone_temp',
        'Zone temperature in Celsius',
        milli / 1000,
        'type',
        type.trim(),
        'zone',
        zone,
      );
    }
    const coolData = await Promise.all(
      coolers.map((c) =>
        Promise.all([
          ctx.readOptional(`${base}/${c}/type`),
          ctx.readOptional(`${base}/${c}/cur_state`),
          ctx.readOptional(`${base}/${c}/max_state`),
        ]),
      ),
    );
    for (let i = 0; i < coolers.length; i++) {
      const [type, cur, max] = coolData[i];
      if (type === undefined) continue;
      const name = coolers[i].slice('cooling_device'.length);
      const l = ['name', name, 'type', type.trim()];
      if (cur !== undefined && cur.trim() !== '' && !Number.isNaN(Number(cur))) {
        out.gauge('node_cooling_device_cur_state', 'Current throttle state of the cooling device', Number(cur), ...l);
      }
      if (max !== undefined && max.trim() !== '' && !Number.isNaN(Number(max))) {
        out.gauge('node_cooling_device_max_state', 'Maximum throttle state of the cooling device', Number(max), ...l);
      }
    }
  },
};
