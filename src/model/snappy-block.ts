/**
 * Decoder for the snappy block format (remote-write/read bodies, compressed WAL records).
 *
 * Our own because snappyjs 0.7's decoder loops forever on some corrupt inputs (a 4-byte literal length with the
 * top bit set goes negative and moves the read position backwards) and does not bound writes. Every length and
 * offset here is checked against the input and the declared output size, so any input ends in a result or an error.
 * Compression still uses snappyjs.
 */

export class SnappyDecodeError extends Error {}

/** The declared decompressed length (the varint preamble) and where the elements start. */
export function snappyDecodedLength(input: Uint8Array): { length: number; start: number } {
  let length = 0;
  let shift = 1;
  for (let pos = 0; pos < input.length && pos < 5; pos++) {
    const b = input[pos];
    length += (b & 0x7f) * shift;
    if ((b & 0x80) === 0) {
      if (length > 0xffffffff) break;
      return { length, start: pos + 1 };
    }
    shift *= 128;
  }
  throw new SnappyDecodeError('invalid length preamble');
}

/** Decompresses a snappy block; `maxLength` caps the declared size before anything is allocated. */
export function snappyUncompress(input: Uint8Array, maxLength = Number.POSITIVE_INFINITY): Uint8Array {
  const { length, start } = snappyDecodedLength(input);
  if (length > maxLength) throw new SnappyDecodeError(`decoded length ${length} exceeds the limit ${maxLength}`);
  const out = new Uint8Array(length);
  let pos = start;
  let outPos = 0;
  const n = input.length;
  while (pos < n) {
    const tag = input[pos++];
    const kind = tag & 3;
    if (kind === 0) {
      let len = (tag >>> 2) + 1;
      if (len > 60) {
        const bytes = len - 60;
        if (pos + bytes > n) throw new SnappyDecodeError('truncated literal length');
        len = 0;
        for (let i = 0; i < bytes; i++) len += input[pos + i] * 2 ** (8 * i);
        len += 1;
        pos += bytes;
      }
      if (len > n - pos) throw new SnappyDecodeError('literal runs past the input');
      if (len > length - outPos) throw new SnappyDecodeError('literal runs past the declared length');
      out.set(input.subarray(pos, pos + len), outPos);
      pos += len;
      outPos += len;
      continue;
    }
    let len: number;
    let offset: number;
    if (kind === 1) {
      if (pos + 1 > n) throw new SnappyDecodeError('truncated copy');
      len = ((tag >>> 2) & 7) + 4;
      offset = ((tag >>> 5) << 8) | input[pos];
      pos += 1;
    } else if (kind === 2) {
      if (pos + 2 > n) throw new SnappyDecodeError('truncated copy');
      len = (tag >>> 2) + 1;
      offset = input[pos] | (input[pos + 1] << 8);
      pos += 2;
    } else {
      if (pos + 4 > n) throw new SnappyDecodeError('truncated copy');
      len = (tag >>> 2) + 1;
      offset = input[pos] + input[pos + 1] * 0x100 + input[pos + 2] * 0x10000 + input[pos + 3] * 0x1000000;
      pos += 4;
    }
    if (offset === 0 || offset > outPos) throw new SnappyDecodeError('copy offset out of range');
    if (len > length - outPos) throw new SnappyDecodeError('copy runs past the declared length');
    // Byte by byte: a copy may overlap its own output (offset < len repeats a pattern).
    for (let i = 0; i < len; i++, outPos++) out[outPos] = out[outPos - offset];
  }
  if (outPos !== length) throw new SnappyDecodeError(`decoded ${outPos} bytes, expected ${length}`);
  return out;
}
