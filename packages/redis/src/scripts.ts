/**
 * The Lua scripts of the store. Each runs atomically on the Redis server and reads the server's clock
 * (`TIME`), so machines with skewed clocks agree on waiters and request windows. Scripts that write
 * after `TIME` need script effects replication (the default since Redis 5).
 */

/** Milliseconds (with a fraction) on the server's clock. */
const NOW = `local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + tonumber(t[2]) / 1000`;

/**
 * Registers (or renews) a waiter. KEYS: waiters. ARGV: waiter id, entry lifetime in ms.
 * An entry nobody renews (its process died) expires on its own.
 */
export const WAIT_SCRIPT = `${NOW}
local ttl = tonumber(ARGV[2])
redis.call('ZADD', KEYS[1], now + ttl, ARGV[1])
if redis.call('PTTL', KEYS[1]) < ttl then redis.call('PEXPIRE', KEYS[1], ttl) end
return 1`;

/**
 * Asks whether an idle holder should give its slot back: 1 when a live waiter exists and no other
 * holder is already giving one back (a short marker), else 0. KEYS: waiters, reclaiming.
 * ARGV: marker lifetime in ms.
 */
export const RECLAIM_SCRIPT = `${NOW}
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now)
if redis.call('ZCARD', KEYS[1]) == 0 then return 0 end
if redis.call('SET', KEYS[2], '1', 'NX', 'PX', ARGV[1]) then return 1 end
return 0`;

/**
 * A sliding 60-second window (a log of request times), in the shape rate-limiter-flexible's
 * `RateLimiterRedis` expects of its `customIncrTtlLuaScript`: KEYS: the window's key; ARGV: points to
 * take, window in seconds, points per window. Returns `{consumed, ms}`:
 * - all `ARGV[1]` points fit the last `ARGV[2]` seconds: they are logged; `{count after, ms until the
 *   oldest leaves}`;
 * - they do not: nothing is logged; `{points per window + 1, ms until enough have left}` (more than
 *   the limit, so the library rejects, with that wait as `msBeforeNext`).
 * Members are `<server time>:<index>`: unique, as the count only grows within one microsecond.
 */
export const SLIDING_WINDOW_SCRIPT = `${NOW}
local n = tonumber(ARGV[1])
local window = tonumber(ARGV[2]) * 1000
local max = tonumber(ARGV[3])
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now - window)
local count = redis.call('ZCARD', KEYS[1])
if count + n <= max then
  for i = 1, n do
    redis.call('ZADD', KEYS[1], now, t[1] .. '.' .. t[2] .. ':' .. (count + i))
  end
  redis.call('PEXPIRE', KEYS[1], math.ceil(window))
  local oldest = redis.call('ZRANGE', KEYS[1], 0, 0, 'WITHSCORES')
  return { count + n, math.max(1, math.ceil(tonumber(oldest[2]) + window - now)) }
end
local index = count + n - max - 1
local freeing = redis.call('ZRANGE', KEYS[1], index, index, 'WITHSCORES')
return { max + 1, math.max(1, math.ceil(tonumber(freeing[2]) + window - now)) }`;
