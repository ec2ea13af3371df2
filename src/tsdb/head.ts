import type { Labels } from '../model/index.ts';
import { HeadAppender, StagingBuffers } from './head-appender.ts';
import { HeadQuerier } from './head-querier.ts';
import type { Appendable, Appender, HeadStats, Querier, Queryable } from './interfaces.ts';
import { AppendError } from './interfaces.ts';
import { MemSeries } from './mem-series.ts';
import { PostingsIndex, type PostingsStats } from './postings.ts';
import { SeriesTable } from './series-table.ts';

export interface HeadOptions {
  /** Samples up to this many ms older than the head's newest sample are accepted out of order. Default 0. */
  outOfOrderTimeWindow?: number;
  /** Chunks never span an aligned range of this many ms. Default 2h. */
  chunkRange?: number;
}

export const DEFAULT_CHUNK_RANGE = 2 * 3600 * 1000;

/** Bits of the labels hash used as the series map key (V8 keeps integers below 2^30 unboxed). */
const HASH_MASK = 0x3fffffff;

/** One committed batch as a write-ahead log needs it. Arrays are only valid during the call. */
export interface CommitBatch {
  /** Series used by this batch that were never reported before (log a series record for them first). */
  readonly newSeries: readonly MemSeries[];
  /** Samples in append order: series (with its ref), timestamp, value; n entries, values bit-exact. */
  readonly series: readonly MemSeries[];
  readonly ts: Float64Array;
  readonly vs: Float64Array;
  readonly n: number;
}

export type CommitListener = (batch: CommitBatch) => void;

/**
 * The in-memory head: series created once per distinct label set, refs are small integers that are
 * never reused (so a WAL can refer to them), samples stored only in XOR chunks.
 */
export class Head implements Appendable, Queryable {
  readonly outOfOrderTimeWindow: number;
  readonly chunkRange: number;
  readonly postings = new PostingsIndex();
  /** ref -> series. */
  readonly series = new SeriesTable();
  /**
   * labels hash cut to 30 bits -> series (an array on hash collision). A small-integer key is stored in
   * the map itself; a full 53-bit hash would need a separate heap number per series.
   */
  private readonly byHash = new Map<number, MemSeries | MemSeries[]>();
  private nextRef = 1;
  private readonly stagingPool: StagingBuffers[] = [];
  /** See setCommitListener. */
  commitListener: CommitListener | null = null;
  /** Appenders holding staged samples; their series must not be removed. */
  readonly openAppenders = new Set<HeadAppender>();
  private nextAppenderId = 1;

  /** Committed sample time bounds (Infinity / -Infinity when empty). */
  private minT = Number.POSITIVE_INFINITY;
  private maxT = Number.NEGATIVE_INFINITY;
  /** Samples older than this were truncated away; queries and appends ignore that range. */
  truncatedBefore = Number.NEGATIVE_INFINITY;

  // counters
  /** Samples currently stored. */
  numSamplesStored = 0;
  /** Chunks currently stored. */
  numChunksStored = 0;
  /** Monotonic counters (Prometheus's prometheus_tsdb_head_samples_appended_total etc.). */
  samplesAppendedTotal = 0;
  outOfOrderSamplesTotal = 0;
  duplicateSamplesTotal = 0;
  tooOldSamplesTotal = 0;
  outOfBoundsSamplesTotal = 0;
  seriesCreatedTotal = 0;
  seriesRemovedTotal = 0;

  constructor(opts: HeadOptions = {}) {
    this.outOfOrderTimeWindow = Math.max(0, opts.outOfOrderTimeWindow ?? 0);
    this.chunkRange = opts.chunkRange && opts.chunkRange > 0 ? opts.chunkRange : DEFAULT_CHUNK_RANGE;
  }

  appender(): Appender {
    return new HeadAppender(this, this.nextAppenderId++);
  }

  querier(): Querier {
    return new HeadQuerier(this);
  }

  /** Staging buffers for an appender, reused across appenders. */
  takeStaging(): StagingBuffers {
    return this.stagingPool.pop() ?? new StagingBuffers();
  }

  giveStaging(b: StagingBuffers): void {
    // keep a few, and not the huge ones a remote-write burst may have grown
    if (this.stagingPool.length < 16 && b.ts.length <= 65536) this.stagingPool.push(b);
  }

  numSeries(): number {
    return this.series.size;
  }

  /** Oldest queryable sample timestamp, Infinity when the head is empty. */
  minTime(): number {
    if (this.minT === Number.POSITIVE_INFINITY) return this.minT;
    return Math.max(this.minT, this.truncatedBefore);
  }

  /** Newest sample timestamp, -Infinity when the head is empty. */
  maxTime(): number {
    return this.maxT;
  }

  /** Lower bound below which data was truncated (-Infinity when never truncated). */
  minValidTime(): number {
    return this.truncatedBefore;
  }

  /** The series with this ref, if it still exists. */
  seriesByRef(ref: number): MemSeries | undefined {
    return this.series.get(ref >>> 0);
  }

  /** The series for these labels, or undefined. */
  lookup(labels: Labels): MemSeries | undefined {
    const e = this.byHash.get(labels.hash() & HASH_MASK);
    if (e === undefined) return undefined;
    if (!Array.isArray(e)) return e.labels.equals(labels) ? e : undefined;
    for (const s of e) if (s.labels.equals(labels)) return s;
    return undefined;
  }

  /** The series for these labels, created when new. Throws AppendError('invalid_labels') for bad label sets. */
  getOrCreate(labels: Labels): MemSeries {
    const found = this.lookup(labels);
    if (found) return found;
    validateLabels(labels);
    return this.create(this.nextRef++, labels);
  }

  /** Creates the series for labels that lookup() just did not find (saves a second lookup). */
  createNew(labels: Labels): MemSeries {
    validateLabels(labels);
    return this.create(this.nextRef++, labels);
  }

  /**
   * For WAL replay: the series with this ref, created with exactly this ref when missing, so refs stay
   * stable across restarts. Returns the existing series when the labels are already known (under any ref).
   */
  restoreSeries(ref: number, labels: Labels): MemSeries {
    const found = this.lookup(labels);
    if (found) return found;
    validateLabels(labels);
    if (ref >= this.nextRef) this.nextRef = ref + 1;
    const s = this.create(ref, labels);
    s.logged = true;
    return s;
  }

  private create(ref: number, labels: Labels): MemSeries {
    const h = labels.hash() & HASH_MASK;
    const s = new MemSeries(ref, this.postings.add(ref, labels));
    this.series.set(ref, s);
    const e = this.byHash.get(h);
    if (e === undefined) this.byHash.set(h, s);
    else if (Array.isArray(e)) e.push(s);
    else this.byHash.set(h, [e, s]);
    this.seriesCreatedTotal++;
    return s;
  }

  /**
   * Sets (or clears) the function that sees every batch before it is applied on commit: a write-ahead log
   * writes its series and samples records there. Throwing from it fails the commit with nothing applied.
   */
  setCommitListener(fn: CommitListener | null): void {
    this.commitListener = fn;
  }

  /** Called by the appender for every stored sample. */
  noteSample(t: number, newChunks: number): void {
    this.numSamplesStored++;
    this.samplesAppendedTotal++;
    this.numChunksStored += newChunks;
    if (t < this.minT) this.minT = t;
    if (t > this.maxT) this.maxT = t;
  }

  /**
   * Drops chunks whose samples are all older than mint, hides older samples of kept chunks from queries,
   * rejects later appends older than mint, and removes series left without samples (including series that
   * never got a committed sample) unless an open appender has staged samples for them.
   */
  truncate(mint: number): void {
    if (mint > this.truncatedBefore) this.truncatedBefore = mint;
    const gone = new Map<number, Labels>();
    let minT = Number.POSITIVE_INFINITY;
    let maxT = Number.NEGATIVE_INFINITY;
    const busy = this.busySeries();
    for (const s of this.series.values()) {
      const dropped = s.truncateBefore(mint);
      this.numSamplesStored -= dropped.samples;
      this.numChunksStored -= dropped.chunks;
      if (s.isEmpty) {
        if (!busy.has(s)) gone.set(s.ref, s.labels);
        continue;
      }
      if (s.minTime < minT) minT = s.minTime;
      if (s.maxTime > maxT) maxT = s.maxTime;
    }
    for (const ref of gone.keys()) this.removeSeries(ref);
    this.postings.delete(gone);
    this.seriesRemovedTotal += gone.size;
    this.minT = minT;
    this.maxT = maxT === Number.NEGATIVE_INFINITY ? this.maxT : maxT;
  }

  /** Removes the given series if they have no samples and no staged samples (used by rollback). */
  removeEmpty(candidates: readonly MemSeries[]): void {
    const gone = new Map<number, Labels>();
    const busy = this.busySeries();
    for (const s of candidates) {
      if (s.isEmpty && !busy.has(s) && this.series.get(s.ref) === s) gone.set(s.ref, s.labels);
    }
    for (const ref of gone.keys()) this.removeSeries(ref);
    this.postings.delete(gone);
    this.seriesRemovedTotal += gone.size;
  }

  /** Series with samples staged in an open appender. */
  private busySeries(): Set<MemSeries> {
    const out = new Set<MemSeries>();
    for (const a of this.openAppenders) a.forEachStaged((s) => out.add(s));
    return out;
  }

  private removeSeries(ref: number): void {
    const s = this.series.get(ref);
    if (!s) return;
    this.series.delete(ref);
    const h = s.hash & HASH_MASK;
    const e = this.byHash.get(h);
    if (e === s) this.byHash.delete(h);
    else if (Array.isArray(e)) {
      const rest = e.filter((x) => x !== s);
      if (rest.length === 1) this.byHash.set(h, rest[0]);
      else this.byHash.set(h, rest);
    }
  }

  /** Head statistics; the cardinality lists are computed on first access. */
  stats(limit = 10): HeadStats {
    let ps: PostingsStats | undefined;
    const postings = this.postings;
    const get = (): PostingsStats => {
      ps ??= postings.stats(limit);
      return ps;
    };
    const empty = this.series.size === 0 || this.minT === Number.POSITIVE_INFINITY;
    return {
      numSeries: this.series.size,
      numSamples: this.numSamplesStored,
      chunkCount: this.numChunksStored,
      minTime: empty ? 0 : this.minTime(),
      maxTime: empty ? 0 : this.maxT,
      outOfOrderSamples: this.outOfOrderSamplesTotal,
      duplicateSamples: this.duplicateSamplesTotal,
      get seriesCountByMetricName() {
        return get().seriesCountByMetricName;
      },
      get labelValueCountByLabelName() {
        return get().labelValueCountByLabelName;
      },
      get memoryInBytesByLabelName() {
        return get().memoryInBytesByLabelName;
      },
      get seriesCountByLabelValuePair() {
        return get().seriesCountByLabelValuePair;
      },
    };
  }
}

function validateLabels(labels: Labels): void {
  const f = labels.flat;
  if (f.length === 0) throw new AppendError('invalid_labels', 'empty labelset');
  for (let i = 0; i < f.length; i += 2) {
    if (f[i] === '') throw new AppendError('invalid_labels', 'empty label name');
    if (i > 0 && f[i] === f[i - 2]) throw new AppendError('invalid_labels', `label name "${f[i]}" is not unique`);
  }
}
