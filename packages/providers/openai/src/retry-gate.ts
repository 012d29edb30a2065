/**
 * The `retry-after` hold: after a 429 or 503 that names a wait, new requests of the provider (on every
 * connection) start only once the wait has passed. Timers go through an RxJS scheduler (virtual time in tests).
 */
import { asyncScheduler, type SchedulerLike } from 'rxjs';

/** Holds request starts until a `retry-after` has passed. */
export interface RetryGate {
  /** The service asked to wait `ms` from now (a later deadline wins). */
  hold(ms: number): void;
  /** Runs `start` now, or when the hold is over; never when `signal` aborts first. */
  whenOpen(signal: AbortSignal, start: () => void): void;
  /** Milliseconds left of the hold (0 when open). */
  readonly remainingMs: number;
}

/** A gate on `scheduler` (default `asyncScheduler`). */
export function createRetryGate(scheduler: SchedulerLike = asyncScheduler): RetryGate {
  let openAt = Number.NEGATIVE_INFINITY;
  const remaining = (): number => Math.max(0, openAt - scheduler.now());
  const gate: RetryGate = {
    hold(ms) {
      openAt = Math.max(openAt, scheduler.now() + ms);
    },
    whenOpen(signal, start) {
      if (signal.aborted) return;
      const wait = remaining();
      if (wait <= 0) {
        start();
        return;
      }
      const onAbort = (): void => subscription.unsubscribe();
      const subscription = scheduler.schedule(() => {
        signal.removeEventListener('abort', onAbort);
        // A later hold may have come meanwhile: wait again.
        gate.whenOpen(signal, start);
      }, wait);
      signal.addEventListener('abort', onAbort, { once: true });
    },
    get remainingMs() {
      return remaining();
    },
  };
  return gate;
}
