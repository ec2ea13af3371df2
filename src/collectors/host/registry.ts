import { arpCollector } from './arp.ts';
import { createCgroupCollector } from './cgroup.ts';
import { conntrackCollector } from './conntrack.ts';
import type { SubCollector } from './context.ts';
import { cpuCollector } from './cpu.ts';
import { cpufreqCollector } from './cpufreq.ts';
import { createDiskstatsCollector } from './diskstats.ts';
import { entropyCollector } from './entropy.ts';
import { filefdCollector } from './filefd.ts';
import { createFilesystemCollector } from './filesystem.ts';
import { createGpuCollector, type GpuCollectorOptions } from './gpu.ts';
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
  /** The `gpu` sub-collector (nvidia-smi); absent GPUs cost nothing. */
  gpu?: GpuCollectorOptions;
  /** Clock for node_time_seconds (tests). */
  now?: () => number;
}

/** Fresh instances of every sub-collector, in node_exporter's (alphabetical) order. */
export function createSubCollectors(opts: SubCollectorOptions = {}): SubCollector[] {
  return [
    arpCollector,
    conntrackCollector,
    // Osprey's own: the cgroup (container) Osprey runs in, with cAdvisor's names.
    createCgroupCollector(),
    cpuCollector,
    cpufreqCollector,
    createDiskstatsCollector(opts.diskstatsDeviceExclude),
    entropyCollector,
    filefdCollector,
    createFilesystemCollector({
      mountPointsExclude: opts.filesystemMountPointsExclude,
      fsTypesExclude: opts.filesystemFsTypesExclude,
    }),
    // Osprey's own: NVIDIA GPUs through nvidia-smi, with dcgm-exporter's names.
    createGpuCollector(opts.gpu),
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

/**
 * node_exporter 1.5's collectors and whether it enables each by default, so its `--[no-]collector.<name>` flags
 * are accepted. Ones Osprey does not implement are accepted and reported as such (see docs/collectors.md).
 */
export const NODE_EXPORTER_COLLECTORS: Readonly<Record<string, boolean>> = {
  arp: true,
  bcache: true,
  bonding: true,
  btrfs: true,
  buddyinfo: false,
  cgroups: false,
  conntrack: true,
  cpu: true,
  cpufreq: true,
  diskstats: true,
  dmi: true,
  drbd: false,
  drm: false,
  edac: true,
  entropy: true,
  ethtool: false,
  fibrechannel: true,
  filefd: true,
  filesystem: true,
  hwmon: true,
  infiniband: true,
  interrupts: false,
  ipvs: true,
  ksmd: false,
  lnstat: false,
  loadavg: true,
  logind: false,
  mdadm: true,
  meminfo: true,
  meminfo_numa: false,
  mountstats: false,
  netclass: true,
  netdev: true,
  netstat: true,
  network_route: false,
  nfs: true,
  nfsd: true,
  ntp: false,
  nvme: true,
  os: true,
  perf: false,
  powersupplyclass: true,
  pressure: true,
  processes: false,
  qdisc: false,
  rapl: true,
  runit: false,
  schedstat: true,
  selinux: true,
  slabinfo: false,
  sockstat: true,
  softnet: true,
  stat: true,
  supervisord: false,
  sysctl: false,
  systemd: false,
  tapestats: true,
  tcpstat: false,
  textfile: true,
  thermal_zone: true,
  time: true,
  timex: true,
  udp_queues: true,
  uname: true,
  vmstat: true,
  wifi: false,
  xfs: true,
  zfs: true,
  zoneinfo: false,
};

/** Every host sub-collector Osprey implements, and whether it runs by default. */
export function hostCollectorDefaults(): Record<string, boolean> {
  const out: Record<string, boolean> = {};
  // textfile runs only with a directory; container is Osprey's own and on by default.
  for (const s of createSubCollectors({ textfileDirectory: '', textfileParser: () => ({}) as never })) {
    out[s.name] = NODE_EXPORTER_COLLECTORS[s.name] ?? true;
  }
  return out;
}

/**
 * node_exporter's `--[no-]collector.<name>` and `--collector.disable-defaults` semantics: `flags` maps a
 * collector name to true (--collector.x), false (--no-collector.x) or undefined (default). Returns the host
 * sub-collectors to run, and names explicitly enabled that Osprey does not implement.
 */
export function selectHostCollectors(
  flags: Readonly<Record<string, boolean | undefined>>,
  disableDefaults = false,
): { enabled: string[]; unimplemented: string[] } {
  const defaults = hostCollectorDefaults();
  const enabled: string[] = [];
  for (const [name, def] of Object.entries(defaults)) {
    const f = flags[name];
    if (f === true || (f === undefined && def && !disableDefaults)) enabled.push(name);
  }
  const unimplemented = Object.keys(flags).filter((n) => flags[n] === true && !(n in defaults));
  return { enabled, unimplemented };
}
