import { existsSync, readFileSync, renameSync } from 'node:fs';
import { join } from 'node:path';
import { writeFileDurable } from './durable.ts';
import { ByteReader, ByteWriter, checkCrc, DecodeError } from './encoding.ts';

/**
 * The tombstones file: magic 0x0130BA30 <4b>, version 1 <1b>, then per deleted interval
 * <uvarint series ref><varint mint><varint maxt>, then CRC32C of those entries <4b>.
 * Intervals are inclusive on both ends.
 */

export const TOMBSTONES_MAGIC = 0x0130ba30;
export const TOMBSTONES_FORMAT_V1 = 1;
export const TOMBSTONES_FILENAME = 'tombstones';
const HEADER = 5;

/** Deleted [mint, maxt] intervals by series ref, sorted and merged. */
export type Tombstones = Map<number, [number, number][]>;

export function encodeTombstones(ts: Tombstones): Buffer {
  const w = new ByteWriter(64);
  w.be32(TOMBSTONES_MAGIC);
  w.byte(TOMBSTONES_FORMAT_V1);
  const refs = [...ts.keys()].sort((a, b) => a - b);
  for (const ref of refs) {
    for (const [mint, maxt] of ts.get(ref)!) {
      w.uvarint(ref);
      w.varint(mint);
      w.varint(maxt);
    }
  }
  w.crcFrom(HEADER);
  return Buffer.from(w.view());
}

export function decodeTombstones(buf: Buffer, what = TOMBSTONES_FILENAME): Tombstones {
  if (buf.length < HEADER + 4) throw new DecodeError(`${what}: file too short`);
  if (buf.readUInt32BE(0) !== TOMBSTONES_MAGIC) throw new DecodeError(`${what}: invalid magic number`);
  if (buf[4] !== TOMBSTONES_FORMAT_V1) throw new DecodeError(`${what}: unsupported version ${buf[4]}`);
  const end = buf.length - 4;
  checkCrc(buf, HEADER, end, what);
  const r = new ByteReader(buf, HEADER, end);
  const out: Tombstones = new Map();
  while (r.remaining > 0) {
    const ref = r.uvarint();
    const mint = r.varint();
    const maxt = r.varint();
    addInterval(out, ref, mint, maxt);
  }
  return out;
}

/** Adds [mint, maxt] to the series' intervals, merging overlapping and adjacent ones. */
export function addInterval(ts: Tombstones, ref: number, mint: number, maxt: number): void {
  const list = ts.get(ref) ?? [];
  list.push([mint, maxt]);
  list.sort((a, b) => a[0] - b[0]);
  const merged: [number, number][] = [];
  for (const iv of list) {
    const last = merged[merged.length - 1];
    if (last !== undefined && iv[0] <= last[1] + 1) last[1] = Math.max(last[1], iv[1]);
    else merged.push([iv[0], iv[1]]);
  }
  ts.set(ref, merged);
}

export function readTombstones(blockDir: string): Tombstones {
  const file = join(blockDir, TOMBSTONES_FILENAME);
  if (!existsSync(file)) return new Map();
  return decodeTombstones(readFileSync(file), file);
}

export function writeTombstones(blockDir: string, ts: Tombstones): void {
  const file = join(blockDir, TOMBSTONES_FILENAME);
  writeFileDurable(`${file}.tmp`, encodeTombstones(ts));
  renameSync(`${file}.tmp`, file);
}
