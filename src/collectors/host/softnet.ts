import { type CollectContext, fields, lines, type SubCollector } from './context.ts';
import type { FamilyBuilder } from './family-builder.ts';

/** node_softnet_* per CPU from /proc/net/softnet_stat (hexadecimal columns, one line per CPU). */
export const softnetCollector: SubCollector = {
  name: 'softnet',
  async collect(ctx: CollectContext, out: FamilyBuilder): Promise<void> {
    const all = lines(await ctx.read(ctx.proc('net/softnet_stat')));
    for (let i = 0; i < all.length; i++) {
      const f = fields(all[i]);
      if (f.length < 3) throw new Error(`softnet_stat: short line ${i + 1}`);
      const cpu = String(i);
      out.counter('node_softnet_processed_total', 'Number of processed packets', Number.parseInt(f[0], 16), 'cpu', cpu);
      out.counter('node_softnet_dropped_total', 'Number of dropped packets', Number.parseInt(f[1], 16), 'cpu', cpu);
      out.counter(
        'node_softnet_times_squeezed_total',
        'Number of times processing packets ran out of quota',
        Number.parseInt(f[2], 16),
        'cpu',
        cpu,
      );
    }
  },
};
