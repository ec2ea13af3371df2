import { compareStrings, Labels, type Matcher, MatchType } from '../model/index.ts';

/**
 * The postings index: label name -> label value -> sorted list of series ids, plus the list of all ids.
 * It doubles as the string intern table: the Labels stored for a series are rebuilt from the index's own
 * copies of each name and value, so equal strings are shared across series and never pin a scrape body.
 */

/** A sorted (ascending, no duplicates) list of series ids. */
export type PostingsList = readonly number[];

const EMPTY: PostingsList = [];

interface ValueEntry {
  /** Interned value string. */
  readonly value: string;
  /** Sorted ids of series with this value. */
  ids: number[];
}

interface NameEntry {
  /** Interned name string. */
  readonly name: string;
  readonly values: Map<string, ValueEntry>;
}

/** A flat copy of a string, so an interned string never keeps a larger parent string (e.g. a scrape body) alive. */
function ownString(s: string): string {
  return s.length > 12 ? Buffer.from(s, 'utf8').toString('utf8') : s;
}

function insertSorted(list: number[], id: number): void {
  const n = list.length;
  if (n === 0 || list[n - 1] < id) {
    list.push(id);
    return;
  }
  let lo = 0;
  let hi = n;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (list[mid] < id) lo = mid + 1;
    else hi = mid;
  }
  if (list[lo] !== id) list.splice(lo, 0, id);
}

/** Removes every id in `gone` from a sorted list, in place. */
function removeAll(list: number[], gone: ReadonlySet<number>): void {
  let w = 0;
  for (let r = 0; r < list.length; r++) {
    const id = list[r];
    if (!gone.has(id)) list[w++] = id;
  }
  list.length = w;
}

/** Intersection of two sorted lists. */
export function intersect(a: PostingsList, b: PostingsList): number[] {
  const out: number[] = [];
  if (a.length === 0 || b.length === 0) return out;
  if (a.length > b.length) {
    const t = a;
    a = b;
    b = t;
  }
  // galloping when one side is much smaller
  if (a.length * 16 < b.length) {
    let lo = 0;
    for (let i = 0; i < a.length; i++) {
      const x = a[i];
      let hi = b.length;
      while (lo < hi) {
        const mid = (lo + hi) >>> 1;
        if (b[mid] < x) lo = mid + 1;
        else hi = mid;
      }
      if (lo === b.length) break;
      if (b[lo] === x) out.push(x);
    }
    return out;
  }
  let i = 0;
  let j = 0;
  while (i < a.length && j < b.length) {
    const x = a[i];
    const y = b[j];
    if (x === y) {
      out.push(x);
      i++;
      j++;
    } else if (x < y) i++;
    else j++;
  }
  return out;
}

/** Intersection of several sorted lists, smallest first. */
export function intersectAll(lists: PostingsList[]): number[] {
  if (lists.length === 0) return [];
  const sorted = [...lists].sort((x, y) => x.length - y.length);
  let acc: PostingsList = sorted[0];
  for (let i = 1; i < sorted.length && acc.length > 0; i++) acc = intersect(acc, sorted[i]);
  return acc === sorted[0] ? [...acc] : (acc as number[]);
}

/** Union of two sorted lists. */
export function merge(a: PostingsList, b: PostingsList): number[] {
  const out: number[] = [];
  let i = 0;
  let j = 0;
  while (i < a.length && j < b.length) {
    const x = a[i];
    const y = b[j];
    if (x === y) {
      out.push(x);
      i++;
      j++;
    } else if (x < y) {
      out.push(x);
      i++;
    } else {
      out.push(y);
      j++;
    }
  }
  while (i < a.length) out.push(a[i++]);
  while (j < b.length) out.push(b[j++]);
  return out;
}

/** Union of many sorted lists (may overlap). */
export function mergeAll(lists: PostingsList[]): number[] {
  if (lists.length === 0) return [];
  if (lists.length === 1) return [...lists[0]];
  if (lists.length === 2) return merge(lists[0], lists[1]);
  let total = 0;
  for (const l of lists) total += l.length;
  const buf = new Float64Array(total);
  let k = 0;
  for (const l of lists) for (let i = 0; i < l.length; i++) buf[k++] = l[i];
  buf.sort();
  const out: number[] = [];
  for (let i = 0; i < total; i++) if (i === 0 || buf[i] !== buf[i - 1]) out.push(buf[i]);
  return out;
}

/** Elements of a that are not in b. */
export function subtract(a: PostingsList, b: PostingsList): number[] {
  const out: number[] = [];
  let j = 0;
  for (let i = 0; i < a.length; i++) {
    const x = a[i];
    while (j < b.length && b[j] < x) j++;
    if (j < b.length && b[j] === x) continue;
    out.push(x);
  }
  return out;
}

export interface PostingsStat {
  name: string;
  value: number;
}

export interface PostingsStats {
  seriesCountByMetricName: PostingsStat[];
  labelValueCountByLabelName: PostingsStat[];
  memoryInBytesByLabelName: PostingsStat[];
  seriesCountByLabelValuePair: PostingsStat[];
}

/** Keeps the `limit` largest stats, sorted descending by value then ascending by name. */
function topN(stats: PostingsStat[], limit: number): PostingsStat[] {
  stats.sort((a, b) => b.value - a.value || compareStrings(a.name, b.name));
  return stats.length > limit ? stats.slice(0, limit) : stats;
}

export class PostingsIndex {
  private readonly names = new Map<string, NameEntry>();
  private readonly all: number[] = [];

  /**
   * Adds a series; returns its labels with every name and value replaced by the index's interned copy.
   * The replacement is done in place in the given Labels (the strings are equal, so the Labels stays the
   * same set), and the same object is returned: a caller that keeps the Labels it appended (the scrape
   * cache does) then shares one array and one set of strings with the head instead of holding a second copy.
   */
  add(id: number, labels: Labels): Labels {
    const f = labels.flat;
    const inPlace = !Object.isFrozen(f);
    const flat = inPlace ? (f as string[]) : new Array<string>(f.length);
    for (let i = 0; i < f.length; i += 2) {
      let ne = this.names.get(f[i]);
      if (ne === undefined) {
        const name = ownString(f[i]);
        ne = { name, values: new Map() };
        this.names.set(name, ne);
      }
      let ve = ne.values.get(f[i + 1]);
      if (ve === undefined) {
        const value = ownString(f[i + 1]);
        ve = { value, ids: [] };
        ne.values.set(value, ve);
      }
      insertSorted(ve.ids, id);
      flat[i] = ne.name;
      flat[i + 1] = ve.value;
    }
    insertSorted(this.all, id);
    return inPlace ? labels : Labels.fromSortedFlat(flat);
  }

  /** Removes a batch of series (ids with their labels). */
  delete(series: ReadonlyMap<number, Labels>): void {
    if (series.size === 0) return;
    const gone = new Set(series.keys());
    const touched = new Set<ValueEntry>();
    for (const labels of series.values()) {
      const f = labels.flat;
      for (let i = 0; i < f.length; i += 2) {
        const ve = this.names.get(f[i])?.values.get(f[i + 1]);
        if (ve) touched.add(ve);
      }
    }
    for (const ve of touched) removeAll(ve.ids, gone);
    for (const labels of series.values()) {
      const f = labels.flat;
      for (let i = 0; i < f.length; i += 2) {
        const ne = this.names.get(f[i]);
        if (!ne) continue;
        const ve = ne.values.get(f[i + 1]);
        if (ve && ve.ids.length === 0) ne.values.delete(f[i + 1]);
        if (ne.values.size === 0) this.names.delete(f[i]);
      }
    }
    removeAll(this.all, gone);
  }

  /** All series ids, sorted. */
  allPostings(): PostingsList {
    return this.all;
  }

  get(name: string, value: string): PostingsList {
    return this.names.get(name)?.values.get(value)?.ids ?? EMPTY;
  }

  /** Sorted label names present in the index. */
  labelNames(): string[] {
    return [...this.names.keys()].sort(compareStrings);
  }

  /** Sorted values of a label name. */
  labelValues(name: string): string[] {
    const ne = this.names.get(name);
    return ne ? [...ne.values.keys()].sort(compareStrings) : [];
  }

  /** Union of the postings of the values of `name` for which `accept` holds. */
  private unionWhere(name: string, accept: (v: string) => boolean): number[] {
    const ne = this.names.get(name);
    if (!ne) return [];
    const lists: PostingsList[] = [];
    for (const ve of ne.values.values()) if (accept(ve.value)) lists.push(ve.ids);
    return mergeAll(lists);
  }

  /** Union of the postings of the given literal values of `name`. */
  private unionOf(name: string, values: readonly string[]): number[] {
    const ne = this.names.get(name);
    if (!ne) return [];
    const lists: PostingsList[] = [];
    for (const v of values) {
      const ve = ne.values.get(v);
      if (ve) lists.push(ve.ids);
    }
    return mergeAll(lists);
  }

  /** Series having `name` with a value the matcher accepts (the empty value never counts). */
  private withMatchingValue(m: Matcher): PostingsList {
    if (m.type === MatchType.Equal) return this.get(m.name, m.value);
    if (m.type === MatchType.Regex) {
      const set = m.setMatches();
      if (set) return this.unionOf(m.name, set);
    }
    return this.unionWhere(m.name, (v) => m.matches(v));
  }

  /** Series having `name` with a value the matcher rejects. */
  private withRejectedValue(m: Matcher): PostingsList {
    if (m.type === MatchType.NotEqual) return this.get(m.name, m.value);
    if (m.type === MatchType.NotRegex) {
      const set = m.setMatches();
      if (set) return this.unionOf(m.name, set);
    }
    if (m.type === MatchType.Regex && (m.value === '.*' || m.value === '(?s:.*)')) return EMPTY;
    return this.unionWhere(m.name, (v) => !m.matches(v));
  }

  /**
   * Sorted ids of series matching all matchers, with Prometheus's semantics: a matcher that accepts the
   * empty string also selects series that lack the label. With only such matchers, selection starts from all series.
   */
  select(matchers: readonly Matcher[]): number[] {
    const its: PostingsList[] = [];
    const notIts: PostingsList[] = [];
    for (const m of matchers) {
      if (m.matchesEmpty()) {
        const rejected = this.withRejectedValue(m);
        if (rejected.length > 0) notIts.push(rejected);
      } else {
        const p = this.withMatchingValue(m);
        if (p.length === 0) return [];
        its.push(p);
      }
    }
    let out: number[] = its.length === 0 ? [...this.all] : intersectAll(its);
    for (const n of notIts) {
      if (out.length === 0) break;
      out = subtract(out, n);
    }
    return out;
  }

  /** Cardinality statistics as in /api/v1/status/tsdb. */
  stats(limit: number): PostingsStats {
    const byMetric: PostingsStat[] = [];
    const valueCount: PostingsStat[] = [];
    const memory: PostingsStat[] = [];
    const pairs: PostingsStat[] = [];
    for (const ne of this.names.values()) {
      let bytes = 0;
      for (const ve of ne.values.values()) {
        const n = ve.ids.length;
        if (ne.name === '__name__') byMetric.push({ name: ve.value, value: n });
        pairs.push({ name: `${ne.name}=${ve.value}`, value: n });
        bytes += Buffer.byteLength(ve.value, 'utf8') * n;
      }
      valueCount.push({ name: ne.name, value: ne.values.size });
      memory.push({ name: ne.name, value: bytes });
    }
    return {
      seriesCountByMetricName: topN(byMetric, limit),
      labelValueCountByLabelName: topN(valueCount, limit),
      memoryInBytesByLabelName: topN(memory, limit),
      seriesCountByLabelValuePair: topN(pairs, limit),
    };
  }
}
