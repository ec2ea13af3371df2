import type { Matcher } from '../model/index.ts';
import { addInterval, type Tombstones } from './block/index.ts';
import type { Querier, SampleIterator, SelectHints, Series } from './interfaces.ts';

/**
 * Deleted intervals of head series (from the delete_series admin API), applied at query time and when the
 * head is persisted as a block. Keyed by the head's series ref; intervals are inclusive, like block
 * tombstones. Samples appended later inside a deleted interval are hidden too (as in Prometheus).
 */
export class HeadTombstones {
  readonly intervals: Tombstones = new Map();

  add(ref: number, mint: number, maxt: number): void {
    addInterval(this.intervals, ref, mint, maxt);
  }

  get size(): number {
    return this.intervals.size;
  }

  /** Forgets intervals that end before mint (that part of the head is gone) and refs no longer present. */
  truncate(mint: number, alive: (ref: number) => boolean): void {
    for (const [ref, list] of this.intervals) {
      const kept = list.filter(([, b]) => b >= mint);
      if (kept.length === 0 || !alive(ref)) this.intervals.delete(ref);
      else this.intervals.set(ref, kept);
    }
  }
}

/** A querier over the head that hides deleted intervals. `refOf` maps a head series to its ref. */
export class TombstonedQuerier implements Querier {
  constructor(
    private readonly inner: Querier,
    private readonly tombstones: HeadTombstones,
    private readonly refOf: (s: Series) => number | undefined,
  ) {}

  select(matchers: readonly Matcher[], mint: number, maxt: number, hints?: SelectHints): Series[] {
    const list = this.inner.select(matchers, mint, maxt, hints);
    if (this.tombstones.size === 0) return list;
    const out: Series[] = [];
    for (const s of list) {
      const ref = this.refOf(s);
      const deleted = ref === undefined ? undefined : this.tombstones.intervals.get(ref);
      if (deleted === undefined) {
        out.push(s);
        continue;
      }
      // a series deleted over the whole query range disappears, as in Prometheus
      if (deleted.some(([a, b]) => a <= mint && b >= maxt)) continue;
      const filtered = new FilteredSeries(s, deleted);
      if (filtered.iterator().next()) out.push(filtered);
    }
    return out;
  }

  labelNames(matchers: readonly Matcher[], mint: number, maxt: number): string[] {
    return this.inner.labelNames(matchers, mint, maxt);
  }

  labelValues(name: string, matchers: readonly Matcher[], mint: number, maxt: number): string[] {
    return this.inner.labelValues(name, matchers, mint, maxt);
  }
}

class FilteredSeries implements Series {
  constructor(
    private readonly inner: Series,
    private readonly deleted: readonly (readonly [number, number])[],
  ) {}

  get labels() {
    return this.inner.labels;
  }

  iterator(): SampleIterator {
    return new FilteredIterator(this.inner.iterator(), this.deleted);
  }
}

/** Skips samples inside deleted intervals. */
class FilteredIterator implements SampleIterator {
  constructor(
    private readonly it: SampleIterator,
    private readonly deleted: readonly (readonly [number, number])[],
  ) {}

  get t(): number {
    return this.it.t;
  }
  get v(): number {
    return this.it.v;
  }

  private isDeleted(t: number): boolean {
    for (const [a, b] of this.deleted) if (t >= a && t <= b) return true;
    return false;
  }

  next(): boolean {
    while (this.it.next()) if (!this.isDeleted(this.it.t)) return true;
    return false;
  }

  seek(t: number): boolean {
    if (!this.it.seek(t)) return false;
    return this.isDeleted(this.it.t) ? this.next() : true;
  }
}

/** Largest |timestamp| the admin API and tombstone records use for open ends (year ~33658; exact in varints). */
export const MAX_TOMBSTONE_TIME = 1e15;

/**
 * A WAL tombstones record (type 3, as in Prometheus): per interval <be64 ref><varint mint><varint maxt>.
 * Replayed on start so deletions of head data survive a restart.
 */
export function encodeTombstonesRecord(entries: readonly { ref: number; mint: number; maxt: number }[]): Uint8Array {
  const parts: number[] = [3];
  const be = new DataView(new ArrayBuffer(8));
  for (const e of entries) {
    be.setBigInt64(0, BigInt(e.ref));
    for (let i = 0; i < 8; i++) parts.push(be.getUint8(i));
    pushVarint(parts, e.mint);
    pushVarint(parts, e.maxt);
  }
  return Uint8Array.from(parts);
}

export function decodeTombstonesRecord(rec: Uint8Array, on: (ref: number, mint: number, maxt: number) => void): void {
  const dv = new DataView(rec.buffer, rec.byteOffset, rec.byteLength);
  let pos = 1;
  const uvarint = (): number => {
    let result = 0;
    let mul = 1;
    for (let i = 0; i < 10; i++) {
      if (pos >= rec.length) throw new Error('tombstones record: unexpected end');
      const b = rec[pos++];
      result += (b & 0x7f) * mul;
      if ((b & 0x80) === 0) return result;
      mul *= 128;
    }
    throw new Error('tombstones record: varint overflow');
  };
  const varint = (): number => {
    const u = uvarint();
    return u % 2 === 0 ? u / 2 : -(u + 1) / 2;
  };
  while (pos < rec.length) {
    if (pos + 8 > rec.length) throw new Error('tombstones record: unexpected end');
    const ref = Number(dv.getBigInt64(pos));
    pos += 8;
    const mint = varint();
    const maxt = varint();
    on(ref, mint, maxt);
  }
}

function pushVarint(out: number[], v: number): void {
  let u = v >= 0 ? v * 2 : -v * 2 - 1; // zigzag without 32-bit overflow
  while (u >= 128) {
    out.push((u % 128) | 0x80);
    u = Math.floor(u / 128);
  }
  out.push(u);
}
