/**
 * The resource limits and usage of the cgroup Osprey itself runs in (its container, when it runs in one), with
 * cAdvisor's metric names so container dashboards and alerts (`container_memory_working_set_bytes /
 * container_spec_memory_limit_bytes`, `rate(container_cpu_cfs_throttled_periods_total[5m])`, ...) work unchanged.
 * node_exporter has no such collector; these families sit beside its host metrics, labelled `id` with the cgroup
 * path as cAdvisor labels them. cgroup v2 (unified) and v1 (memory, cpu, cpuacct controllers) are read.
 *
 * Where the process's cgroup path from /proc/self/cgroup does not exist under the mount (a container without
 * its own cgroup namespace sees its own cgroup mounted at the root), the mount root is read instead.
 */
import { access } from 'node:fs/promises';
import { join } from 'node:path';
import { type CollectContext, fields, lines, type SubCollector } from './context.ts';
import type { FamilyBuilder } from './family-builder.ts';

/** One line of /proc/<pid>/cgroup: "hierarchy-id:controller,list:/path". */
export interface CgroupMembership {
  /** The unified (v2) path, from the "0::" line. */
  unified?: string;
  /** v1 controller -> path. */
  v1: Map<string, string>;
}

export function parseProcCgroup(text: string): CgroupMembership {
  const out: CgroupMembership = { v1: new Map() };
  for (const line of lines(text)) {
    const a = line.indexOf(':');
    const b = line.indexOf(':', a + 1);
    if (a < 0 || b < 0) continue;
    const id = line.slice(0, a);
    const controllers = line.slice(a + 1, b);
    const path = line.slice(b + 1);
    if (id === '0' && controllers === '') out.unified = path;
    else for (const c of controllers.split(',')) if (c !== '') out.v1.set(c, path);
  }
  return out;
}

/** Key/value files such as memory.stat and cpu.stat. */
export function parseFlatKeyed(text: string): Map<string, number> {
  const m = new Map<string, number>();
  for (const line of lines(text)) {
    const f = fields(line);
    if (f.length >= 2) {
      const v = Number(f[1]);
      if (!Number.isNaN(v)) m.set(f[0], v);
    }
  }
  return m;
}

/** A limit file's value; "max" (v2) and v1's "unlimited" page-rounded INT64_MAX become undefined. */
function limit(text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  const t = text.trim();
  if (t === '' || t === 'max') return undefined;
  const v = Number(t);
  if (Number.isNaN(v) || v < 0 || v >= 2 ** 62) return undefined;
  return v;
}

function value(text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  const v = Number(text.trim());
  return Number.isNaN(v) ? undefined : v;
}

/**
 * Remembers, for a while, which cgroup directories exist and which interface files are absent: both depend on
 * the kernel and the mounts, not on the scrape, and checking them every time costs as much as the reads.
 */
export class CgroupFsCache {
  private readonly known = new Map<string, boolean>();
  private readonly absent = new Set<string>();
  private readonly spec = new Map<string, string | undefined>();
  private expires = 0;

  constructor(private readonly ttlMs = 60_000) {}

  private fresh(): void {
    const now = Date.now();
    if (now < this.expires) return;
    this.known.clear();
    this.absent.clear();
    this.spec.clear();
    this.expires = now + this.ttlMs;
  }

  async exists(p: string): Promise<boolean> {
    this.fresh();
    let v = this.known.get(p);
    if (v === undefined) {
      try {
        await access(p);
        v = true;
      } catch {
        v = false;
      }
      this.known.set(p, v);
    }
    return v;
  }

  /**
   * A limit ("spec") file: its text is kept until expiry, as cAdvisor refreshes a container's spec only now and
   * then. A changed limit (`docker update`) shows within the cache's lifetime.
   */
  async readSpec(ctx: CollectContext, p: string): Promise<string | undefined> {
    this.fresh();
    if (this.spec.has(p)) return this.spec.get(p);
    const v = await this.read(ctx, p);
    this.spec.set(p, v);
    return v;
  }

  /** The file's text, or undefined when it cannot be read; absent files are not tried again until expiry. */
  async read(ctx: CollectContext, p: string): Promise<string | undefined> {
    this.fresh();
    if (this.absent.has(p)) return undefined;
    try {
      return await ctx.read(p);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') this.absent.add(p);
      return undefined;
    }
  }
}

/** `mount/path` when it exists, else `mount` itself (own cgroup mounted at the root), else undefined. */
async function cgroupDir(fc: CgroupFsCache, mount: string, path: string | undefined): Promise<string | undefined> {
  if (path !== undefined && path !== '/' && path !== '') {
    const nested = join(mount, path);
    if (await fc.exists(nested)) return nested;
  }
  return (await fc.exists(mount)) ? mount : undefined;
}

/** What the cgroup says, in cAdvisor's units (bytes, seconds, microseconds for the CFS spec). */
export interface CgroupStats {
  version: 1 | 2;
  id: string;
  cpuQuotaMicros?: number;
  cpuPeriodMicros?: number;
  cpuShares?: number;
  cpuUsageSeconds?: number;
  cpuUserSeconds?: number;
  cpuSystemSeconds?: number;
  cfsPeriods?: number;
  cfsThrottledPeriods?: number;
  cfsThrottledSeconds?: number;
  memoryLimit?: number;
  memoryReservation?: number;
  memorySwapLimit?: number;
  memoryUsage?: number;
  memoryMaxUsage?: number;
  memoryWorkingSet?: number;
  memoryRss?: number;
  memoryCache?: number;
  memorySwap?: number;
  memoryFailcnt?: number;
  oomEvents?: number;
}

/** USER_HZ of cpuacct.stat. */
const USER_HZ = 100;

async function readV2(
  ctx: CollectContext,
  fc: CgroupFsCache,
  root: string,
  path: string,
): Promise<CgroupStats | undefined> {
  const dir = await cgroupDir(fc, root, path);
  if (dir === undefined) return undefined;
  const r = (f: string) => fc.read(ctx, join(dir, f));
  const spec = (f: string) => fc.readSpec(ctx, join(dir, f));
  const [cpuMax, cpuWeight, cpuStat, memMax, memLow, memSwapMax, memCurrent, memPeak, memStat, memSwap, memEvents] =
    await Promise.all([
      spec('cpu.max'),
      spec('cpu.weight'),
      r('cpu.stat'),
      spec('memory.max'),
      spec('memory.low'),
      spec('memory.swap.max'),
      r('memory.current'),
      r('memory.peak'),
      r('memory.stat'),
      r('memory.swap.current'),
      r('memory.events'),
    ]);
  const s: CgroupStats = { version: 2, id: path || '/' };
  if (cpuMax !== undefined) {
    const [q, p] = fields(cpuMax);
    s.cpuPeriodMicros = value(p);
    s.cpuQuotaMicros = limit(q);
  }
  const weight = value(cpuWeight);
  // The kernel's (and runc's) mapping between v1 shares [2, 262144] and v2 weight [1, 10000].
  if (weight !== undefined) s.cpuShares = Math.round(2 + ((weight - 1) * 262142) / 9999);
  if (cpuStat !== undefined) {
    const c = parseFlatKeyed(cpuStat);
    const us = (k: string) => (c.has(k) ? c.get(k)! / 1e6 : undefined);
    s.cpuUsageSeconds = us('usage_usec');
    s.cpuUserSeconds = us('user_usec');
    s.cpuSystemSeconds = us('system_usec');
    s.cfsPeriods = c.get('nr_periods');
    s.cfsThrottledPeriods = c.get('nr_throttled');
    s.cfsThrottledSeconds = us('throttled_usec');
  }
  s.memoryLimit = memMax === undefined ? undefined : (limit(memMax) ?? 0);
  s.memoryReservation = memLow === undefined ? undefined : (limit(memLow) ?? 0);
  s.memorySwapLimit = memSwapMax === undefined ? undefined : (limit(memSwapMax) ?? 0);
  s.memoryUsage = value(memCurrent);
  s.memoryMaxUsage = value(memPeak);
  s.memorySwap = value(memSwap);
  if (memStat !== undefined) {
    const m = parseFlatKeyed(memStat);
    s.memoryRss = m.get('anon');
    s.memoryCache = m.get('file');
    if (s.memoryUsage !== undefined) s.memoryWorkingSet = Math.max(0, s.memoryUsage - (m.get('inactive_file') ?? 0));
  }
  if (memEvents !== undefined) s.oomEvents = parseFlatKeyed(memEvents).get('oom_kill');
  return s;
}

async function readV1(
  ctx: CollectContext,
  fc: CgroupFsCache,
  root: string,
  m: CgroupMembership,
): Promise<CgroupStats | undefined> {
  const controllerDir = async (c: string) => {
    // Controllers are mounted one per directory, or co-mounted ("cpu,cpuacct") with per-controller symlinks.
    for (const name of [c, c === 'cpu' || c === 'cpuacct' ? 'cpu,cpuacct' : '']) {
      if (name === '' || !(await fc.exists(join(root, name)))) continue;
      return cgroupDir(fc, join(root, name), m.v1.get(c));
    }
    return undefined;
  };
  const [memDir, cpuDir, acctDir] = await Promise.all([
    controllerDir('memory'),
    controllerDir('cpu'),
    controllerDir('cpuacct'),
  ]);
  if (memDir === undefined && cpuDir === undefined && acctDir === undefined) return undefined;
  const r = (dir: string | undefined, f: string) =>
    dir === undefined ? Promise.resolve(undefined) : fc.read(ctx, join(dir, f));
  const spec = (dir: string | undefined, f: string) =>
    dir === undefined ? Promise.resolve(undefined) : fc.readSpec(ctx, join(dir, f));
  const [
    quota,
    period,
    shares,
    cpuStat,
    usage,
    acctStat,
    memLimit,
    memSoft,
    memswLimit,
    memUsage,
    memMax,
    memFail,
    memStat,
    oomControl,
  ] = await Promise.all([
    spec(cpuDir, 'cpu.cfs_quota_us'),
    spec(cpuDir, 'cpu.cfs_period_us'),
    spec(cpuDir, 'cpu.shares'),
    r(cpuDir, 'cpu.stat'),
    r(acctDir, 'cpuacct.usage'),
    r(acctDir, 'cpuacct.stat'),
    spec(memDir, 'memory.limit_in_bytes'),
    spec(memDir, 'memory.soft_limit_in_bytes'),
    spec(memDir, 'memory.memsw.limit_in_bytes'),
    r(memDir, 'memory.usage_in_bytes'),
    r(memDir, 'memory.max_usage_in_bytes'),
    r(memDir, 'memory.failcnt'),
    r(memDir, 'memory.stat'),
    r(memDir, 'memory.oom_control'),
  ]);
  const id = m.v1.get('memory') ?? m.v1.get('cpu') ?? m.v1.get('cpuacct') ?? '/';
  const s: CgroupStats = { version: 1, id };
  s.cpuPeriodMicros = value(period);
  s.cpuQuotaMicros = limit(quota);
  s.cpuShares = value(shares);
  if (cpuStat !== undefined) {
    const c = parseFlatKeyed(cpuStat);
    s.cfsPeriods = c.get('nr_periods');
    s.cfsThrottledPeriods = c.get('nr_throttled');
    const t = c.get('throttled_time');
    s.cfsThrottledSeconds = t === undefined ? undefined : t / 1e9;
  }
  const ns = value(usage);
  s.cpuUsageSeconds = ns === undefined ? undefined : ns / 1e9;
  if (acctStat !== undefined) {
    const a = parseFlatKeyed(acctStat);
    const u = a.get('user');
    const sy = a.get('system');
    s.cpuUserSeconds = u === undefined ? undefined : u / USER_HZ;
    s.cpuSystemSeconds = sy === undefined ? undefined : sy / USER_HZ;
  }
  s.memoryLimit = memLimit === undefined ? undefined : (limit(memLimit) ?? 0);
  s.memoryReservation = memSoft === undefined ? undefined : (limit(memSoft) ?? 0);
  // memsw is memory+swap; the swap share is what exceeds the memory limit.
  const memsw = limit(memswLimit);
  if (memswLimit !== undefined) {
    s.memorySwapLimit = memsw !== undefined && s.memoryLimit ? Math.max(0, memsw - s.memoryLimit) : 0;
  }
  s.memoryUsage = value(memUsage);
  s.memoryMaxUsage = value(memMax);
  s.memoryFailcnt = value(memFail);
  if (memStat !== undefined) {
    const st = parseFlatKeyed(memStat);
    // Hierarchical totals when present (use_hierarchy), as cAdvisor reads them.
    const get = (k: string) => st.get(`total_${k}`) ?? st.get(k);
    s.memoryRss = get('rss');
    s.memoryCache = get('cache');
    s.memorySwap = get('swap');
    if (s.memoryUsage !== undefined) s.memoryWorkingSet = Math.max(0, s.memoryUsage - (get('inactive_file') ?? 0));
  }
  if (oomControl !== undefined) s.oomEvents = parseFlatKeyed(oomControl).get('oom_kill');
  return s;
}

/** Reads the cgroup of the process whose /proc/<pid>/cgroup is given (default: Osprey itself). */
export async function readCgroupStats(
  ctx: CollectContext,
  fc: CgroupFsCache = new CgroupFsCache(0),
  pid = 'self',
): Promise<CgroupStats | undefined> {
  const membership = await ctx.readOptional(ctx.proc(pid, 'cgroup'));
  if (membership === undefined) return undefined;
  const m = parseProcCgroup(membership);
  const root = ctx.sys('fs', 'cgroup');
  if (await fc.exists(join(root, 'cgroup.controllers'))) {
    return readV2(ctx, fc, root, m.unified ?? '/');
  }
  if (m.v1.size > 0) return readV1(ctx, fc, root, m);
  // Hybrid hosts: no v1 membership for the controllers we read, but the unified hierarchy is mounted.
  if (m.unified !== undefined && (await fc.exists(join(root, 'unified', 'cgroup.controllers')))) {
    return readV2(ctx, fc, join(root, 'unified'), m.unified);
  }
  return undefined;
}

/** Emits `container_*` families (cAdvisor names, help and types) for `s`. */
export function emitCgroupStats(s: CgroupStats, out: FamilyBuilder): void {
  const id = s.id;
  const g = (name: string, help: string, v: number | undefined) => {
    if (v !== undefined) out.gauge(name, help, v, 'id', id);
  };
  const c = (name: string, help: string, v: number | undefined) => {
    if (v !== undefined) out.counter(name, help, v, 'id', id);
  };
  c('container_cpu_usage_seconds_total', 'Cumulative cpu time consumed in seconds.', s.cpuUsageSeconds);
  c('container_cpu_user_seconds_total', 'Cumulative user cpu time consumed in seconds.', s.cpuUserSeconds);
  c('container_cpu_system_seconds_total', 'Cumulative system cpu time consumed in seconds.', s.cpuSystemSeconds);
  c('container_cpu_cfs_periods_total', 'Number of elapsed enforcement period intervals.', s.cfsPeriods);
  c('container_cpu_cfs_throttled_periods_total', 'Number of throttled period intervals.', s.cfsThrottledPeriods);
  c(
    'container_cpu_cfs_throttled_seconds_total',
    'Total time duration the container has been throttled.',
    s.cfsThrottledSeconds,
  );
  g('container_spec_cpu_period', 'CPU period of the container.', s.cpuPeriodMicros);
  g('container_spec_cpu_quota', 'CPU quota of the container.', s.cpuQuotaMicros);
  g('container_spec_cpu_shares', 'CPU share of the container.', s.cpuShares);
  g('container_spec_memory_limit_bytes', 'Memory limit for the container.', s.memoryLimit);
  g(
    'container_spec_memory_reservation_limit_bytes',
    'Memory reservation limit for the container.',
    s.memoryReservation,
  );
  g('container_spec_memory_swap_limit_bytes', 'Memory swap limit for the container.', s.memorySwapLimit);
  g(
    'container_memory_usage_bytes',
    'Current memory usage in bytes, including all memory regardless of when it was accessed',
    s.memoryUsage,
  );
  g('container_memory_max_usage_bytes', 'Maximum memory usage recorded in bytes', s.memoryMaxUsage);
  g('container_memory_working_set_bytes', 'Current working set in bytes.', s.memoryWorkingSet);
  g('container_memory_rss', 'Size of RSS in bytes.', s.memoryRss);
  g('container_memory_cache', 'Number of bytes of page cache memory.', s.memoryCache);
  g('container_memory_swap', 'Container swap usage in bytes.', s.memorySwap);
  c('container_memory_failcnt', 'Number of memory usage hits limits', s.memoryFailcnt);
  c('container_oom_events_total', 'Count of out of memory events observed for the container', s.oomEvents);
}

/**
 * The `container` sub-collector (node_exporter's own `cgroups` collector is something else: /proc/cgroups counts). Absent cgroup files (no /proc/self/cgroup, no cgroup mount) yield no families,
 * not a failure.
 */
export function createCgroupCollector(): SubCollector {
  const fc = new CgroupFsCache();
  return {
    name: 'container',
    async collect(ctx: CollectContext, out: FamilyBuilder): Promise<void> {
      const s = await readCgroupStats(ctx, fc);
      if (s !== undefined) emitCgroupStats(s, out);
    },
  };
}
