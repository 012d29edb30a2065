/**
 * Connections per key, shared through Redis: a counting semaphore of expiring leases (redis-semaphore).
 * A waiting acquirer tries again every `retryMs` and keeps a short-lived record in the key's waiter set,
 * which tells idle holders in every process to give a slot back (see {@link HeldLease}).
 */
import { randomUUID } from 'node:crypto';
import { SpeechError, type AcquireOptions, type ConnectionLease, type LimitKey } from '@utter/core';
import type { Redis } from 'ioredis';
import { bounded, toConnectionError } from './client.js';
import { keyNames } from './keys.js';
import { HeldLease, type LeaseHost } from './lease.js';
import { RECLAIM_SCRIPT, WAIT_SCRIPT } from './scripts.js';
import { LeaseSemaphore } from './semaphore.js';

/** Settings of the connection leases. @internal */
export interface LeaseSettings {
  readonly prefix: string;
  readonly leaseTtlMs: number;
  readonly retryMs: number;
  readonly timeoutMs: number;
  readonly onError: (error: SpeechError) => void;
}

const freeLease: ConnectionLease = { release: () => undefined, idle: () => undefined };

/** Resolves after `ms`, or at once when `signal` aborts. */
function pause(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const done = (): void => {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal.addEventListener('abort', done, { once: true });
  });
}

/** Settles as `promise`, or resolves `undefined` as soon as `signal` aborts. */
function unlessAborted<T>(promise: Promise<T>, signal: AbortSignal): Promise<T | undefined> {
  if (signal.aborted) return Promise.resolve(undefined);
  return new Promise<T | undefined>((resolve, reject) => {
    const onAbort = (): void => resolve(undefined);
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(
      (value) => {
        signal.removeEventListener('abort', onAbort);
        resolve(value);
      },
      (err: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(err);
      },
    );
  });
}

/** The connection semaphores of one store. @internal */
export class ConnectionLeases implements LeaseHost {
  /** Leases held by this process, per key id (to poke idle ones when a local waiter arrives). */
  private readonly held = new Map<string, Set<HeldLease>>();
  private closed = false;
  readonly leaseTtlMs: number;
  readonly timeoutMs: number;
  /** How long a waiter record lives without renewal (its process may have died). */
  private readonly waiterTtlMs: number;
  /** How long one holder's giving back keeps other holders from giving back too. */
  private readonly reclaimMarkMs: number;

  constructor(
    private readonly client: Redis,
    private readonly settings: LeaseSettings,
  ) {
    this.leaseTtlMs = settings.leaseTtlMs;
    this.timeoutMs = settings.timeoutMs;
    this.waiterTtlMs = Math.max(1_000, settings.retryMs * 5 + settings.timeoutMs);
    this.reclaimMarkMs = Math.max(200, settings.retryMs * 4);
  }

  /** Takes a slot of `key` (see `LimitStore.acquireConnection`). */
  async acquire(key: LimitKey, options: AcquireOptions): Promise<ConnectionLease> {
    const max = key.concurrentConnections;
    if (max === undefined) return freeLease;
    const { signal } = options;
    const cancelled = (): SpeechError => new SpeechError('cancelled', 'Waiting for a connection slot was cancelled.', { provider: key.provider });
    const closed = (): SpeechError => new SpeechError('connection', 'The Redis limit store is closed.', { retryable: false, provider: key.provider });
    if (this.closed) throw closed();
    if (signal.aborted) throw cancelled();
    if (!(max >= 1)) {
      throw new SpeechError('rate-limit', `${key.provider} allows no connections for this key (limit ${max}).`, { retryable: false, provider: key.provider });
    }
    const names = keyNames(this.settings.prefix, key.id);
    const semaphore = new LeaseSemaphore(this.client, names.connections, max, { leaseTtlMs: this.leaseTtlMs });
    const waiterId = randomUUID();
    /** The last write of this waiter's record: its removal goes after it. */
    let waiting: Promise<unknown> | undefined;
    const stopWaiting = (): void => {
      if (!waiting) return;
      const remove = (): Promise<unknown> => bounded(this.client.zrem(names.waiters, waiterId), this.timeoutMs).catch(() => undefined);
      waiting = waiting.then(remove, remove);
    };
    /** Gives back a slot that an attempt we stopped waiting for may still win. */
    const giveBackIfWon = (raw: Promise<boolean>): void => {
      raw.then((won) => (won ? bounded(semaphore.release(), this.timeoutMs) : undefined)).catch(() => undefined);
    };
    try {
      for (;;) {
        if (this.closed) throw closed();
        const raw = semaphore.tryAcquire();
        let granted: boolean | undefined;
        try {
          granted = await unlessAborted(bounded(raw, this.timeoutMs), signal);
        } catch (err) {
          giveBackIfWon(raw);
          throw err;
        }
        if (granted === undefined || this.closed) {
          giveBackIfWon(raw);
          if (this.closed) throw closed();
          throw cancelled();
        }
        if (granted) {
          stopWaiting();
          return this.hold(key, semaphore);
        }
        if (!options.wait) {
          throw new SpeechError('rate-limit', `Limit of ${max} concurrent connections reached for ${key.provider} (shared through Redis).`, { retryable: false, provider: key.provider });
        }
        const wrote = bounded(this.client.eval(WAIT_SCRIPT, 1, names.waiters, waiterId, this.waiterTtlMs), this.timeoutMs);
        waiting = wrote.catch(() => undefined);
        if ((await unlessAborted(wrote, signal)) === undefined) throw cancelled();
        this.pokeIdle(key);
        await pause(this.settings.retryMs, signal);
        if (signal.aborted) throw cancelled();
      }
    } catch (err) {
      stopWaiting();
      if (err instanceof SpeechError) throw err;
      throw toConnectionError(err, key.provider);
    }
  }

  /** True when an idle holder of `key` should give its slot back now. */
  async shouldReclaim(key: LimitKey): Promise<boolean> {
    const names = keyNames(this.settings.prefix, key.id);
    const answer = await bounded(this.client.eval(RECLAIM_SCRIPT, 2, names.waiters, names.reclaiming, this.reclaimMarkMs), this.timeoutMs);
    return Number(answer) === 1;
  }

  report(error: SpeechError): void {
    try {
      this.settings.onError(error);
    } catch {
      // A throwing listener must not break the store.
    }
  }

  forget(lease: HeldLease): void {
    const set = this.held.get(lease.key.id);
    if (!set) return;
    set.delete(lease);
    if (set.size === 0) this.held.delete(lease.key.id);
  }

  /** Releases every lease this store still holds (best effort) and refuses new ones. */
  close(): void {
    this.closed = true;
    for (const set of [...this.held.values()]) for (const lease of [...set]) lease.release();
  }

  private hold(key: LimitKey, semaphore: LeaseSemaphore): HeldLease {
    const lease = new HeldLease(key, semaphore, this);
    let set = this.held.get(key.id);
    if (!set) this.held.set(key.id, (set = new Set()));
    set.add(lease);
    return lease;
  }

  /** A waiter of this process arrived: idle holders of this process check at once, not at their next tick. */
  private pokeIdle(key: LimitKey): void {
    const set = this.held.get(key.id);
    if (set) for (const lease of set) void lease.offer();
  }
}
