export {
  CgroupFsCache,
  type CgroupStats,
  createCgroupCollector,
  emitCgroupStats,
  parseProcCgroup,
  readCgroupStats,
} from './cgroup.ts';
export { DEFAULT_DISK_DEVICE_EXCLUDE } from './diskstats.ts';
export { DEFAULT_FS_TYPES_EXCLUDE, DEFAULT_MOUNT_POINTS_EXCLUDE } from './filesystem.ts';
export { createGpuCollector, emitNvidiaSmi, type GpuCollectorOptions, NVIDIA_SMI_QUERY } from './gpu.ts';
export { HostCollector, type HostCollectorOptions } from './host-collector.ts';
export type { SubCollectorOptions } from './registry.ts';
export { hostCollectorDefaults, NODE_EXPORTER_COLLECTORS, selectHostCollectors } from './registry.ts';
export type { TextParserFactory } from './textfile.ts';
