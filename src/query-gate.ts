import { QueryError } from './promql/index.ts';

/**
 * --query.max-concurrency: at most `max` queries evaluate at once; the others wait in arrival order.
 * A waiting query leaves the queue with Prometheus's errors when its client goes away or its deadline passes.
 */
export class QueryGate {
  private active = 0;
  private readonly waiting: Waiter[] = [];

  constructor(readonly max: number) {
    if (!(max >= 1)) throw new Error(`query.max-concurrency must be at least 1, got ${max}`);
  }

  /** Queries evaluating or waiting (Prometheus's prometheus_engine_queries). */
  get queries(): number {
    return this.active + this.waiting.length;
  }

  /** Resolves when the query may run; the caller must call leave() once it is done. */
  enter(signal: AbortSignal | undefined, deadline: number): Promise<void> {
    const phase = 'query queue';
    if (signal?.aborted) return Promise.reject(new QueryError('canceled', `query was canceled in ${phase}`));
    if (this.active < this.max && this.waiting.length === 0) {
      this.active++;
      return Promise.resolve();
    }
    return new Promise<void>((resolve, reject) => {
      const w: Waiter = {
        admit: () => {
          cleanup();
          this.active++;
          resolve();
        },
      };
      const drop = (err: QueryError) => {
        cleanup();
        const i = this.waiting.indexOf(w);
        if (i >= 0) this.waiting.splice(i, 1);
        reject(err);
      };
      const onAbort = () => drop(new QueryError('canceled', `query was canceled in ${phase}`));
      const timer = setTimeout(
        () => drop(new QueryError('timeout', `query timed out in ${phase}`)),
        Math.max(0, deadline - Date.now()),
      );
      const cleanup = () => {
        clearTimeout(timer);
        signal?.removeEventListener('abort', onAbort);
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      this.waiting.push(w);
    });
  }

  leave(): void {
    this.active--;
    const next = this.waiting.shift();
    if (next) next.admit();
  }
}

interface Waiter {
  admit(): void;
}
