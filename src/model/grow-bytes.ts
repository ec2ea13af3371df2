/**
 * Room for `need` more bytes after the first `len` of `buf`: `buf` itself when it has it, otherwise a copy
 * at least twice as large (so a buffer that is appended to grows in amortised O(1) per byte).
 */
export function growBytes<B extends ArrayBufferLike>(
  buf: Uint8Array<B>,
  len: number,
  need: number,
): Uint8Array<B | ArrayBuffer> {
  if (len + need <= buf.length) return buf;
  let size = Math.max(buf.length * 2, 16);
  while (size < len + need) size *= 2;
  const b = new Uint8Array(size);
  b.set(buf.subarray(0, len));
  return b;
}
