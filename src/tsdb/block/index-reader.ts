import { ByteReader, checkCrc, compareUtf8, DecodeError } from './encoding.ts';
import { type ChunkMetas, INDEX_FORMAT_V2, INDEX_HEADER_SIZE, INDEX_MAGIC, INDEX_TOC_SIZE } from './index-writer.ts';

/**
 * Reads an index file (format v2) held in memory. The symbol table and postings offset table are decoded
 * when opened; series entries and postings lists are decoded on demand.
 */

interface ValueOffsets {
  values: string[];
  offsets: number[];
}

export class IndexReader {
  readonly buf: Buffer;
  readonly symbols: string[] = [];
  /** name -> its values (sorted) and their postings offsets. */
  private readonly postingsTable = new Map<string, ValueOffsets>();
  private readonly names: string[] = [];
  private allOffset = -1;
  private readonly what: string;

  constructor(buf: Buffer, what = 'index') {
    this.buf = buf;
    this.what = what;
    if (buf.length < INDEX_HEADER_SIZE + INDEX_TOC_SIZE) throw new DecodeError(`${what}: file too short`);
    if (buf.readUInt32BE(0) !== INDEX_MAGIC) throw new DecodeError(`${what}: invalid magic number`);
    if (buf[4] !== INDEX_FORMAT_V2) throw new DecodeError(`${what}: unsupported index version ${buf[4]}`);
    const tocPos = buf.length - INDEX_TOC_SIZE;
    checkCrc(buf, tocPos, tocPos + 48, `${what}: TOC`);
    const toc = new ByteReader(buf, tocPos, tocPos + 48);
    const symbolsAt = toc.be64();
    toc.be64(); // series
    toc.be64(); // label indices
    toc.be64(); // label offset table
    toc.be64(); // postings
    const postingsTableAt = toc.be64();
    if (symbolsAt !== 0) this.readSymbols(symbolsAt);
    if (postingsTableAt !== 0) this.readPostingsTable(postingsTableAt);
  }

  /** A section's body [start, end) after checking its <len 4b> prefix and trailing CRC. */
  private section(at: number, name: string): [number, number] {
    if (at + 4 > this.buf.length) throw new DecodeError(`${this.what}: ${name} offset out of range`);
    const len = this.buf.readUInt32BE(at);
    const start = at + 4;
    checkCrc(this.buf, start, start + len, `${this.what}: ${name}`);
    return [start, start + len];
  }

  private readSymbols(at: number): void {
    const [start, end] = this.section(at, 'symbol table');
    const r = new ByteReader(this.buf, start, end);
    const n = r.be32();
    for (let i = 0; i < n; i++) this.symbols.push(r.lenString());
  }

  private readPostingsTable(at: number): void {
    const [start, end] = this.section(at, 'postings offset table');
    const r = new ByteReader(this.buf, start, end);
    const n = r.be32();
    let cur: ValueOffsets | null = null;
    let curName = '';
    for (let i = 0; i < n; i++) {
      if (r.byte() !== 2) throw new DecodeError(`${this.what}: postings offset table entry ${i} has not 2 keys`);
      const name = r.lenString();
      const value = r.lenString();
      const off = r.uvarint();
      if (name === '' && value === '') {
        this.allOffset = off;
        continue;
      }
      if (cur === null || name !== curName) {
        cur = this.postingsTable.get(name) ?? { values: [], offsets: [] };
        if (!this.postingsTable.has(name)) {
          this.postingsTable.set(name, cur);
          this.names.push(name);
        }
        curName = name;
      }
      cur.values.push(value);
      cur.offsets.push(off);
    }
  }

  symbol(i: number): string {
    const s = this.symbols[i];
    if (s === undefined) throw new DecodeError(`${this.what}: symbol ${i} out of range`);
    return s;
  }

  /** Label names in index order (sorted). */
  labelNames(): string[] {
    return this.names;
  }

  /** Sorted values of a label name (a shared array: do not modify). */
  labelValues(name: string): readonly string[] {
    return this.postingsTable.get(name)?.values ?? [];
  }

  /** Number of postings entries (label pairs), without the all-series list. */
  postingsCount(): number {
    let n = 0;
    for (const v of this.postingsTable.values()) n += v.values.length;
    return n;
  }

  /** Series refs having name=value (empty when none). */
  postings(name: string, value: string): number[] {
    const vo = this.postingsTable.get(name);
    if (vo === undefined) return [];
    const i = binarySearch(vo.values, value);
    return i < 0 ? [] : this.readPostings(vo.offsets[i]);
  }

  /** Series refs with any value of `name` for which `accept` is true, one list per value. */
  postingsForValues(name: string, accept: (v: string) => boolean): number[][] {
    const vo = this.postingsTable.get(name);
    if (vo === undefined) return [];
    const out: number[][] = [];
    for (let i = 0; i < vo.values.length; i++) if (accept(vo.values[i])) out.push(this.readPostings(vo.offsets[i]));
    return out;
  }

  /** All series refs in label order. */
  allPostings(): number[] {
    return this.allOffset < 0 ? [] : this.readPostings(this.allOffset);
  }

  private readPostings(at: number): number[] {
    const [start, end] = this.section(at, 'postings list');
    const n = this.buf.readUInt32BE(start);
    if (4 + n * 4 > end - start) throw new DecodeError(`${this.what}: postings list at ${at} truncated`);
    const out = new Array<number>(n);
    const b = this.buf;
    for (let i = 0, p = start + 4; i < n; i++, p += 4) out[i] = b.readUInt32BE(p);
    return out;
  }

  /**
   * Decodes the series at `ref`: returns its flat labels and fills `chunks` (cleared first).
   * With skipChunks, `chunks` is left empty.
   */
  series(ref: number, chunks: ChunkMetas | null): string[] {
    const b = this.buf;
    const at = ref * 16;
    if (at >= b.length) throw new DecodeError(`${this.what}: series ref ${ref} out of range`);
    const r = new ByteReader(b, at);
    const len = r.uvarint();
    const start = r.pos;
    if (start + len + 4 > b.length) throw new DecodeError(`${this.what}: series ${ref} truncated`);
    checkCrc(b, start, start + len, `${this.what}: series ${ref}`);
    r.end = start + len;
    const nl = r.uvarint();
    const flat = new Array<string>(nl * 2);
    for (let i = 0; i < nl * 2; i++) flat[i] = this.symbol(r.uvarint());
    if (chunks === null) return flat;
    chunks.mint.length = 0;
    chunks.maxt.length = 0;
    chunks.ref.length = 0;
    const nc = r.uvarint();
    let mint = 0;
    let maxt = 0;
    let cref = 0;
    for (let i = 0; i < nc; i++) {
      if (i === 0) {
        mint = r.varint();
        maxt = mint + r.uvarint();
        cref = r.uvarint();
      } else {
        mint = maxt + r.uvarint();
        maxt = mint + r.uvarint();
        cref += r.varint();
      }
      chunks.mint.push(mint);
      chunks.maxt.push(maxt);
      chunks.ref.push(cref);
    }
    return flat;
  }
}

/** Index of `s` in `a`, which is sorted byte-wise as the index stores it; -1 when absent. */
function binarySearch(a: readonly string[], s: string): number {
  let lo = 0;
  let hi = a.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >>> 1;
    const c = compareUtf8(a[mid], s);
    if (c === 0) return mid;
    if (c < 0) lo = mid + 1;
    else hi = mid - 1;
  }
  return -1;
}
