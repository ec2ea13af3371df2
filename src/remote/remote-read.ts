import { type Dispatcher, fetch as undiciFetch } from 'undici';
import type { RemoteReadConfig } from '../config/types.ts';
import { createDispatcher } from '../discovery/index.ts';
import { compareLabels, Labels, LabelsBuilder, Matcher, MatchType } from '../model/index.ts';
import { USER_AGENT } from '../scrape/index.ts';
import type { Querier, Queryable, SampleIterator, Series } from '../tsdb/interfaces.ts';
import { authHeaders } from './http-client.ts';
import type { SelectorRange } from './read-planner.ts';
import { decodeReadResponseBody, encodeReadRequestBody, type ReadSeries } from './read-request.ts';

/** Iterates samples held in arrays. */
class ArrayIterator implements SampleIterator {
  private i = -1;
  constructor(
    private readonly ts: ArrayLike<number>,
    private readonly vs: ArrayLike<number>,
  ) {}
  get t(): number {
    return this.ts[this.i];
  }
  get v(): number {
    return this.vs[this.i];
  }
  next(): boolean {
    if (this.i < this.ts.length) this.i++;
    return this.i < this.ts.length;
  }
  seek(t: number): boolean {
    if (this.i < 0) this.i = 0;
    while (this.i < this.ts.length && this.ts[this.i] < t) this.i++;
    return this.i < this.ts.length;
  }
}

export class ArraySeries implements Series {
  constructor(
    readonly labels: Labels,
    readonly timestamps: ArrayLike<number>,
    readonly values: ArrayLike<number>,
  ) {}
  iterator(): SampleIterator {
    return new ArrayIterator(this.timestamps, this.values);
  }
}

/** One remote_read endpoint. */
export class RemoteReadClient {
  /** Connection pool with the endpoint's tls_config / proxy settings. */
  private readonly dispatcher: Dispatcher;
  constructor(
    readonly cfg: RemoteReadConfig,
    private readonly externalLabels: Labels = Labels.EMPTY,
  ) {
    this.dispatcher = createDispatcher(cfg);
  }

  close(): void {
    this.dispatcher.close().catch(() => {});
  }

  /** Whether this endpoint takes part in a query (required_matchers, read_recent). */
  wants(matchers: readonly Matcher[], mint: number, localStartTime: number): boolean {
    return this.clampMaxt(matchers, mint, mint, localStartTime) !== null;
  }

  /**
   * The end of the range to ask this endpoint for, or null to skip it: the selector must contain every
   * required_matchers pair as an equality matcher; without read_recent, ranges starting after the local start
   * time are skipped and others end there (Prometheus's preferLocalStorage).
   */
  clampMaxt(matchers: readonly Matcher[], mint: number, maxt: number, localStartTime: number): number | null {
    for (const [name, value] of Object.entries(this.cfg.required_matchers ?? {})) {
      if (!matchers.some((m) => m.type === MatchType.Equal && m.name === name && m.value === value)) return null;
    }
    if (this.cfg.read_recent) return maxt;
    if (mint > localStartTime) return null;
    return Math.min(maxt, localStartTime);
  }

  /**
   * Fetches matching series. As Prometheus does, each external label whose name the selector does not already
   * constrain is sent as an equality matcher and removed from the answer (filter_external_labels, default true).
   */
  async read(matchers: readonly Matcher[], mint: number, maxt: number, signal?: AbortSignal): Promise<ArraySeries[]> {
    const ms = [...matchers];
    const added: string[] = [];
    if (this.cfg.filter_external_labels !== false) {
      this.externalLabels.forEach((n, v) => {
        if (matchers.some((m) => m.name === n)) return;
        ms.push(new Matcher(MatchType.Equal, n, v));
        added.push(n);
      });
    }
    const timeout = AbortSignal.timeout(this.cfg.remote_timeout || 60_000);
    let res: Awaited<ReturnType<typeof undiciFetch>>;
    let body: Uint8Array;
    try {
      res = await undiciFetch(this.cfg.url, {
        method: 'POST',
        body: encodeReadRequestBody([{ start: mint, end: maxt, matchers: ms }]),
        headers: {
          ...authHeaders(this.cfg),
          'Content-Encoding': 'snappy',
          'Content-Type': 'application/x-protobuf',
          'User-Agent': USER_AGENT,
          'X-Prometheus-Remote-Read-Version': '0.1.0',
        },
        signal: signal ? AbortSignal.any([signal, timeout]) : timeout,
        dispatcher: this.dispatcher,
      });
      body = new Uint8Array(await res.arrayBuffer());
    } catch (e) {
      const err = e as Error & { cause?: Error };
      throw new Error(`remote_read ${this.cfg.url}: ${err.cause?.message ?? err.message}`);
    }
    if (!res.ok) {
      throw new Error(
        `remote_read ${this.cfg.url}: server returned HTTP status ${res.status}: ${new TextDecoder().decode(body).trim()}`,
      );
    }
    const results = decodeReadResponseBody(body);
    return (results[0] ?? []).map((s: ReadSeries) => {
      let labels = s.labels;
      if (added.length > 0) {
        const lb = new LabelsBuilder(labels);
        for (const n of added) lb.del(n);
        labels = lb.labels();
      }
      return new ArraySeries(labels, s.timestamps, s.values);
    });
  }
}

export interface RemoteReadQuerierOptions {
  externalLabels?: Labels;
  /**
   * Prometheus's local start time for read_recent: false (ms): the oldest block's start, or now without blocks,
   * plus a 4h safety margin. Default: +Infinity (every query goes remote).
   */
  localStartTime?: () => number;
}

/** What one query reads remotely: the merged Queryable, plus warnings for endpoints that failed. */
export interface PreparedRead {
  queryable: Queryable;
  warnings: string[];
}

/**
 * Remote read for the query path. The Querier interface is synchronous, so remote data is fetched first:
 * `prepare(local, ranges)` reads, in parallel, every endpoint that wants each selector over the selector's time
 * range, and returns a Queryable that answers from the local storage merged with what was fetched (local samples
 * win on equal timestamps). A failing endpoint becomes a warning, as in Prometheus, not a failed query.
 */
export interface RemoteReadQuerier {
  readonly clients: RemoteReadClient[];
  prepare(local: Queryable, ranges: readonly SelectorRange[], signal?: AbortSignal): Promise<PreparedRead>;
}

export function createRemoteReadQuerier(
  cfgs: readonly RemoteReadConfig[],
  opts: RemoteReadQuerierOptions = {},
): RemoteReadQuerier {
  const clients = cfgs.map((c) => new RemoteReadClient(c, opts.externalLabels));
  return {
    clients,
    async prepare(local, ranges, signal) {
      if (clients.length === 0) return { queryable: local, warnings: [] };
      const localStart = opts.localStartTime?.() ?? Number.POSITIVE_INFINITY;
      const fetched = new Map<string, Series[]>();
      const warnings = new Set<string>();
      const jobs: Promise<void>[] = [];
      for (const r of ranges) {
        const key = selectorKey(r.matchers);
        let list = fetched.get(key);
        if (!list) {
          list = [];
          fetched.set(key, list);
        }
        const target = list;
        for (const c of clients) {
          const maxt = c.clampMaxt(r.matchers, r.mint, r.maxt, localStart);
          if (maxt === null) continue;
          jobs.push(
            c.read(r.matchers, r.mint, maxt, signal).then(
              (s) => void target.push(...s),
              (e: Error) => void warnings.add(e.message),
            ),
          );
        }
      }
      if (jobs.length === 0) return { queryable: local, warnings: [] };
      await Promise.all(jobs);
      const merged = new Map<string, Series[]>();
      for (const [k, list] of fetched) if (list.length > 0) merged.set(k, mergeSeries(list, []));
      return { queryable: mergedQueryable(local, merged), warnings: [...warnings] };
    },
  };
}

/** Local storage plus series fetched per selector (by selectorKey). */
export function mergedQueryable(local: Queryable, fetched: Map<string, Series[]>): Queryable {
  if (fetched.size === 0) return local;
  const all = () => mergeSeries([...fetched.values()].flat(), []);
  const matching = (matchers: readonly Matcher[], mint: number, maxt: number): Series[] => {
    const exact = fetched.get(selectorKey(matchers));
    const candidates = exact ?? all();
    const out: Series[] = [];
    for (const s of candidates) {
      if (!exact && !matchers.every((m) => m.matches(s.labels.get(m.name)))) continue;
      const c = clip(s, mint, maxt);
      if (c) out.push(c);
    }
    return out;
  };
  return {
    querier(): Querier {
      const lq = local.querier();
      return {
        select(matchers, mint, maxt, hints) {
          const localSeries = lq.select(matchers, mint, maxt, hints);
          const remote = matching(matchers, mint, maxt);
          if (remote.length === 0) return localSeries;
          return mergeSeries(localSeries, remote);
        },
        labelNames(matchers, mint, maxt) {
          const names = new Set(lq.labelNames(matchers, mint, maxt));
          for (const s of matching(matchers, mint, maxt)) {
            s.labels.forEach((n) => {
              names.add(n);
            });
          }
          return [...names].sort();
        },
        labelValues(name, matchers, mint, maxt) {
          const values = new Set(lq.labelValues(name, matchers, mint, maxt));
          for (const s of matching(matchers, mint, maxt)) {
            const v = s.labels.get(name);
            if (v !== '') values.add(v);
          }
          return [...values].sort();
        },
      };
    },
  };
}

/** The series restricted to [mint, maxt]; null when no sample is left. */
function clip(s: Series, mint: number, maxt: number): Series | null {
  if (s instanceof ArraySeries) {
    const ts = s.timestamps;
    let a = 0;
    while (a < ts.length && ts[a] < mint) a++;
    let b = ts.length;
    while (b > a && ts[b - 1] > maxt) b--;
    if (a === b) return null;
    if (a === 0 && b === ts.length) return s;
    return new ArraySeries(s.labels, Array.prototype.slice.call(ts, a, b), Array.prototype.slice.call(s.values, a, b));
  }
  return s;
}

function selectorKey(ms: readonly Matcher[]): string {
  return ms
    .map((m) => `${m.name}\u0000${m.type}\u0000${m.value}`)
    .sort()
    .join('\u0001');
}

/** Merges series lists by labels; samples of equal series are merged by time, the first list winning ties. */
export function mergeSeries(a: readonly Series[], b: readonly Series[]): Series[] {
  const byKey = new Map<string, Series[]>();
  for (const s of [...a, ...b]) {
    const k = s.labels.toString();
    const l = byKey.get(k);
    if (l) l.push(s);
    else byKey.set(k, [s]);
  }
  const out: Series[] = [];
  for (const list of byKey.values()) {
    if (list.length === 1) {
      out.push(list[0]);
      continue;
    }
    const samples = new Map<number, number>();
    for (const s of list) {
      const it = s.iterator();
      while (it.next()) if (!samples.has(it.t)) samples.set(it.t, it.v);
    }
    const ts = [...samples.keys()].sort((x, y) => x - y);
    const vs = new Float64Array(ts.length);
    for (let i = 0; i < ts.length; i++) vs[i] = samples.get(ts[i]) as number;
    out.push(new ArraySeries(list[0].labels, ts, vs));
  }
  return out.sort((x, y) => compareLabels(x.labels, y.labels));
}
