import { type CollectContext, fields, lines, num, type SubCollector } from './context.ts';
import type { FamilyBuilder } from './family-builder.ts';

const RECEIVE = ['bytes', 'packets', 'errs', 'drop', 'fifo', 'frame', 'compressed', 'multicast'];
const TRANSMIT = ['bytes', 'packets', 'errs', 'drop', 'fifo', 'colls', 'carrier', 'compressed'];

/** node_network_{receive,transmit}_*_total per interface from /proc/net/dev. Excludes nothing by default. */
export function createNetdevCollector(deviceExclude?: RegExp): SubCollector {
  return {
    name: 'netdev',
    async collect(ctx: CollectContext, out: FamilyBuilder): Promise<void> {
      const text = await ctx.read(ctx.proc('net/dev'));
      const all = lines(text);
      const rows: { device: string; f: string[] }[] = [];
      // Two header lines: "Inter-|   Receive ..." and " face |bytes ...".
      for (let i = 2; i < all.length; i++) {
        const line = all[i];
        const colon = line.indexOf(':');
        if (colon < 0) continue;
        const device = line.slice(0, colon).trim();
        if (deviceExclude?.test(device)) continue;
        rows.push({ device, f: fields(line.slice(colon + 1)) });
      }
      // node_exporter reads link statistics over netlink, which also has rx_nohandler; sysfs has the same counter.
      const nohandler = await Promise.all(
        rows.map((r) => ctx.readOptional(ctx.sys('class/net', r.device, 'statistics/rx_nohandler'))),
      );
      for (let r = 0; r < rows.length; r++) {
        const { device, f } = rows[r];
        if (f.length < 16) throw new Error(`net/dev: short line for ${device}`);
        for (let j = 0; j < 8; j++) {
          const stat = `receive_${RECEIVE[j]}`;
          out.counter(
            `node_network_${stat}_total`,
            `Network device statistic ${stat}.`,
            num(f[j], 'net/dev'),
            'device',
            device,
          );
        }
        for (let j = 0; j < 8; j++) {
          const stat = `transmit_${TRANSMIT[j]}`;
          out.counter(
            `node_network_${stat}_total`,
            `Network device statistic ${stat}.`,
            num(f[8 + j], 'net/dev'),
            'device',
            device,
          );
        }
        const nh = nohandler[r]?.trim();
        if (nh !== undefined && nh !== '' && !Number.isNaN(Number(nh))) {
          out.counter(
            'node_network_receive_nohandler_total',
            'Network device statistic receive_nohandler.',
            Number(nh),
            'device',
            device,
          );
        }
      }
    },
  };
}
