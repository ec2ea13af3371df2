import { type CollectContext, num, type SubCollector } from './context.ts';
import type { FamilyBuilder } from './family-builder.ts';

/** node_entropy_available_bits and node_entropy_pool_size_bits from /proc/sys/kernel/random. */
export const entropyCollector: SubCollector = {
  name: 'entropy',
  async collect(ctx: CollectContext, out: FamilyBuilder): Promise<void> {
    const [avail, pool] = await Promise.all([
      ctx.read(ctx.proc('sys/kernel/random/entropy_avail')),
      ctx.read(ctx.proc('sys/kernel/random/poolsize')),
    ]);
    out.gauge('node_entropy_available_bits', 'Bits of available entropy.', num(avail.trim(), 'entropy_avail'));
    out.gauge('node_entropy_pool_size_bits', 'Bits of entropy pool.', num(pool.trim(), 'poolsize'));
  },
};
