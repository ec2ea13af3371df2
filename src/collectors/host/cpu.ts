import { type CollectContext, fields, lines, num, type SubCollector } from './context.ts';
import type { FamilyBuilder } from './family-builder.ts';

/** The kernel reports /proc/stat in USER_HZ ticks, which is 100 on every Linux ABI node_exporter supports. */
const USER_HZ = 100;
const MODES = ['user', 'nice', 'system', 'idle', 'iowait', 'irq', 'softirq', 'steal'] as const;

/** node_cpu_seconds_total and node_cpu_guest_seconds_total from the per-CPU lines of /proc/stat. */
export const cpuCollector: SubCollector = {
  name: 'cpu',
  async collect(ctx: CollectContext, out: FamilyBuilder): Promise<void> {
    const text = await ctx.read(ctx.proc('stat'));
    for (const line of lines(text)) {
      // "cpu" alone is the total; "cpuN" lines are per CPU.
      if (!line.startsWith('cpu') || line.charCodeAt(3) < 48 || line.charCodeAt(3) > 57) continue;
      const f = fields(line);
      const cpu = f[0].slice(3);
      for (let i = 0; i < MODES.length; i++) {
        const v = f[i + 1];
        if (v === undefined) break;
        out.counter(
          'node_cpu_seconds_total',
          'Seconds the CPUs spent in each mode.',
          num(v, 'stat') / USER_HZ,
          'cpu',
          cpu,
          'mode',
          MODES[i],
        );
      }
      if (f.length > 10) {
        const help = 'Seconds the CPUs spent in guests (VMs) for each mode.';
        out.counter('node_cpu_guest_seconds_total', help, num(f[9], 'stat') / USER_HZ, 'cpu', cpu, 'mode', 'user');
        out.counter('node_cpu_guest_seconds_total', help, num(f[10], 'stat') / USER_HZ, 'cpu', cpu, 'mode', 'nice');
      }
    }
  },
};
