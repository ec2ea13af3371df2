import { type CollectContext, fields, lines, num, type SubCollector } from './context.ts';
import type { FamilyBuilder } from './family-builder.ts';

/** node_exporter's default --collector.diskstats.device-exclude: partitions, ram, loop and floppy devices. */
export const DEFAULT_DISK_DEVICE_EXCLUDE = /^(ram|loop|fd|(h|s|v|xv)d[a-z]|nvme\d+n\d+p)\d+$/;

/** /proc/diskstats sectors are always 512 bytes, whatever the device's sector size. */
const SECTOR_BYTES = 512;

type Kind = 'counter' | 'gauge';
/** One entry per /proc/diskstats column after the device name: [name, kind, help, scale]. */
const COLUMNS: ReadonlyArray<readonly [string, Kind, string, number]> = [
  ['node_disk_reads_completed_total', 'counter', 'The total number of reads completed successfully.', 1],
  ['node_disk_reads_merged_total', 'counter', 'The total number of reads merged.', 1],
  ['node_disk_read_bytes_total', 'counter', 'The total number of bytes read successfully.', SECTOR_BYTES],
  ['node_disk_read_time_seconds_total', 'counter', 'The total number of seconds spent by all reads.', 0.001],
  ['node_disk_writes_completed_total', 'counter', 'The total number of writes completed successfully.', 1],
  ['node_disk_writes_merged_total', 'counter', 'The number of writes merged.', 1],
  ['node_disk_written_bytes_total', 'counter', 'The total number of bytes written successfully.', SECTOR_BYTES],
  ['node_disk_write_time_seconds_total', 'counter', 'This is the total number of seconds spent by all writes.', 0.001],
  ['node_disk_io_now', 'gauge', 'The number of I/Os currently in progress.', 1],
  ['node_disk_io_time_seconds_total', 'counter', 'Total seconds spent doing I/Os.', 0.001],
  ['node_disk_io_time_weighted_seconds_total', 'counter', 'The weighted # of seconds spent doing I/Os.', 0.001],
  ['node_disk_discards_completed_total', 'counter', 'The total number of discards completed successfully.', 1],
  ['node_disk_discards_merged_total', 'counter', 'The total number of discards merged.', 1],
  ['node_disk_discarded_sectors_total', 'counter', 'The total number of sectors discarded successfully.', 1],
  [
    'node_disk_discard_time_seconds_total',
    'counter',
    'This is the total number of seconds spent by all discards.',
    0.001,
  ],
  ['node_disk_flush_requests_total', 'counter', 'The total number of flush requests completed successfully', 1],
  [
    'node_disk_flush_requests_time_seconds_total',
    'counter',
    'This is the total number of seconds spent by all flush requests.',
    0.001,
  ],
];

/** udev properties that node_disk_info carries, by label. */
const UDEV_LABELS: ReadonlyArray<readonly [string, string]> = [
  ['model', 'ID_MODEL'],
  ['path', 'ID_PATH'],
  ['revision', 'ID_REVISION'],
  ['serial', 'ID_SERIAL_SHORT'],
  ['wwn', 'ID_WWN'],
];

function parseUdev(text: string | undefined): Map<string, string> {
  const props = new Map<string, string>();
  if (text === undefined) return props;
  for (const line of lines(text)) {
    if (!line.startsWith('E:')) continue;
    const eq = line.indexOf('=');
    if (eq > 2) props.set(line.slice(2, eq), line.slice(eq + 1));
  }
  return props;
}

export function createDiskstatsCollector(deviceExclude: RegExp = DEFAULT_DISK_DEVICE_EXCLUDE): SubCollector {
  return {
    name: 'diskstats',
    async collect(ctx: CollectContext, out: FamilyBuilder): Promise<void> {
      const text = await ctx.read(ctx.proc('diskstats'));
      const rows = lines(text)
        .map(fields)
        .filter((f) => f.length >= 14 && !deviceExclude.test(f[2]));
      const udev = await Promise.all(
        rows.map((f) => ctx.readOptional(ctx.rootfs('run/udev/data', `b${f[0]}:${f[1]}`))),
      );
      for (let r = 0; r < rows.length; r++) {
        const f = rows[r];
        const device = f[2];
        const props = parseUdev(udev[r]);
        const info = ['device', device, 'major', f[0], 'minor', f[1]];
        for (const [label, prop] of UDEV_LABELS) info.push(label, props.get(prop) ?? '');
        out.gauge('node_disk_info', 'Info of /sys/block/<block_device>.', 1, ...info);
        for (let i = 0; i < COLUMNS.length && i + 3 < f.length; i++) {
          const [name, kind, help, scale] = COLUMNS[i];
          out.add(name, kind, help, num(f[i + 3], `diskstats ${device}`) * scale, 'device', device);
        }
      }
    },
  };
}
