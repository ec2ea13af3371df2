import { ExpositionError } from './types.ts';

const strictDecoder = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });
const lenientDecoder = new TextDecoder('utf-8', { ignoreBOM: true });

/**
 * Decodes a scraped body. Invalid UTF-8 is an ExpositionError naming the line and column of the
 * first bad byte (the column counts characters, as the parser does for all other errors).
 */
export function decodeExposition(bytes: Uint8Array): string {
  try {
    return strictDecoder.decode(bytes);
  } catch {
    const at = firstInvalidUtf8(bytes);
    throw errorAtByte(bytes, at < 0 ? bytes.length : at, 'invalid UTF-8 byte sequence');
  }
}

/** Input given as a string must not carry lone surrogates (they cannot come from valid UTF-8). */
export function checkWellFormed(s: string): void {
  if ((s as unknown as { isWellFormed(): boolean }).isWellFormed()) return;
  let line = 1;
  let lineStart = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c === 10) {
      line++;
      lineStart = i + 1;
    } else if (c >= 0xd800 && c <= 0xdbff) {
      const d = i + 1 < s.length ? s.charCodeAt(i + 1) : 0;
      if (d >= 0xdc00 && d <= 0xdfff) i++;
      else throw new ExpositionError(line, i - lineStart + 1, 'invalid UTF-8: unpaired surrogate');
    } else if (c >= 0xdc00 && c <= 0xdfff) {
      throw new ExpositionError(line, i - lineStart + 1, 'invalid UTF-8: unpaired surrogate');
    }
  }
}

function errorAtByte(bytes: Uint8Array, at: number, msg: string): ExpositionError {
  let line = 1;
  let lineStart = 0;
  for (let i = 0; i < at; i++) {
    if (bytes[i] === 10) {
      line++;
      lineStart = i + 1;
    }
  }
  // Everything before `at` is valid, so the prefix of this line decodes cleanly.
  const col = lenientDecoder.decode(bytes.subarray(lineStart, at)).length + 1;
  const hex = bytes[at] === undefined ? 'end of input' : `byte 0x${bytes[at].toString(16).padStart(2, '0')}`;
  return new ExpositionError(line, col, `${msg} (${hex})`);
}

/** Index of the first byte that does not start or continue a valid UTF-8 sequence; -1 if none. */
export function firstInvalidUtf8(b: Uint8Array): number {
  const n = b.length;
  let i = 0;
  while (i < n) {
    const c = b[i];
    if (c < 0x80) {
      i++;
      continue;
    }
    let need: number;
    let lo = 0x80;
    let hi = 0xbf;
    if (c >= 0xc2 && c <= 0xdf) need = 1;
    else if (c >= 0xe0 && c <= 0xef) {
      need = 2;
      if (c === 0xe0) lo = 0xa0;
      else if (c === 0xed) hi = 0x9f; // no surrogates
    } else if (c >= 0xf0 && c <= 0xf4) {
      need = 3;
      if (c === 0xf0) lo = 0x90;
      else if (c === 0xf4) hi = 0x8f;
    } else return i;
    const c1 = b[i + 1];
    if (c1 === undefined || c1 < lo || c1 > hi) return i;
    for (let k = 2; k <= need; k++) {
      const ck = b[i + k];
      if (ck === undefined || ck < 0x80 || ck > 0xbf) return i;
    }
    i += need + 1;
  }
  return -1;
}
