/**
 * remote_read in the query path: for each query, the selectors and time ranges it reads are worked out from the
 * parsed expression, the remote_read endpoints that want them are read in parallel, and the engine then runs
 * synchronously against local storage merged with what came back. Also used by /api/v1/series, labels and
 * label values. Reconfigured on every config (re)load.
 */
import type { RemoteReadConfig } from '../config/types.ts';
import { Labels, type Matcher } from '../model/index.ts';
import { parseExpr } from '../promql/index.ts';
import type { Queryable } from '../tsdb/interfaces.ts';
import { selectorRanges } from './read-planner.ts';
import { createRemoteReadQuerier, type PreparedRead, type RemoteReadQuerier } from './remote-read.ts';

/** Prometheus's startTimeMargin: twice the default block duration. */
export const START_TIME_MARGIN = 2 * 2 * 3600 * 1000;

export interface RemoteReadServiceOptions {
  local: Queryable;
  /** ms */
  lookbackDelta: number;
  /** Oldest sample time of the local blocks (undefined without blocks); read_recent: false uses it. */
  oldestBlockTime?: () => number | undefined;
  now?: () => number;
}

export class RemoteReadService {
  private querier: RemoteReadQuerier | null = null;
  private key = '';

  constructor(private readonly opts: RemoteReadServiceOptions) {}

  /** Applies the remote_read section and external labels of a (re)loaded config. */
  applyConfig(cfgs: readonly RemoteReadConfig[], externalLabels: Record<string, string>): void {
    this.prepareConfig(cfgs, externalLabels)();
  }

  /** Builds the clients (throws on unreadable TLS files) without switching; the returned function switches. */
  prepareConfig(cfgs: readonly RemoteReadConfig[], externalLabels: Record<string, string>): () => void {
    const key = JSON.stringify([cfgs, externalLabels]);
    if (key === this.key) return () => {};
    const next =
      cfgs.length === 0
        ? null
        : createRemoteReadQuerier(cfgs, {
            externalLabels: Labels.fromObject(externalLabels),
            localStartTime: () => this.localStartTime(),
          });
    return () => {
      this.key = key;
      for (const c of this.querier?.clients ?? []) c.close();
      this.querier = next;
    };
  }

  get enabled(): boolean {
    return this.querier !== null;
  }

  /** As Prometheus: the oldest block's start, or now without blocks, plus START_TIME_MARGIN. */
  localStartTime(): number {
    const oldest = this.opts.oldestBlockTime?.();
    return (oldest ?? (this.opts.now ?? Date.now)()) + START_TIME_MARGIN;
  }

  /** For the query service: null when there is no remote_read (or the query does not parse). */
  async prepareQuery(
    query: string,
    start: number,
    end: number,
    step: number,
    opts: { lookbackDelta?: number; signal?: AbortSignal } = {},
  ): Promise<PreparedRead | null> {
    const q = this.querier;
    if (!q) return null;
    let expr: ReturnType<typeof parseExpr>;
    try {
      expr = parseExpr(query);
    } catch {
      return null; // the query service reports the parse error
    }
    const lookbackDelta = opts.lookbackDelta ?? this.opts.lookbackDelta;
    return q.prepare(this.opts.local, selectorRanges(expr, start, end, { lookbackDelta, step }), opts.signal);
  }

  /** For /api/v1/series, labels and label values with match[]: null when there is no remote_read. */
  async prepareSelect(
    sets: readonly (readonly Matcher[])[],
    start: number,
    end: number,
    signal?: AbortSignal,
  ): Promise<PreparedRead | null> {
    const q = this.querier;
    if (!q || sets.length === 0) return null;
    return q.prepare(
      this.opts.local,
      sets.map((matchers) => ({ matchers, mint: start, maxt: end })),
      signal,
    );
  }

  close(): void {
    for (const c of this.querier?.clients ?? []) c.close();
    this.querier = null;
    this.key = '';
  }
}
