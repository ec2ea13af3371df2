import { type CollectContext, fields, lines, num, type SubCollector } from './context.ts';
import type { FamilyBuilder } from './family-builder.ts';

/**
 * node_memory_<Field>[_bytes] from /proc/meminfo. As node_exporter does: "Active(anon)" becomes
 * "Active_anon", fields in kB are converted to bytes and get "_bytes", unitless ones (HugePages_*) do not.
 */
export const meminfoCollector: SubCollector = {
  name: 'meminfo',
  async collect(ctx: CollectContext, out: FamilyBuilder): Promise<void> {
    const text = await ctx.read(ctx.proc('meminfo'));
    let any = false;
    for (const line of lines(text)) {
      const f = fields(line);
      if (f.length < 2) continue;
      let key = f[0].endsWith(':') ? f[0].slice(0, -1) : f[0];
      key = key.replace(/\((.*)\)/, '_$1');
      let value = num(f[1], `meminfo ${key}`);
      if (f.length === 3) {
        if (f[2] !== 'kB') throw new Error(`meminfo ${key}: unsupported unit ${f[2]}`);
        value *= 1024;
        key += '_bytes';
      }
      out.gauge(`node_memory_${key}`, `Memory information field ${key}.`, value);
      any = true;
    }
    if (!any) throw new Error('meminfo: no fields');
  },
};
