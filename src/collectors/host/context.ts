import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { FamilyBuilder } from './family-builder.ts';
import { readText } from './read-text.ts';

/**
 * What a sub-collector sees during one collect. Reads are memoised for the duration of one
 * collect, so /proc/stat (used by cpu and stat) is read once per scrape.
 */
export class CollectContext {
  private readonly reads = new Map<string, Promise<string>>();

  constructor(
    readonly procPath: string,
    readonly sysPath: string,
    readonly rootfsPath: string,
  ) {}

  proc(...parts: string[]): string {
    return join(this.procPath, ...parts);
  }

  sys(...parts: string[]): string {
    return join(this.sysPath, ...parts);
  }

  rootfs(...parts: string[]): string {
    return join(this.rootfsPath, ...parts);
  }

  /** Reads a whole text file once per collect; rejects with the fs error (ENOENT, EINVAL, ...). */
  read(path: string): Promise<string> {
    let p = this.reads.get(path);
    if (p === undefined) {
      p = readText(path);
      this.reads.set(path, p);
      // A rejected promise that nobody awaits must not become an unhandled rejection.
      p.catch(() => {});
    }
    return p;
  }

  /** The file's content, or undefined when it cannot be read (missing, EINVAL on sysfs, ...). */
  async readOptional(path: string): Promise<string | undefined> {
    try {
      return await this.read(path);
    } catch {
      return undefined;
    }
  }

  /** Directory entries, or [] when the directory does not exist. */
  async list(path: string): Promise<string[]> {
    try {
      return await readdir(path);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') return [];
      throw e;
    }
  }
}

/** One node_exporter collector ("cpu", "meminfo", ...). Throwing marks it failed for this scrape. */
export interface SubCollector {
  readonly name: string;
  collect(ctx: CollectContext, out: FamilyBuilder): Promise<void>;
}

/** Splits a line on runs of whitespace, dropping empty fields. */
export function fields(line: string): string[] {
  const out: string[] = [];
  let start = -1;
  for (let i = 0; i < line.length; i++) {
    const c = line.charCodeAt(i);
    const ws = c === 32 || c === 9 || c === 10 || c === 13;
    if (ws) {
      if (start >= 0) {
        out.push(line.slice(start, i));
        start = -1;
      }
    } else if (start < 0) start = i;
  }
  if (start >= 0) out.push(line.slice(start));
  return out;
}

/** Lines of a file without the trailing empty one. */
export function lines(text: string): string[] {
  const out = text.split('\n');
  if (out.length > 0 && out[out.length - 1] === '') out.pop();
  return out;
}

/** Parses a number, throwing a descriptive error when it is not one. */
export function num(s: string | undefined, what: string): number {
  const v = s === undefined || s === '' ? Number.NaN : Number(s);
  if (Number.isNaN(v)) throw new Error(`${what}: invalid number ${JSON.stringify(s)}`);
  return v;
}
