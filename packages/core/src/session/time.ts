/**
 * Time helpers of the engine: every timer runs on the injected RxJS scheduler (so tests run in virtual
 * time), and audio lengths are converted between samples and milliseconds in one place.
 * @internal
 */
import type { SchedulerLike, Subscription } from 'rxjs';

/** Runs `fn` once after `delayMs` on `scheduler`. Unsubscribe to cancel. @internal */
export function timer(scheduler: SchedulerLike, delayMs: number, fn: () => void): Subscription {
  return scheduler.schedule(fn, Math.max(0, delayMs));
}

/** Milliseconds of `samples` samples at `rate` Hz. @internal */
export function msOf(samples: number, rate: number): number {
  return (samples * 1000) / rate;
}

/** Samples (rounded) in `ms` milliseconds at `rate` Hz. @internal */
export function samplesOf(ms: number, rate: number): number {
  return Math.round((ms * rate) / 1000);
}
