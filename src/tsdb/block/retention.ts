import { Block, listBlockDirs } from './block.ts';
import { deleteBlockDir } from './repair.ts';

export interface RetentionOptions {
  /** Delete blocks whose maxTime is this far or further behind the reference time (0 or absent: no limit). */
  retentionMs?: number;
  /** Keep the newest blocks whose total size fits in this many bytes (0 or absent: no limit). */
  retentionBytes?: number;
  /**
   * Time the time limit counts back from. Default: the newest block's maxTime, as Prometheus does
   * (so a stopped instance does not lose its data on restart).
   */
  referenceTime?: number;
  /** Bytes outside blocks (WAL, head chunks) counted against retentionBytes first. */
  extraBytes?: number;
}

export interface DeletedBlock {
  ulid: string;
  dir: string;
  reason: 'time' | 'size';
}

/** Deletes blocks beyond the time or size retention; returns what was deleted. */
export function deleteBlocksBeyondRetention(dataDir: string, opts: RetentionOptions): DeletedBlock[] {
  const infos: { dir: string; ulid: string; maxTime: number; size: number }[] = [];
  for (const dir of listBlockDirs(dataDir)) {
    let b: Block;
    try {
      b = new Block(dir);
    } catch {
      continue; // unreadable blocks are someone else's concern (reported on open), not retention's
    }
    infos.push({ dir, ulid: b.ulid, maxTime: b.maxTime, size: b.size() });
    b.close();
  }
  // newest first
  infos.sort((a, b) => b.maxTime - a.maxTime || (a.ulid < b.ulid ? 1 : -1));
  const deleted: DeletedBlock[] = [];
  const gone = new Set<string>();
  if (opts.retentionMs !== undefined && opts.retentionMs > 0 && infos.length > 0) {
    const ref = opts.referenceTime ?? infos[0].maxTime;
    for (const b of infos) {
      if (ref - b.maxTime >= opts.retentionMs) {
        deleted.push({ ulid: b.ulid, dir: b.dir, reason: 'time' });
        gone.add(b.ulid);
      }
    }
  }
  if (opts.retentionBytes !== undefined && opts.retentionBytes > 0) {
    let total = opts.extraBytes ?? 0;
    let over = false;
    for (const b of infos) {
      if (gone.has(b.ulid)) continue;
      total += b.size;
      if (over || total > opts.retentionBytes) {
        over = true;
        deleted.push({ ulid: b.ulid, dir: b.dir, reason: 'size' });
        gone.add(b.ulid);
      }
    }
  }
  for (const d of deleted) deleteBlockDir(d.dir);
  return deleted;
}
