import { describe, expect, it } from 'vitest';
import { DEFAULT_PREFIX } from '../src/index.js';
import { keyNames } from '../src/keys.js';
import { limitKey, store } from './helpers.js';

describe('requests per minute per key, shared through Redis', () => {
  it('counts across two stores in one sliding window; a refused take counts nothing and says how long to wait', async () => {
    const key = limitKey({ rpm: 5 });
    const window = keyNames(DEFAULT_PREFIX, key.id).requests;
    const a = store();
    const b = store();
    expect(await a.takeRequests(key, 3, 0)).toBe(0);
    // `now` is ignored: Redis time counts.
    const wait = await b.takeRequests(key, 3, 123_456_789);
    expect(wait).toBeGreaterThan(55_000);
    expect(wait).toBeLessThanOrEqual(60_000);
    expect(await a.client.zcard(window)).toBe(3);
    // Two still fit, atomically, from the other store.
    expect(await b.takeRequests(key, 2, 0)).toBe(0);
    expect(await a.client.zcard(window)).toBe(5);
    const full = await a.takeRequests(key, 1, 0);
    expect(full).toBeGreaterThan(0);
    expect(full).toBeLessThanOrEqual(60_000);
    expect(await a.client.zcard(window)).toBe(5);
    // The window expires with its last request.
    const ttl = await a.client.pttl(window);
    expect(ttl).toBeGreaterThan(55_000);
    expect(ttl).toBeLessThanOrEqual(60_000);
  });

  it('waits for the oldest requests to leave the window, not for a window to end (sliding)', async () => {
    const key = limitKey({ rpm: 3 });
    const window = keyNames(DEFAULT_PREFIX, key.id).requests;
    const s = store();
    expect(await s.takeRequests(key, 1, 0)).toBe(0);
    // Age the first request by 40 s (as if it had been taken then): the window slides past it first.
    const [member] = await s.client.zrange(window, 0, 0);
    const [seconds] = await s.client.time();
    await s.client.zadd(window, Number(seconds) * 1000 - 40_000, member as string);
    expect(await s.takeRequests(key, 2, 0)).toBe(0);
    const wait = await s.takeRequests(key, 1, 0);
    expect(wait).toBeGreaterThan(15_000);
    expect(wait).toBeLessThanOrEqual(21_000);
    // Two requests must wait for the second oldest (about 60 s).
    expect(await s.takeRequests(key, 2, 0)).toBeGreaterThan(55_000);
  });

  it('lets a single take larger than the whole limit through alone, counting the limit', async () => {
    const key = limitKey({ rpm: 4 });
    const s = store();
    expect(await s.takeRequests(key, 10, 0)).toBe(0);
    expect(await s.client.zcard(keyNames(DEFAULT_PREFIX, key.id).requests)).toBe(4);
    expect(await s.takeRequests(key, 1, 0)).toBeGreaterThan(0);
  });

  it('answers 0 without Redis when the key has no request limit or nothing is taken', async () => {
    const s = store();
    expect(await s.takeRequests(limitKey({ connections: 1 }), 5, 0)).toBe(0);
    expect(await s.takeRequests(limitKey({ rpm: 1 }), 0, 0)).toBe(0);
  });

  it('counts exactly under concurrency: 40 takes of 1 from two stores, 25 allowed', async () => {
    const key = limitKey({ rpm: 25 });
    const a = store();
    const b = store();
    const answers = await Promise.all(Array.from({ length: 40 }, (_, i) => (i % 2 ? a : b).takeRequests(key, 1, 0)));
    expect(answers.filter((ms) => ms === 0)).toHaveLength(25);
    expect(await a.client.zcard(keyNames(DEFAULT_PREFIX, key.id).requests)).toBe(25);
  });
});
