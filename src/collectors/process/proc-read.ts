/** Parsers for the /proc/<pid> files the process collector reads. */
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';

export const USER_HZ = 100;
export const PAGE_SIZE = 4096;

export interface ProcStat {
  comm: string;
  minflt: number;
  majflt: number;
  utime: number;
  stime: number;
  numThreads: number;
  /** Clock ticks after boot. */
  starttime: number;
  vsize: number;
  rssPages: number;
}

/** /proc/<pid>/stat; the comm field may contain spaces and parentheses, so split at the last ')'. */
export function parseStat(text: string): ProcStat | null {
  const open = text.indexOf('(');
  const close = text.lastIndexOf(')');
  if (open < 0 || close < open) return null;
  const f = text
    .slice(close + 2)
    .trim()
    .split(' ');
  if (f.length < 22) return null;
  return {
    comm: text.slice(open + 1, close),
    minflt: Number(f[7]),
    majflt: Number(f[9]),
    utime: Number(f[11]),
    stime: Number(f[12]),
    numThreads: Number(f[17]),
    starttime: Number(f[19]),
    vsize: Number(f[20]),
    rssPages: Number(f[21]),
  };
}

export interface ProcStatus {
  swapBytes: number;
  voluntaryCtxt: number;
  nonvoluntaryCtxt: number;
}

export function parseStatus(text: string): ProcStatus {
  const out: ProcStatus = { swapBytes: 0, voluntaryCtxt: 0, nonvoluntaryCtxt: 0 };
  for (const line of text.split('\n')) {
    const colon = line.indexOf(':');
    if (colon < 0) continue;
    const key = line.slice(0, colon);
    const val = line.slice(colon + 1).trim();
    if (key === 'VmSwap') out.swapBytes = Number.parseInt(val, 10) * 1024;
    else if (key === 'voluntary_ctxt_switches') out.voluntaryCtxt = Number(val);
    else if (key === 'nonvoluntary_ctxt_switches') out.nonvoluntaryCtxt = Number(val);
  }
  return out;
}

export interface ProcIO {
  readBytes: number;
  writeBytes: number;
}

export function parseIO(text: string): ProcIO {
  const out: ProcIO = { readBytes: 0, writeBytes: 0 };
  for (const line of text.split('\n')) {
    if (line.startsWith('read_bytes:')) out.readBytes = Number(line.slice(11).trim());
    else if (line.startsWith('write_bytes:')) out.writeBytes = Number(line.slice(12).trim());
  }
  return out;
}

/** "Max open files" soft limit from /proc/<pid>/limits, or 0 when unlimited/unknown. */
export function parseMaxOpenFiles(text: string): number {
  const m = /^Max open files\s+(\d+|unlimited)/m.exec(text);
  return m && m[1] !== 'unlimited' ? Number(m[1]) : 0;
}

/** Boot time (seconds since the epoch) from /proc/stat's btime. */
export async function readBootTime(procPath: string): Promise<number> {
  const text = await readFile(join(procPath, 'stat'), 'utf8');
  const m = /^btime (\d+)/m.exec(text);
  if (!m) throw new Error('no btime in /proc/stat');
  return Number(m[1]);
}

export async function listPids(procPath: string): Promise<number[]> {
  const names = await readdir(procPath);
  const out: number[] = [];
  for (const n of names) if (/^\d+$/.test(n)) out.push(Number(n));
  return out;
}

export async function countFds(procPath: string, pid: number): Promise<number> {
  return (await readdir(join(procPath, String(pid), 'fd'))).length;
}

/** argv from /proc/<pid>/cmdline (NUL separated). */
export async function readCmdline(procPath: string, pid: number): Promise<string[]> {
  const text = await readFile(join(procPath, String(pid), 'cmdline'), 'utf8');
  const parts = text.split('\0');
  if (parts.length > 0 && parts[parts.length - 1] === '') parts.pop();
  return parts;
}
