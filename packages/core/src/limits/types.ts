/**
 * Where a provider's per-key limits are enforced: the connections one account may hold at once and
 * the requests it may make per minute. The core asks a {@link LimitStore}; the default keeps the
 * counts in this process ({@link inProcessLimits}); `@utter/redis` shares them across processes and
 * machines.
 */

/** One account's limits at one provider, as the core hands them to a {@link LimitStore}. */
export interface LimitKey {
  /**
   * Secret-free identity of provider and account, the same in every process that uses the same API
   * key (for example `murmr\u0000murmr:1a2b3c4d`). Stores key their counters by it.
   */
  readonly id: string;
  /** Provider name, for error messages. */
  readonly provider: string;
  /** Connections the account may hold at once; `undefined`: no limit. */
  readonly concurrentConnections: number | undefined;
  /** Requests the account may make in any 60-second window; `undefined`: no limit. */
  readonly requestsPerMinute: number | undefined;
}

/** A held connection slot of a {@link LimitKey}. */
export interface ConnectionLease {
  /** Gives the slot back. Calling it again does nothing. */
  release(): void;
  /**
   * The core says whether the connection holding this slot is idle (no reply running on it). While
   * idle, `reclaim` closes that connection, which releases the slot; a store calls it when someone
   * else waits for a slot of the key, so idle sessions never wedge busy ones. `undefined`: busy again.
   */
  idle(reclaim: (() => void) | undefined): void;
}

/** Options of {@link LimitStore.acquireConnection}. */
export interface AcquireOptions {
  /** Wait for a slot (`true`) or reject at once with a `rate-limit` `SpeechError` (`false`). */
  readonly wait: boolean;
  /** Aborted when the core stops waiting (the slot-wait deadline, cancellation): reject with `cancelled`. */
  readonly signal: AbortSignal;
}

/**
 * Enforces per-key limits. Implementations must never throw synchronously; failures are rejected
 * promises of `SpeechError` (`rate-limit` when full and not waiting, `cancelled` on abort,
 * `connection` when the store itself is unreachable).
 */
export interface LimitStore {
  /** Takes one of `key.concurrentConnections` slots (resolves at once when that is undefined). */
  acquireConnection(key: LimitKey, options: AcquireOptions): Promise<ConnectionLease>;
  /**
   * Counts `count` requests of `key` at `now` (ms, on the session's scheduler clock) when the 60-second
   * window has room for all of them, and returns 0; otherwise counts nothing and returns how many ms
   * to wait before trying again. A store with its own clock (Redis) may ignore `now` and answer with
   * a promise.
   */
  takeRequests(key: LimitKey, count: number, now: number): number | Promise<number>;
}
