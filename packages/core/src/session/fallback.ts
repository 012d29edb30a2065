/**
 * `fallback([a, b, ...])`: a provider that is several providers. The session engine recognises it and,
 * when a reply fails on the current provider after its retries, continues the reply on the next one
 * from the first segment not yet spoken, resampling audio to the first provider's sample rate.
 */
import { SpeechError } from '../errors.js';
import type { ConnectOptions, SpeechConnection, SpeechProvider } from '../provider.js';

const FALLBACK_PROVIDERS = Symbol.for('@utter/core/fallback-providers');

interface FallbackProvider extends SpeechProvider {
  readonly [FALLBACK_PROVIDERS]: readonly SpeechProvider[];
}

/**
 * Combines providers into one: the session engine uses the first and, when a reply fails on it
 * (after its retries), continues the reply on the next one from the first segment not yet spoken.
 * Audio of every provider is resampled to the first provider's sample rate. The combined provider
 * declares the first provider's capabilities; used outside the engine, `connect()` opens the first
 * provider that connects.
 *
 * @example
 * ```ts
 * const provider = fallback([murmr({ apiKey }), espeak()]);
 * speak('Hello there.', { provider }).subscribe(console.log);
 * ```
 */
export function fallback(providers: readonly SpeechProvider[]): SpeechProvider {
  if (!Array.isArray(providers) || providers.length === 0) {
    throw new SpeechError('invalid-input', 'fallback() needs at least one provider.', { retryable: false });
  }
  const flat = providers.flatMap((p) => fallbackProviders(p));
  const first = flat[0] as SpeechProvider;
  const provider: FallbackProvider = {
    name: `fallback(${flat.map((p) => p.name).join(',')})`,
    capabilities: first.capabilities,
    ...(first.limiterKey === undefined ? {} : { limiterKey: first.limiterKey }),
    [FALLBACK_PROVIDERS]: flat,
    async connect(options: ConnectOptions): Promise<SpeechConnection> {
      let lastError: unknown;
      for (const p of flat) {
        try {
          return await p.connect(options);
        } catch (err) {
          lastError = err;
          if (options.signal.aborted) break;
        }
      }
      throw SpeechError.from(lastError, 'connection');
    },
    async warmup(): Promise<void> {
      await Promise.allSettled(flat.map((p) => p.warmup?.()));
    },
    async close(): Promise<void> {
      await Promise.allSettled(flat.map((p) => p.close?.()));
    },
  };
  return provider;
}

/** The providers behind `provider`: its fallback list, or itself. @internal */
export function fallbackProviders(provider: SpeechProvider): readonly SpeechProvider[] {
  const list = (provider as Partial<FallbackProvider>)[FALLBACK_PROVIDERS];
  return Array.isArray(list) && list.length > 0 ? list : [provider];
}
