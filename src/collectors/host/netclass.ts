import type { CollectContext, SubCollector } from './context.ts';
import type { FamilyBuilder } from './family-builder.ts';

/** Non-numeric attributes carried as node_network_info labels, in label order. */
const INFO = ['address', 'broadcast', 'duplex', 'ifalias', 'operstate'] as const;

/** [sysfs attribute, metric suffix, is counter, scale]. speed is Mbit/s, reported in bytes/s. */
const NUMERIC: ReadonlyArray<readonly [string, string, boolean, number]> = [
  ['addr_assign_type', 'address_assign_type', false, 1],
  ['carrier', 'carrier', false, 1],
  ['carrier_changes', 'carrier_changes_total', true, 1],
  ['carrier_up_count', 'carrier_up_changes_total', true, 1],
  ['carrier_down_count', 'carrier_down_changes_total', true, 1],
  ['dev_id', 'device_id', false, 1],
  ['dormant', 'dormant', false, 1],
  ['flags', 'flags', false, 1],
  ['ifindex', 'iface_id', false, 1],
  ['iflink', 'iface_link', false, 1],
  ['link_mode', 'iface_link_mode', false, 1],
  ['mtu', 'mtu_bytes', false, 1],
  ['name_assign_type', 'name_assign_type', false, 1],
  ['netdev_group', 'net_dev_group', false, 1],
  ['speed', 'speed_bytes', false, 125000],
  ['tx_queue_len', 'transmit_queue_length', false, 1],
  ['type', 'protocol_type', false, 1],
];

const ATTRS = [...INFO, ...NUMERIC.map((n) => n[0])];

/** node_network_info, node_network_up and the numeric /sys/class/net/<iface> properties. */
export function createNetclassCollector(deviceExclude?: RegExp): SubCollector {
  return {
    name: 'netclass',
    async collect(ctx: CollectContext, out: FamilyBuilder): Promise<void> {
      const base = ctx.sys('class/net');
      const devices = (await ctx.list(base)).filter((d) => !deviceExclude?.test(d)).sort();
      // Attributes a device does not support fail with EINVAL (e.g. speed of a down link); they are skipped.
      const values = await Promise.all(
        devices.map((d) => Promise.all(ATTRS.map((a) => ctx.readOptional(`${base}/${d}/${a}`)))),
      );
      for (let i = 0; i < devices.length; i++) {
        const device = devices[i];
        const v = values[i];
        // Plain files such as bonding_masters are not devices.
        if (v.every((x) => x === undefined)) continue;
        const info = ['device', device];
        for (let j = 0; j < INFO.length; j++) info.push(INFO[j], (v[j] ?? '').trim());
        out.gauge('node_network_info', 'Non-numeric data from /sys/class/net/<iface>, value is always 1.', 1, ...info);
        const operstate = (v[INFO.indexOf('operstate')] ?? '').trim();
        out.gauge(
          'node_network_up',
          "Value is 1 if operstate is 'up', 0 otherwise.",
          operstate === 'up' ? 1 : 0,
          'device',
          device,
        );
        for (let j = 0; j < NUMERIC.length; j++) {
          const text = v[INFO.length + j]?.trim();
          if (text === undefined || text === '') continue;
          // Number() accepts the "0x..." hex that flags and dev_id use.
          const n = Number(text);
          if (Number.isNaN(n)) continue;
          const [, suffix, isCounter, scale] = NUMERIC[j];
          out.add(
            `node_network_${suffix}`,
            isCounter ? 'counter' : 'gauge',
            `Network device property: ${suffix}`,
            n * scale,
            'device',
            device,
          );
        }
      }
    },
  };
}
