/**
 * Labels: an immutable, sorted set of name/value pairs identifying a series.
 * Stored as one flat array [n0, v0, n1, v1, ...] sorted by name, so comparison and hashing
 * walk a single array without allocating. Build once per series, not per sample.
 */
export const METRIC_NAME = '__name__';

export class Labels {
  /** Flat sorted [name, value, ...]; treat as read-only. */
  readonly flat: readonly string[];
  private hashCache = -1;

  private constructor(flat: readonly string[]) {
    this.flat = flat;
  }

  static readonly EMPTY = new Labels([]);

  /** From an already sorted, de-duplicated flat array (no copy, no check). */
  static fromSortedFlat(flat: readonly string[]): Labels {
    return flat.length === 0 ? Labels.EMPTY : new Labels(flat);
  }

  /** From an object; empty values are dropped as in Prometheus. */
  static fromObject(obj: Record<string, string>): Labels {
    const names = sortedNames(Object.keys(obj));
    const flat: string[] = [];
    for (const n of names) {
      const v = obj[n];
      if (v !== '' && v !== undefined) flat.push(n, v);
    }
    return Labels.fromSortedFlat(flat);
  }

  /** From unsorted pairs [n0, v0, ...]; later duplicates win; empty values are dropped. */
  static fromPairs(pairs: readonly string[]): Labels {
    const b = new LabelsBuilder();
    for (let i = 0; i < pairs.length; i += 2) b.set(pairs[i], pairs[i + 1]);
    return b.labels();
  }

  get size(): number {
    return this.flat.length >> 1;
  }

  get isEmpty(): boolean {
    return this.flat.length === 0;
  }

  get(name: string): string {
    const f = this.flat;
    for (let i = 0; i < f.length; i += 2) {
      if (f[i] === name) return f[i + 1];
    }
    return '';
  }

  has(name: string): boolean {
    const f = this.flat;
    for (let i = 0; i < f.length; i += 2) if (f[i] === name) return true;
    return false;
  }

  get metricName(): string {
    return this.get(METRIC_NAME);
  }

  /** 53-bit FNV-1a style hash of names and values; cached. */
  hash(): number {
    if (this.hashCache >= 0) return this.hashCache;
    const h = hashFlat(this.flat, 0, this.flat.length);
    this.hashCache = h;
    return h;
  }

  equals(o: Labels): boolean {
    if (this === o) return true;
    const a = this.flat;
    const b = o.flat;
    if (a.length !== b.length) return false;
    for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
    return true;
  }

  forEach(fn: (name: string, value: string) => void): void {
    const f = this.flat;
    for (let i = 0; i < f.length; i += 2) fn(f[i], f[i + 1]);
  }

  names(): string[] {
    const out: string[] = [];
    for (let i = 0; i < this.flat.length; i += 2) out.push(this.flat[i]);
    return out;
  }

  toObject(): Record<string, string> {
    const o: Record<string, string> = {};
    const f = this.flat;
    for (let i = 0; i < f.length; i += 2) o[f[i]] = f[i + 1];
    return o;
  }

  /** Labels without the given names. */
  without(...names: string[]): Labels {
    const f = this.flat;
    const out: string[] = [];
    for (let i = 0; i < f.length; i += 2) if (!names.includes(f[i])) out.push(f[i], f[i + 1]);
    return out.length === f.length ? this : Labels.fromSortedFlat(out);
  }

  /** Labels restricted to the given names. */
  keep(names: readonly string[]): Labels {
    const f = this.flat;
    const out: string[] = [];
    for (let i = 0; i < f.length; i += 2) if (names.includes(f[i])) out.push(f[i], f[i + 1]);
    return Labels.fromSortedFlat(out);
  }

  withoutMetricName(): Labels {
    return this.without(METRIC_NAME);
  }

  builder(): LabelsBuilder {
    return new LabelsBuilder(this);
  }

  /** Prometheus string form: name{a="b", c="d"} (as printed by Go's labels.String). */
  toString(): string {
    const f = this.flat;
    let out = '{';
    let first = true;
    for (let i = 0; i < f.length; i += 2) {
      if (!first) out += ', ';
      first = false;
      out += `${quoteNameIfNeeded(f[i])}=${JSON.stringify(f[i + 1])}`;
    }
    return `${out}}`;
  }
}

/** Mutable builder used by relabeling and the PromQL engine. */
export class LabelsBuilder {
  private map = new Map<string, string>();

  constructor(base?: Labels) {
    if (base) {
      const f = base.flat;
      for (let i = 0; i < f.length; i += 2) this.map.set(f[i], f[i + 1]);
    }
  }

  get(name: string): string {
    return this.map.get(name) ?? '';
  }

  has(name: string): boolean {
    return this.map.has(name);
  }

  /** Setting an empty value deletes the label, as in Prometheus. */
  set(name: string, value: string): this {
    if (value === '') this.map.delete(name);
    else this.map.set(name, value);
    return this;
  }

  del(...names: string[]): this {
    for (const n of names) this.map.delete(n);
    return this;
  }

  keep(...names: string[]): this {
    for (const n of [...this.map.keys()]) if (!names.includes(n)) this.map.delete(n);
    return this;
  }

  range(fn: (name: string, value: string) => void): void {
    for (const [n, v] of this.map) fn(n, v);
  }

  labels(): Labels {
    const names = [...this.map.keys()].sort(compareStrings);
    const flat: string[] = new Array(names.length * 2);
    for (let i = 0; i < names.length; i++) {
      flat[2 * i] = names[i];
      flat[2 * i + 1] = this.map.get(names[i])!;
    }
    return Labels.fromSortedFlat(flat);
  }
}

/** Byte-wise string comparison (Go's string ordering for ASCII; UTF-16 order otherwise). */
/**
 * The names sorted in place: by insertion for the usual handful (Array.prototype.sort with a comparator
 * allocates work space on every call, which showed in the garbage of ingesting alerts), by sort otherwise.
 */
function sortedNames(names: string[]): string[] {
  if (names.length > 16) return names.sort(compareStrings);
  for (let i = 1; i < names.length; i++) {
    const x = names[i] as string;
    let j = i - 1;
    while (j >= 0 && (names[j] as string) > x) {
      names[j + 1] = names[j] as string;
      j--;
    }
    names[j + 1] = x;
  }
  return names;
}

export function compareStrings(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

export function compareLabels(a: Labels, b: Labels): number {
  const x = a.flat;
  const y = b.flat;
  const n = Math.min(x.length, y.length);
  for (let i = 0; i < n; i += 2) {
    if (x[i] !== y[i]) return x[i] < y[i] ? -1 : 1;
    if (x[i + 1] !== y[i + 1]) return x[i + 1] < y[i + 1] ? -1 : 1;
  }
  return x.length - y.length;
}

const FNV_OFFSET_HI = 0x811c9dc5;

/** Hash of a slice of a flat label array: two 32-bit FNV-1a lanes combined to 53 bits. */
export function hashFlat(flat: readonly string[], from: number, to: number): number {
  let h1 = FNV_OFFSET_HI;
  let h2 = 0x01000193 ^ 0x5bd1e995;
  for (let i = from; i < to; i++) {
    const s = flat[i];
    for (let j = 0; j < s.length; j++) {
      const c = s.charCodeAt(j);
      h1 = Math.imul(h1 ^ c, 0x01000193);
      h2 = Math.imul(h2 ^ c, 0x5bd1e995) ^ (h2 >>> 15);
    }
    // separator so ("ab","c") and ("a","bc") differ
    h1 = Math.imul(h1 ^ 0xff, 0x01000193);
    h2 = Math.imul(h2 ^ 0xff, 0x5bd1e995) ^ (h2 >>> 15);
  }
  return (h1 >>> 0) * 0x200000 + ((h2 >>> 0) & 0x1fffff);
}

const LEGACY_NAME_RE = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/;
const LEGACY_LABEL_RE = /^[a-zA-Z_][a-zA-Z0-9_]*$/;

export function isLegacyMetricName(s: string): boolean {
  return LEGACY_NAME_RE.test(s);
}

export function isLegacyLabelName(s: string): boolean {
  return LEGACY_LABEL_RE.test(s);
}

/** Prometheus 3 accepts any valid UTF-8 label name that is not empty. */
export function isValidLabelName(s: string): boolean {
  return s.length > 0 && isWellFormed(s);
}

export function isWellFormed(s: string): boolean {
  // String.prototype.isWellFormed is Node 20+.
  return (s as unknown as { isWellFormed(): boolean }).isWellFormed();
}

function quoteNameIfNeeded(n: string): string {
  return isLegacyLabelName(n) ? n : JSON.stringify(n);
}
