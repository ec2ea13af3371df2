import { type CollectContext, fields, lines, num, type SubCollector } from './context.ts';
import type { FamilyBuilder } from './family-builder.ts';

/** Boot time, context switches, forks, interrupts and process counts from /proc/stat. */
export const statCollector: SubCollector = {
  name: 'stat',
  async collect(ctx: CollectContext, out: FamilyBuilder): Promise<void> {
    const text = await ctx.read(ctx.proc('stat'));
    let intr = Number.NaN;
    let ctxt = Number.NaN;
    let forks = Number.NaN;
    let btime = Number.NaN;
    let running = Number.NaN;
    let blocked = Number.NaN;
    for (const line of lines(text)) {
      const sp = line.indexOf(' ');
      if (sp < 0) continue;
      const key = line.slice(0, sp);
      switch (key) {
        case 'intr':
          intr = num(fields(line)[1], 'stat intr');
          break;
        case 'ctxt':
          ctxt = num(fields(line)[1], 'stat ctxt');
          break;
        case 'processes':
          forks = num(fields(line)[1], 'stat processes');
          break;
        case 'btime':
          btime = num(fields(line)[1], 'stat btime');
          break;
        case 'procs_running':
          running = num(fields(line)[1], 'stat procs_running');
          break;
        case 'procs_blocked':
          blocked = num(fields(line)[1], 'stat procs_blocked');
          break;
      }
    }
    if (Number.isNaN(btime)) throw new Error('stat: no btime line');
    out.gauge('node_boot_time_seconds', 'Node boot time, in unixtime.', btime);
    out.counter('node_context_switches_total', 'Total number of context switches.', ctxt);
    out.counter('node_forks_total', 'Total number of forks.', forks);
    out.counter('node_intr_total', 'Total number of interrupts serviced.', intr);
    out.gauge('node_procs_blocked', 'Number of processes blocked waiting for I/O to complete.', blocked);
    out.gauge('node_procs_running', 'Number of processes in runnable state.', running);
  },
};
