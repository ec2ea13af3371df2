import { readdir, realpath } from 'node:fs/promises';
import { basename, dirname } from 'node:path';
import type { CollectContext, SubCollector } from './context.ts';
import type { FamilyBuilder } from './family-builder.ts';

/** Sensor types node_exporter names with a unit: [human name for help, unit suffix, divisor of the sysfs value]. */
const TYPES: Record<string, readonly [string, string, number]> = {
  temp: ['temperature', 'celsius', 1000],
  in: ['voltage', 'volts', 1000],
  fan: ['fan speed', 'rpm', 1],
  curr: ['current', 'amps', 1000],
  power: ['power', 'watt', 1e6],
  energy: ['energy', 'joule_total', 1e6],
};

/** "temp1_input" -> type "temp", number "1", property "input". */
const SENSOR_FILE = /^([a-z]+)(\d+)_([a-z_]+)$/;

/** node_exporter's label sanitising: lower case, anything but [a-z0-9:] becomes "_". */
export function sanitize(s: string): string {
  return s
    .trim()
    .toLowerCase()
    .replace(/[^a-z0-9:]/g, '_');
}

/**
 * The chip label: "<parent dir>_<device dir>" of the resolved device link, e.g.
 * /sys/devices/platform/coretemp.0 -> "platform_coretemp_0"; the hwmon directory name when there is no device.
 */
async function chipName(dir: string): Promise<string> {
  try {
    const dev = await realpath(`${dir}/device`);
    return `${sanitize(basename(dirname(dev)))}_${sanitize(basename(dev))}`;
  } catch {
    return sanitize(basename(dir));
  }
}

async function collectChip(ctx: CollectContext, dir: string, out: FamilyBuilder): Promise<void> {
  const chip = await chipName(dir);
  const name = await ctx.readOptional(`${dir}/name`);
  if (name !== undefined && name.trim() !== '') {
    out.gauge(
      'node_hwmon_chip_names',
      'Annotation metric for human-readable chip names',
      1,
      'chip',
      chip,
      'chip_name',
      sanitize(name),
    );
  }
  // Older drivers keep their sensor files under device/.
  let sensorDir = dir;
  let files = (await ctx.list(dir)).filter((f) => SENSOR_FILE.test(f));
  if (files.length === 0) {
    sensorDir = `${dir}/device`;
    files = (await ctx.list(sensorDir)).filter((f) => SENSOR_FILE.test(f));
  }
  files.sort();
  const contents = await Promise.all(files.map((f) => ctx.readOptional(`${sensorDir}/${f}`)));
  for (let i = 0; i < files.length; i++) {
    const text = contents[i]?.trim();
    if (text === undefined || text === '') continue;
    const m = SENSOR_FILE.exec(files[i])!;
    const [, type, num, prop] = m;
    const sensor = `${type}${num}`;
    if (prop === 'label') {
      out.gauge(
        'node_hwmon_sensor_label',
        'Label for given chip and sensor',
        1,
        'chip',
        chip,
        'label',
        sanitize(text),
        'sensor',
        sensor,
      );
      continue;
    }
    const value = Number(text);
    if (Number.isNaN(value)) continue;
    if (prop === 'alarm') {
      out.gauge(
        `node_hwmon_${type}_alarm`,
        `Hardware sensor alarm status (${type})`,
        value,
        'chip',
        chip,
        'sensor',
        sensor,
      );
      continue;
    }
    const t = TYPES[type];
    if (t === undefined) continue;
    const [human, unit, divisor] = t;
    const metric = prop === 'input' ? `node_hwmon_${type}_${unit}` : `node_hwmon_${type}_${prop}_${unit}`;
    out.gauge(metric, `Hardware monitor for ${human} (${prop})`, value / divisor, 'chip', chip, 'sensor', sensor);
  }
}

/** Hardware sensors (temperatures, voltages, fans, ...) from /sys/class/hwmon. */
export const hwmonCollector: SubCollector = {
  name: 'hwmon',
  async collect(ctx: CollectContext, out: FamilyBuilder): Promise<void> {
    const base = ctx.sys('class/hwmon');
    // Like node_exporter, a host without /sys/class/hwmon counts as a failed hwmon collector.
    const chips = (await readdir(base)).filter((e) => /^hwmon\d+$/.test(e)).sort();
    // One chip after another keeps the sample order stable; each chip's files are read concurrently.
    for (const c of chips) await collectChip(ctx, `${base}/${c}`, out);
  },
};
