/**
 * The options of {@link redisLimits}: their type, zod schema and defaults. A bad option throws
 * `SpeechError('invalid-input')` before anything connects.
 */
import { SpeechError } from '@utter/core';
import { formatIssues } from '@utter/core/provider';
import type { Redis } from 'ioredis';
import { z } from 'zod';

/** Default key prefix: every key the store writes starts with it. */
export const DEFAULT_PREFIX = 'utter:limits:';
/** Default lease lifetime: a dead process's connection slots come back within this long. */
export const DEFAULT_LEASE_TTL_MS = 5_000;
/** Default pause between two attempts of a waiting `acquireConnection`. */
export const DEFAULT_RETRY_MS = 100;
/** Default bound of one Redis round trip (and of connecting). */
export const DEFAULT_TIMEOUT_MS = 2_000;

/** Settings shared by both ways of reaching Redis. */
export interface RedisLimitsCommonOptions {
  /** Start of every key the store writes (connection leases, waiters, request windows). Default `'utter:limits:'`. */
  readonly prefix?: string;
  /**
   * How long a connection lease lives without a refresh, in ms (default 5000). A holder refreshes it
   * every third of this, so a process that dies (or loses Redis) frees its slots within this long.
   * Keep it above the clock skew between your machines plus the refresh interval.
   */
  readonly leaseTtlMs?: number;
  /** Pause between two attempts to take a slot while waiting, in ms (default 100). */
  readonly retryMs?: number;
  /** Longest Redis round trip (and connect) before the call fails with a `connection` error, in ms (default 2000). */
  readonly timeoutMs?: number;
  /**
   * Called with failures that happen in the background, outside any call you made: the client lost
   * Redis, a lease refresh failed, a lease was lost. Default: ignored (the store never throws them).
   */
  readonly onError?: (error: SpeechError) => void;
}

/** Reach Redis through a client the store creates (and {@link RedisLimitStore.close} quits). */
export interface RedisLimitsUrlOptions extends RedisLimitsCommonOptions {
  /** `redis://[:password@]host[:port][/db]` or `rediss://` (TLS). */
  readonly url: string;
  readonly client?: undefined;
}

/**
 * Reach Redis through your own ioredis client. The store attaches an `error` listener to it and to
 * one duplicate connection it opens for the request windows; {@link RedisLimitStore.close} quits the
 * duplicate, never your client.
 */
export interface RedisLimitsClientOptions extends RedisLimitsCommonOptions {
  /** An ioredis 6 `Redis` client (standalone or sentinel; not a `Cluster`), with either reply mapping. */
  readonly client: Redis | Redis<'resp3'>;
  readonly url?: undefined;
}

/** Options of {@link redisLimits}: either `url` or `client`, plus the common settings. */
export type RedisLimitsOptions = RedisLimitsUrlOptions | RedisLimitsClientOptions;

/** The options with every default filled in. @internal */
export interface ResolvedRedisLimitsOptions {
  readonly url: string | undefined;
  readonly client: Redis | undefined;
  readonly prefix: string;
  readonly leaseTtlMs: number;
  readonly retryMs: number;
  readonly timeoutMs: number;
  readonly onError: (error: SpeechError) => void;
}

/** Looks like an ioredis client: the commands the store uses, and `duplicate()`. */
function isRedisClient(value: unknown): value is Redis | Redis<'resp3'> {
  if (typeof value !== 'object' || value === null) return false;
  const c = value as Record<string, unknown>;
  return ['eval', 'evalsha', 'zrem', 'duplicate', 'on', 'defineCommand'].every((name) => typeof c[name] === 'function') && !('nodes' in c && typeof c['nodes'] === 'function');
}

const ms = (min: number, max: number) => z.number().int().min(min).max(max);

/** zod schema of {@link RedisLimitsOptions}. */
export const redisLimitsOptionsSchema = z
  .strictObject({
    url: z
      .string()
      .refine((value) => {
        try {
          return ['redis:', 'rediss:'].includes(new URL(value).protocol);
        } catch {
          return false;
        }
      }, 'url must be a redis:// or rediss:// URL')
      .optional(),
    client: z.custom<Redis | Redis<'resp3'>>(isRedisClient, 'client must be an ioredis Redis client (not a Cluster)').optional(),
    prefix: z.string().min(1).max(200).optional(),
    leaseTtlMs: ms(100, 3_600_000).optional(),
    retryMs: ms(1, 60_000).optional(),
    timeoutMs: ms(10, 600_000).optional(),
    onError: z.custom<(error: SpeechError) => void>((v) => typeof v === 'function', 'onError must be a function').optional(),
  })
  .refine((o) => (o.url === undefined) !== (o.client === undefined), { message: 'give exactly one of url and client' });

/** Validates `input` and fills in the defaults; throws `SpeechError('invalid-input')`. @internal */
export function resolveOptions(input: unknown): ResolvedRedisLimitsOptions {
  const result = redisLimitsOptionsSchema.safeParse(input);
  if (!result.success) {
    throw new SpeechError('invalid-input', `Invalid @utter/redis options: ${formatIssues(result.error.issues) || 'invalid value'}`, { retryable: false });
  }
  const o = result.data;
  return {
    url: o.url,
    // The store only sends commands whose replies are the same in both reply mappings.
    client: o.client as Redis | undefined,
    prefix: o.prefix ?? DEFAULT_PREFIX,
    leaseTtlMs: o.leaseTtlMs ?? DEFAULT_LEASE_TTL_MS,
    retryMs: o.retryMs ?? DEFAULT_RETRY_MS,
    timeoutMs: o.timeoutMs ?? DEFAULT_TIMEOUT_MS,
    onError: o.onError ?? (() => undefined),
  };
}
