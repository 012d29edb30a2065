/**
 * redis-semaphore's `Semaphore`, with the two things the store needs on top: its key under the store's
 * prefix (the library would put `semaphore:` in front), and a refresh the store drives itself. The
 * library's own refresh timer is off (`refreshInterval: 0`): a failed refresh in it rejects inside a
 * `setInterval` callback, which is an unhandled rejection (it would crash the process).
 */
import type { Redis } from 'ioredis';
import { Semaphore } from 'redis-semaphore';

/** Settings of one lease. @internal */
export interface LeaseSemaphoreOptions {
  /** ms a lease lives without a refresh. */
  readonly leaseTtlMs: number;
}

/** One (possible) holder of a slot of a counting semaphore stored at `key`. @internal */
export class LeaseSemaphore extends Semaphore {
  constructor(client: Redis, key: string, limit: number, options: LeaseSemaphoreOptions) {
    super(client, key, limit, {
      lockTimeout: options.leaseTtlMs,
      // One attempt per call: the store waits between attempts itself (abortable, with waiter records).
      acquireAttemptsLimit: 1,
      acquireTimeout: Number.MAX_SAFE_INTEGER,
      retryInterval: 0,
      refreshInterval: 0,
      // The library only calls it from its own refresh timer, which is off.
      onLockLost: () => undefined,
    });
    this._key = key;
  }

  /** Renews the lease: true while it is held, false when it was lost (expired, removed). Rejects when Redis fails. */
  refresh(): Promise<boolean> {
    return this._refresh();
  }
}
