/**
 * Byte sizes as Prometheus reads them (alecthomas/units Base2Bytes): "100MB", "1.5GiB", "512KB1B";
 * KB/MB/... and KiB/MiB/... are both powers of 1024. A bare number has no unit and is an error,
 * except "0".
 */
const UNIT: Record<string, number> = { B: 1 };
const PREFIXES = ['K', 'M', 'G', 'T', 'P', 'E'];
for (let i = 0; i < PREFIXES.length; i++) {
  const v = 1024 ** (i + 1);
  UNIT[`${PREFIXES[i]}B`] = v;
  UNIT[`${PREFIXES[i]}iB`] = v;
}

export class SizeError extends Error {}

export function parseSize(s: string): number {
  if (s === '0') return 0;
  let rest = s;
  let sign = 1;
  if (rest.startsWith('-') || rest.startsWith('+')) {
    if (rest[0] === '-') sign = -1;
    rest = rest.slice(1);
  }
  if (rest === '') throw new SizeError(`units: invalid unit string ${JSON.stringify(s)}`);
  let total = 0;
  const part = /^(\d+(?:\.\d*)?|\.\d+)([^\d.]*)/;
  while (rest !== '') {
    const m = part.exec(rest);
    if (!m) throw new SizeError(`units: invalid unit string ${JSON.stringify(s)}`);
    const unit = UNIT[m[2]];
    if (unit === undefined) throw new SizeError(`units: unknown unit ${m[2]} in ${s}`);
    total += Number(m[1]) * unit;
    rest = rest.slice(m[0].length);
  }
  return sign * Math.trunc(total);
}

/** Prints bytes as Base2Bytes.String does: 15728640 -> "15MiB", 1536 -> "1KiB512B", 0 -> "0B". */
export function formatSize(bytes: number): string {
  if (bytes === 0) return '0B';
  let out = bytes < 0 ? '-' : '';
  let rest = Math.abs(bytes);
  for (let i = PREFIXES.length - 1; i >= 0; i--) {
    const v = 1024 ** (i + 1);
    const n = Math.floor(rest / v);
    if (n > 0) {
      out += `${n}${PREFIXES[i]}iB`;
      rest -= n * v;
    }
  }
  if (rest > 0) out += `${rest}B`;
  return out;
}
