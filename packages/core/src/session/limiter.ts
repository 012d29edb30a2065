/**
 * In-process limiter per provider and API key: concurrent connections (a semaphore) and requests per
 * minute (a sliding window on the session's scheduler clock). Shared by every session of the process.
 * @internal
 */
import { SpeechError } from '../errors.js';
import type { SpeechProvider } from '../provider.js';

const WINDOW_MS = 60_000;

/** A held connection slot. @internal */
export interface LimiterLease {
  release(): void;
}

const noopLease: LimiterLease = { release: () => undefined };

/** Limits of one provider + key. @internal */
export class KeyLimiter {
  private active = 0;
  private readonly waiters: Array<{ grant: () => void }> = [];
  private readonly stamps: number[] = [];

  constructor(
    readonly name: string,
    readonly concurrentConnections: number | undefined,
    readonly requestsPerMinute: number | undefined,
  ) {}

  /** Takes a connection slot, waiting (`queue`) or failing (`fail`) when none is free. */
  acquireConnection(onLimit: 'queue' | 'fail', signal: AbortSignal): Promise<LimiterLease> {
    const max = this.concurrentConnections;
    if (max === undefined) return Promise.resolve(noopLease);
    if (this.active < max) {
      this.active++;
      return Promise.resolve(this.lease());
    }
    if (onLimit === 'fail') {
      return Promise.reject(
        new SpeechError('rate-limit', `In-process limit of ${max} concurrent connections reached for ${this.name}.`, { retryable: false, provider: this.name }),
      );
    }
    return new Promise<LimiterLease>((resolve, reject) => {
      const waiter = {
        grant: () => {
          signal.removeEventListener('abort', onAbort);
          this.active++;
          resolve(this.lease());
        },
      };
      const onAbort = (): void => {
        const i = this.waiters.indexOf(waiter);
        if (i >= 0) this.waiters.splice(i, 1);
        reject(new SpeechError('cancelled', 'Waiting for a connection slot was cancelled.', { provider: this.name }));
      };
      if (signal.aborted) return onAbort();
      signal.addEventListener('abort', onAbort, { once: true });
      this.waiters.push(waiter);
    });
  }

  /**
   * Records one request at `now` when the window allows it and returns 0; otherwise returns how many
   * ms to wait before trying again (nothing recorded).
   */
  tryRequest(now: number): number {
    const max = this.requestsPerMinute;
    if (max === undefined) return 0;
    while (this.stamps.length > 0 && (this.stamps[0] ?? 0) <= now - WINDOW_MS) this.stamps.shift();
    if (this.stamps.length < max) {
      this.stamps.push(now);
      return 0;
    }
    return Math.max(1, (this.stamps[0] ?? now) + WINDOW_MS - now);
  }

  /** Connections currently held (for tests and dashboards). */
  get activeConnections(): number {
    return this.active;
  }

  private lease(): LimiterLease {
    let released = false;
    return {
      release: () => {
        if (released) return;
        released = true;
        this.active--;
        const next = this.waiters.shift();
        if (next) next.grant();
      },
    };
  }
}

/**
 * One registry per process, shared by every copy of `@utter/core` (ESM and CommonJS builds loaded
 * together keep one limiter per key, not one each).
 */
const REGISTRY = Symbol.for('@utter/core/limiters');
const registry: Map<string, KeyLimiter> = ((globalThis as { [REGISTRY]?: Map<string, KeyLimiter> })[REGISTRY] ??= new Map());

/** The shared limiter of `provider` (by name and `limiterKey`). @internal */
export function limiterFor(provider: SpeechProvider): KeyLimiter {
  const key = `${provider.name}\u0000${provider.limiterKey ?? ''}`;
  let limiter = registry.get(key);
  if (!limiter) {
    const limits = provider.capabilities.limits;
    limiter = new KeyLimiter(provider.name, limits?.concurrentConnections, limits?.requestsPerMinute);
    registry.set(key, limiter);
  }
  return limiter;
}
