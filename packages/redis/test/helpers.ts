/** Shared bits of the tests: unique keys, stores closed after each test, polling with a deadline. */
import { randomUUID } from 'node:crypto';
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { LimitKey } from '@utter/core';
import { afterEach, inject } from 'vitest';
import { redisLimits, type RedisLimitsOptions, type RedisLimitStore } from '../src/index.js';

/** A fresh limit key (its id has the NUL separator and a colon, like the core's ids). */
export function limitKey(limits: { connections?: number; rpm?: number } = {}): LimitKey {
  return { id: `fake\u0000fake:${randomUUID()}`, provider: 'fake', concurrentConnections: limits.connections, requestsPerMinute: limits.rpm };
}

const open: RedisLimitStore[] = [];
afterEach(async () => {
  await Promise.all(open.splice(0).map((s) => s.close()));
});

/**
 * A store on the test run's Redis, closed after the test. Lease TTL 3 s: short, yet a holder on a loaded
 * machine (CI, 2 cores) survives an event-loop stall of 2 s; the tests of expiry pass their own.
 */
export function store(options: Partial<Omit<RedisLimitsOptions, 'client' | 'url'>> & { url?: string } = {}): RedisLimitStore {
  const s = redisLimits({ url: inject('redisUrl'), leaseTtlMs: 3_000, retryMs: 25, ...options } as RedisLimitsOptions);
  open.push(s);
  return s;
}

/** Polls `check` until it returns true, failing after `timeoutMs` (no fixed sleeps). */
export async function eventually(check: () => boolean | Promise<boolean>, timeoutMs = 5_000, what = 'condition'): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await check()) return;
    if (Date.now() > deadline) throw new Error(`${what} did not happen within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

/** A child Node process running test/fixtures/holder.ts: it holds one slot of `key` through its own store. */
export interface Holder {
  readonly child: ChildProcess;
  /** Resolves when the child printed `line`. */
  saw(line: string, timeoutMs?: number): Promise<void>;
  /** Resolves when the child exited. */
  readonly exited: Promise<void>;
}

/** Starts a holder process (`mode` idle: it marks its lease idle and gives it back when asked). */
export function spawnHolder(key: LimitKey, mode: 'busy' | 'idle', leaseTtlMs: number): Holder {
  const cwd = fileURLToPath(new URL('..', import.meta.url));
  const child = spawn(process.execPath, ['--conditions=@utter/source', '--import', 'tsx', 'test/fixtures/holder.ts'], {
    cwd,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, REDIS_URL: inject('redisUrl'), KEY: JSON.stringify(key), MODE: mode, LEASE_TTL_MS: String(leaseTtlMs) },
  });
  let out = '';
  child.stdout?.on('data', (chunk: Buffer) => (out += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (out += chunk.toString()));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  return {
    child,
    exited,
    saw: (line, timeoutMs = 20_000) =>
      eventually(() => {
        if (child.exitCode !== null && !out.split('\n').includes(line)) throw new Error(`holder exited (${child.exitCode}) before "${line}":\n${out}`);
        return out.split('\n').includes(line);
      }, timeoutMs, `holder printing "${line}" (output so far: ${JSON.stringify(out)})`),
  };
}
