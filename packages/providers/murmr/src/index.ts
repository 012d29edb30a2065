/**
 * @packageDocumentation
 * `@utter/murmr`: the utter adapter for murmr's realtime WebSocket text-to-speech API
 * (`wss://api.murmr.dev/v1/realtime`).
 *
 * @example
 * ```ts
 * import { speak } from '@utter/core';
 * import { murmr } from '@utter/murmr';
 * speak(llmTokens, { provider: murmr({ voiceDescription: 'A calm narrator' }) }).subscribe(play);
 * ```
 */
import { SpeechError, registerSecret, type ConnectOptions, type SpeechConnection, type SpeechProvider, type ProviderCapabilities } from '@utter/core';
import { MurmrConnection, MURMR_SAMPLE_RATE } from './connection.js';
import { DEFAULT_VOICE_DESCRIPTION, parseMurmrOptions, type MurmrOptions } from './options.js';

export type { MurmrOptions } from './options.js';
export { DEFAULT_VOICE_DESCRIPTION, parseMurmrOptions } from './options.js';
export { predictGenerations, expectedDones } from './buffer.js';
export { errorForClose, errorForMessage, MURMR_SAMPLE_RATE } from './connection.js';

/** The environment variable the API key is read from. */
export const apiKeyEnv = 'MURMR_API_KEY';
/** The real endpoint. `baseUrl` replaces its scheme, host and port. */
export const MURMR_URL = 'wss://api.murmr.dev/v1/realtime';
const PATH = '/v1/realtime';

/** A short, non-reversible tag of an API key for the in-process limiter (FNV-1a). */
function keyTag(key: string): string {
  let h = 0x811c9dc5;
  for (let i = 0; i < key.length; i++) {
    h ^= key.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return `murmr:${h.toString(16)}`;
}

function envKey(): string | undefined {
  const env = typeof process === 'undefined' ? undefined : process.env;
  const value = env?.[apiKeyEnv];
  return value === undefined || value === '' ? undefined : value;
}

/**
 * Creates a murmr provider. The key defaults to `MURMR_API_KEY`; without any key the provider is
 * still created and `connect()` rejects with SpeechError `auth` naming the variable.
 *
 * @throws SpeechError `invalid-input` for a bad option value.
 */
export function murmr(options: MurmrOptions = {}): SpeechProvider {
  if (typeof options.apiKey === 'string') registerSecret(options.apiKey);
  const opts = parseMurmrOptions(options);
  const apiKey = opts.apiKey ?? envKey();
  registerSecret(apiKey);
  const url = opts.baseUrl === undefined ? MURMR_URL : `${opts.baseUrl.replace(/\/$/, '')}${PATH}`;
  const config: Record<string, unknown> = {};
  if (opts.voiceClonePrompt !== undefined) config['voice_clone_prompt'] = opts.voiceClonePrompt;
  else config['voice_description'] = opts.voiceDescription ?? DEFAULT_VOICE_DESCRIPTION;
  if (opts.voice !== undefined) config['voice'] = opts.voice;
  if (opts.language !== undefined) config['language'] = opts.language;

  const capabilities: ProviderCapabilities = {
    textInput: 'incremental',
    segmentAcks: true,
    cancel: 'close',
    wordTimestamps: false,
    sampleRate: MURMR_SAMPLE_RATE,
    sampleRates: [MURMR_SAMPLE_RATE],
    encodings: ['pcm16'],
    maxCharsPerRequest: 4096,
    maxConcurrentRequests: 1,
    maxConcurrentUtterances: 1,
    keepAliveIntervalMs: opts.keepAliveIntervalMs ?? 60_000,
    limits: { concurrentConnections: 10, requestsPerMinute: 100 },
  };

  return {
    name: 'murmr',
    capabilities,
    ...(apiKey === undefined ? {} : { limiterKey: keyTag(apiKey) }),
    async connect({ signal }: ConnectOptions): Promise<SpeechConnection> {
      if (apiKey === undefined) {
        throw new SpeechError('auth', `No murmr API key: set the ${apiKeyEnv} environment variable or pass { apiKey }.`, {
          provider: 'murmr',
          retryable: false,
        });
      }
      if (signal.aborted) throw new SpeechError('cancelled', 'Connecting to murmr was cancelled.', { provider: 'murmr' });
      return MurmrConnection.open({ url, apiKey, config, binary: (opts.audioMode ?? 'binary') === 'binary', signal });
    },
  };
}
