import { Redis } from 'ioredis';
import { SpeechError } from '@utter/core';
import { describe, expect, inject, it } from 'vitest';
import { DEFAULT_PREFIX, redisLimits } from '../src/index.js';
import { keyNames } from '../src/keys.js';
import { eventually, limitKey, store } from './helpers.js';
import { freePort, startRedisServer } from './redis-server.js';

const forever = (): AbortSignal => new AbortController().signal;

describe('options', () => {
  it.each([
    ['neither url nor client', {}],
    ['both url and client', { url: 'redis://127.0.0.1:1', client: {} }],
    ['a URL that is not redis', { url: 'http://127.0.0.1:6379' }],
    ['a client that is not ioredis', { client: { get: () => 1 } }],
    ['a negative lease TTL', { url: 'redis://127.0.0.1:1', leaseTtlMs: -1 }],
    ['an empty prefix', { url: 'redis://127.0.0.1:1', prefix: '' }],
    ['an unknown option', { url: 'redis://127.0.0.1:1', ttl: 5 }],
    ['not an object', 'redis://127.0.0.1:1'],
  ])('throws invalid-input for %s', (_, options) => {
    let error: unknown;
    try {
      redisLimits(options as never);
    } catch (e) {
      error = e;
    }
    expect(SpeechError.is(error, 'invalid-input')).toBe(true);
    expect((error as SpeechError).retryable).toBe(false);
  });

  it('never puts the password of the URL in an error', async () => {
    const port = await freePort();
    const s = redisLimits({ url: `redis://user:s3cret-pass@127.0.0.1:${port}`, timeoutMs: 300 });
    const error = await s.acquireConnection(limitKey({ connections: 1 }), { wait: false, signal: forever() }).catch((e: unknown) => e);
    expect(SpeechError.is(error, 'connection')).toBe(true);
    expect(String((error as Error).message)).not.toContain('s3cret-pass');
    await s.close();
  });

  it('uses a client you pass, leaves it open on close, and keeps your rate-limiter commands apart', async () => {
    const client = new Redis(inject('redisUrl'));
    const s = redisLimits({ client, leaseTtlMs: 1_000 });
    expect(s.client).toBe(client);
    const key = limitKey({ connections: 1, rpm: 2 });
    const lease = await s.acquireConnection(key, { wait: false, signal: forever() });
    expect(await s.takeRequests(key, 2, 0)).toBe(0);
    // rate-limiter-flexible's command was defined on the store's own duplicate, not on your client.
    expect((client as unknown as Record<string, unknown>)['rlflxIncr']).toBeUndefined();
    lease.release();
    await s.close();
    expect(client.status).toBe('ready');
    expect(await client.ping()).toBe('PONG');
    client.disconnect();
  });
});

describe('Redis unreachable', () => {
  it('rejects with a retryable connection error, bounded, when nothing listens', async () => {
    const port = await freePort();
    const errors: SpeechError[] = [];
    const s = redisLimits({ url: `redis://127.0.0.1:${port}`, timeoutMs: 500, onError: (e) => errors.push(e) });
    const key = limitKey({ connections: 1, rpm: 5 });
    for (const call of [
      () => s.acquireConnection(key, { wait: true, signal: forever() }),
      () => s.acquireConnection(key, { wait: false, signal: forever() }),
      () => s.takeRequests(key, 1, 0),
    ]) {
      const started = Date.now();
      const error = await call().catch((e: unknown) => e);
      expect(Date.now() - started).toBeLessThan(1_500);
      expect(SpeechError.is(error, 'connection')).toBe(true);
      expect(error).toMatchObject({ retryable: true, provider: 'fake' });
    }
    expect(errors.length).toBeGreaterThan(0);
    expect(errors.every((e) => SpeechError.is(e, 'connection'))).toBe(true);
    await s.close();
  });

  it('survives Redis going away while holding: the lease is reported lost, an idle connection is closed, calls fail typed', async () => {
    const server = await startRedisServer(inject('redisServerPath'));
    const errors: SpeechError[] = [];
    const s = redisLimits({ url: server.url, leaseTtlMs: 600, retryMs: 25, timeoutMs: 300, onError: (e) => errors.push(e) });
    try {
      const key = limitKey({ connections: 2, rpm: 5 });
      const busy = await s.acquireConnection(key, { wait: false, signal: forever() });
      const other = await s.acquireConnection(key, { wait: false, signal: forever() });
      busy.idle(undefined);
      other.idle(undefined);
      const waiting = s.acquireConnection(key, { wait: true, signal: forever() }).catch((e: unknown) => e);
      await eventually(async () => (await s.client.zcard(keyNames(DEFAULT_PREFIX, key.id).waiters)) === 1, 2_000, 'the waiter record');
      await server.stop();
      // The waiter fails typed (no hang).
      expect(SpeechError.is(await waiting, 'connection')).toBe(true);
      // A connection that goes idle is closed once its lease counts as lost (no refresh for a TTL).
      let closed = false;
      other.idle(() => {
        closed = true;
        other.release();
      });
      await eventually(() => closed, 3_000, 'the idle connection closed');
      expect(errors.some((e) => /lease .* (lost|expired)/.test(e.message))).toBe(true);
      const started = Date.now();
      await expect(s.takeRequests(key, 1, 0)).rejects.toMatchObject({ code: 'connection' });
      await expect(s.acquireConnection(key, { wait: true, signal: forever() })).rejects.toMatchObject({ code: 'connection' });
      expect(Date.now() - started).toBeLessThan(2_000);
      busy.release();
    } finally {
      await s.close();
      await server.stop();
    }
  });

  it('refuses calls after close', async () => {
    const s = store();
    await s.close();
    await expect(s.acquireConnection(limitKey({ connections: 1 }), { wait: true, signal: forever() })).rejects.toMatchObject({ code: 'connection' });
  });
});
