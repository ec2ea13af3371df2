import { randomBytes } from 'node:crypto';
import {
  closeSync,
  linkSync,
  mkdirSync,
  openSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeSync,
} from 'node:fs';
import { join } from 'node:path';
import type { Labels, Matcher } from '../model/index.ts';
import {
  addInterval,
  Block,
  type BlockMeta,
  compactBlocks,
  deleteBlockDir,
  deleteBlocksBeyondRetention,
  HeadBlockJobBuilder,
  MergeQuerier,
  openBlocks,
  repairDataDir,
  runCompactionJob,
  writeBlockFromQuerier,
  writeHeadBlock,
  writeTombstones,
} from './block/index.ts';
import { DEFAULT_CHUNK_RANGE, Head, type HeadOptions } from './head.ts';
import {
  decodeTombstonesRecord,
  encodeTombstonesRecord,
  HeadTombstones,
  MAX_TOMBSTONE_TIME,
  TombstonedQuerier,
} from './head-tombstones.ts';
import {
  type Appendable,
  AppendError,
  type Appender,
  type Querier,
  type Queryable,
  type SelectHints,
  type Series,
} from './interfaces.ts';
import { Fit, type MemSeries } from './mem-series.ts';
import { SeriesTable } from './series-table.ts';
import {
  decodeSamplesInto,
  decodeSeries,
  encodeSamples,
  encodeSeries,
  lastCheckpoint,
  listSegments,
  RECORD_SAMPLES,
  RECORD_SERIES,
  RECORD_TOMBSTONES,
  RecordBuffer,
  replayWAL,
  SampleBatch,
  WAL,
  writeCheckpoint,
} from './wal/index.ts';

export interface DBOptions extends HeadOptions {
  /** Skip the lock file (--storage.tsdb.no-lockfile). */
  noLockfile?: boolean;
  walSegmentSize?: number;
  /** Time retention in ms (0 = none). */
  retentionMs?: number;
  /** Size retention in bytes (0 = none). */
  retentionBytes?: number;
  /** Blocks are merged up to this span (default: 81x the block range, 162h with 2h blocks). */
  maxBlockDuration?: number;
  /**
   * Start a background compaction (maintainInBackground) as soon as a commit makes the head span more
   * than 1.5 block ranges, as Prometheus does, instead of waiting for the next maintenance call.
   */
  autoCompact?: boolean;
  /** Test hook: builds the WAL (e.g. one whose writes fail as on a full disk). */
  walFactory?: (dir: string, segmentSize?: number) => WAL;
  logger?: { info(o: object, m: string): void; warn(o: object, m: string): void; error(o: object, m: string): void };
}

export class LockError extends Error {}

/** A commit failed because its WAL write failed (e.g. ENOSPC): nothing of the batch was applied. */
export class WALWriteError extends Error {
  readonly code: string | undefined;
  constructor(cause: Error) {
    super(`write to WAL: ${cause.message}`);
    this.code = (cause as NodeJS.ErrnoException).code;
  }
}

/** What replay found, for logs and metrics. */
export interface ReplayStats {
  series: number;
  samples: number;
  durationMs: number;
  /** Set when a torn or corrupt WAL tail was cut off. */
  corruption: string | null;
}

/**
 * The durable database: immutable blocks on disk (Prometheus's format) plus the in-memory head behind a
 * write-ahead log. Every committed batch is in the WAL (handed to the OS) before commit() returns, so a
 * crash at any moment loses nothing acknowledged. maintain() cuts the head into 2h blocks, checkpoints and
 * truncates the WAL, merges small blocks and applies retention; everything is synchronous on the one JS
 * thread, so a query never sees a block disappear under it.
 */
export class DB implements Appendable, Queryable {
  readonly head: Head;
  readonly replay: ReplayStats;
  walCorruptionsTotal = 0;
  blockCorruptionsTotal = 0;
  compactionsTotal = 0;
  compactionFailuresTotal = 0;
  private blocks: Block[] = [];
  walWriteFailuresTotal = 0;
  /** Deleted intervals of head series (delete_series), applied at query time and on head compaction. */
  readonly headTombstones = new HeadTombstones();
  private wal: WAL;
  /** Set after a failed WAL write until a fresh segment could be opened. */
  private walBroken = false;
  private readonly walDir: string;
  private readonly lockFile: string | null;
  private readonly rec = new RecordBuffer();
  private refs = new Float64Array(1024);
  /** Newest sample timestamp logged per WAL segment (for truncation). */
  private readonly segmentMaxT = new Map<number, number>();
  private readonly range: number;
  /** The running maintainInBackground round. */
  private background: Promise<void> | null = null;
  private readonly abort = new AbortController();
  private closed = false;
  /** Blocks replaced or deleted, closed after a grace period (see retire). */
  private retired: Block[] = [];
  /** Counts block tombstone changes (delete_series, clean_tombstones), so a merge that raced one is dropped. */
  private mutations = 0;
  /** While a head range is written in the background: its end; a commit or deletion below marks it dirty. */
  private compactingBelow = Number.NEGATIVE_INFINITY;
  private headDirty = false;
  private autoScheduled = false;

  private constructor(
    readonly dir: string,
    private readonly opts: DBOptions,
  ) {
    mkdirSync(dir, { recursive: true });
    this.lockFile = opts.noLockfile ? null : acquireLock(dir);
    this.range = opts.chunkRange ?? DEFAULT_CHUNK_RANGE;
    for (const removed of repairDataDir(dir))
      opts.logger?.warn({ dir: removed }, 'Removed leftover of an interrupted compaction');
    const opened = openBlocks(dir);
    this.blocks = opened.blocks.sort((a, b) => a.meta.minTime - b.meta.minTime);
    for (const e of opened.errors) {
      this.blockCorruptionsTotal++;
      opts.logger?.error({ dir: e.dir, error: e.error.message }, 'Skipping unreadable block');
    }
    this.head = new Head(opts);
    this.walDir = join(dir, 'wal');
    // Samples already persisted in blocks are not appended again (Prometheus's minValidTime).
    this.replay = this.replayInto(this.blocksMaxTime());
    if (this.replay.corruption) {
      this.walCorruptionsTotal++;
      opts.logger?.warn({ error: this.replay.corruption }, 'WAL corruption repaired: the torn tail was cut off');
    }
    this.wal = this.newWAL();
    this.head.setCommitListener((b) => {
      const rec = this.rec;
      const out: Uint8Array[] = [];
      if (b.newSeries.length > 0) {
        rec.reset();
        encodeSeries(rec, b.newSeries);
        out.push(rec.bytes().slice());
      }
      if (b.n > 0) {
        if (this.refs.length < b.n) this.refs = new Float64Array(b.n * 2);
        let maxT = Number.NEGATIVE_INFINITY;
        let minT = Number.POSITIVE_INFINITY;
        for (let i = 0; i < b.n; i++) {
          this.refs[i] = b.series[i].ref;
          const t = b.ts[i];
          if (t > maxT) maxT = t;
          if (t < minT) minT = t;
        }
        if (minT < this.compactingBelow) this.headDirty = true;
        rec.reset();
        encodeSamples(rec, this.refs, b.ts, b.vs, b.n);
        out.push(rec.bytes());
        const seg = this.wal.currentSegment;
        if (maxT > (this.segmentMaxT.get(seg) ?? Number.NEGATIVE_INFINITY)) this.segmentMaxT.set(seg, maxT);
        if (opts.autoCompact && !this.autoScheduled && this.background === null) {
          const headMin = Math.min(this.head.minTime(), minT);
          if (Math.max(this.head.maxTime(), maxT) - headMin > (this.range * 3) / 2) {
            this.autoScheduled = true;
            setImmediate(() => {
              this.autoScheduled = false;
              void this.maintainInBackground();
            });
          }
        }
      }
      if (out.length > 0) this.logToWAL(out);
    });
  }

  /** Opens (or creates) the data directory: takes the lock, opens blocks, replays the WAL. */
  static open(dir: string, opts: DBOptions = {}): DB {
    return new DB(dir, opts);
  }

  appender(): Appender {
    return this.head.appender();
  }

  querier(): Querier {
    return new DBQuerier(this.blocks, this.headQuerier());
  }

  /** The head's querier with deleted intervals hidden. */
  private headQuerier(): Querier {
    const q = this.head.querier();
    if (this.headTombstones.size === 0) return q;
    return new TombstonedQuerier(q, this.headTombstones, (s) => this.head.lookup(s.labels)?.ref);
  }

  private newWAL(): WAL {
    return this.opts.walFactory
      ? this.opts.walFactory(this.walDir, this.opts.walSegmentSize)
      : new WAL(this.walDir, this.opts.walSegmentSize);
  }

  /**
   * Writes a commit's records. On failure (full disk, I/O error) the torn tail of the segment is cut off
   * so replay does not stop there, and writing continues in a fresh segment once that can be created;
   * the commit fails with a WALWriteError and nothing of it is applied, so nothing unlogged is acknowledged.
   */
  private logToWAL(records: Uint8Array[]): void {
    if (this.walBroken) {
      try {
        this.wal = this.newWAL();
        this.walBroken = false;
        this.opts.logger?.info({ segment: this.wal.currentSegment }, 'WAL writable again');
      } catch (e) {
        this.walWriteFailuresTotal++;
        throw new WALWriteError(e as Error);
      }
    }
    try {
      this.wal.log(...records);
    } catch (e) {
      this.walWriteFailuresTotal++;
      this.abandonSegment();
      this.opts.logger?.error({ error: (e as Error).message }, 'WAL write failed; the commit was rejected');
      throw new WALWriteError(e as Error);
    }
  }

  /** Drops the failed WAL (without flushing its page again) and cuts its segment after the last whole record. */
  private abandonSegment(): void {
    const seg = this.wal.currentSegment;
    this.wal.abandon();
    try {
      replayWAL(this.walDir, () => {}, seg);
    } catch {
      // unreadable: replay on start repairs it
    }
    this.walBroken = true;
    try {
      this.wal = this.newWAL();
      this.walBroken = false;
    } catch {
      // still failing: retried on the next commit
    }
  }

  /**
   * delete_series: hides the samples of matching series in [mint, maxt] (inclusive) — tombstones in each
   * overlapping block, and deleted intervals for the head (logged to the WAL so they survive a restart).
   */
  deleteSeries(matchers: readonly Matcher[], mint = -MAX_TOMBSTONE_TIME, maxt = MAX_TOMBSTONE_TIME): void {
    this.mutations++;
    if (mint < this.compactingBelow) this.headDirty = true;
    for (const b of this.blocks) {
      if (b.meta.maxTime <= mint || b.meta.minTime > maxt) continue;
      const refs = b.postingsFor(matchers);
      if (refs.length === 0) continue;
      for (const ref of refs) addInterval(b.tombstones, ref, mint, maxt);
      writeTombstones(b.dir, b.tombstones);
    }
    const entries: { ref: number; mint: number; maxt: number }[] = [];
    for (const s of this.head.querier().select(matchers, mint, maxt)) {
      const ms = this.head.lookup(s.labels);
      if (ms) entries.push({ ref: ms.ref, mint, maxt });
    }
    if (entries.length === 0) return;
    this.logToWAL([encodeTombstonesRecord(entries)]);
    for (const e of entries) this.headTombstones.add(e.ref, e.mint, e.maxt);
  }

  /**
   * clean_tombstones: rewrites every block that has tombstones without the deleted data, each in a worker
   * thread (as merges are), so the event loop keeps serving meanwhile. A rewrite that raced a delete_series
   * (new tombstones) is thrown away and done again; a block a merge replaced meanwhile is left to the merge.
   */
  async cleanTombstones(): Promise<void> {
    this.mutations++;
    for (const b of [...this.blocks]) {
      for (let attempt = 0; attempt < 3; attempt++) {
        if (this.closed || b.tombstones.size === 0 || !this.blocks.includes(b)) break;
        const mutations = this.mutations;
        let meta: BlockMeta | null;
        try {
          meta = await runCompactionJob({ kind: 'merge', dataDir: this.dir, dirs: [b.dir] }, this.abort.signal);
        } catch (e) {
          // A new block left behind by a stop lists b as its parent: the next start deletes b (repair.ts).
          if (this.closed) return;
          this.opts.logger?.warn(
            { error: (e as Error).message },
            'Compaction worker failed; cleaning tombstones on the main thread',
          );
          meta = compactBlocks(this.dir, [b.dir]);
        }
        if (this.closed) return;
        if (mutations !== this.mutations || !this.blocks.includes(b)) {
          if (meta) deleteBlockDir(join(this.dir, meta.ulid));
          continue;
        }
        this.mutations++;
        this.retire([b]);
        this.blocks = this.blocks.filter((x) => x !== b);
        if (meta) this.blocks.push(new Block(join(this.dir, meta.ulid)));
        deleteBlockDir(b.dir);
        this.blocks.sort((x, y) => x.meta.minTime - y.meta.minTime);
        this.opts.logger?.info({ ulid: b.ulid, replacement: meta?.ulid ?? null }, 'Cleaned tombstones of block');
        break;
      }
    }
  }

  /**
   * snapshot: hard links of every block, plus (unless skipHead) a block of the head, into
   * <data>/snapshots/<name>. Returns the name (Prometheus's form: 20060102T150405Z-<16 hex>).
   */
  snapshot(skipHead = false, now = new Date()): string {
    const iso = now.toISOString();
    const name = `${iso.slice(0, 4)}${iso.slice(5, 7)}${iso.slice(8, 10)}T${iso.slice(11, 13)}${iso.slice(14, 16)}${iso.slice(17, 19)}Z-${randomBytes(8).toString('hex')}`;
    const dir = join(this.dir, 'snapshots', name);
    mkdirSync(dir, { recursive: true });
    for (const b of this.blocks) linkTree(b.dir, join(dir, b.ulid));
    if (!skipHead) {
      const minT = this.head.minTime();
      const maxT = this.head.maxTime();
      const q = this.headQuerier();
      if (Number.isFinite(minT) && q.select([], minT, maxT).length > 0) writeBlockFromQuerier(dir, q, minT, maxT + 1);
    }
    return name;
  }

  /** The open blocks, oldest first. */
  listBlocks(): readonly Block[] {
    return this.blocks;
  }

  /** Bytes of all blocks plus the WAL, for size retention and /metrics. */
  blocksBytes(): number {
    let n = 0;
    for (const b of this.blocks) n += b.size();
    return n;
  }

  /**
   * Periodic maintenance, synchronous (offline tools and tests): persists the head's oldest 2h range as a
   * block once the head spans more than 1.5 ranges (as Prometheus does), truncates head and WAL, merges
   * blocks and applies retention. Does nothing while a background round (maintainInBackground) runs.
   * `now` is for tests.
   */
  maintain(now = Date.now()): void {
    if (this.background !== null || this.closed) return;
    try {
      this.compactHead();
      this.compactBlocks();
    } catch (e) {
      this.compactionFailuresTotal++;
      this.opts.logger?.error({ error: (e as Error).message }, 'Compaction failed');
    }
    this.applyRetention(now);
  }

  /**
   * The same as maintain(), with block writing and merging in a worker thread so scrapes, queries and
   * remote write go on meanwhile (the server's once-a-minute timer). The main thread only copies the head
   * range's chunk bytes (in slices that yield to the event loop) and swaps blocks in and out. Calls made
   * while a round runs return that round.
   */
  maintainInBackground(now = Date.now()): Promise<void> {
    if (this.background !== null) return this.background;
    if (this.closed) return Promise.resolve();
    const round = this.backgroundRound(now).finally(() => {
      this.background = null;
    });
    this.background = round;
    return round;
  }

  private async backgroundRound(now: number): Promise<void> {
    try {
      await this.compactHeadInBackground();
      await this.compactBlocksInBackground();
    } catch (e) {
      if (this.closed) return;
      this.compactionFailuresTotal++;
      this.opts.logger?.error({ error: (e as Error).message }, 'Compaction failed');
    }
    if (!this.closed) this.applyRetention(now);
  }

  /** The head range to persist next, or null while the head spans at most 1.5 ranges. */
  private nextHeadRange(): { mint: number; maxt: number } | null {
    const range = this.range;
    const minT = this.head.minTime();
    const maxT = this.head.maxTime();
    if (!Number.isFinite(minT) || maxT - minT <= (range * 3) / 2) return null;
    const mint = Math.floor(minT / range) * range;
    return { mint, maxt: mint + range };
  }

  private headJobBuilder(mint: number, maxt: number): HeadBlockJobBuilder {
    return new HeadBlockJobBuilder(this.dir, mint, maxt, Math.max(mint, this.head.minValidTime()), this.range);
  }

  /** After a head range was written (meta null: it held no samples): registers the block, truncates head and WAL. */
  private headRangeDone(meta: BlockMeta | null, mint: number, maxt: number, started: number): void {
    const t0 = performance.now();
    if (meta) {
      this.blocks.push(new Block(join(this.dir, meta.ulid)));
      this.blocks.sort((a, b) => a.meta.minTime - b.meta.minTime);
      this.compactionsTotal++;
    }
    const t1 = performance.now();
    this.head.truncate(maxt);
    this.headTombstones.truncate(maxt, (ref) => this.head.seriesByRef(ref) !== undefined);
    const t2 = performance.now();
    this.truncateWAL(maxt);
    const t3 = performance.now();
    if (meta) {
      // the last three are main-thread work after the block was written
      this.opts.logger?.info(
        {
          mint,
          maxt,
          ulid: meta.ulid,
          series: meta.stats.numSeries,
          durationMs: Date.now() - started,
          openMs: Math.round(t1 - t0),
          truncateMs: Math.round(t2 - t1),
          checkpointMs: Math.round(t3 - t2),
        },
        'Wrote block',
      );
    }
  }

  private compactHead(): void {
    for (;;) {
      const r = this.nextHeadRange();
      if (r === null) return;
      this.compactHeadRange(r.mint, r.maxt);
    }
  }

  /** Writes one head range as a block on this thread. */
  private compactHeadRange(mint: number, maxt: number): void {
    const started = Date.now();
    const b = this.headJobBuilder(mint, maxt);
    for (const s of this.head.series.values()) b.add(s, this.headTombstones.intervals.get(s.ref));
    this.headRangeDone(writeHeadBlock(b.finish()), mint, maxt, started);
  }

  private async compactHeadInBackground(): Promise<void> {
    // a few ranges per round, so merges get their turn even when the head grows as fast as it is written
    for (let n = 0; n < 3; n++) {
      const r = this.nextHeadRange();
      if (r === null || this.closed) return;
      const { mint, maxt } = r;
      const started = Date.now();
      this.opts.logger?.info({ mint, maxt }, 'Compacting head range');
      // commits and deletions reaching into [mint, maxt) from now on make this round's copy stale
      this.compactingBelow = maxt;
      this.headDirty = false;
      try {
        const b = this.headJobBuilder(mint, maxt);
        const all = [...this.head.series.values()];
        for (let i = 0; i < all.length; i++) {
          if (i % 2000 === 1999) {
            await yieldToEventLoop();
            if (this.closed) return;
          }
          b.add(all[i], this.headTombstones.intervals.get(all[i].ref));
        }
        let meta: BlockMeta | null;
        try {
          meta = await runCompactionJob({ kind: 'head', head: b.finish() }, this.abort.signal);
        } catch (e) {
          if (this.closed) return;
          // the worker failed (could not start, out of memory, ...): still persist the range, on this thread
          this.opts.logger?.warn(
            { error: (e as Error).message },
            'Compaction worker failed; compacting on the main thread',
          );
          this.compactHeadRange(mint, maxt);
          continue;
        }
        if (this.closed) return;
        if (this.headDirty) {
          // rare (a late remote-write sample or delete_series in that range): redo the range on this thread
          if (meta) deleteBlockDir(join(this.dir, meta.ulid));
          this.opts.logger?.info({ mint, maxt }, 'Head range changed while it was written; writing it again');
          this.compactHeadRange(mint, maxt);
          continue;
        }
        this.headRangeDone(meta, mint, maxt, started);
      } finally {
        this.compactingBelow = Number.NEGATIVE_INFINITY;
      }
    }
  }

  /**
   * Drops the WAL segments whose samples are all older than mint, after writing a checkpoint with the
   * series records of every series still in the head (so later segments' sample records resolve).
   */
  private truncateWAL(mint: number): void {
    const next = this.wal.nextSegment();
    let last = -1;
    for (const seg of listSegments(this.walDir)) {
      if (seg >= next) break;
      if ((this.segmentMaxT.get(seg) ?? Number.NEGATIVE_INFINITY) >= mint) break;
      last = seg;
    }
    if (last < 0) return;
    const records: Uint8Array[] = [];
    const batch: { ref: number; labels: Labels }[] = [];
    const flush = () => {
      if (batch.length === 0) return;
      const rec = new RecordBuffer();
      encodeSeries(rec, batch);
      records.push(rec.bytes().slice());
      batch.length = 0;
    };
    for (const s of this.head.series.values()) {
      batch.push(s);
      if (batch.length >= 1000) flush();
    }
    flush();
    const kept: { ref: number; mint: number; maxt: number }[] = [];
    for (const [ref, list] of this.headTombstones.intervals)
      for (const [a, b] of list) kept.push({ ref, mint: a, maxt: b });
    if (kept.length > 0) records.push(encodeTombstonesRecord(kept));
    writeCheckpoint(this.walDir, last, records);
    for (const seg of [...this.segmentMaxT.keys()]) if (seg <= last) this.segmentMaxT.delete(seg);
  }

  /** The first group of blocks due for merging: an aligned window of 3x (9x, ...) the range, complete and older than the head. */
  private nextMergeGroup(): Block[] | null {
    const headMin = this.head.minTime();
    // Prometheus's ranges: the block range times 3, 9, ... (at most 3^9), up to the longest block allowed
    const longest = Math.min(this.opts.maxBlockDuration ?? this.range * 3 ** 4, this.range * 3 ** 9);
    for (let window = this.range * 3; window <= longest; window *= 3) {
      const groups = new Map<number, Block[]>();
      for (const b of this.blocks) {
        if (b.meta.maxTime - b.meta.minTime >= window) continue;
        const start = Math.floor(b.meta.minTime / window) * window;
        if (b.meta.maxTime > start + window) continue;
        const g = groups.get(start);
        if (g) g.push(b);
        else groups.set(start, [b]);
      }
      for (const [start, group] of groups) if (group.length >= 2 && start + window <= headMin) return group;
    }
    return null;
  }

  /** Replaces merged blocks by their merge (meta null: they held no samples). */
  private mergeDone(group: Block[], meta: BlockMeta | null, started = Date.now()): void {
    this.opts.logger?.info(
      { sources: group.map((b) => b.ulid), ulid: meta?.ulid ?? null, durationMs: Date.now() - started },
      'Merged blocks',
    );
    this.blocks = this.blocks.filter((b) => !group.includes(b));
    if (meta) this.blocks.push(new Block(join(this.dir, meta.ulid)));
    this.blocks.sort((a, b) => a.meta.minTime - b.meta.minTime);
    this.compactionsTotal++;
    this.retire(group);
    for (const b of group) deleteBlockDir(b.dir);
  }

  /** Merges blocks in aligned windows of 3x their range (6h, 18h, ...) once a window is complete. */
  private compactBlocks(): void {
    for (let group = this.nextMergeGroup(); group !== null; group = this.nextMergeGroup()) {
      this.mergeDone(
        group,
        compactBlocks(
          this.dir,
          group.map((b) => b.dir),
        ),
      );
    }
  }

  private async compactBlocksInBackground(): Promise<void> {
    for (let group = this.nextMergeGroup(); group !== null && !this.closed; group = this.nextMergeGroup()) {
      const mutations = this.mutations;
      const started = Date.now();
      this.opts.logger?.info({ blocks: group.map((b) => b.ulid) }, 'Merging blocks');
      let meta: BlockMeta | null;
      try {
        meta = await runCompactionJob(
          { kind: 'merge', dataDir: this.dir, dirs: group.map((b) => b.dir) },
          this.abort.signal,
        );
      } catch (e) {
        if (this.closed) return;
        this.opts.logger?.warn({ error: (e as Error).message }, 'Compaction worker failed; merging on the main thread');
        this.mergeDone(
          group,
          compactBlocks(
            this.dir,
            group.map((b) => b.dir),
          ),
          started,
        );
        continue;
      }
      if (this.closed) return;
      if (mutations !== this.mutations || group.some((b) => !this.blocks.includes(b))) {
        // tombstones were written or blocks replaced meanwhile: drop this merge, the next round redoes it
        if (meta) deleteBlockDir(join(this.dir, meta.ulid));
        return;
      }
      this.mergeDone(group, meta, started);
    }
  }

  /**
   * Blocks taken out of the list are closed a while later, not at once: a query that started before may
   * still read their chunks (their files stay readable through the open descriptors after deletion).
   */
  private retire(blocks: readonly Block[]): void {
    if (blocks.length === 0) return;
    const list = [...blocks];
    this.retired.push(...list);
    const timer = setTimeout(() => {
      for (const b of list) b.close();
      this.retired = this.retired.filter((b) => !list.includes(b));
    }, 60_000);
    timer.unref();
  }

  private applyRetention(now: number): void {
    const retentionMs = this.opts.retentionMs ?? 0;
    const retentionBytes = this.opts.retentionBytes ?? 0;
    if (retentionMs <= 0 && retentionBytes <= 0) return;
    const deleted = deleteBlocksBeyondRetention(this.dir, { retentionMs, retentionBytes, referenceTime: now });
    if (deleted.length > 0) {
      const gone = new Set(deleted.map((d) => d.ulid));
      this.retire(this.blocks.filter((b) => gone.has(b.meta.ulid)));
      this.blocks = this.blocks.filter((b) => !gone.has(b.meta.ulid));
      for (const d of deleted)
        this.opts.logger?.info({ ulid: d.ulid, reason: d.reason }, 'Deleted block beyond retention');
    }
    if (retentionMs > 0 && this.head.minTime() < now - retentionMs) this.head.truncate(now - retentionMs);
  }

  private blocksMaxTime(): number {
    let m = Number.NEGATIVE_INFINITY;
    for (const b of this.blocks) if (b.meta.maxTime > m) m = b.meta.maxTime;
    return m;
  }

  /**
   * Closes the WAL and blocks and releases the lock. A background compaction is stopped (its worker is
   * terminated; a half-written block stays under a temporary name that the next open removes).
   */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.abort.abort();
    this.head.setCommitListener(null);
    this.wal.close();
    for (const b of this.blocks) b.close();
    for (const b of this.retired) b.close();
    this.retired = [];
    if (this.lockFile) {
      rmSync(this.lockFile, { force: true });
      heldLocks.delete(this.lockFile);
    }
  }

  /**
   * Rebuilds the head from the last checkpoint and the later WAL segments. Samples records are decoded into
   * reused typed arrays and written straight into their series' chunks (refs come from the series records,
   * so no label set is looked up per sample and no appender batch is built). Samples older than the newest
   * block are skipped: they are persisted already.
   */
  private replayInto(minValidTime: number): ReplayStats {
    const head = this.head;
    const started = Date.now();
    if (minValidTime > Number.NEGATIVE_INFINITY) head.truncate(minValidTime);
    // A series may be logged again under a new ref after a restart; map every logged ref to its series.
    const refTable = new SeriesTable();
    const bigRefs = new Map<number, MemSeries>();
    const seriesFor = (ref: number): MemSeries | undefined =>
      ref >= 0 && ref < 2 ** 32 ? refTable.get(ref) : bigRefs.get(ref);
    const batch = new SampleBatch();
    let series = 0;
    let samples = 0;
    // Decoded samples wait here (in WAL order) and are written series by series in runs: appending a
    // series' samples one after the other keeps its chunk hot, much faster than interleaving all series.
    const pending = new PendingSamples();
    const flush = () => {
      samples += pending.applyTo(head);
    };
    const onRecord = (rec: Uint8Array, segment: number) => {
      const type = rec[0];
      if (type === RECORD_SAMPLES) {
        const n = decodeSamplesInto(rec, batch);
        const { refs, ts, vs } = batch;
        let maxT = this.segmentMaxT.get(segment) ?? Number.NEGATIVE_INFINITY;
        for (let i = 0; i < n; i++) {
          const t = ts[i];
          if (t > maxT) maxT = t;
          const s = seriesFor(refs[i]);
          if (s === undefined) continue; // its series record was lost with a torn segment
          if (pending.full()) flush();
          pending.add(s.ref, t, vs[i]);
        }
        if (segment >= 0) this.segmentMaxT.set(segment, maxT);
      } else if (type === RECORD_SERIES) {
        decodeSeries(rec, (ref, labels) => {
          let s: MemSeries;
          try {
            s = head.restoreSeries(ref, labels);
          } catch (e) {
            if (e instanceof AppendError) return; // invalid label set: its samples are dropped
            throw e;
          }
          if (ref >= 0 && ref < 2 ** 32) refTable.set(ref, s);
          else bigRefs.set(ref, s);
          series++;
        });
      } else if (type === RECORD_TOMBSTONES) {
        decodeTombstonesRecord(rec, (ref, mint, maxt) => {
          const s = seriesFor(ref);
          if (s !== undefined) this.headTombstones.add(s.ref, mint, maxt);
        });
      }
    };
    const cp = lastCheckpoint(this.walDir);
    let corruption = null;
    if (cp) corruption = replayWAL(cp.dir, (rec) => onRecord(rec, -1));
    corruption = replayWAL(this.walDir, onRecord, cp ? cp.n + 1 : 0) ?? corruption;
    flush();
    // series whose samples were all persisted in blocks already
    if (minValidTime > Number.NEGATIVE_INFINITY) head.truncate(minValidTime);
    return { series, samples, durationMs: Date.now() - started, corruption: corruption?.message ?? null };
  }
}

/**
 * Replayed samples buffered between records and applied grouped by series (a stable counting sort on the
 * head ref keeps each series' samples in WAL order).
 */
class PendingSamples {
  /** Samples per group: enough for runs of several samples per series, small enough not to weigh on RSS. */
  private static readonly LIMIT = 1 << 17;
  /** Head refs (not the series objects: a large pointer array costs more in GC than a lookup). */
  private readonly refs = new Uint32Array(PendingSamples.LIMIT);
  private readonly ts = new Float64Array(PendingSamples.LIMIT);
  private readonly vs = new Float64Array(PendingSamples.LIMIT);
  private readonly order = new Uint32Array(PendingSamples.LIMIT);
  private n = 0;
  private maxRef = 0;

  /** Buffers a sample; the caller flushes (applyTo) once full() says so. */
  add(ref: number, t: number, v: number): void {
    const i = this.n;
    this.refs[i] = ref;
    this.ts[i] = t;
    this.vs[i] = v;
    if (ref > this.maxRef) this.maxRef = ref;
    this.n = i + 1;
  }

  full(): boolean {
    return this.n >= PendingSamples.LIMIT;
  }

  /** Writes the buffered samples into their series; returns how many were stored. */
  applyTo(head: Head): number {
    const n = this.n;
    if (n === 0) return 0;
    const { refs, ts, vs } = this;
    let stored = 0;
    if (this.maxRef > 1 << 24) {
      // sparse refs: not worth a counting sort
      for (let i = 0; i < n; i++) {
        const s = head.seriesByRef(refs[i]);
        if (s !== undefined && replaySample(head, s, ts[i], vs[i])) stored++;
      }
    } else {
      const start = new Uint32Array(this.maxRef + 2);
      for (let i = 0; i < n; i++) start[refs[i] + 1]++;
      for (let r = 1; r < start.length; r++) start[r] += start[r - 1];
      const order = this.order;
      for (let i = 0; i < n; i++) order[start[refs[i]]++] = i;
      let ref = -1;
      let s: MemSeries | undefined;
      for (let k = 0; k < n; k++) {
        const i = order[k];
        if (refs[i] !== ref) {
          ref = refs[i];
          s = head.seriesByRef(ref);
        }
        if (s !== undefined && replaySample(head, s, ts[i], vs[i])) stored++;
      }
    }
    this.n = 0;
    this.maxRef = 0;
    return stored;
  }
}

/**
 * Stores one replayed sample as a commit would (in order: appended to the open chunk; older: inserted
 * within the out-of-order window, else counted and dropped). Returns true when it was stored.
 */
function replaySample(head: Head, s: MemSeries, t: number, v: number): boolean {
  if (t < head.truncatedBefore) return false;
  if (t > s.lastT) {
    head.noteSample(t, s.append(t, v, head.chunkRange) ? 1 : 0);
    return true;
  }
  const fit = s.fit(t, v);
  if (fit === Fit.Same) return false;
  if (fit === Fit.Duplicate) {
    head.duplicateSamplesTotal++;
    return false;
  }
  const window = head.outOfOrderTimeWindow;
  if (window === 0 || t < head.maxTime() - window) {
    head.outOfOrderSamplesTotal++;
    return false;
  }
  head.noteSample(t, s.insert(t, v, head.chunkRange));
  return true;
}

/** Lets pending I/O callbacks and timers run (between slices of main-thread compaction work). */
function yieldToEventLoop(): Promise<void> {
  return new Promise((r) => setImmediate(r));
}

/** Reads blocks overlapping the requested range, then the head, merged (the head wins on equal timestamps). */
class DBQuerier implements Querier {
  constructor(
    private readonly blocks: readonly Block[],
    private readonly head: Querier,
  ) {}

  private pick(mint: number, maxt: number): Querier {
    const qs: Querier[] = [];
    for (const b of this.blocks) if (b.meta.maxTime > mint && b.meta.minTime <= maxt) qs.push(b.querier());
    if (qs.length === 0) return this.head;
    qs.push(this.head);
    return new MergeQuerier(qs);
  }

  select(matchers: readonly Matcher[], mint: number, maxt: number, hints?: SelectHints): Series[] {
    return this.pick(mint, maxt).select(matchers, mint, maxt, hints);
  }

  labelNames(matchers: readonly Matcher[], mint: number, maxt: number): string[] {
    return this.pick(mint, maxt).labelNames(matchers, mint, maxt);
  }

  labelValues(name: string, matchers: readonly Matcher[], mint: number, maxt: number): string[] {
    return this.pick(mint, maxt).labelValues(name, matchers, mint, maxt);
  }
}

const heldLocks = new Set<string>();

/**
 * A lock file holding the owner's pid. A lock left by a process that no longer runs (kill -9) is taken over.
 */
function acquireLock(dir: string): string {
  const file = join(dir, 'lock');
  if (heldLocks.has(file)) {
    throw new LockError(`opening storage failed: lock DB directory: ${dir} is already open in this process`);
  }
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const fd = openSync(file, 'wx');
      writeSync(fd, String(process.pid));
      closeSync(fd);
      heldLocks.add(file);
      return file;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
      const pid = Number(readFileSync(file, 'utf8').trim());
      if (pid > 0 && pid !== process.pid && isAlive(pid)) {
        throw new LockError(
          `opening storage failed: lock DB directory: ${dir} is in use by another process (pid ${pid}); ` +
            'stop it, or point --storage.tsdb.path elsewhere',
        );
      }
      rmSync(file, { force: true });
    }
  }
  throw new LockError(`opening storage failed: cannot create lock file in ${dir}`);
}

/** Recreates a directory tree with hard links to its files. */
function linkTree(src: string, dst: string): void {
  mkdirSync(dst, { recursive: true });
  for (const name of readdirSync(src)) {
    const from = join(src, name);
    if (statSync(from).isDirectory()) linkTree(from, join(dst, name));
    else linkSync(from, join(dst, name));
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}
