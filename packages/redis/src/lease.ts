/**
 * A held connection slot: refreshed every third of the lease TTL while held; while its connection is
 * idle, each refresh also asks Redis whether someone waits for a slot of the key and, if so (and no
 * other holder is giving one back already), closes the idle connection through `reclaim`.
 *
 * A lease is lost when a refresh finds it gone, or when no refresh succeeded for a whole TTL (Redis
 * unreachable: the entry has expired for everyone else). Then the store reports it (`onError`) and:
 * an idle connection is closed at once, a busy one keeps its reply running (cutting it would lose
 * speech) and tries to take the slot back on every tick; when it goes idle still without a slot, it
 * is closed.
 */
import { SpeechError, type ConnectionLease, type LimitKey } from '@utter/core';
import { bounded, toConnectionError } from './client.js';
import type { LeaseSemaphore } from './semaphore.js';

/** What a lease needs from its store. @internal */
export interface LeaseHost {
  readonly leaseTtlMs: number;
  readonly timeoutMs: number;
  report(error: SpeechError): void;
  /** True when an idle holder of `key` should give its slot back now (someone waits, nobody else gives). */
  shouldReclaim(key: LimitKey): Promise<boolean>;
  /** The lease is over (released or reclaimed): forget it. */
  forget(lease: HeldLease): void;
}

/** A slot of a key held through Redis. @internal */
export class HeldLease implements ConnectionLease {
  private reclaim: (() => void) | undefined;
  private released = false;
  private lost = false;
  private ticking = false;
  private lastRefreshAt = Date.now();
  private readonly timer: ReturnType<typeof setInterval>;

  constructor(
    readonly key: LimitKey,
    private readonly semaphore: LeaseSemaphore,
    private readonly host: LeaseHost,
  ) {
    this.timer = setInterval(() => void this.tick(), Math.max(1, Math.floor(host.leaseTtlMs / 3)));
    this.timer.unref();
  }

  release(): void {
    if (this.released) return;
    this.released = true;
    this.reclaim = undefined;
    clearInterval(this.timer);
    this.host.forget(this);
    // Best effort: when Redis does not answer, the entry expires within the lease TTL.
    bounded(this.semaphore.release(), this.host.timeoutMs).catch(() => undefined);
  }

  idle(reclaim: (() => void) | undefined): void {
    if (this.released) return;
    this.reclaim = reclaim;
    if (!reclaim) return;
    if (this.lost) this.giveBack();
    else void this.offer();
  }

  /** Asks Redis whether a waiter needs this idle slot, and gives it back if so. */
  async offer(): Promise<void> {
    if (this.released || this.lost || !this.reclaim) return;
    let needed = false;
    try {
      needed = await this.host.shouldReclaim(this.key);
    } catch (err) {
      this.host.report(toConnectionError(err, this.key.provider));
      return;
    }
    if (needed) this.giveBack();
  }

  /** Closes the idle connection (which releases this lease). */
  private giveBack(): void {
    const reclaim = this.reclaim;
    if (this.released || !reclaim) return;
    this.reclaim = undefined;
    try {
      reclaim();
    } catch {
      // The core's reclaim closes a connection; it must not throw.
    }
    this.release();
  }

  /** One refresh: renew (or retake a lost slot), then offer an idle slot to waiters. */
  private async tick(): Promise<void> {
    if (this.released || this.ticking) return;
    this.ticking = true;
    try {
      await this.renew();
      if (!this.released && !this.lost) await this.offer();
    } finally {
      this.ticking = false;
    }
  }

  private async renew(): Promise<void> {
    const { key } = this;
    try {
      const held = this.lost ? await bounded(this.semaphore.tryAcquire(), this.host.timeoutMs) : await bounded(this.semaphore.refresh(), this.host.timeoutMs);
      if (this.released) {
        if (held && this.lost) bounded(this.semaphore.release(), this.host.timeoutMs).catch(() => undefined);
        return;
      }
      if (held) {
        this.lastRefreshAt = Date.now();
        this.lost = false;
        return;
      }
      if (!this.lost) this.loseSlot(new SpeechError('connection', `The Redis connection lease of ${key.provider} was lost (it expired or was removed).`, { provider: key.provider }));
    } catch (err) {
      if (this.released) return;
      this.host.report(toConnectionError(err, key.provider, 'Refreshing a connection lease in Redis failed'));
      if (!this.lost && Date.now() - this.lastRefreshAt >= this.host.leaseTtlMs) {
        this.loseSlot(new SpeechError('connection', `The Redis connection lease of ${key.provider} expired: Redis did not answer for ${this.host.leaseTtlMs} ms.`, { provider: key.provider }));
      }
    }
  }

  private loseSlot(error: SpeechError): void {
    this.lost = true;
    this.host.report(error);
    if (this.reclaim) this.giveBack();
  }
}
