/**
 * The flush-rate budget of one Deepgram connection: at most `limit` `Flush` messages in any window of
 * `windowMs` (Deepgram: 20 per 60 s; one more is refused with a `Warning`). Time is read from an RxJS
 * scheduler, so the policy runs in virtual time in tests.
 */
import type { SchedulerLike } from 'rxjs';

/** A sliding-window counter of flushes. */
export class FlushBudget {
  readonly #times: number[] = [];
  readonly #limit: number;
  readonly #windowMs: number;
  readonly #scheduler: SchedulerLike;
  #blockedUntil = -Infinity;

  /**
   * @param limit Flushes allowed per window.
   * @param windowMs The window, ms.
   * @param scheduler The clock (`scheduler.now()`).
   */
  constructor(limit: number, windowMs: number, scheduler: SchedulerLike) {
    this.#limit = limit;
    this.#windowMs = windowMs;
    this.#scheduler = scheduler;
  }

  /** Flushes spent in the current window. */
  get used(): number {
    this.#prune();
    return this.#times.length;
  }

  /** Whether a flush may be spent now while keeping `reserve` flushes for later. */
  canSpend(reserve = 0): boolean {
    if (this.#scheduler.now() < this.#blockedUntil) return false;
    return this.used + reserve < this.#limit;
  }

  /** Records a flush sent now. */
  spend(): void {
    this.#prune();
    this.#times.push(this.#scheduler.now());
  }

  /** Forgets the last flush (the server refused it) and spends nothing more until a whole window has passed. */
  refused(): void {
    this.#times.pop();
    this.#blockedUntil = this.#scheduler.now() + this.#windowMs;
  }

  /** Milliseconds until a flush may be spent (0 when one may be spent now). */
  waitMs(): number {
    this.#prune();
    const now = this.#scheduler.now();
    const blocked = Math.max(0, this.#blockedUntil - now);
    if (this.#times.length < this.#limit) return blocked;
    const oldest = this.#times[this.#times.length - this.#limit] ?? now;
    return Math.max(blocked, oldest + this.#windowMs - now);
  }

  #prune(): void {
    const cutoff = this.#scheduler.now() - this.#windowMs;
    while (this.#times.length > 0 && (this.#times[0] as number) <= cutoff) this.#times.shift();
  }
}
