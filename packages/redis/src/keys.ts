/**
 * The Redis keys of one limit key. `LimitKey.id` joins provider and account with a NUL character and may
 * hold `:`; it is percent-encoded (`encodeURIComponent`), so keys stay printable and no two ids share a
 * key. The id is secret-free (a short hash of the API key, never the key).
 */

/** The keys the store uses for one `LimitKey`. @internal */
export interface KeyNames {
  /** Sorted set of connection leases (member: lease id, score: last refresh; redis-semaphore's layout). */
  readonly connections: string;
  /** Sorted set of waiting acquirers (member: waiter id, score: when the entry expires). */
  readonly waiters: string;
  /** Set for a moment while one idle holder gives its slot back, so only one does per waiter. */
  readonly reclaiming: string;
  /** Sorted set of the requests of the last 60 s (the sliding window). */
  readonly requests: string;
}

/** The Redis keys of limit key `id` under `prefix`. @internal */
export function keyNames(prefix: string, id: string): KeyNames {
  // A hash tag keeps a key's data in one slot should the keys ever be used with Redis Cluster.
  const base = `${prefix}{${encodeURIComponent(id)}}:`;
  return {
    connections: `${base}connections`,
    waiters: `${base}waiters`,
    reclaiming: `${base}reclaiming`,
    requests: `${base}requests`,
  };
}
