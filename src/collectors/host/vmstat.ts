import { type CollectContext, fields, lines, num, type SubCollector } from './context.ts';
import type { FamilyBuilder } from './family-builder.ts';

/** node_exporter's default --collector.vmstat.fields. */
export const DEFAULT_VMSTAT_FIELDS = /^(oom_kill|pgpg|pswp|pg.*fault).*/;

/** Selected /proc/vmstat counters as untyped node_vmstat_<field>, as node_exporter exposes them. */
export function createVmstatCollector(include: RegExp = DEFAULT_VMSTAT_FIELDS): SubCollector {
  return {
    name: 'vmstat',
    async collect(ctx: CollectContext, out: FamilyBuilder): Promise<void> {
      for (const line of lines(await ctx.read(ctx.proc('vmstat')))) {
        const f = fields(line);
        if (f.length !== 2 || !include.test(f[0])) continue;
        out.untyped(`node_vmstat_${f[0]}`, `/proc/vmstat information field ${f[0]}.`, num(f[1], `vmstat ${f[0]}`));
      }
    },
  };
}
