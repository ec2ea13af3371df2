/**
 * Cooperative scheduling for asynchronous queries: the evaluator asks `due()` at node and series-batch
 * boundaries and, when its time slice is used up, awaits `pause()`, which lets the event loop serve other
 * requests and then stops the query if its client went away or its deadline passed.
 */
import { QueryError } from './errors.ts';

/** Work time between two yields to the event loop. */
const SLICE_MS = 10;

export class Pacer {
  private sliceEnd: number;

  constructor(
    private readonly signal: AbortSignal | undefined,
    /** Absolute deadline, ms since the epoch. */
    private readonly deadline: number,
    private readonly sliceMs = SLICE_MS,
  ) {
    this.sliceEnd = performance.now() + sliceMs;
  }

  /** True when the current time slice is used up. */
  due(): boolean {
    return performance.now() >= this.sliceEnd;
  }

  /** Yields to the event loop (I/O callbacks run), then throws if the query must stop. */
  async pause(): Promise<void> {
    await new Promise<void>((resolve) => setImmediate(resolve));
    this.check('expression evaluation');
    this.sliceEnd = performance.now() + this.sliceMs;
  }

  /** Throws Prometheus's canceled/timeout errors, naming the phase ("query queue", "expression evaluation"). */
  check(phase: string): void {
    if (this.signal?.aborted) throw new QueryError('canceled', `query was canceled in ${phase}`);
    if (Date.now() > this.deadline) throw new QueryError('timeout', `query timed out in ${phase}`);
  }
}
