/**
 * @packageDocumentation
 * `@utter/redis`: provider limits shared across processes and machines. `redisLimits({ url })` returns
 * a `LimitStore` for `createSpeechSession({ provider, limits })` and `speak(..., { limits })`.
 */
export { redisLimits } from './store.js';
export type { RedisLimitStore } from './store.js';
export { redisLimitsOptionsSchema, DEFAULT_PREFIX, DEFAULT_LEASE_TTL_MS, DEFAULT_RETRY_MS, DEFAULT_TIMEOUT_MS } from './options.js';
export type { RedisLimitsOptions, RedisLimitsUrlOptions, RedisLimitsClientOptions, RedisLimitsCommonOptions } from './options.js';
