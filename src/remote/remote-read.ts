import type { RemoteReadConfig } from '../config/types.ts';
import { compareLabels, Labels, LabelsBuilder, Matcher, MatchType } from '../model/index.ts';
import { USER_AGENT } from '../scrape/index.ts';
import type { Querier, Queryable, SampleIterator, Series } from '../tsdb/interfaces.ts';
import { authHeaders } from './http-client.ts';
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
  constructor(
    readonly cfg: RemoteReadConfig,
    private readonly externalLabels: Labels = Labels.EMPTY,
  ) {}

  /** Whether this endpoint takes part in a query (required_matchers, read_recent). */
  wants(matchers: readonly Matcher[], mint: number, localStartTime: number): boolean {
    for (const [name, value] of Object.entries(this.cfg.required_matchers ?? {})) {
      if (!matchers.some((m) => m.type === MatchType.Equal && m.name === name && m.value === value)) return false;
    }
    // Without read_recent, only queries reaching before the local data go remote.
    if (!this.cfg.read_recent && mint >= localStartTime) return false;
    return true;
  }

  /** Fetches matching series; external labels are sent as matchers and stripped from the answer. */
  async read(matchers: readonly Matcher[], mint: number, maxt: number, signal?: AbortSignal): Promise<ArraySeries[]> {
    const ms = [...matchers];
    const ext = this.cfg.filter_external_labels === false ? Labels.EMPTY : this.externalLabels;
    ext.forEach((n, v) => {
      ms.push(new Matcher(MatchType.Equal, n, v));
    });
    const res = await fetch(this.cfg.url, {
      method: 'POST',
      body: encodeReadRequestBody([{ start: mint, end: maxt, matchers: ms }]),
      headers: {
        ...authHeaders(this.cfg),
        'Content-Encoding': 'snappy',
        'Content-Type': 'application/x-protobuf',
        'User-Agent': USER_AGENT,
        'X-Prometheus-Remote-Read-Version': '0.1.0',
      },
      signal: signal
        ? AbortSignal.any([signal, AbortSignal.timeout(this.cfg.remote_timeout || 60_000)])
        : AbortSignal.timeout(this.cfg.remote_timeout || 60_000),
    });
    const body = new Uint8Array(await res.arrayBuffer());
    if (!res.ok) {
      throw new Error(
        `remote read ${this.cfg.url}: server returned HTTP status ${res.status}: ${new TextDecoder().decode(body).trim()}`,
      );
    }
    const results = decodeReadResponseBody(body);
    return (results[0] ?? []).map((s: ReadSeries) => {
      let labels = s.labels;
      if (ext.flat.length > 0) {
        const lb = new LabelsBuilder(labels);
        ext.forEach((n, v) => {
          if (labels.get(n) === v) lb.del(n);
        });
        labels = lb.labels();
      }
      return new ArraySeries(labels, s.timestamps, s.values);
    });
  }
}

export interface RemoteReadQuerierOptions {
  externalLabels?: Labels;
  /** Oldest timestamp held locally (ms), for read_recent: false. Default: +Infinity (always read). */
  localStartTime?: () => number;
}

/**
 * Remote read for the query path. The Querier interface is synchronous, so remote data is fetched first:
 * `prepare(selectors, mint, maxt)` reads every endpoint that wants the selectors and returns a Queryable that
 * answers from the local storage merged with what was fetched (local samples win on equal timestamps).
 */
export interface RemoteReadQuerier {
  readonly clients: RemoteReadClient[];
  prepare(local: Queryable, selectors: readonly (readonly Matcher[])[], mint: number, maxt: number): Promise<Queryable>;
}

export function createRemoteReadQuerier(
  cfgs: readonly RemoteReadConfig[],
  opts: RemoteReadQuerierOptions = {},
): RemoteReadQuerier {
  const clients = cfgs.map((c) => new RemoteReadClient(c, opts.externalLabels));
  return {
    clients,
    async prepare(local, selectors, mint, maxt) {
      const localStart = opts.localStartTime?.() ?? Number.POSITIVE_INFINITY;
      const fetched = new Map<string, ArraySeries[]>();
      const jobs: Promise<void>[] = [];
      for (const sel of selectors) {
        const key = selectorKey(sel);
        if (fetched.has(key)) continue;
        const list: ArraySeries[] = [];
        fetched.set(key, list);
        for (const c of clients) {
          if (!c.wants(sel, mint, localStart)) continue;
          jobs.push(c.read(sel, mint, maxt).then((s) => void list.push(...s)));
        }
      }
      await Promise.all(jobs);
      if (jobs.length === 0) return local;
      return {
        querier(): Querier {
          const lq = local.querier();
          return {
            select(matchers, smint, smaxt, hints) {
              const localSeries = lq.select(matchers, smint, smaxt, hints);
              const remote = fetched.get(selectorKey(matchers));
              if (!remote || remote.length === 0) return localSeries;
              return mergeSeries(localSeries, remote);
            },
            labelNames: (m, a, b) => lq.labelNames(m, a, b),
            labelValues: (n, m, a, b) => lq.labelValues(n, m, a, b),
          };
        },
      };
    },
  };
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
