import { randomFillSync } from 'node:crypto';

/**
 * ULIDs name block directories: 48-bit millisecond timestamp + 80 random bits, 26 characters of
 * Crockford base32. Lexical order of ULIDs is their time order, so sorting directory names sorts blocks.
 */

const ALPHABET = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';
const ULID_RE = /^[0-7][0-9A-HJKMNP-TV-Z]{25}$/;

/** A new ULID for time `ms` (default now). */
export function newULID(ms: number = Date.now()): string {
  const rnd = new Uint8Array(10);
  randomFillSync(rnd);
  return encodeULID(ms, rnd);
}

/** Encodes a timestamp and 10 random bytes (exposed for tests). */
export function encodeULID(ms: number, rnd: Uint8Array): string {
  if (!Number.isInteger(ms) || ms < 0 || ms >= 2 ** 48) throw new RangeError(`ULID time out of range: ${ms}`);
  let out = '';
  // 48 bits of time in 10 characters (the first carries 3 bits)
  let t = ms;
  const time: string[] = [];
  for (let i = 0; i < 10; i++) {
    time.push(ALPHABET[t % 32]);
    t = Math.floor(t / 32);
  }
  out = time.reverse().join('');
  // 80 random bits in 16 characters: walk 5 bits at a time
  let acc = 0;
  let bits = 0;
  for (let i = 0; i < 10; i++) {
    acc = ((acc << 8) | rnd[i]) & 0xffff;
    bits += 8;
    while (bits >= 5) {
      bits -= 5;
      out += ALPHABET[(acc >>> bits) & 31];
    }
  }
  return out;
}

export function isULID(s: string): boolean {
  return ULID_RE.test(s);
}

/** The millisecond timestamp of a ULID. */
export function ulidTime(s: string): number {
  let t = 0;
  for (let i = 0; i < 10; i++) t = t * 32 + ALPHABET.indexOf(s[i]);
  return t;
}
