/**
 * How many flushes of one receiver run at once; the others wait their turn in order, but never longer
 * than `maxWaitMs`.
 *
 * A burst of new groups (group_wait: 0s) would otherwise start every flush at once. Against a receiver that
 * answers one request at a time, most of them then wait in its queue, and the state of each waiting
 * notification outlives V8's young generation: the garbage collector copies and promotes it. With 256
 * flushes in flight that was a third of the alert manager's CPU time per notification in such a burst;
 * with 64 it is a small part (bench/alertmanager.ts). 64 requests in flight still carry 640 notifications/s
 * to a receiver 100 ms away.
 *
 * So that a slow or stuck receiver cannot hold a group back for long (each aggregation group flushes on its
 * own schedule in Alertmanager), a flush that has waited `maxWaitMs` starts anyway; the notifier's HTTP
 * client still bounds the requests in flight (src/notify/limiter.ts).
 */

import { Fifo } from '../model/fifo.ts';

export interface FlushSlotsOptions {
  limit: number;
  maxWaitMs: number;
}

export const FLUSH_SLOTS: FlushSlotsOptions = { limit: 64, maxWaitMs: 2_000 };

/** A flush; settles when it has finished. */
export type Flush = () => Promise<unknown>;

export class FlushSlots {
  private active = 0;
  /** waiting flushes, and when each was queued (ms, `clock`) */
  private readonly queue = new Fifo<Flush>();
  private readonly queuedAt = new Fifo<number>();
  private timer: NodeJS.Timeout | null = null;
  private readonly onTimer = () => this.startOverdue();
  private readonly onFinished = () => this.finished();

  constructor(
    readonly options: FlushSlotsOptions = FLUSH_SLOTS,
    private readonly clock: () => number = () => performance.now(),
  ) {}

  /** Flushes running and waiting. */
  get pending(): number {
    return this.active + this.queue.size;
  }

  /** Flushes running (overdue ones included). */
  get running(): number {
    return this.active;
  }

  run(flush: Flush): void {
    if (this.active < this.options.limit) this.start(flush);
    else {
      this.queue.push(flush);
      this.queuedAt.push(this.clock());
      if (!this.timer) this.schedule(this.options.maxWaitMs);
    }
  }

  /** Stops the overdue timer (queued flushes still start as slots free up). */
  close(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
  }

  private schedule(ms: number): void {
    this.timer = setTimeout(this.onTimer, Math.max(1, ms));
    // Queued flushes of a stopping alert manager must not keep the process alive.
    this.timer.unref();
  }

  private start(flush: Flush): void {
    this.active++;
    flush().then(this.onFinished, this.onFinished);
  }

  /** Starts the oldest waiting flush. */
  private startNext(): void {
    this.queuedAt.shift();
    this.start(this.queue.shift() as Flush);
  }

  /** A flush ended: its slot goes to the next waiting one. */
  private finished(): void {
    this.active--;
    if (this.queue.size > 0 && this.active < this.options.limit) this.startNext();
  }

  /** Starts the flushes that have waited too long, and waits for the next one to be due. */
  private startOverdue(): void {
    this.timer = null;
    const due = this.clock() - this.options.maxWaitMs;
    for (let at = this.queuedAt.peek(); at !== undefined && at <= due; at = this.queuedAt.peek()) this.startNext();
    const oldest = this.queuedAt.peek();
    if (oldest !== undefined) this.schedule(oldest + this.options.maxWaitMs - this.clock());
  }
}
