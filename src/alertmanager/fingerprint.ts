/**
 * Prometheus's model.LabelSet.Fingerprint: FNV-1a 64 over the label pairs sorted by name, each name and
 * value followed by a 0xff separator byte, printed as 16 hex digits. Same ids as Alertmanager, so
 * fingerprints match amtool's and Alertmanager's. Computed once per label set.
 */
import type { Labels } from '../model/index.ts';

const encoder = new TextEncoder();

// 64-bit arithmetic in four 16-bit limbs (no BigInt in the loop).
export function fingerprintLabels(labels: Labels): string {
  // offset basis 0xcbf29ce484222325
  let h0 = 0x2325;
  let h1 = 0x8422;
  let h2 = 0x9ce4;
  let h3 = 0xcbf2;
  const step = (byte: number) => {
    h0 ^= byte;
    // multiply by prime 0x100000001b3 = 2^40 + 0x1b3
    const p = 0x1b3;
    let t0 = h0 * p;
    let t1 = h1 * p + (t0 >>> 16);
    let t2 = h2 * p + (t1 >>> 16);
    let t3 = h3 * p + (t2 >>> 16);
    t0 &= 0xffff;
    t1 &= 0xffff;
    t2 &= 0xffff;
    // + h << 40: limb 2 gets h0 << 8, limb 3 gets (h0 >> 8) + (h1 << 8)
    t2 += (h0 << 8) & 0xffff;
    t3 += (h0 >>> 8) + (h1 << 8) + (t2 >>> 16);
    h0 = t0;
    h1 = t1;
    h2 = t2 & 0xffff;
    h3 = t3 & 0xffff;
  };
  const flat = labels.flat;
  for (let i = 0; i < flat.length; i++) {
    const bytes = encoder.encode(flat[i]);
    for (let j = 0; j < bytes.length; j++) step(bytes[j]);
    step(0xff);
  }
  const hex = (n: number) => n.toString(16).padStart(4, '0');
  return hex(h3) + hex(h2) + hex(h1) + hex(h0);
}
