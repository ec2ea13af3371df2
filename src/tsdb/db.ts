import { closeSync, mkdirSync, openSync, readFileSync, rmSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { AppendError, type Appendable, type Appender, type Queryable, type Querier } from './interfaces.ts';
import { Head, type HeadOptions } from './head.ts';
import {
  decodeSamples,
  decodeSeries,
  encodeSamples,
  encodeSeries,
  RECORD_SAMPLES,
  RECORD_SERIES,
  RecordBuffer,
  replayWAL,
  WAL,
} from './wal/index.ts';

export interface DBOptions extends HeadOptions {
  /** Skip the lock file (--storage.tsdb.no-lockfile). */
  noLockfile?: boolean;
  walSegmentSize?: number;
  logger?: { info(o: object, m: string): void; warn(o: object, m: string): void; error(o: object, m: string): void };
}

export class LockError extends Error {}

/** What replay found, for logs and metrics. */
export interface ReplayStats {
  series: number;
  samples: number;
  durationMs: number;
  /** Set when a torn or corrupt WAL tail was cut off. */
  corruption: string | null;
}

/**
 * The durable database: the in-memory head behind a write-ahead log. Every committed batch is in the WAL
 * (handed to the OS) before commit() returns, so a crash at any moment loses nothing acknowledged;
 * opening replays the WAL into the head.
 */
export class DB implements Appendable, Queryable {
  readonly head: Head;
  readonly replay: ReplayStats;
  walCorruptionsTotal = 0;
  private readonly wal: WAL;
  private readonly lockFile: string | null;
  private readonly rec = new RecordBuffer();
  private refs = new Float64Array(1024);

  private constructor(
    readonly dir: string,
    opts: DBOptions,
  ) {
    mkdirSync(dir, { recursive: true });
    this.lockFile = opts.noLockfile ? null : acquireLock(dir);
    this.head = new Head(opts);
    const walDir = join(dir, 'wal');
    this.replay = replayInto(this.head, walDir);
    if (this.replay.corruption) {
      this.walCorruptionsTotal++;
      opts.logger?.warn({ err: this.replay.corruption }, 'WAL corruption repaired: the torn tail was cut off');
    }
    this.wal = new WAL(walDir, opts.walSegmentSize);
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
        for (let i = 0; i < b.n; i++) this.refs[i] = b.series[i].ref;
        rec.reset();
        encodeSamples(rec, this.refs, b.ts, b.vs, b.n);
        out.push(rec.bytes());
      }
      if (out.length > 0) this.wal.log(...out);
    });
  }

  /** Opens (or creates) the data directory: takes the lock, replays the WAL. Throws LockError when in use. */
  static open(dir: string, opts: DBOptions = {}): DB {
    return new DB(dir, opts);
  }

  appender(): Appender {
    return this.head.appender();
  }

  querier(): Querier {
    return this.head.querier();
  }

  close(): void {
    this.head.setCommitListener(null);
    this.wal.close();
    if (this.lockFile) {
      rmSync(this.lockFile, { force: true });
      heldLocks.delete(this.lockFile);
    }
  }
}

function replayInto(head: Head, walDir: string): ReplayStats {
  const started = Date.now();
  // A series may be logged again under a new ref after a restart; map every logged ref to the head's.
  const refMap = new Map<number, number>();
  let series = 0;
  let samples = 0;
  const corruption = replayWAL(walDir, (rec) => {
    if (rec[0] === RECORD_SERIES) {
      decodeSeries(rec, (ref, labels) => {
        refMap.set(ref, head.restoreSeries(ref, labels).ref);
        series++;
      });
    } else if (rec[0] === RECORD_SAMPLES) {
      const app = head.appender();
      decodeSamples(rec, (ref, t, v) => {
        const r = refMap.get(ref);
        if (r === undefined) return; // series record lost with a torn segment
        const s = head.seriesByRef(r);
        if (!s) return;
        try {
          app.append(r, s.labels, t, v);
          samples++;
        } catch (e) {
          if (!(e instanceof AppendError)) throw e;
        }
      });
      app.commit();
    }
  });
  return { series, samples, durationMs: Date.now() - started, corruption: corruption?.message ?? null };
}

/**
 * A lock file holding the owner's pid. A lock left by a process that no longer runs (kill -9) is taken over.
 */
const heldLocks = new Set<string>();

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

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}
