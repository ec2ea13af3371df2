/**
 * Per process group metrics in process-exporter's style (namedprocess_namegroup_* renamed osprey_process_*),
 * read from /proc. Counters (CPU, faults, I/O, context switches) are accumulated per group from
 * per-process deltas, so they never go down when a process of the group exits.
 */
import { readFile } from 'node:fs/promises';
import { basename, join } from 'node:path';
import type { MetricFamily, MetricType } from '../../exposition/types.ts';
import { Labels } from '../../model/index.ts';
import type { Collector } from '../collector.ts';
import type { ProcessGroupConfig } from './config.ts';
import {
  countFds,
  listPids,
  PAGE_SIZE,
  parseIO,
  parseMaxOpenFiles,
  parseStat,
  parseStatus,
  readBootTime,
  readCmdline,
  USER_HZ,
} from './proc-read.ts';

export interface ProcessCollectorOptions {
  procPath?: string;
}

/** Counter fields tracked per process, in this order. */
const COUNTERS = ['user', 'system', 'minflt', 'majflt', 'readBytes', 'writeBytes', 'vol', 'nonvol'] as const;
type CounterValues = Float64Array;

interface GroupTotals {
  counters: Float64Array;
  procs: number;
  threads: number;
  resident: number;
  virtual: number;
  swapped: number;
  fds: number;
  worstFdRatio: number;
  oldestStart: number;
}

const newTotals = (): GroupTotals => ({
  counters: new Float64Array(COUNTERS.length),
  procs: 0,
  threads: 0,
  resident: 0,
  virtual: 0,
  swapped: 0,
  fds: 0,
  worstFdRatio: 0,
  oldestStart: 0,
});

export class ProcessCollector implements Collector {
  readonly name = 'process';
  private readonly procPath: string;
  /** Group name -> accumulated counters (kept across scrapes). */
  private readonly accumulated = new Map<string, Float64Array>();
  /** `${pid}:${starttime}` -> last counter values seen. */
  private lastSeen = new Map<string, CounterValues>();
  private readErrors = 0;
  private bootTime = 0;

  constructor(
    private readonly groups: ProcessGroupConfig[],
    opts: ProcessCollectorOptions = {},
  ) {
    this.procPath = opts.procPath ?? '/proc';
  }

  async collect(): Promise<MetricFamily[]> {
    if (this.bootTime === 0) this.bootTime = await readBootTime(this.procPath).catch(() => 0);
    let pids: number[] = [];
    try {
      pids = await listPids(this.procPath);
    } catch {
      // No /proc (another OS, a container without it): groups report 0 processes, the error is counted.
      this.readErrors++;
    }
    const totals = new Map<string, GroupTotals>();
    for (const g of this.groups) {
      if (!g.name.includes('{{')) totals.set(g.name, newTotals());
    }
    const seen = new Map<string, CounterValues>();
    const needArgv = this.groups.some((g) => g.exe.length > 0 || g.cmdline.length > 0 || g.name.includes('ExeBase'));
    await Promise.all(pids.map((pid) => this.readOne(pid, needArgv, totals, seen)));
    this.lastSeen = seen;
    return this.families(totals);
  }

  private async readOne(
    pid: number,
    needArgv: boolean,
    totals: Map<string, GroupTotals>,
    seen: Map<string, CounterValues>,
  ): Promise<void> {
    const dir = join(this.procPath, String(pid));
    let stat: ReturnType<typeof parseStat>;
    let argv: string[] = [];
    try {
      stat = parseStat(await readFile(join(dir, 'stat'), 'utf8'));
      if (needArgv) argv = await readCmdline(this.procPath, pid);
    } catch {
      return; // exited between listing and reading
    }
    if (stat === null) return;
    const group = this.match(stat.comm, argv);
    if (group === null) return;
    let status = { swapBytes: 0, voluntaryCtxt: 0, nonvoluntaryCtxt: 0 };
    let io = { readBytes: 0, writeBytes: 0 };
    let fds = 0;
    let maxFds = 0;
    const [st, ioText, fdCount, limits] = await Promise.allSettled([
      readFile(join(dir, 'status'), 'utf8'),
      readFile(join(dir, 'io'), 'utf8'),
      countFds(this.procPath, pid),
      readFile(join(dir, 'limits'), 'utf8'),
    ]);
    if (st.status === 'fulfilled') status = parseStatus(st.value);
    else this.readErrors++;
    if (ioText.status === 'fulfilled') io = parseIO(ioText.value);
    if (fdCount.status === 'fulfilled') fds = fdCount.value;
    else this.readErrors++;
    if (limits.status === 'fulfilled') maxFds = parseMaxOpenFiles(limits.value);

    let t = totals.get(group);
    if (t === undefined) {
      t = newTotals();
      totals.set(group, t);
    }
    const now = new Float64Array([
      stat.utime / USER_HZ,
      stat.stime / USER_HZ,
      stat.minflt,
      stat.majflt,
      io.readBytes,
      io.writeBytes,
      status.voluntaryCtxt,
      status.nonvoluntaryCtxt,
    ]);
    const key = `${pid}:${stat.starttime}`;
    seen.set(key, now);
    let acc = this.accumulated.get(group);
    if (acc === undefined) {
      acc = new Float64Array(COUNTERS.length);
      this.accumulated.set(group, acc);
    }
    const prev = this.lastSeen.get(key);
    for (let i = 0; i < now.length; i++) {
      // A process seen for the first time contributes all it has used so far.
      const d = prev === undefined ? now[i] : now[i] - prev[i];
      if (d > 0) acc[i] += d;
    }
    t.procs++;
    t.threads += stat.numThreads;
    t.resident += stat.rssPages * PAGE_SIZE;
    t.virtual += stat.vsize;
    t.swapped += status.swapBytes;
    t.fds += fds;
    if (maxFds > 0) t.worstFdRatio = Math.max(t.worstFdRatio, fds / maxFds);
    const start = this.bootTime + stat.starttime / USER_HZ;
    if (t.oldestStart === 0 || start < t.oldestStart) t.oldestStart = start;
  }

  /** The group name for a process, or null. */
  private match(comm: string, argv: string[]): string | null {
    const exe = argv[0] ?? '';
    const exeBase = basename(exe);
    for (const g of this.groups) {
      let groups: Record<string, string> | undefined;
      let ok = g.comm.has(comm) || g.exe.some((e) => (e.includes('/') ? e === exe : e === exeBase));
      if (!ok && g.cmdline.length > 0) {
        const line = argv.join(' ');
        groups = {};
        ok = true;
        for (const re of g.cmdline) {
          const m = re.exec(line);
          if (m === null) {
            ok = false;
            break;
          }
          for (const [name, idx] of Object.entries(re.namedGroups)) groups[name] = m[idx] ?? '';
        }
      }
      if (ok) return expandName(g.name, comm, exeBase, groups ?? {});
    }
    return null;
  }

  private families(totals: Map<string, GroupTotals>): MetricFamily[] {
    const fams = new Map<string, MetricFamily>();
    const add = (name: string, type: MetricType, help: string, value: number, ...pairs: string[]) => {
      let f = fams.get(name);
      if (f === undefined) {
        f = { name, help, type, samples: [] };
        fams.set(name, f);
      }
      f.samples.push({ labels: Labels.fromPairs(['__name__', name, ...pairs]), value });
    };
    const names = [...totals.keys()].sort();
    for (const g of names) {
      const t = totals.get(g)!;
      const acc = this.accumulated.get(g) ?? new Float64Array(COUNTERS.length);
      const gl = ['groupname', g];
      add('osprey_process_num_procs', 'gauge', 'Number of processes in this group.', t.procs, ...gl);
      const cpuHelp = 'CPU user/system time in seconds.';
      add('osprey_process_cpu_seconds_total', 'counter', cpuHelp, acc[0], ...gl, 'mode', 'user');
      add('osprey_process_cpu_seconds_total', 'counter', cpuHelp, acc[1], ...gl, 'mode', 'system');
      const memHelp = 'Memory in use, in bytes: resident, virtual, swapped.';
      add('osprey_process_memory_bytes', 'gauge', memHelp, t.resident, ...gl, 'memtype', 'resident');
      add('osprey_process_memory_bytes', 'gauge', memHelp, t.virtual, ...gl, 'memtype', 'virtual');
      add('osprey_process_memory_bytes', 'gauge', memHelp, t.swapped, ...gl, 'memtype', 'swapped');
      add('osprey_process_open_filedescs', 'gauge', 'Number of open file descriptors.', t.fds, ...gl);
      add(
        'osprey_process_worst_fd_ratio',
        'gauge',
        'The highest ratio of open file descriptors to the soft limit among the processes of the group.',
        t.worstFdRatio,
        ...gl,
      );
      add('osprey_process_threads', 'gauge', 'Number of threads.', t.threads, ...gl);
      add(
        'osprey_process_oldest_start_time_seconds',
        'gauge',
        'Start time of the oldest process of the group, seconds since the epoch.',
        t.oldestStart,
        ...gl,
      );
      add('osprey_process_minor_page_faults_total', 'counter', 'Minor page faults.', acc[2], ...gl);
      add('osprey_process_major_page_faults_total', 'counter', 'Major page faults.', acc[3], ...gl);
      add('osprey_process_read_bytes_total', 'counter', 'Bytes read from storage (/proc/<pid>/io).', acc[4], ...gl);
      add('osprey_process_write_bytes_total', 'counter', 'Bytes written to storage (/proc/<pid>/io).', acc[5], ...gl);
      const csHelp = 'Context switches.';
      add('osprey_process_context_switches_total', 'counter', csHelp, acc[6], ...gl, 'ctxswitchtype', 'voluntary');
      add('osprey_process_context_switches_total', 'counter', csHelp, acc[7], ...gl, 'ctxswitchtype', 'nonvoluntary');
    }
    add(
      'osprey_process_scrape_procread_errors_total',
      'counter',
      'Process files that could not be read (permissions, processes that exited).',
      this.readErrors,
    );
    return [...fams.values()];
  }
}

function expandName(tmpl: string, comm: string, exeBase: string, matches: Record<string, string>): string {
  if (!tmpl.includes('{{')) return tmpl;
  return tmpl.replace(
    /\{\{\s*\.(Comm|ExeBase|Matches\.([A-Za-z_][A-Za-z0-9_]*))\s*\}\}/g,
    (_all, what: string, name?: string) => {
      if (what === 'Comm') return comm;
      if (what === 'ExeBase') return exeBase;
      return matches[name ?? ''] ?? '';
    },
  );
}
