/** Shared sample constants. Timestamps are milliseconds since the epoch as JS numbers. */

/** The NaN bit pattern Prometheus uses as a staleness marker (0x7ff0000000000002). */
export const STALE_NAN_BITS_HI = 0x7ff00000;
export const STALE_NAN_BITS_LO = 0x00000002;

const f64 = new Float64Array(1);
const u32 = new Uint32Array(f64.buffer);
const LITTLE = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;
const HI = LITTLE ? 1 : 0;
const LO = LITTLE ? 0 : 1;

u32[HI] = STALE_NAN_BITS_HI;
u32[LO] = STALE_NAN_BITS_LO;
/** A float whose bits are the staleness marker. Only distinguishable through isStaleNaN. */
export const STALE_NAN: number = f64[0];

export function isStaleNaN(v: number): boolean {
  if (!Number.isNaN(v)) return false;
  f64[0] = v;
  return u32[HI] === STALE_NAN_BITS_HI && u32[LO] === STALE_NAN_BITS_LO;
}

/** A plain (non-stale) NaN, as produced by Go's math.NaN() (0x7ff8000000000001). */
export const NORMAL_NAN: number = (() => {
  u32[HI] = 0x7ff80000;
  u32[LO] = 0x00000001;
  return f64[0];
})();
