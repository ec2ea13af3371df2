import { BitReader, BitWriter, int64FromHalves, int64Hi, int64Lo } from './bit-stream.ts';

/**
 * Gorilla-style XOR chunk, bit-compatible with Prometheus's chunkenc XOR chunk
 * (see docs/formats/chunks.md): 2-byte big-endian sample count, then
 *   sample 0: timestamp as signed varint, value as 64 raw bits
 *   sample 1: timestamp delta as uvarint, value XOR-encoded against sample 0
 *   sample n: timestamp delta-of-delta in buckets '0' | '10'+14 | '110'+17 | '1110'+20 | '1111'+64 bits,
 *             value XOR-encoded against sample n-1
 * Value XOR: '0' = same value; '10' + meaningful bits inside the previous leading/trailing window;
 * '11' + 5 bits leading zeros (capped at 31) + 6 bits meaningful length (64 written as 0) + meaningful bits.
 */

/** Prometheus's target number of samples per chunk. */
export const SAMPLES_PER_CHUNK = 120;
/** Chunk encoding byte used in the chunks file format. */
export const ENCODING_XOR = 1;

const HEADER_BITS = 16;
/** Delta-of-delta payload width by the number of leading one-bits of its prefix. */
const DOD_BITS = [0, 14, 17, 20, 64];

// Scratch for float <-> bits conversion.
const f64 = new Float64Array(1);
const u32 = new Uint32Array(f64.buffer);
const LITTLE = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;
const HI = LITTLE ? 1 : 0;
const LO = LITTLE ? 0 : 1;

function clz64(hi: number, lo: number): number {
  return hi !== 0 ? Math.clz32(hi) : 32 + Math.clz32(lo);
}

function ctz32(x: number): number {
  return 31 - Math.clz32(x & -x);
}

function ctz64(hi: number, lo: number): number {
  return lo !== 0 ? ctz32(lo) : 32 + ctz32(hi);
}

/** True when dod fits the bucket of `nbits` bits as Prometheus sizes it: [-(2^(n-1)-1), 2^(n-1)]. */
function fitsBucket(dod: number, nbits: number): boolean {
  const half = 2 ** (nbits - 1);
  return dod >= -(half - 1) && dod <= half;
}

export class XorChunk extends BitWriter {
  numSamples = 0;
  /** First and last timestamp (valid when numSamples > 0). */
  minT = 0;
  maxT = 0;
  private tDelta = 0;
  /**
   * Bits of the last appended value as signed 32-bit halves: small integers, which V8 stores in the
   * object itself (a double field would cost a separate 16-byte box per chunk).
   */
  private vHi = 0;
  private vLo = 0;
  private leading = 0xff;
  private trailing = 0;

  /** Set when a query snapshot holds this chunk's buffer: it must then never be reused. */
  shared = false;

  constructor(initialBytes = 32) {
    super(initialBytes);
    this.bitLen = HEADER_BITS;
  }

  /** Empties the chunk for reuse, keeping its buffer. Only for chunks no reader can see. */
  reset(): void {
    this.buf.fill(0, 0, Math.min(this.buf.length, this.byteLength() + 1));
    this.resetBits(HEADER_BITS);
    this.numSamples = 0;
    this.minT = 0;
    this.maxT = 0;
    this.tDelta = 0;
    this.vHi = 0;
    this.vLo = 0;
    this.leading = 0xff;
    this.trailing = 0;
  }

  /** Appends a sample; the caller guarantees t > maxT (no checks here). */
  append(t: number, v: number): void {
    f64[0] = v;
    const hi = u32[HI];
    const lo = u32[LO];
    const n = this.numSamples;
    if (n === 0) {
      this.writeVarint(t);
      this.writeBits64(hi, lo);
      this.minT = t;
    } else if (n === 1) {
      const delta = t - this.maxT;
      this.writeUvarint(delta);
      this.writeValue(hi, lo);
      this.tDelta = delta;
    } else {
      const delta = t - this.maxT;
      const dod = delta - this.tDelta;
      if (dod === 0) {
        this.writeZeroBit();
      } else if (fitsBucket(dod, 14)) {
        // prefix and payload in one write (the value write that follows decides the stream's trailing byte)
        this.writeBits((0b10 << 14) | (dod & 0x3fff), 16);
      } else if (fitsBucket(dod, 17)) {
        this.writeBits((0b110 << 17) | (dod & 0x1ffff), 20);
      } else if (fitsBucket(dod, 20)) {
        this.writeBits((0b1110 << 20) | (dod & 0xfffff), 24);
      } else {
        this.writeBits(0b1111, 4);
        this.writeBits64(int64Hi(dod), int64Lo(dod));
      }
      this.writeValue(hi, lo);
      this.tDelta = delta;
    }
    this.maxT = t;
    this.vHi = hi | 0;
    this.vLo = lo | 0;
    this.numSamples = n + 1;
    this.buf[0] = (n + 1) >>> 8;
    this.buf[1] = (n + 1) & 0xff;
  }

  /** Last appended value (bit-exact; 0 when empty). */
  get lastV(): number {
    u32[HI] = this.vHi;
    u32[LO] = this.vLo;
    return f64[0];
  }

  private writeValue(hi: number, lo: number): void {
    const dHi = (hi ^ this.vHi) >>> 0;
    const dLo = (lo ^ this.vLo) >>> 0;
    if (dHi === 0 && dLo === 0) {
      this.writeZeroBit();
      return;
    }
    let lead = clz64(dHi, dLo);
    const trail = ctz64(dHi, dLo);
    if (lead >= 32) lead = 31; // only 5 bits to store it
    if (this.leading !== 0xff && lead >= this.leading && trail >= this.trailing) {
      this.writeMeaningful(0b10, 2, dHi, dLo, 64 - this.leading - this.trailing, this.trailing);
      return;
    }
    this.leading = lead;
    this.trailing = trail;
    const sig = 64 - lead - trail;
    // '11', 5 bits leading zeros, 6 bits meaningful length
    this.writeMeaningful((0b11 << 11) | (lead << 6) | (sig & 63), 13, dHi, dLo, sig, trail);
  }

  /**
   * Writes a control prefix, then bits [trail, trail+sig) of the 64-bit value, most significant first; in one
   * write when they fit 32 bits. The stream's trailing-byte state follows the meaningful bits alone, as
   * Prometheus writes them separately.
   */
  private writeMeaningful(
    prefix: number,
    prefixLen: number,
    dHi: number,
    dLo: number,
    sig: number,
    trail: number,
  ): void {
    let sHi: number;
    let sLo: number;
    if (trail >= 32) {
      sHi = 0;
      sLo = dHi >>> (trail - 32);
    } else if (trail > 0) {
      sHi = dHi >>> trail;
      sLo = ((dLo >>> trail) | (dHi << (32 - trail))) >>> 0;
    } else {
      sHi = dHi;
      sLo = dLo;
    }
    if (sig + prefixLen <= 32) {
      this.writeBits((prefix << sig) | sLo, sig + prefixLen);
      this.endedWithBytes((sig & 7) === 0);
    } else {
      this.writeBits(prefix, prefixLen);
      this.writeWide(sHi, sLo, sig);
    }
  }

  /** The chunk's bytes in Prometheus's format (a view; copy before keeping it past further appends). */
  bytes(): Uint8Array {
    return this.buf.subarray(0, this.byteLength());
  }

  /** Shrinks the buffer to the exact size; call when the chunk is closed. */
  compact(): void {
    const n = this.byteLength();
    if (this.buf.length !== n) this.buf = this.buf.slice(0, n);
  }

  iterator(reuse?: XorIterator): XorIterator {
    const it = reuse ?? new XorIterator();
    it.reset(this.buf, this.numSamples, this.bitLen);
    return it;
  }

  /** Rebuilds a chunk (with appender state, ready for more appends) from Prometheus XOR chunk bytes. */
  static fromBytes(data: Uint8Array): XorChunk {
    const it = new XorIterator();
    it.reset(data, -1, data.length * 8);
    const c = new XorChunk(Math.max(32, data.length + 8));
    while (it.next()) c.append(it.t, it.v);
    return c;
  }
}

/**
 * Decodes an XOR chunk. Usage: while (it.next()) use(it.t, it.v).
 * Reads only `numSamples` samples so it can iterate a snapshot of a chunk that is still being appended to.
 */
/** Shared empty buffer for iterators not yet pointed at a chunk (saves a typed array per iterator). */
const NO_BYTES = new Uint8Array(0);

export class XorIterator {
  t = 0;
  v = 0;
  private r = new BitReader(NO_BYTES);
  private total = 0;
  private read = 0;
  private tDelta = 0;
  private vHi = 0;
  private vLo = 0;
  private leading = 0;
  private trailing = 0;

  /**
   * Points the iterator at a chunk starting at byte `start` of `buf` and ending before bit `bitEnd`.
   * numSamples < 0 reads the count from the chunk header.
   */
  reset(buf: Uint8Array, numSamples: number, bitEnd: number, start = 0): void {
    this.r.reset(buf, start * 8 + HEADER_BITS, bitEnd);
    this.total = numSamples < 0 ? (buf.length >= start + 2 ? (buf[start] << 8) | buf[start + 1] : 0) : numSamples;
    this.read = 0;
    this.t = 0;
    this.v = 0;
    this.tDelta = 0;
    this.vHi = 0;
    this.vLo = 0;
    this.leading = 0;
    this.trailing = 0;
  }

  next(): boolean {
    if (this.read >= this.total) return false;
    const r = this.r;
    const n = this.read;
    if (n === 0) {
      this.t = r.readVarint();
      this.vHi = r.readBits(32);
      this.vLo = r.readBits(32);
      this.setV();
    } else if (n === 1) {
      this.tDelta = r.readUvarint();
      this.t += this.tDelta;
      this.readValue();
    } else {
      let dod = 0;
      if (r.readBit() === 1) {
        // the prefix has 1 to 4 one-bits ('10', '110', '1110', '1111'); one was read already
        let ones = 1;
        while (ones < 4 && r.readBit() === 1) ones++;
        const nbits = DOD_BITS[ones];
        if (nbits === 64) {
          const hi = r.readBits(32);
          dod = int64FromHalves(hi, r.readBits(32));
        } else {
          dod = r.readBits(nbits);
          if (dod > 2 ** (nbits - 1)) dod -= 2 ** nbits;
        }
      }
      this.tDelta += dod;
      this.t += this.tDelta;
      this.readValue();
    }
    this.read = n + 1;
    return true;
  }

  /** Advances to the first sample with timestamp >= t; stays on the current sample when it qualifies. */
  seek(t: number): boolean {
    if (this.read > 0 && this.t >= t) return true;
    while (this.next()) if (this.t >= t) return true;
    return false;
  }

  private readValue(): void {
    const r = this.r;
    if (r.readBit() === 0) return; // same value
    if (r.readBit() === 1) {
      this.leading = r.readBits(5);
      let sig = r.readBits(6);
      if (sig === 0) sig = 64;
      this.trailing = 64 - this.leading - sig;
    }
    const sig = 64 - this.leading - this.trailing;
    let mHi = 0;
    let mLo: number;
    if (sig > 32) {
      mHi = r.readBits(sig - 32);
      mLo = r.readBits(32);
    } else {
      mLo = r.readBits(sig);
    }
    // shift the meaningful bits left by `trailing`
    const tr = this.trailing;
    let dHi: number;
    let dLo: number;
    if (tr >= 32) {
      dHi = mLo << (tr - 32);
      dLo = 0;
    } else if (tr > 0) {
      dHi = (mHi << tr) | (mLo >>> (32 - tr));
      dLo = mLo << tr;
    } else {
      dHi = mHi;
      dLo = mLo;
    }
    this.vHi = (this.vHi ^ dHi) >>> 0;
    this.vLo = (this.vLo ^ dLo) >>> 0;
    this.setV();
  }

  private setV(): void {
    u32[HI] = this.vHi;
    u32[LO] = this.vLo;
    this.v = f64[0];
  }
}
