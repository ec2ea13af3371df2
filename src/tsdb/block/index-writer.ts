import { ByteWriter, compareUtf8 } from './encoding.ts';

/**
 * Writes a block's index file (format v2, docs/formats/blocks.md): header, symbol table, series (each
 * 16-byte aligned, ref = offset / 16), one label index per label name, postings lists (the all-series list
 * first, under the empty name/value), label offset table, postings offset table, TOC. Every section is
 * followed by the CRC32C of its `len` bytes.
 */

export const INDEX_MAGIC = 0xbaaad700;
export const INDEX_FORMAT_V2 = 2;
export const INDEX_HEADER_SIZE = 5;
export const INDEX_TOC_SIZE = 6 * 8 + 4;

/** Chunk metadata of one series in the index: parallel arrays, times inclusive. */
export interface ChunkMetas {
  mint: number[];
  maxt: number[];
  ref: number[];
}

export class IndexWriteError extends Error {}

/**
 * Builds the index in memory. Call addSeries in label order (byte-wise, as compareLabelsUtf8), then finish().
 * Symbols are collected up front from all series so the symbol table can precede them.
 */
export class IndexWriter {
  private readonly w = new ByteWriter(1 << 16);
  private readonly symbolIds = new Map<string, number>();
  private readonly symbolsSorted: string[];
  /** name -> value -> series refs (ascending because series arrive in order). */
  private readonly postings = new Map<string, Map<string, number[]>>();
  private readonly all: number[] = [];
  private readonly scratch = new ByteWriter(256);
  private readonly tocSymbols: number;
  private readonly tocSeries: number;

  constructor(symbols: Iterable<string>) {
    this.symbolsSorted = [...new Set(symbols)].sort(compareUtf8);
    for (let i = 0; i < this.symbolsSorted.length; i++) this.symbolIds.set(this.symbolsSorted[i], i);
    const w = this.w;
    w.be32(INDEX_MAGIC);
    w.byte(INDEX_FORMAT_V2);
    this.tocSymbols = w.len;
    const lenPos = w.len;
    w.be32(0);
    w.be32(this.symbolsSorted.length);
    for (const s of this.symbolsSorted) w.lenString(s);
    w.putBe32(lenPos, w.len - lenPos - 4);
    w.crcFrom(lenPos + 4);
    // the TOC points at the section start; each series entry is then padded to 16 bytes
    this.tocSeries = w.len;
  }

  /** Adds a series (labels as a sorted flat array) with its chunk metas; returns its series ref. */
  addSeries(flat: readonly string[], chunks: ChunkMetas): number {
    const w = this.w;
    w.pad(16);
    const ref = w.len / 16;
    const s = this.scratch;
    s.reset();
    s.uvarint(flat.length >> 1);
    for (let i = 0; i < flat.length; i += 2) {
      const n = this.symbolIds.get(flat[i]);
      const v = this.symbolIds.get(flat[i + 1]);
      if (n === undefined || v === undefined)
        throw new IndexWriteError(`label ${flat[i]}=${flat[i + 1]} is not in the symbol table`);
      s.uvarint(n);
      s.uvarint(v);
      let byValue = this.postings.get(flat[i]);
      if (byValue === undefined) {
        byValue = new Map();
        this.postings.set(flat[i], byValue);
      }
      const list = byValue.get(flat[i + 1]);
      if (list === undefined) byValue.set(flat[i + 1], [ref]);
      else list.push(ref);
    }
    const nc = chunks.mint.length;
    s.uvarint(nc);
    let prevMaxt = 0;
    let prevRef = 0;
    for (let i = 0; i < nc; i++) {
      const mint = chunks.mint[i];
      const maxt = chunks.maxt[i];
      if (maxt < mint) throw new IndexWriteError(`chunk maxt ${maxt} before mint ${mint}`);
      if (i === 0) {
        s.varint(mint);
        s.uvarint(maxt - mint);
        s.uvarint(chunks.ref[i]);
      } else {
        if (mint < prevMaxt) throw new IndexWriteError(`chunks of a series overlap (${mint} < ${prevMaxt})`);
        s.uvarint(mint - prevMaxt);
        s.uvarint(maxt - mint);
        s.varint(chunks.ref[i] - prevRef);
      }
      prevMaxt = maxt;
      prevRef = chunks.ref[i];
    }
    w.uvarint(s.len);
    const start = w.len;
    w.bytes(s.view());
    w.crcFrom(start);
    this.all.push(ref);
    return ref;
  }

  /** The finished index file contents. */
  finish(): Buffer {
    const w = this.w;
    const names = [...this.postings.keys()].sort(compareUtf8);
    const sortedValues = new Map<string, string[]>();
    for (const n of names) sortedValues.set(n, [...this.postings.get(n)!.keys()].sort(compareUtf8));

    // label indices (no longer read by Prometheus, written for older readers)
    const tocLabelIndices = w.len;
    const labelIndexOffsets: number[] = [];
    for (const n of names) {
      w.pad(4);
      labelIndexOffsets.push(w.len);
      const values = sortedValues.get(n)!;
      const lenPos = w.len;
      w.be32(0);
      w.be32(1);
      w.be32(values.length);
      for (const v of values) w.be32(this.symbolIds.get(v)!);
      w.putBe32(lenPos, w.len - lenPos - 4);
      w.crcFrom(lenPos + 4);
    }

    // postings, the all-series list first
    w.pad(4);
    const tocPostings = w.len;
    const postingNames: string[] = [''];
    const postingValues: string[] = [''];
    const postingOffsets: number[] = [this.writePostings(this.all)];
    for (const n of names) {
      const byValue = this.postings.get(n)!;
      for (const v of sortedValues.get(n)!) {
        postingNames.push(n);
        postingValues.push(v);
        postingOffsets.push(this.writePostings(byValue.get(v)!));
      }
    }

    // label offset table
    w.pad(4);
    const tocLabelTable = w.len;
    {
      const lenPos = w.len;
      w.be32(0);
      w.be32(names.length);
      for (let i = 0; i < names.length; i++) {
        w.byte(1);
        w.lenString(names[i]);
        w.uvarint(labelIndexOffsets[i]);
      }
      w.putBe32(lenPos, w.len - lenPos - 4);
      w.crcFrom(lenPos + 4);
    }

    // postings offset table
    const tocPostingsTable = w.len;
    {
      const lenPos = w.len;
      w.be32(0);
      w.be32(postingNames.length);
      for (let i = 0; i < postingNames.length; i++) {
        w.byte(2);
        w.lenString(postingNames[i]);
        w.lenString(postingValues[i]);
        w.uvarint(postingOffsets[i]);
      }
      w.putBe32(lenPos, w.len - lenPos - 4);
      w.crcFrom(lenPos + 4);
    }

    // TOC
    const tocStart = w.len;
    w.be64(this.tocSymbols);
    w.be64(this.tocSeries);
    w.be64(tocLabelIndices);
    w.be64(tocLabelTable);
    w.be64(tocPostings);
    w.be64(tocPostingsTable);
    w.crcFrom(tocStart);
    return w.view();
  }

  private writePostings(refs: readonly number[]): number {
    const w = this.w;
    w.pad(4);
    const off = w.len;
    w.be32(4 + refs.length * 4);
    w.be32(refs.length);
    w.reserve(refs.length * 4);
    for (let i = 0; i < refs.length; i++) w.be32(refs[i]);
    w.crcFrom(off + 4);
    return off;
  }
}
