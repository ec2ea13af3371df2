import type { Labels } from '../model/index.ts';
import type { Head } from './head.ts';
import { AppendError, type Appender, type SeriesRef } from './interfaces.ts';
import { Fit, type MemSeries, type PendingOwner, sameBits } from './mem-series.ts';

/**
 * A batch of samples for the head. Samples are checked on append (so errors reach the caller per sample),
 * staged in flat buffers, and written into the series' chunks on commit. Values are staged in a
 * Float64Array: a plain JS double array would quiet NaNs and lose the staleness marker's bit pattern.
 */
/** Staging buffers, pooled by the head so that short-lived appenders do not allocate them each time. */
export class StagingBuffers {
  series: MemSeries[] = [];
  ts = new Float64Array(128);
  vs = new Float64Array(128);

  grow(): void {
    const n = this.ts.length * 2;
    const ts = new Float64Array(n);
    ts.set(this.ts);
    const vs = new Float64Array(n);
    vs.set(this.vs);
    this.ts = ts;
    this.vs = vs;
  }
}

const NO_SERIES: MemSeries[] = [];

export class HeadAppender implements Appender, PendingOwner {
  readonly id: number;
  private readonly head: Head;
  /** Taken from the head's pool on the first staged sample, given back on commit/rollback. */
  private buf: StagingBuffers | null = null;
  private n = 0;
  /** Series this batch created; removed again on rollback if they got no samples. */
  private created: MemSeries[] = NO_SERIES;

  constructor(head: Head, id: number) {
    this.head = head;
    this.id = id;
  }

  append(ref: SeriesRef, labels: Labels, t: number, v: number): SeriesRef {
    const head = this.head;
    // ref fast path: refs are never reused, so a live ref always names the same labels
    let s = ref > 0 ? head.seriesByRef(ref) : undefined;
    if (s === undefined) {
      s = head.lookup(labels);
      if (s === undefined) {
        s = head.createNew(labels);
        if (this.created === NO_SERIES) this.created = [];
        this.created.push(s);
      }
    }

    if (t < head.truncatedBefore || !Number.isSafeInteger(t)) {
      head.outOfBoundsSamplesTotal++;
      throw new AppendError('out_of_bounds', 'out of bounds');
    }
    // newest sample of the series, counting samples staged by this batch
    const owned = s.pendingOwner === this;
    let newestT = s.lastT;
    let newestV = s.lastV;
    if (owned) {
      const b = this.buf!;
      const pt = b.ts[s.pendingIdx];
      if (pt > newestT) {
        newestT = pt;
        newestV = b.vs[s.pendingIdx];
      }
    }
    if (t > newestT) {
      this.stage(s, t, v, true);
      return s.ref;
    }
    if (t === newestT) {
      if (sameBits(v, newestV)) return s.ref;
      head.duplicateSamplesTotal++;
      throw new AppendError('duplicate', 'duplicate sample for timestamp');
    }
    const window = head.outOfOrderTimeWindow;
    if (window === 0) {
      head.outOfOrderSamplesTotal++;
      throw new AppendError('out_of_order', 'out of order sample');
    }
    if (t < head.maxTime() - window) {
      head.tooOldSamplesTotal++;
      throw new AppendError('too_old', 'too old sample');
    }
    // inside the out-of-order window: a sample already stored at t decides between no-op and duplicate
    const fit = s.fit(t, v);
    if (fit === Fit.Same) return s.ref;
    if (fit === Fit.Duplicate) {
      head.duplicateSamplesTotal++;
      throw new AppendError('duplicate', 'duplicate sample for timestamp');
    }
    this.stage(s, t, v, false);
    return s.ref;
  }

  private stage(s: MemSeries, t: number, v: number, newest: boolean): void {
    const i = this.n;
    let b = this.buf;
    if (b === null) {
      b = this.head.takeStaging();
      this.buf = b;
      this.head.openAppenders.add(this);
    }
    if (i === b.ts.length) b.grow();
    b.series[i] = s;
    b.ts[i] = t;
    b.vs[i] = v;
    this.n = i + 1;
    if (s.pendingOwner !== this) {
      s.pendingOwner = this;
      s.pendingIdx = i;
    } else if (newest) {
      s.pendingIdx = i;
    }
  }

  commit(): void {
    const head = this.head;
    const range = head.chunkRange;
    const window = head.outOfOrderTimeWindow;
    const b = this.buf;
    const n = this.n;
    if (b === null || n === 0) {
      this.clear();
      this.created = NO_SERIES;
      return;
    }
    const { series, ts, vs } = b;
    const listener = head.commitListener;
    if (listener !== null) {
      const newSeries: MemSeries[] = [];
      for (let i = 0; i < n; i++) {
        const s = series[i];
        if (!s.logged) {
          s.logged = true;
          newSeries.push(s);
        }
      }
      try {
        listener({ newSeries, series, ts, vs, n });
      } catch (e) {
        for (const s of newSeries) s.logged = false;
        this.rollback();
        throw e;
      }
    }
    for (let i = 0; i < n; i++) {
      const s = series[i];
      const t = ts[i];
      const v = vs[i];
      if (t < head.minValidTime()) {
        // truncated away while staged
        head.outOfBoundsSamplesTotal++;
        continue;
      }
      if (t > s.lastT) {
        head.noteSample(t, s.append(t, v, range) ? 1 : 0);
        continue;
      }
      const fit = s.fit(t, v);
      if (fit === Fit.InOrder) {
        head.noteSample(t, s.append(t, v, range) ? 1 : 0);
      } else if (fit === Fit.OutOfOrder) {
        // accepted into the out-of-order window on append; without a window, another appender committed
        // newer samples since this one was staged
        if (window > 0) head.noteSample(t, s.insert(t, v, range));
        else head.outOfOrderSamplesTotal++;
      } else if (fit === Fit.Duplicate) {
        head.duplicateSamplesTotal++;
      }
    }
    this.clear();
    this.created = NO_SERIES;
  }

  rollback(): void {
    this.clear();
    if (this.created.length > 0) this.head.removeEmpty(this.created);
    this.created = NO_SERIES;
  }

  /** Calls fn for every staged sample's series (with repeats). */
  forEachStaged(fn: (s: MemSeries) => void): void {
    const b = this.buf;
    if (b === null) return;
    for (let i = 0; i < this.n; i++) fn(b.series[i]);
  }

  private clear(): void {
    const b = this.buf;
    if (b === null) return;
    this.head.openAppenders.delete(this);
    const series = b.series;
    for (let i = 0; i < this.n; i++) {
      const s = series[i];
      if (s.pendingOwner === this) s.pendingOwner = null;
    }
    series.length = 0;
    this.n = 0;
    this.buf = null;
    this.head.giveStaging(b);
  }
}
