import { arpCollector } from './arp.ts';
import { conntrackCollector } from './conntrack.ts';
import type { SubCollector } from './context.ts';
import { cpuCollector } from './cpu.ts';
import { cpufreqCollector } from './cpufreq.ts';
import { createDiskstatsCollector } from './diskstats.ts';
import { entropyCollector } from './entropy.ts';
import { filefdCollector } from './filefd.ts';
import { createFilesystemCollector } from './filesystem.ts';
import { hwmonCollector } from './hwmon.ts';
import { loadavgCollector } from './loadavg.ts';
import { meminfoCollector } from './meminfo.ts';
import { createNetclassCollector } from './netclass.ts';
import { createNetdevCollector } from './netdev.ts';
import { createNetstatCollector } from './netstat.ts';
import { osCollector } from './os-release.ts';
import { pressureCollector } from './pressure.ts';
import { selinuxCollector } from './selinux.ts';
import { sockstatCollector } from './sockstat.ts';
import { softnetCollector } from './softnet.ts';
import { statCollector } from './stat.ts';
import { createTextfileCollector, type TextParserFactory } from './textfile.ts';
import { thermalZoneCollector } from './thermal-zone.ts';
import { createTimeCollector } from './time.ts';
import { udpQueuesCollector } from './udp-queues.ts';
import { unameCollector } from './uname.ts';
import { createVmstatCollector } from './vmstat.ts';

/** Tunables matching node_exporter's --collector.* flags; defaults are node_exporter's. */
export interface SubCollectorOptions {
  filesystemMountPointsExclude?: RegExp;
  filesystemFsTypesExclude?: RegExp;
  diskstatsDeviceExclude?: RegExp;
  netdevDeviceExclude?: RegExp;
  netclassDeviceExclude?: RegExp;
  /**
   * node_exporter's --collector.textfile.directory: expose the *.prom files found there. The textfile
   * sub-collector runs only when this and `textfileParser` are both set.
   */
  textfileDirectory?: string;
  /** Text-format parser for the textfile sub-collector, e.g. `(t) => createParser(t, 'text')` from src/exposition. */
  textfileParser?: TextParserFactory;
  /** Called with each sub-collector failure (and each unreadable text file), e.g. to log it. */
  onError?: (collector: string, err: unknown) => void;
  /** Clock for node_time_seconds (tests). */
  now?: () => number;
}

/** Fresh instances of every sub-collector, in node_exporter's (alphabetical) order. */
export function createSubCollectors(opts: SubCollectorOptions = {}): SubCollector[] {
  return [
    arpCollector,
    conntrackCollector,
    cpuCollector,
    cpufreqCollector,
    createDiskstatsCollector(opts.diskstatsDeviceExclude),
    entropyCollector,
    filefdCollector,
    createFilesystemCollector({
      mountPointsExclude: opts.filesystemMountPointsExclude,
      fsTypesExclude: opts.filesystemFsTypesExclude,
    }),
    hwmonCollector,
    loadavgCollector,
    meminfoCollector,
    createNetclassCollector(opts.netclassDeviceExclude),
    createNetdevCollector(opts.netdevDeviceExclude),
    createNetstatCollector(),
    osCollector,
    pressureCollector,
    selinuxCollector,
    sockstatCollector,
    softnetCollector,
    statCollector,
    ...(opts.textfileDirectory !== undefined && opts.textfileParser !== undefined
      ? [
          createTextfileCollector(opts.textfileDirectory, opts.textfileParser, (_file, err) =>
            opts.onError?.('textfile', err),
          ),
        ]
      : []),
    thermalZoneCollector,
    createTimeCollector(opts.now),
    udpQueuesCollector,
    unameCollector,
    createVmstatCollector(),
  ];
}
