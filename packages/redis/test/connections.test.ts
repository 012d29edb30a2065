import { SpeechError } from '@utter/core';
import { describe, expect, it } from 'vitest';
import { eventually, limitKey, spawnHolder, store } from './helpers.js';
import { keyNames } from '../src/keys.js';
import { DEFAULT_PREFIX } from '../src/index.js';

const forever = (): AbortSignal => new AbortController().signal;

describe('connections per key, shared through Redis', () => {
  it('enforces the limit across two stores (two clients) and hands a released slot to a waiter', async () => {
    const key = limitKey({ connections: 2 });
    const a = store();
    const b = store();
    const first = await a.acquireConnection(key, { wait: false, signal: forever() });
    const second = await b.acquireConnection(key, { wait: false, signal: forever() });
    await expect(a.acquireConnection(key, { wait: false, signal: forever() })).rejects.toMatchObject({ code: 'rate-limit' });
    await expect(b.acquireConnection(key, { wait: false, signal: forever() })).rejects.toMatchObject({ code: 'rate-limit' });
    let granted = false;
    const waiting = b.acquireConnection(key, { wait: true, signal: forever() }).then((lease) => {
      granted = true;
      return lease;
    });
    // Still full: the waiter keeps waiting.
    await expect(eventually(() => granted, 500)).rejects.toThrow(/did not happen/);
    first.release();
    first.release(); // twice: nothing more
    const third = await waiting;
    expect(await a.client.zcard(keyNames(DEFAULT_PREFIX, key.id).connections)).toBe(2);
    second.release();
    third.release();
    await eventually(async () => (await a.client.zcard(keyNames(DEFAULT_PREFIX, key.id).connections)) === 0, 2_000, 'releases reaching Redis');
  });

  it('rejects at once with a rate-limit SpeechError when full and not waiting', async () => {
    const key = limitKey({ connections: 1 });
    const s = store();
    const held = await s.acquireConnection(key, { wait: false, signal: forever() });
    const started = Date.now();
    const error = await s.acquireConnection(key, { wait: false, signal: forever() }).catch((e: unknown) => e);
    expect(Date.now() - started).toBeLessThan(500);
    expect(SpeechError.is(error, 'rate-limit')).toBe(true);
    expect(error).toMatchObject({ retryable: false, provider: 'fake' });
    held.release();
  });

  it('rejects rate-limit for a key that allows no connections, waiting or not', async () => {
    const s = store();
    for (const wait of [false, true]) {
      await expect(s.acquireConnection(limitKey({ connections: 0 }), { wait, signal: forever() })).rejects.toMatchObject({ code: 'rate-limit', retryable: false });
    }
  });

  it('resolves at once without touching Redis when the key has no connection limit', async () => {
    const s = store();
    const lease = await s.acquireConnection(limitKey({ rpm: 3 }), { wait: false, signal: forever() });
    lease.idle(() => undefined);
    lease.release();
  });

  it('rejects cancelled when the wait is aborted, and leaves no waiter behind', async () => {
    const key = limitKey({ connections: 1 });
    const names = keyNames(DEFAULT_PREFIX, key.id);
    const s = store();
    const held = await s.acquireConnection(key, { wait: false, signal: forever() });
    const controller = new AbortController();
    const waiting = s.acquireConnection(key, { wait: true, signal: controller.signal });
    await eventually(async () => (await s.client.zcard(names.waiters)) === 1, 2_000, 'the waiter record');
    const abortedAt = Date.now();
    controller.abort();
    const error = await waiting.catch((e: unknown) => e);
    expect(Date.now() - abortedAt).toBeLessThan(1_000);
    expect(SpeechError.is(error, 'cancelled')).toBe(true);
    await eventually(async () => (await s.client.zcard(names.waiters)) === 0, 2_000, 'the waiter record removed');
    expect(await s.client.zcard(names.connections)).toBe(1);
    // An already aborted signal: cancelled before anything is asked.
    await expect(s.acquireConnection(key, { wait: true, signal: AbortSignal.abort() })).rejects.toMatchObject({ code: 'cancelled' });
    held.release();
  });

  it('gives a slot back when its process dies: SIGKILL while holding, a waiter gets it within the lease TTL', async () => {
    const key = limitKey({ connections: 1 });
    const leaseTtlMs = 2_000;
    const holder = spawnHolder(key, 'busy', leaseTtlMs);
    await holder.saw('held');
    const s = store({ leaseTtlMs });
    await expect(s.acquireConnection(key, { wait: false, signal: forever() })).rejects.toMatchObject({ code: 'rate-limit' });
    // The holder keeps its lease alive past the TTL while it lives (it refreshes every third of it).
    const waiting = s.acquireConnection(key, { wait: true, signal: AbortSignal.timeout(15_000) });
    let granted = false;
    void waiting.then(() => (granted = true), () => undefined);
    await expect(eventually(() => granted, leaseTtlMs * 1.5)).rejects.toThrow(/did not happen/);
    const killedAt = Date.now();
    holder.child.kill('SIGKILL');
    await holder.exited;
    const lease = await waiting;
    const after = Date.now() - killedAt;
    expect(after).toBeLessThanOrEqual(leaseTtlMs + 1_500);
    console.log(`slot of a SIGKILLed holder came back after ${after} ms (lease TTL ${leaseTtlMs} ms)`);
    lease.release();
  });

  it('reclaims an idle holder of another store for a waiter, and never a busy one', async () => {
    const key = limitKey({ connections: 1 });
    const a = store();
    const b = store();
    const held = await a.acquireConnection(key, { wait: false, signal: forever() });
    let reclaimed = 0;
    // Busy: a waiter must not take it.
    held.idle(undefined);
    await expect(b.acquireConnection(key, { wait: true, signal: AbortSignal.timeout(1_500) })).rejects.toMatchObject({ code: 'cancelled' });
    expect(reclaimed).toBe(0);
    // Idle: the next waiter gets it (the holder's next refresh sees the waiter).
    held.idle(() => {
      reclaimed++;
      held.release();
    });
    const started = Date.now();
    const lease = await b.acquireConnection(key, { wait: true, signal: AbortSignal.timeout(10_000) });
    expect(reclaimed).toBe(1);
    console.log(`idle slot reclaimed across stores in ${Date.now() - started} ms (refresh every ${Math.floor(3_000 / 3)} ms)`);
    lease.release();
  });

  it('reclaims an idle holder when a waiter of the same store arrives, at once', async () => {
    const key = limitKey({ connections: 1 });
    const s = store({ leaseTtlMs: 30_000 });
    const held = await s.acquireConnection(key, { wait: false, signal: forever() });
    held.idle(() => held.release());
    const started = Date.now();
    const lease = await s.acquireConnection(key, { wait: true, signal: AbortSignal.timeout(5_000) });
    // Far sooner than the 10 s refresh of a 30 s lease.
    expect(Date.now() - started).toBeLessThan(2_000);
    lease.release();
  });

  it('reclaims an idle holder in another process for a waiter in this one', async () => {
    const key = limitKey({ connections: 1 });
    const holder = spawnHolder(key, 'idle', 2_000);
    await holder.saw('held');
    const s = store();
    await expect(s.acquireConnection(key, { wait: false, signal: forever() })).rejects.toMatchObject({ code: 'rate-limit' });
    const started = Date.now();
    const lease = await s.acquireConnection(key, { wait: true, signal: AbortSignal.timeout(10_000) });
    const took = Date.now() - started;
    await holder.saw('reclaimed');
    await holder.exited;
    console.log(`idle slot reclaimed from another process in ${took} ms`);
    lease.release();
  });

  it('keeps its keys under the prefix, the NUL-separated id encoded', async () => {
    const key = limitKey({ connections: 1, rpm: 10 });
    const prefix = `test:${Date.now()}:`;
    const s = store({ prefix });
    const lease = await s.acquireConnection(key, { wait: false, signal: forever() });
    expect(await s.takeRequests(key, 1, 0)).toBe(0);
    const keys = await s.client.keys(`${prefix}*`);
    expect(keys.sort()).toEqual([keyNames(prefix, key.id).connections, keyNames(prefix, key.id).requests].sort());
    for (const k of keys) {
      expect(k.startsWith(prefix)).toBe(true);
      expect(k).not.toContain('\u0000');
      expect(k).toContain(encodeURIComponent(key.id));
    }
    lease.release();
  });
});
