import { type CollectContext, fields, lines, num, type SubCollector } from './context.ts';
import type { FamilyBuilder } from './family-builder.ts';

const STATS: ReadonlyArray<readonly [string, string]> = [
  ['found', 'Number of searched entries which were successful.'],
  ['invalid', 'Number of packets seen which can not be tracked.'],
  ['ignore', 'Number of packets seen which are already connected to a conntrack entry.'],
  ['insert', 'Number of entries inserted into the list.'],
  ['insert_failed', 'Number of entries for which list insertion was attempted but failed.'],
  ['drop', 'Number of packets dropped due to conntrack failure.'],
  ['early_drop', 'Number of dropped conntrack entries to make room for new ones, if maximum table size was reached.'],
  ['search_restart', 'Number of conntrack table lookups which had to be restarted due to hashtable resizes.'],
];

/** node_nf_conntrack_* when the netfilter conntrack module is loaded; fails (like node_exporter) when it is not. */
export const conntrackCollector: SubCollector = {
  name: 'conntrack',
  async collect(ctx: CollectContext, out: FamilyBuilder): Promise<void> {
    const [count, max, stat] = await Promise.all([
      ctx.read(ctx.proc('sys/net/netfilter/nf_conntrack_count')),
      ctx.read(ctx.proc('sys/net/netfilter/nf_conntrack_max')),
      ctx.readOptional(ctx.proc('net/stat/nf_conntrack')),
    ]);
    out.gauge(
      'node_nf_conntrack_entries',
      'Number of currently allocated flow entries for connection tracking.',
      num(count.trim(), 'nf_conntrack_count'),
    );
    out.gauge(
      'node_nf_conntrack_entries_limit',
      'Maximum size of connection tracking table.',
      num(max.trim(), 'nf_conntrack_max'),
    );
    if (stat === undefined) return;
    // Header names the columns; each following line is one CPU, in hex. Sum over CPUs.
    const all = lines(stat);
    if (all.length < 2) return;
    const header = fields(all[0]);
    const sums = new Float64Array(header.length);
    for (let i = 1; i < all.length; i++) {
      const f = fields(all[i]);
      for (let j = 0; j < header.length && j < f.length; j++) sums[j] += Number.parseInt(f[j], 16);
    }
    for (const [name, help] of STATS) {
      const j = header.indexOf(name);
      if (j >= 0) out.gauge(`node_nf_conntrack_stat_${name}`, help, sums[j]);
    }
  },
};
