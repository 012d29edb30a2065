/**
 * @packageDocumentation
 * `@utter/murf`: the utter adapter for Murf's streaming WebSocket text-to-speech API
 * (`wss://global.api.murf.ai/v1/speech/stream-input`, Falcon and Gen2 models).
 *
 * @example
 * ```ts
 * import { speak } from '@utter/core';
 * import { murf } from '@utter/murf';
 * speak(llmTokens, { provider: murf({ voiceId: 'Matthew', region: 'us-east' }) }).subscribe(play);
 * ```
 */
import { SpeechError, registerSecret, type ConnectOptions, type ProviderCapabilities, type SpeechConnection, type SpeechProvider } from '@utter/core';
import { MurfConnection } from './connection.js';
import { parseMurfOptions, MURF_SAMPLE_RATES, type MurfOptions } from './options.js';

export type { MurfOptions, MurfRegion, MurfPronunciation } from './options.js';
export { MURF_REGIONS, MURF_MODELS, MURF_SAMPLE_RATES, parseMurfOptions } from './options.js';
export { errorForMurfMessage, errorForMurfClose } from './connection.js';

/** The environment variable the API key is read from. */
export const apiKeyEnv = 'MURF_API_KEY';
/** The endpoint path on every Murf host. */
export const MURF_PATH = '/v1/speech/stream-input';
/** Default voice (a Falcon voice). */
export const DEFAULT_MURF_VOICE = 'Matthew';

function keyTag(key: string): string {
  let h = 0x811c9dc5;
  for (let i = 0; i < key.length; i++) {
    h ^= key.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return `murf:${h.toString(16)}`;
}

function envKey(): string | undefined {
  const env = typeof process === 'undefined' ? undefined : process.env;
  const value = env?.[apiKeyEnv];
  return value === undefined || value === '' ? undefined : value;
}

/**
 * The endpoint a Murf provider with these options connects to, without the key (safe to print):
 * `wss://<region>.api.murf.ai/v1/speech/stream-input?model=…&sample_rate=…&channel_type=MONO&format=…`,
 * or the same path and query on `baseUrl`.
 */
export function murfEndpoint(options: Omit<MurfOptions, 'apiKey'> = {}): string {
  const opts = parseMurfOptions(options);
  const origin = opts.baseUrl?.replace(/\/$/, '') ?? `wss://${opts.region ?? 'global'}.api.murf.ai`;
  const query = new URLSearchParams({
    model: opts.model ?? 'FALCON',
    sample_rate: String(opts.sampleRate ?? 24_000),
    channel_type: 'MONO',
    format: opts.format ?? 'PCM',
  });
  return `${origin}${MURF_PATH}?${query.toString()}`;
}

/**
 * Creates a Murf provider. The key defaults to `MURF_API_KEY`; without any key the provider is still
 * created and `connect()` rejects with SpeechError `auth` naming the variable.
 *
 * @throws SpeechError `invalid-input` for a bad option value.
 */
export function murf(options: MurfOptions = {}): SpeechProvider {
  if (typeof options.apiKey === 'string') registerSecret(options.apiKey);
  const opts = parseMurfOptions(options);
  const apiKey = opts.apiKey ?? envKey();
  registerSecret(apiKey);
  const sampleRate = opts.sampleRate ?? 24_000;
  const { apiKey: _omit, ...endpointOptions } = opts;
  const endpoint = new URL(murfEndpoint(endpointOptions));

  const voiceConfig: Record<string, unknown> = { voice_id: opts.voiceId ?? DEFAULT_MURF_VOICE };
  if (opts.style !== undefined) voiceConfig['style'] = opts.style;
  if (opts.rate !== undefined) voiceConfig['rate'] = opts.rate;
  if (opts.pitch !== undefined) voiceConfig['pitch'] = opts.pitch;
  if (opts.variation !== undefined) voiceConfig['variation'] = opts.variation;
  if (opts.locale !== undefined) voiceConfig['multi_native_locale'] = opts.locale;
  if (opts.pronunciationDictionary !== undefined) voiceConfig['pronunciation_dictionary'] = opts.pronunciationDictionary;
  const settings: Record<string, unknown> = {};
  if (opts.minBufferSize !== undefined) settings['min_buffer_size'] = opts.minBufferSize;
  if (opts.maxBufferDelayMs !== undefined) settings['max_buffer_delay_in_ms'] = opts.maxBufferDelayMs;

  const capabilities: ProviderCapabilities = {
    textInput: 'context',
    segmentAcks: false,
    cancel: 'native',
    wordTimestamps: false,
    sampleRate,
    sampleRates: MURF_SAMPLE_RATES,
    encodings: ['pcm16', 'wav'],
    maxCharsPerRequest: 3000,
    maxConcurrentUtterances: 2,
    keepAliveIntervalMs: opts.keepAliveIntervalMs ?? 60_000,
    limits: { concurrentConnections: 20 },
  };

  return {
    name: 'murf',
    capabilities,
    ...(apiKey === undefined ? {} : { limiterKey: keyTag(apiKey) }),
    async connect({ signal }: ConnectOptions): Promise<SpeechConnection> {
      if (apiKey === undefined) {
        throw new SpeechError('auth', `No Murf API key: set the ${apiKeyEnv} environment variable or pass { apiKey }.`, {
          provider: 'murf',
          retryable: false,
        });
      }
      if (signal.aborted) throw new SpeechError('cancelled', 'Connecting to Murf was cancelled.', { provider: 'murf' });
      const url = new URL(endpoint);
      const headers: Record<string, string> = {};
      if ((opts.auth ?? 'header') === 'query') url.searchParams.set('api-key', apiKey);
      else headers['api-key'] = apiKey;
      return MurfConnection.open({ url: url.toString(), headers, sampleRate, voiceConfig, settings, signal });
    },
  };
}
