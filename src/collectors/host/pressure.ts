import { type CollectContext, fields, lines, num, type SubCollector } from './context.ts';
import type { FamilyBuilder } from './family-builder.ts';

/** Parses a PSI file into its "some" and "full" totals, in seconds (the kernel reports microseconds). */
export function parsePressure(text: string): { some?: number; full?: number } {
  const out: { some?: number; full?: number } = {};
  for (const line of lines(text)) {
    const f = fields(line);
    const total = f.find((x) => x.startsWith('total='));
    if (total === undefined) continue;
    const v = num(total.slice(6), 'pressure total') / 1e6;
    if (f[0] === 'some') out.some = v;
    else if (f[0] === 'full') out.full = v;
  }
  return out;
}

/** node_pressure_* from /proc/pressure (PSI, Linux >= 4.20 with CONFIG_PSI). */
export const pressureCollector: SubCollector = {
  name: 'pressure',
  async collect(ctx: CollectContext, out: FamilyBuilder): Promise<void> {
    const [cpu, io, memory] = await Promise.all(
      ['cpu', 'io', 'memory'].map((r) => ctx.read(ctx.proc('pressure', r)).then(parsePressure)),
    );
    if (cpu.some !== undefined) {
      out.counter(
        'node_pressure_cpu_waiting_seconds_total',
        'Total time in seconds that processes have waited for CPU time',
        cpu.some,
      );
    }
    if (io.some !== undefined) {
      out.counter(
        'node_pressure_io_waiting_seconds_total',
        'Total time in seconds that processes have waited due to IO congestion',
        io.some,
      );
    }
    if (io.full !== undefined) {
      out.counter(
        'node_pressure_io_stalled_seconds_total',
        'Total time in seconds no process could make progress due to IO congestion',
        io.full,
      );
    }
    if (memory.some !== undefined) {
      out.counter(
        'node_pressure_memory_waiting_seconds_total',
        'Total time in seconds that processes have waited for memory',
        memory.some,
      );
    }
    if (memory.full !== undefined) {
      out.counter(
        'node_pressure_memory_stalled_seconds_total',
        'Total time in seconds no process could make progress due to memory congestion',
        memory.full,
      );
    }
  },
};
