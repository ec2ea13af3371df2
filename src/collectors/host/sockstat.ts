import { type CollectContext, fields, lines, num, type SubCollector } from './context.ts';
import type { FamilyBuilder } from './family-builder.ts';

/**
 * "mem" in sockstat is in pages. Node has no getpagesize(); 4096 is the page size on x86-64 and
 * the default on arm64, which covers the platforms Osprey runs on.
 */
const PAGE_SIZE = 4096;

function emit(text: string, out: FamilyBuilder): void {
  for (const line of lines(text)) {
    const f = fields(line);
    if (f.length < 3 || !f[0].endsWith(':')) continue;
    const proto = f[0].slice(0, -1);
    for (let i = 1; i + 1 < f.length; i += 2) {
      const key = f[i];
      const v = num(f[i + 1], `sockstat ${proto} ${key}`);
      if (proto === 'sockets' && key === 'used') {
        out.gauge('node_sockstat_sockets_used', 'Number of IPv4 sockets in use.', v);
        continue;
      }
      out.gauge(`node_sockstat_${proto}_${key}`, `Number of ${proto} sockets in state ${key}.`, v);
      if (key === 'mem') {
        out.gauge(`node_sockstat_${proto}_mem_bytes`, `Number of ${proto} sockets in state mem_bytes.`, v * PAGE_SIZE);
      }
    }
  }
}

/** node_sockstat_* from /proc/net/sockstat and, when IPv6 is present, sockstat6. */
export const sockstatCollector: SubCollector = {
  name: 'sockstat',
  async collect(ctx: CollectContext, out: FamilyBuilder): Promise<void> {
    const [v4, v6] = await Promise.all([
      ctx.read(ctx.proc('net/sockstat')),
      ctx.readOptional(ctx.proc('net/sockstat6')),
    ]);
    emit(v4, out);
    if (v6 !== undefined) emit(v6, out);
  },
};
