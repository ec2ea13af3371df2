import { type CollectContext, fields, num, type SubCollector } from './context.ts';
import type { FamilyBuilder } from './family-builder.ts';

/** node_load1/5/15 from /proc/loadavg. */
export const loadavgCollector: SubCollector = {
  name: 'loadavg',
  async collect(ctx: CollectContext, out: FamilyBuilder): Promise<void> {
    const f = fields(await ctx.read(ctx.proc('loadavg')));
    if (f.length < 3) throw new Error('loadavg: unexpected content');
    out.gauge('node_load1', '1m load average.', num(f[0], 'loadavg'));
    out.gauge('node_load5', '5m load average.', num(f[1], 'loadavg'));
    out.gauge('node_load15', '15m load average.', num(f[2], 'loadavg'));
  },
};
