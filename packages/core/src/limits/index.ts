/**
 * Per-key provider limits: the store interface, the in-process default, and how the engine derives a
 * key and a request's count from a provider.
 * @internal
 */
import type { ProviderLimits, SpeechProvider } from '../provider.js';
import type { LimitKey } from './types.js';

export { inProcessLimits, inProcessActive, inProcessKeyCount } from './memory.js';
export type { AcquireOptions, ConnectionLease, LimitKey, LimitStore } from './types.js';

const keys = new WeakMap<SpeechProvider, LimitKey>();

/** The limit key of `provider` (by name and `limiterKey`), made once per provider object. @internal */
export function limitKeyOf(provider: SpeechProvider): LimitKey {
  let key = keys.get(provider);
  if (!key) {
    const limits = provider.capabilities.limits;
    key = {
      id: `${provider.name}\u0000${provider.limiterKey ?? ''}`,
      provider: provider.name,
      concurrentConnections: limits?.concurrentConnections,
      requestsPerMinute: limits?.requestsPerMinute,
    };
    keys.set(provider, key);
  }
  return key;
}

/** What one request of `requestsPerMinute` is for `provider` (its declaration, else its text mode's). @internal */
export function requestUnitOf(provider: SpeechProvider): NonNullable<ProviderLimits['counts']> {
  const caps = provider.capabilities;
  return caps.limits?.counts ?? (caps.textInput === 'request' ? 'request' : 'context');
}

/** How many requests sending `text` as one segment counts, for a unit of `request` or `flush`. @internal */
export function requestCost(provider: SpeechProvider, text: string): number {
  const cost = provider.capabilities.limits?.requestCost?.(text) ?? 1;
  return Number.isFinite(cost) && cost >= 0 ? Math.ceil(cost) : 1;
}
