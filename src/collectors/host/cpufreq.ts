import type { CollectContext, SubCollector } from './context.ts';
import type { FamilyBuilder } from './family-builder.ts';

/** [sysfs file under cpuN/cpufreq, metric name, help]; sysfs values are kHz. */
const FILES: ReadonlyArray<readonly [string, string, string]> = [
  ['cpuinfo_cur_freq', 'node_cpu_frequency_hertz', 'Current cpu thread frequency in hertz.'],
  ['cpuinfo_max_freq', 'node_cpu_frequency_max_hertz', 'Maximum cpu thread frequency in hertz.'],
  ['cpuinfo_min_freq', 'node_cpu_frequency_min_hertz', 'Minimum cpu thread frequency in hertz.'],
  ['scaling_cur_freq', 'node_cpu_scaling_frequency_hertz', 'Current scaled CPU thread frequency in hertz.'],
  ['scaling_max_freq', 'node_cpu_scaling_frequency_max_hertz', 'Maximum scaled CPU thread frequency in hertz.'],
  ['scaling_min_freq', 'node_cpu_scaling_frequency_min_hertz', 'Minimum scaled CPU thread frequency in hertz.'],
];

/** CPU frequencies from /sys/devices/system/cpu/cpuN/cpufreq, where the platform has them. */
export const cpufreqCollector: SubCollector = {
  name: 'cpufreq',
  async collect(ctx: CollectContext, out: FamilyBuilder): Promise<void> {
    const base = ctx.sys('devices/system/cpu');
    const cpus = (await ctx.list(base)).filter((e) => /^cpu\d+$/.test(e));
    cpus.sort((a, b) => Number(a.slice(3)) - Number(b.slice(3)));
    const values = await Promise.all(
      cpus.map((c) => Promise.all(FILES.map(([file]) => ctx.readOptional(`${base}/${c}/cpufreq/${file}`)))),
    );
    for (let i = 0; i < cpus.length; i++) {
      const cpu = cpus[i].slice(3);
      for (let j = 0; j < FILES.length; j++) {
        const text = values[i][j];
        if (text === undefined) continue;
        const khz = Number(text.trim());
        if (text.trim() === '' || Number.isNaN(khz)) continue;
        out.gauge(FILES[j][1], FILES[j][2], khz * 1000, 'cpu', cpu);
      }
    }
  },
};
