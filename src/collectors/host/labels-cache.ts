import { Labels } from '../../model/index.ts';

/**
 * Keeps one Labels object per series across collects, so downstream consumers see the
 * same instance (with its cached hash) every scrape instead of a fresh allocation.
 */
export class LabelsCache {
  private readonly byKey = new Map<string, Labels>();
  /** Bound so that churning series (mounts, interfaces) cannot grow the cache forever. */
  constructor(private readonly maxEntries = 20_000) {}

  get(name: string, pairs: readonly string[]): Labels {
    const key = pairs.length === 0 ? name : `${name}\u0000${pairs.join('\u0000')}`;
    let l = this.byKey.get(key);
    if (l === undefined) {
      if (this.byKey.size >= this.maxEntries) this.byKey.clear();
      l = Labels.fromPairs(['__name__', name, ...pairs]);
      this.byKey.set(key, l);
    }
    return l;
  }
}
