import { closeSync, fstatSync, openSync, readSync } from 'node:fs';
import { join } from 'node:path';
import { PAGE_SIZE, scanRecords, segmentName } from '../tsdb/wal/index.ts';

/**
 * Reads the WAL segment format (tsdb/docs/format/wal.md) incrementally, from a byte offset to the end of
 * the last complete record, so a watcher can tail a segment the TSDB is still writing.
 * Returns the offset just after the last complete record (where the next read starts).
 */
export class WALTailError extends Error {}

/**
 * Reads segment `seg` of walDir from `offset`; calls onRecord per complete record with the offset after it.
 * onRecord returning false stops the read after that record. size is -1 when the segment does not exist.
 */
export function readSegmentFrom(
  walDir: string,
  seg: number,
  offset: number,
  onRecord: (rec: Uint8Array, endOffset: number) => boolean | undefined,
  maxBytes = 16 * 1024 * 1024,
): { offset: number; size: number } {
  let fd: number;
  try {
    fd = openSync(join(walDir, segmentName(seg)), 'r');
  } catch {
    return { offset, size: -1 };
  }
  try {
    const size = fstatSync(fd).size;
    if (size <= offset) return { offset, size };
    // Start at the beginning of offset's page so page-relative positions are simple.
    const pageStart = offset - (offset % PAGE_SIZE);
    const len = Math.min(size - pageStart, maxBytes + PAGE_SIZE);
    const buf = new Uint8Array(len);
    let got = 0;
    while (got < len) {
      const n = readSync(fd, buf, got, len - got, pageStart + got);
      if (n <= 0) break;
      got += n;
    }
    const end = parseRecords(buf.subarray(0, got), offset - pageStart, (rec, e) => onRecord(rec, pageStart + e));
    return { offset: pageStart + end, size };
  } finally {
    closeSync(fd);
  }
}

/** Parses records in data (which starts at a page boundary) from pos; returns the end of the last whole record. */
function parseRecords(
  data: Uint8Array,
  pos: number,
  onRecord: (rec: Uint8Array, end: number) => boolean | undefined,
): number {
  const r = scanRecords(data, pos, onRecord);
  // A record cut off by the end of the data is still being written: resume there next time.
  if (r.error !== null && !r.truncated) throw new WALTailError(r.error);
  return r.end;
}
