import { type CollectContext, fields, lines, type SubCollector } from './context.ts';
import type { FamilyBuilder } from './family-builder.ts';

/** Sums the tx_queue:rx_queue column (hex bytes) over all sockets of /proc/net/udp or udp6. */
function sumQueues(text: string): [tx: number, rx: number] {
  let tx = 0;
  let rx = 0;
  const all = lines(text);
  for (let i = 1; i < all.length; i++) {
    const q = fields(all[i])[4];
    if (q === undefined) continue;
    const colon = q.indexOf(':');
    if (colon < 0) continue;
    tx += Number.parseInt(q.slice(0, colon), 16);
    rx += Number.parseInt(q.slice(colon + 1), 16);
  }
  return [tx, rx];
}

/** node_udp_queues{ip,queue}: memory queued in UDP sockets, per IP version and direction. */
export const udpQueuesCollector: SubCollector = {
  name: 'udp_queues',
  async collect(ctx: CollectContext, out: FamilyBuilder): Promise<void> {
    const [v4, v6] = await Promise.all([ctx.read(ctx.proc('net/udp')), ctx.readOptional(ctx.proc('net/udp6'))]);
    const help = 'Number of allocated memory in the kernel for UDP datagrams in bytes.';
    for (const [ip, text] of [
      ['v4', v4],
      ['v6', v6],
    ] as const) {
      if (text === undefined) continue;
      const [tx, rx] = sumQueues(text);
      out.gauge('node_udp_queues', help, rx, 'ip', ip, 'queue', 'rx');
      out.gauge('node_udp_queues', help, tx, 'ip', ip, 'queue', 'tx');
    }
  },
};
