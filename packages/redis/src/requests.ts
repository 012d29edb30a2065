/**
 * Requests per minute per key, shared through Redis: rate-limiter-flexible's `RateLimiterRedis` with a
 * sliding-window script ({@link SLIDING_WINDOW_SCRIPT}) in place of its stock fixed window. The stock
 * script counts a fixed 60 s window from its first request (up to twice the limit can pass within 60 s
 * across a window's end) and counts refused points too; providers limit "any 60 seconds", and a
 * refused take must count nothing, as in the in-process store.
 */
import type { LimitKey } from '@utter/core';
import type { Redis } from 'ioredis';
import { RateLimiterRedis, RateLimiterRes } from 'rate-limiter-flexible';
import { bounded, toConnectionError } from './client.js';
import { keyNames } from './keys.js';
import { SLIDING_WINDOW_SCRIPT } from './scripts.js';

const WINDOW_SECONDS = 60;

/** Takes requests from the shared windows. @internal */
export class RequestWindows {
  /** One limiter per limit value (the library fixes `points` per limiter); keys are passed per call. */
  private readonly limiters = new Map<number, RateLimiterRedis>();

  constructor(
    private readonly client: Redis,
    private readonly prefix: string,
    private readonly timeoutMs: number,
  ) {}

  /**
   * Counts `count` requests of `key` when the last 60 s (Redis time) have room for all of them and
   * resolves 0; else counts nothing and resolves the ms to wait. Rejects `SpeechError('connection')`.
   */
  async take(key: LimitKey, count: number): Promise<number> {
    if (key.requestsPerMinute === undefined || !(count > 0)) return 0;
    // Whole requests only; a limit below 1 can never be met: as in the in-process store, nothing is held back.
    const max = Math.floor(key.requestsPerMinute);
    if (!(max >= 1)) return 0;
    // A single request costing more than the whole window can never fit: let it through alone.
    const n = Math.min(Math.ceil(count), max);
    try {
      await bounded(this.limiterFor(max).consume(keyNames(this.prefix, key.id).requests, n), this.timeoutMs);
      return 0;
    } catch (err) {
      if (err instanceof RateLimiterRes) return Math.max(1, err.msBeforeNext);
      throw toConnectionError(err, key.provider);
    }
  }

  private limiterFor(max: number): RateLimiterRedis {
    let limiter = this.limiters.get(max);
    if (!limiter) {
      limiter = new RateLimiterRedis({
        storeClient: this.client,
        points: max,
        duration: WINDOW_SECONDS,
        keyPrefix: '',
        customIncrTtlLuaScript: SLIDING_WINDOW_SCRIPT,
      });
      this.limiters.set(max, limiter);
    }
    return limiter;
  }
}
