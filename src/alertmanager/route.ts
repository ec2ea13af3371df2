/**
 * The routing tree (Alertmanager's dispatch.Route): depth-first matching with `continue`, route keys and
 * IDs as Alertmanager prints them, and the group labels of an alert on a route.
 */
import type { AlertmanagerRoute } from '../config/alertmanager-index.ts';
import { Labels, type Matcher } from '../model/index.ts';
import { matchersMatch, matchersToString } from './matchers.ts';

export class Route {
  readonly parent: Route | null;
  readonly config: AlertmanagerRoute;
  readonly matchers: readonly Matcher[];
  readonly routes: Route[];
  /** `{}/{service="db"}`: the matchers of every route from the root, joined by '/'. */
  readonly key: string;
  /** The key plus `/<index among siblings>` (unique even for siblings with the same matchers). */
  readonly id: string;
  private readonly groupBy: ReadonlySet<string>;

  constructor(config: AlertmanagerRoute, parent: Route | null = null, index = -1) {
    this.parent = parent;
    this.config = config;
    this.matchers = config.matchers;
    this.key = (parent ? `${parent.key}/` : '') + matchersToString(config.matchers);
    this.id = index >= 0 ? `${this.key}/${index}` : this.key;
    this.groupBy = new Set(config.group_by);
    this.routes = config.routes.map((c, i) => new Route(c, this, i));
  }

  get receiver(): string {
    return this.config.receiver;
  }

  get continue(): boolean {
    return this.config.continue;
  }

  /** Every route the label set goes to, in order. */
  match(labels: Labels): Route[] {
    if (!matchersMatch(this.matchers, (n) => labels.get(n))) return [];
    const all: Route[] = [];
    for (const child of this.routes) {
      const m = child.match(labels);
      all.push(...m);
      if (m.length > 0 && !child.continue) break;
    }
    if (all.length === 0) all.push(this);
    return all;
  }

  /** The alert's labels restricted to group_by (all of them for `...`). */
  groupLabels(labels: Labels): Labels {
    if (this.config.group_by_all) return labels;
    const out: string[] = [];
    const f = labels.flat;
    for (let i = 0; i < f.length; i += 2) if (this.groupBy.has(f[i])) out.push(f[i], f[i + 1]);
    return Labels.fromSortedFlat(out);
  }

  /** Depth-first walk of the tree. */
  walk(fn: (r: Route) => void): void {
    fn(this);
    for (const c of this.routes) c.walk(fn);
  }
}

/** Alertmanager's LabelSet.String(): `{a="1", b="2"}`. */
export function labelSetString(labels: Labels): string {
  const parts: string[] = [];
  labels.forEach((n, v) => {
    parts.push(`${n}=${JSON.stringify(v)}`);
  });
  return `{${parts.join(', ')}}`;
}

/** The aggregation group key: `<route key>:<group labels>`. */
export function groupKey(route: Route, groupLabels: Labels): string {
  return `${route.key}:${labelSetString(groupLabels)}`;
}

/**
 * Prometheus's LabelSet.Before, the order Alertmanager sorts alerts and groups by: fewer labels first; then,
 * walking the union of names in order, the set missing a name first, else the smaller value first.
 */
export function compareLabelSets(a: Labels, b: Labels): number {
  if (a.size !== b.size) return a.size - b.size;
  const names = [...new Set([...a.names(), ...b.names()])].sort();
  for (const n of names) {
    if (!a.has(n)) return -1;
    if (!b.has(n)) return 1;
    const av = a.get(n);
    const bv = b.get(n);
    if (av !== bv) return av < bv ? -1 : 1;
  }
  return 0;
}
