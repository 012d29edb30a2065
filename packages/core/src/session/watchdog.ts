/**
 * The first-audio / stall watchdog of a reply: once text is owed audio, the provider must show
 * progress (audio, words, acks) at least every `limitMs`, or the generation is declared stalled.
 * @internal
 */
import type { SchedulerLike, Subscription } from 'rxjs';
import { timer } from './time.js';

/** Watches one reply's generation. @internal */
export class Watchdog {
  private timer: Subscription | undefined;
  private lastProgressAt = 0;

  /**
   * @param owed - whether audio is owed right now (checked when the watchdog fires)
   * @param stalled - called once when nothing happened for `limitMs` while audio was owed
   */
  constructor(
    private readonly scheduler: SchedulerLike,
    private readonly limitMs: number,
    private readonly owed: () => boolean,
    private readonly stalled: () => void,
  ) {}

  /** Something happened (or audio became owed): the deadline restarts from now. */
  progress(): void {
    this.lastProgressAt = this.scheduler.now();
    if (!this.timer) this.arm(this.limitMs);
  }

  /** Stops watching (until the next `progress()`). */
  stop(): void {
    this.timer?.unsubscribe();
    this.timer = undefined;
  }

  private arm(delay: number): void {
    this.timer = timer(this.scheduler, delay, () => {
      this.timer = undefined;
      if (!this.owed()) return;
      const idle = this.scheduler.now() - this.lastProgressAt;
      if (idle >= this.limitMs) this.stalled();
      else this.arm(this.limitMs - idle);
    });
  }
}
