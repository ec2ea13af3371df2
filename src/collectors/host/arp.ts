import { type CollectContext, fields, lines, type SubCollector } from './context.ts';
import type { FamilyBuilder } from './family-builder.ts';

/** node_arp_entries{device}: neighbour table entries per interface from /proc/net/arp. */
export const arpCollector: SubCollector = {
  name: 'arp',
  async collect(ctx: CollectContext, out: FamilyBuilder): Promise<void> {
    const all = lines(await ctx.read(ctx.proc('net/arp')));
    const counts = new Map<string, number>();
    for (let i = 1; i < all.length; i++) {
      const f = fields(all[i]);
      if (f.length < 6) continue;
      const dev = f[f.length - 1];
      counts.set(dev, (counts.get(dev) ?? 0) + 1);
    }
    for (const [dev, n] of counts) out.gauge('node_arp_entries', 'ARP entries by device', n, 'device', dev);
  },
};
