/**
 * A bound on the notifications one integration works on at once. When many groups flush together
 * (group_wait: 0s and a burst of new alerts), each notification waits here before it renders its payload,
 * so only as many payloads and requests exist as the connection pool can carry; the rest wait as small
 * queue entries. Without it every payload of the burst is built up front and lives until its request
 * gets a connection, which makes the garbage collector copy all of them, several times.
 */

import type { Cancellation } from '../alertmanager/cancellation.ts';
import { Fifo } from '../model/fifo.ts';

export class Limiter {
  private active = 0;
  private readonly waiting = new Fifo<() => void>();

  constructor(readonly limit: number) {}

  /**
   * Runs `fn` once a slot is free. The slot is given back when `fn` settles, or when `signal` aborts
   * (a call that ignores its signal cannot hold a slot past the flush deadline). Resolves `onAbort()`
   * if the signal aborts while waiting.
   */
  async run<T>(signal: Cancellation, fn: () => Promise<T>, onAbort: () => T): Promise<T> {
    if (this.active >= this.limit) {
      await new Promise<void>((resolve) => this.waiting.push(resolve));
      // The slot was handed over by release(): `active` already counts it.
    } else this.active++;
    if (signal.aborted) {
      this.release();
      return onAbort();
    }
    const slot = new Slot(this, signal);
    try {
      return await fn();
    } finally {
      slot.release();
    }
  }

  /** Hands the slot to the next waiter, or frees it. */
  release(): void {
    const next = this.waiting.shift();
    if (next) next();
    else this.active--;
  }

  /** Notifications running and waiting. */
  get pending(): number {
    return this.active + this.waiting.size;
  }
}

/**
 * A held slot, released once: when the call settles or when the signal aborts. A listener object rather
 * than a closure: one allocation per notification, and nothing for the transpiler to name at run time.
 */
class Slot {
  private released = false;

  constructor(
    private readonly limiter: Limiter,
    private readonly signal: Cancellation,
  ) {
    signal.addEventListener('abort', this, { once: true });
  }

  handleEvent(): void {
    this.release();
  }

  release(): void {
    if (this.released) return;
    this.released = true;
    this.signal.removeEventListener('abort', this);
    this.limiter.release();
  }
}
