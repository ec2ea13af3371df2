import { readdirSync, renameSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { listBlockDirs } from './block.ts';
import { readMeta } from './meta.ts';

const TMP_SUFFIXES = ['.tmp-for-creation', '.tmp-for-deletion'];

/** Deletes a block directory by renaming it out of the block namespace first, so a crash cannot leave half of it. */
export function deleteBlockDir(dir: string): void {
  const tmp = `${dir}.tmp-for-deletion`;
  renameSync(dir, tmp);
  rmSync(tmp, { recursive: true, force: true });
}

/**
 * Cleans what an interrupted write or compaction leaves in a data directory: temporary block directories,
 * and blocks already merged into a compacted block (listed in its compaction.parents) whose deletion did
 * not finish. Returns the removed paths.
 */
export function repairDataDir(dataDir: string): string[] {
  const removed: string[] = [];
  let names: string[] = [];
  try {
    names = readdirSync(dataDir);
  } catch {
    return removed;
  }
  for (const n of names) {
    if (TMP_SUFFIXES.some((s) => n.endsWith(s))) {
      rmSync(join(dataDir, n), { recursive: true, force: true });
      removed.push(join(dataDir, n));
    }
  }
  const dirs = listBlockDirs(dataDir);
  const parents = new Set<string>();
  for (const d of dirs) {
    try {
      for (const p of readMeta(d).compaction.parents ?? []) parents.add(p.ulid);
    } catch {
      // an unreadable meta.json is reported when the block is opened
    }
  }
  for (const d of dirs) {
    if (parents.has(d.slice(-26))) {
      deleteBlockDir(d);
      removed.push(d);
    }
  }
  return removed;
}
