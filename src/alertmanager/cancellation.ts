/**
 * Cancellation of a flush's notifications (its deadline, or the alert manager stopping).
 *
 * The pipeline, the notifiers and the HTTP client listen for it with the subset of AbortSignal's interface
 * below, so an AbortSignal can be passed wherever a Cancellation is expected (tests and callers outside the
 * dispatcher do). The dispatcher uses FlushCancellation: a plain listener list, because an AbortController
 * per flush and three EventTarget listeners per notification were a measurable share of a notification's
 * CPU time and garbage in a burst of groups. Code that needs a real AbortSignal (fetch, child processes)
 * gets one from `abortSignalOf`.
 */

export type CancelListener = (() => void) | { handleEvent(): void };

export interface Cancellation {
  readonly aborted: boolean;
  readonly reason?: unknown;
  addEventListener(type: 'abort', listener: CancelListener, options?: { once?: boolean }): void;
  removeEventListener(type: 'abort', listener: CancelListener): void;
}

export class FlushCancellation implements Cancellation {
  aborted = false;
  reason: unknown = undefined;
  private listeners: CancelListener[] = [];
  private controller: AbortController | null = null;

  addEventListener(_type: 'abort', listener: CancelListener): void {
    // As on an AbortSignal, a listener added after the abort is never called.
    if (!this.aborted) this.listeners.push(listener);
  }

  removeEventListener(_type: 'abort', listener: CancelListener): void {
    const ls = this.listeners;
    // Listeners mostly leave in the reverse order they came (the innermost call finishes first).
    for (let i = ls.length - 1; i >= 0; i--) {
      if (ls[i] === listener) {
        ls.splice(i, 1);
        return;
      }
    }
  }

  abort(reason: unknown): void {
    if (this.aborted) return;
    this.aborted = true;
    this.reason = reason;
    const ls = this.listeners;
    this.listeners = [];
    this.controller?.abort(reason);
    for (const l of ls) {
      if (typeof l === 'function') l();
      else l.handleEvent();
    }
  }

  /** An AbortSignal that aborts with this (made on first use). */
  get signal(): AbortSignal {
    if (!this.controller) {
      this.controller = new AbortController();
      if (this.aborted) this.controller.abort(this.reason);
    }
    return this.controller.signal;
  }
}

/** The cancellation as an AbortSignal, for APIs that take one. */
export function abortSignalOf(c: Cancellation): AbortSignal {
  if (c instanceof AbortSignal) return c;
  if (c instanceof FlushCancellation) return c.signal;
  const ac = new AbortController();
  if (c.aborted) ac.abort(c.reason);
  else c.addEventListener('abort', () => ac.abort(c.reason), { once: true });
  return ac.signal;
}
