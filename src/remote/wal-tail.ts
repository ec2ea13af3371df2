import { closeSync, fstatSync, openSync, readSync } from 'node:fs';
import { join } from 'node:path';
import snappy from 'snappyjs';
import { PAGE_SIZE, segmentName } from '../tsdb/wal/index.ts';

/**
 * Reads the WAL segment format (tsdb/docs/format/wal.md) incrementally, from a byte offset to the end of
 * the last complete record, so a watcher can tail a segment the TSDB is still writing.
 * Returns the offset just after the last complete record (where the next read starts).
 */
const HEADER = 7;
const FULL = 1;
const FIRST = 2;
const LAST = 4;
const SNAPPY_FLAG = 1 << 3;

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
  let committed = pos;
  let parts: Uint8Array[] = [];
  let compressed = false;
  while (pos < data.length) {
    const inPage = pos % PAGE_SIZE;
    if (PAGE_SIZE - inPage < HEADER + 1) {
      pos += PAGE_SIZE - inPage;
      if (parts.length === 0) committed = Math.min(pos, data.length);
      continue;
    }
    const flags = data[pos];
    const type = flags & 7;
    if (type === 0) {
      // Zero padding to the end of the page.
      const pageEnd = pos - inPage + PAGE_SIZE;
      if (pageEnd > data.length) break;
      pos = pageEnd;
      if (parts.length === 0) committed = pos;
      continue;
    }
    if (pos + HEADER > data.length) break;
    const n = (data[pos + 1] << 8) | data[pos + 2];
    const start = pos + HEADER;
    if (start + n > data.length) break;
    if (type === FULL || type === FIRST) {
      parts = [];
      compressed = (flags & SNAPPY_FLAG) !== 0;
    }
    parts.push(data.subarray(start, start + n));
    pos = start + n;
    if (type === FULL || type === LAST) {
      let rec = parts.length === 1 ? parts[0] : concat(parts);
      if (compressed) rec = snappy.uncompress(rec) as Uint8Array;
      parts = [];
      committed = pos;
      if (onRecord(rec, pos) === false) break;
    } else if (type > LAST) {
      throw new WALTailError(`invalid WAL record type ${type}`);
    }
  }
  return committed;
}

function concat(parts: Uint8Array[]): Uint8Array {
  let n = 0;
  for (const p of parts) n += p.length;
  const out = new Uint8Array(n);
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}
