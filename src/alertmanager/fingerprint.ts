/**
 * Prometheus's model.LabelSet.Fingerprint: FNV-1a 64 over the label pairs sorted by name, each name and
 * value followed by a 0xff separator byte, printed as 16 hex digits. Same ids as Alertmanager, so
 * fingerprints match amtool's and Alertmanager's. Computed once per label set.
 */
import type { Labels } from '../model/index.ts';

const encoder = new TextEncoder();

// The 64-bit state in four 16-bit limbs (no BigInt, no allocation per byte).
let h0 = 0;
let h1 = 0;
let h2 = 0;
let h3 = 0;

/** h = (h ^ byte) * 0x100000001b3 mod 2^64, where the prime is 2^40 + 0x1b3. */
function step(byte: number): void {
  h0 ^= byte;
  const t0 = h0 * 0x1b3;
  const t1 = h1 * 0x1b3 + (t0 >>> 16);
  let t2 = h2 * 0x1b3 + (t1 >>> 16);
  let t3 = h3 * 0x1b3 + (t2 >>> 16);
  t2 = (t2 & 0xffff) + ((h0 << 8) & 0xffff);
  t3 += (h0 >>> 8) + (h1 << 8) + (t2 >>> 16);
  h0 = t0 & 0xffff;
  h1 = t1 & 0xffff;
  h2 = t2 & 0xffff;
  h3 = t3 & 0xffff;
}

function addString(s: string): void {
  for (let j = 0; j < s.length; j++) {
    if (s.charCodeAt(j) >= 0x80) {
      const bytes = encoder.encode(s);
      for (let k = 0; k < bytes.length; k++) step(bytes[k]);
      return;
    }
  }
  for (let j = 0; j < s.length; j++) step(s.charCodeAt(j));
}

const hex4 = (n: number) => n.toString(16).padStart(4, '0');

export function fingerprintLabels(labels: Labels): string {
  // offset basis 0xcbf29ce484222325
  h0 = 0x2325;
  h1 = 0x8422;
  h2 = 0x9ce4;
  h3 = 0xcbf2;
  const flat = labels.flat;
  for (let i = 0; i < flat.length; i++) {
    addString(flat[i]);
    step(0xff);
  }
  return hex4(h3) + hex4(h2) + hex4(h1) + hex4(h0);
}
