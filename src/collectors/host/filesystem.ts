import { statfs } from 'node:fs/promises';
import { type CollectContext, fields, lines, type SubCollector } from './context.ts';
import type { FamilyBuilder } from './family-builder.ts';

/** node_exporter's default --collector.filesystem.mount-points-exclude. */
export const DEFAULT_MOUNT_POINTS_EXCLUDE =
  /^\/(dev|proc|run\/credentials\/.+|sys|var\/lib\/docker\/.+|var\/lib\/containers\/storage\/.+)($|\/)/;
/** node_exporter's default --collector.filesystem.fs-types-exclude. */
export const DEFAULT_FS_TYPES_EXCLUDE =
  /^(autofs|binfmt_misc|bpf|cgroup2?|configfs|debugfs|devpts|devtmpfs|fusectl|hugetlbfs|iso9660|mqueue|nsfs|overlay|proc|procfs|pstore|rpc_pipefs|securityfs|selinuxfs|squashfs|sysfs|tracefs)$/;

/** statfs calls slower than this mark the mount point stuck, as node_exporter's mount timeout does. */
const STATFS_TIMEOUT_MS = 5000;

export interface Mount {
  device: string;
  mountPoint: string;
  fsType: string;
  options: string;
}

export interface FilesystemOptions {
  mountPointsExclude?: RegExp;
  fsTypesExclude?: RegExp;
  statfsTimeoutMs?: number;
  /** statfs(2); replaceable in tests. */
  statfs?: (path: string) => Promise<StatFsResult>;
}

/** The statfs(2) fields node_filesystem_* uses. */
export interface StatFsResult {
  bsize: number;
  blocks: number;
  bfree: number;
  bavail: number;
  files: number;
  ffree: number;
}

/** Parses /proc/<pid>/mounts, undoing the octal escapes the kernel uses for spaces and tabs. */
export function parseMounts(text: string, rootfsPath: string): Mount[] {
  const out: Mount[] = [];
  for (const line of lines(text)) {
    const f = fields(line);
    if (f.length < 4) continue;
    out.push({
      device: f[0],
      mountPoint: stripRootfs(unescapeMount(f[1]), rootfsPath),
      fsType: f[2],
      options: f[3],
    });
  }
  return out;
}

function unescapeMount(s: string): string {
  return s.includes('\\')
    ? s.replace(/\\(011|040|012|134)/g, (_, o: string) => String.fromCharCode(Number.parseInt(o, 8)))
    : s;
}

/** With --path.rootfs=/host, "/host/home" is reported as "/home" and "/host" as "/". */
function stripRootfs(mountPoint: string, rootfsPath: string): string {
  if (rootfsPath === '/' || rootfsPath === '') return mountPoint;
  const root = rootfsPath.endsWith('/') ? rootfsPath.slice(0, -1) : rootfsPath;
  if (mountPoint === root) return '/';
  if (mountPoint.startsWith(`${root}/`)) return mountPoint.slice(root.length);
  return mountPoint;
}

const H = {
  size: 'Filesystem size in bytes.',
  free: 'Filesystem free space in bytes.',
  avail: 'Filesystem space available to non-root users in bytes.',
  files: 'Filesystem total file nodes.',
  filesFree: 'Filesystem total free file nodes.',
  ro: 'Filesystem read-only status.',
  err: 'Whether an error occurred while getting statistics for the given device.',
};

/** node_filesystem_* per mounted filesystem, sizes from statfs(2). Keeps state: the set of stuck mounts. */
export function createFilesystemCollector(opts: FilesystemOptions = {}): SubCollector {
  const mpExclude = opts.mountPointsExclude ?? DEFAULT_MOUNT_POINTS_EXCLUDE;
  const fsExclude = opts.fsTypesExclude ?? DEFAULT_FS_TYPES_EXCLUDE;
  const timeoutMs = opts.statfsTimeoutMs ?? STATFS_TIMEOUT_MS;
  const doStatfs = opts.statfs ?? ((p: string) => statfs(p));
  // Mount points whose statfs has not returned yet; skipped until it does, so a hung NFS
  // server cannot tie up more libuv threads every scrape.
  const stuck = new Set<string>();

  async function stat(path: string, mountPoint: string) {
    let timer: NodeJS.Timeout | undefined;
    const call = doStatfs(path);
    const timeout = new Promise<'timeout'>((resolve) => {
      timer = setTimeout(() => resolve('timeout'), timeoutMs);
    });
    try {
      const r = await Promise.race([call, timeout]);
      if (r === 'timeout') {
        stuck.add(mountPoint);
        call.then(
          () => stuck.delete(mountPoint),
          () => stuck.delete(mountPoint),
        );
        return undefined;
      }
      return r;
    } catch {
      return undefined;
    } finally {
      clearTimeout(timer);
    }
  }

  return {
    name: 'filesystem',
    async collect(ctx: CollectContext, out: FamilyBuilder): Promise<void> {
      let text: string;
      try {
        text = await ctx.read(ctx.proc('1/mounts'));
      } catch (e) {
        // hidepid or no access to PID 1: fall back as node_exporter does.
        if ((e as NodeJS.ErrnoException).code !== 'ENOENT' && (e as NodeJS.ErrnoException).code !== 'EACCES') throw e;
        text = await ctx.read(ctx.proc('mounts'));
      }
      const seen = new Set<string>();
      const mounts: Mount[] = [];
      for (const m of parseMounts(text, ctx.rootfsPath)) {
        if (mpExclude.test(m.mountPoint) || fsExclude.test(m.fsType)) continue;
        const key = `${m.device}\u0000${m.mountPoint}\u0000${m.fsType}`;
        if (seen.has(key)) continue;
        seen.add(key);
        mounts.push(m);
      }
      const stats = await Promise.all(
        mounts.map((m) => (stuck.has(m.mountPoint) ? undefined : stat(ctx.rootfs(m.mountPoint), m.mountPoint))),
      );
      for (let i = 0; i < mounts.length; i++) {
        const m = mounts[i];
        const s = stats[i];
        const l = ['device', m.device, 'fstype', m.fsType, 'mountpoint', m.mountPoint];
        const ro = m.options.split(',').includes('ro') ? 1 : 0;
        out.gauge('node_filesystem_device_error', H.err, s === undefined ? 1 : 0, ...l);
        out.gauge('node_filesystem_readonly', H.ro, ro, ...l);
        if (s === undefined) continue;
        out.gauge('node_filesystem_size_bytes', H.size, s.blocks * s.bsize, ...l);
        out.gauge('node_filesystem_free_bytes', H.free, s.bfree * s.bsize, ...l);
        out.gauge('node_filesystem_avail_bytes', H.avail, s.bavail * s.bsize, ...l);
        out.gauge('node_filesystem_files', H.files, s.files, ...l);
        out.gauge('node_filesystem_files_free', H.filesFree, s.ffree, ...l);
      }
    },
  };
}
