/**
 * `redisLimits()`: a {@link LimitStore} whose counters live in Redis, so every process and machine that
 * uses the same Redis (and prefix) shares each API key's provider limits.
 */
import type { AcquireOptions, ConnectionLease, LimitKey, LimitStore } from '@utter/core';
import type { Redis } from 'ioredis';
import { connect } from './client.js';
import { ConnectionLeases } from './connections.js';
import { resolveOptions, type RedisLimitsOptions } from './options.js';
import { RequestWindows } from './requests.js';

/** A {@link LimitStore} backed by Redis, as made by {@link redisLimits}. */
export interface RedisLimitStore extends LimitStore {
  /**
   * Takes one of `key.concurrentConnections` slots: a lease in Redis that expires `leaseTtlMs` after
   * its last refresh (so a dead process's slots come back). With `wait: true` it tries again every
   * `retryMs` until granted or `signal` aborts (`SpeechError('cancelled')`); with `wait: false` a full
   * key rejects with `SpeechError('rate-limit')`. Redis unreachable: `SpeechError('connection')`.
   */
  acquireConnection(key: LimitKey, options: AcquireOptions): Promise<ConnectionLease>;
  /**
   * Counts `count` requests of `key` in a sliding 60-second window on the Redis server's clock (`now`
   * is ignored) and resolves 0, or counts nothing and resolves the ms to wait. Redis unreachable:
   * rejects with `SpeechError('connection')`.
   */
  takeRequests(key: LimitKey, count: number, now: number): Promise<number>;
  /** The client the store sends its lease and waiter commands with (yours, or the one it created). */
  readonly client: Redis;
  /**
   * Releases the leases this store still holds (best effort), stops their refreshes and quits the
   * connections the store opened (never a client you passed). Close your sessions first. Idempotent.
   */
  close(): Promise<void>;
}

/**
 * Creates a {@link LimitStore} that enforces providers' per-key limits (`capabilities.limits`) across
 * processes and machines through Redis: connections per key as expiring leases (redis-semaphore),
 * requests per minute in a sliding window (rate-limiter-flexible with a sliding-window script), and
 * idle connections given back to waiters in any process.
 *
 * Throws `SpeechError('invalid-input')` for bad options. Never throws later: failures are rejected
 * promises of `SpeechError`, and background failures go to `onError`.
 *
 * @example
 * ```ts
 * const limits = redisLimits({ url: 'redis://127.0.0.1:6379' });
 * const session = createSpeechSession({ provider, limits });
 * ```
 */
export function redisLimits(options: RedisLimitsOptions): RedisLimitStore {
  const resolved = resolveOptions(options);
  const connections = connect(resolved);
  const leases = new ConnectionLeases(connections.main, resolved);
  const windows = new RequestWindows(connections.requests, resolved.prefix, resolved.timeoutMs);
  let closing: Promise<void> | undefined;
  return {
    client: connections.main,
    acquireConnection: (key, acquire) => leases.acquire(key, acquire),
    takeRequests: (key, count) => windows.take(key, count),
    close: () => {
      closing ??= (async () => {
        leases.close();
        // Let the releases reach Redis before quitting (quit waits for replies already sent).
        await new Promise<void>((resolve) => setImmediate(resolve));
        await connections.close();
      })();
      return closing;
    },
  };
}
