/**
 * The default {@link LimitStore}: counts in this process. One set of counters per key, shared by every
 * session and by every copy of `@utter/core` loaded in the process (an ESM and a CommonJS build
 * together keep one limiter per key, not one each). Counters of keys nobody uses are dropped, so a
 * process that sees many keys (or one provider instance per session) does not grow.
 */
import { SpeechError } from '../errors.js';
import type { AcquireOptions, ConnectionLease, LimitKey, LimitStore } from './types.js';

const WINDOW_MS = 60_000;

interface Waiter {
  grant(): void;
}

interface Lease extends ConnectionLease {
  reclaim: (() => void) | undefined;
}

/** The counters of one key. */
class KeyCounters {
  active = 0;
  readonly waiters: Waiter[] = [];
  /** Held leases, to find an idle one to reclaim. */
  readonly leases = new Set<Lease>();
  /** Times of the requests of the last minute, oldest first. */
  readonly stamps: number[] = [];

  /** True when nothing is held, awaited or remembered at `now`: the counters can be dropped. */
  unused(now: number | undefined): boolean {
    if (this.active > 0 || this.waiters.length > 0) return false;
    const last = this.stamps[this.stamps.length - 1];
    return last === undefined || (now !== undefined && last <= now - WINDOW_MS);
  }

  /** Asks one idle holder to give its slot back (closing its connection). */
  reclaimIdle(): void {
    for (const lease of this.leases) {
      const reclaim = lease.reclaim;
      if (reclaim) {
        lease.reclaim = undefined;
        reclaim();
        return;
      }
    }
  }
}

const REGISTRY = Symbol.for('@utter/core/limits@1');
interface Registry {
  readonly keys: Map<string, KeyCounters>;
  /** Sweep unused counters once the map reaches this size (doubles after each sweep: amortized O(1)). */
  sweepAt: number;
  /** Clock reading of the last sweep: counters whose last request left the window go a minute later. */
  sweptAt: number;
}
const registry: Registry = ((globalThis as { [REGISTRY]?: Registry })[REGISTRY] ??= { keys: new Map(), sweepAt: 64, sweptAt: 0 });

/** Drops every unused counter (amortized: when the map doubled, or a window after the last sweep). */
function sweep(now: number | undefined): void {
  const due = now !== undefined && Math.abs(now - registry.sweptAt) >= WINDOW_MS;
  if (registry.keys.size < registry.sweepAt && !due) return;
  for (const [id, c] of registry.keys) if (c.unused(now)) registry.keys.delete(id);
  registry.sweepAt = Math.max(64, registry.keys.size * 2);
  if (now !== undefined) registry.sweptAt = now;
}

function countersOf(key: LimitKey, now: number | undefined): KeyCounters {
  sweep(now);
  let counters = registry.keys.get(key.id);
  if (counters) return counters;
  counters = new KeyCounters();
  registry.keys.set(key.id, counters);
  return counters;
}

/** Drops the counters of `key` when nothing of them is left. */
function forgetIfUnused(key: LimitKey, counters: KeyCounters, now: number | undefined): void {
  if (counters.unused(now) && registry.keys.get(key.id) === counters) registry.keys.delete(key.id);
}

const freeLease: ConnectionLease = { release: () => undefined, idle: () => undefined };

function acquireConnection(key: LimitKey, options: AcquireOptions): Promise<ConnectionLease> {
  const max = key.concurrentConnections;
  if (max === undefined) return Promise.resolve(freeLease);
  const counters = countersOf(key, undefined);
  if (counters.active < max) return Promise.resolve(lease(key, counters));
  if (!options.wait) {
    return Promise.reject(
      new SpeechError('rate-limit', `In-process limit of ${max} concurrent connections reached for ${key.provider}.`, { retryable: false, provider: key.provider }),
    );
  }
  const { signal } = options;
  return new Promise<ConnectionLease>((resolve, reject) => {
    const waiter: Waiter = {
      grant: () => {
        signal.removeEventListener('abort', onAbort);
        resolve(lease(key, counters));
      },
    };
    const onAbort = (): void => {
      const i = counters.waiters.indexOf(waiter);
      if (i >= 0) counters.waiters.splice(i, 1);
      forgetIfUnused(key, counters, undefined);
      reject(new SpeechError('cancelled', 'Waiting for a connection slot was cancelled.', { provider: key.provider }));
    };
    if (signal.aborted) return onAbort();
    signal.addEventListener('abort', onAbort, { once: true });
    counters.waiters.push(waiter);
    counters.reclaimIdle();
  });
}

function lease(key: LimitKey, counters: KeyCounters): ConnectionLease {
  counters.active++;
  let released = false;
  const held: Lease = {
    reclaim: undefined,
    release: () => {
      if (released) return;
      released = true;
      held.reclaim = undefined;
      counters.leases.delete(held);
      counters.active--;
      const next = counters.waiters.shift();
      if (next) next.grant();
      else forgetIfUnused(key, counters, undefined);
    },
    idle: (reclaim) => {
      if (released) return;
      held.reclaim = reclaim;
      if (reclaim && counters.waiters.length > 0) counters.reclaimIdle();
    },
  };
  counters.leases.add(held);
  return held;
}

function takeRequests(key: LimitKey, count: number, now: number): number {
  const max = key.requestsPerMinute;
  if (max === undefined || count <= 0) return 0;
  const counters = countersOf(key, now);
  const { stamps } = counters;
  let expired = 0;
  while (expired < stamps.length && (stamps[expired] as number) <= now - WINDOW_MS) expired++;
  if (expired > 0) stamps.splice(0, expired);
  // A single request costing more than the whole window can never fit: let it through alone.
  const n = Math.min(count, max);
  if (stamps.length + n <= max) {
    for (let i = 0; i < n; i++) stamps.push(now);
    return 0;
  }
  // Wait until enough of the oldest requests have left the window.
  const freeAt = (stamps[stamps.length + n - max - 1] as number) + WINDOW_MS;
  return Math.max(1, freeAt - now);
}

/**
 * The process-wide in-memory {@link LimitStore}, used when a session names no `limits` store. Its
 * counters are shared by every session of the process (and every copy of `@utter/core` in it).
 */
export const inProcessLimits: LimitStore = { acquireConnection, takeRequests };

/** Keys that currently have counters in the process (for tests and dashboards). @internal */
export function inProcessKeyCount(): number {
  return registry.keys.size;
}

/** Connections currently held for `id` in this process (for tests and dashboards). @internal */
export function inProcessActive(id: string): number {
  return registry.keys.get(id)?.active ?? 0;
}
