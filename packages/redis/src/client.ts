/**
 * The store's Redis connections: created from a URL with bounded timeouts, or taken from the caller;
 * an `error` listener on every connection (an unhandled `error` event would crash the process); every
 * round trip bounded by `timeoutMs`; failures turned into retryable `SpeechError('connection')`.
 */
import { SpeechError } from '@utter/core';
import { registerSecret } from '@utter/core/provider';
import { Redis } from 'ioredis';
import type { ResolvedRedisLimitsOptions } from './options.js';

/** The connections of one store. @internal */
export interface Connections {
  /** Leases, waiters and reclaiming: the caller's client or one the store created. */
  readonly main: Redis;
  /**
   * The request windows: rate-limiter-flexible defines its `rlflxIncr` command on the client it gets,
   * which would clash with the caller's own rate-limiter-flexible limiters on a shared client; this is
   * always a connection of the store's own (a `duplicate()` of the caller's client).
   */
  readonly requests: Redis;
  /** Quits what the store created (never the caller's client). */
  close(): Promise<void>;
}

/** Opens (or adopts) the store's connections. @internal */
export function connect(options: ResolvedRedisLimitsOptions): Connections {
  const { timeoutMs } = options;
  const onError = (err: unknown): void => {
    options.onError(toConnectionError(err, undefined, 'The Redis connection of the limit store failed'));
  };
  const own = (): Redis => {
    const url = options.url as string;
    try {
      const parsed = new URL(url);
      // Redacted from every SpeechError message (the user name is not secret, and often a common word).
      registerSecret(decodeURIComponent(parsed.password));
    } catch {
      // validated already
    }
    return new Redis(url, {
      connectTimeout: timeoutMs,
      commandTimeout: timeoutMs,
      // A command fails after one reconnection attempt instead of waiting for Redis forever.
      maxRetriesPerRequest: 1,
      retryStrategy: (times) => Math.min(times * 200, 2_000),
      connectionName: 'utter-limits',
    });
  };
  const main = options.client ?? own();
  const requests = options.client ? options.client.duplicate() : own();
  const created = options.client ? [requests] : [main, requests];
  main.on('error', onError);
  if (requests !== main) requests.on('error', onError);
  let closing: Promise<void> | undefined;
  return {
    main,
    requests,
    close: () => {
      closing ??= (async () => {
        if (options.client) options.client.off('error', onError);
        await Promise.all(
          created.map(async (client) => {
            try {
              await bounded(client.quit(), timeoutMs);
            } catch {
              // Not reachable: drop the socket instead.
            }
            client.disconnect();
          }),
        );
      })();
      return closing;
    },
  };
}

/** Resolves or rejects as `promise`, or rejects with a timeout after `timeoutMs`. @internal */
export function bounded<T>(promise: Promise<T>, timeoutMs: number): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`Redis did not answer within ${timeoutMs} ms`)), timeoutMs);
    promise.then(
      (value) => {
        clearTimeout(timer);
        resolve(value);
      },
      (err: unknown) => {
        clearTimeout(timer);
        reject(err);
      },
    );
  });
}

/** A Redis failure as a retryable `SpeechError('connection')` (a `SpeechError` passes through). @internal */
export function toConnectionError(err: unknown, provider: string | undefined, what = 'The Redis limit store is unreachable'): SpeechError {
  if (err instanceof SpeechError) return err;
  const detail = err instanceof Error ? err.message : String(err);
  return new SpeechError('connection', `${what}: ${detail}`, { retryable: true, ...(provider === undefined ? {} : { provider }), cause: err });
}
