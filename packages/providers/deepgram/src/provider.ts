/**
 * The Deepgram Aura provider: one text stream per connection (`Speak` messages into the server's
 * buffer), `Flush` to get audio, `Flushed{sequence_id}` after the last audio of a flush, `Clear` ->
 * `Cleared` to cancel. Audio comes as binary frames with no id; replies run one after another. The
 * flush policy (each segment on its own while Deepgram's 20-per-minute budget allows, coalesced when
 * it runs low) lives in `connection.ts`.
 */
import { defineWebSocketProvider, openProtocolConnection, resolveApiKey, type WireProtocol } from '@utter/core/provider';
import { deepgramConnection } from './connection.js';
import { apiKeyEnv, deepgramOptionsSchema, resolveDeepgramOptions, type DeepgramOptions, type ResolvedDeepgramOptions } from './options.js';
import {
  DEEPGRAM_CLOSE_CODES,
  DEEPGRAM_MAX_SPEAK_CHARS,
  DEEPGRAM_SAMPLE_RATES,
  G711_SAMPLE_RATES,
  deepgramServerMessageSchema,
  type DeepgramServerMessage,
} from './protocol.js';

/** Settings of a provider: the resolved options and the key (for subprotocol auth; never enumerable). */
interface Settings extends ResolvedDeepgramOptions {
  readonly key: () => string | undefined;
}

/** The wire protocol (also used directly to connect with subprotocol auth). */
const wire: WireProtocol<Settings, DeepgramServerMessage> = {
  name: 'deepgram',
  label: 'Deepgram',
  messages: deepgramServerMessageSchema,
  closeCodes: DEEPGRAM_CLOSE_CODES,
  connection: deepgramConnection,
};

/**
 * Creates a Deepgram Aura streaming text-to-speech provider. The key defaults to `DEEPGRAM_API_KEY`;
 * without any key the provider is still created and `connect()` rejects with SpeechError `auth` naming
 * the variable.
 *
 * @example
 * ```ts
 * import { speak } from '@utter/core';
 * import { deepgram } from '@utter/deepgram';
 * speak(llmTokens, { provider: deepgram({ model: 'aura-2-thalia-en' }) }).subscribe(play);
 * ```
 *
 * @throws SpeechError `invalid-input` for a bad option (the message names it).
 */
export const deepgram = defineWebSocketProvider({
  ...wire,
  apiKeyEnv,
  optionsSchema: deepgramOptionsSchema,
  resolve: (options: DeepgramOptions): Settings => {
    const key = resolveApiKey(options.apiKey, apiKeyEnv);
    const settings = resolveDeepgramOptions(options);
    return Object.defineProperty({ ...settings } as Settings, 'key', { value: () => key, enumerable: false });
  },
  capabilities: (o) => ({
    textInput: 'incremental',
    segmentAcks: true,
    cancel: 'native',
    wordTimestamps: false,
    sampleRate: o.sampleRate,
    sampleRates: o.encoding === 'linear16' ? DEEPGRAM_SAMPLE_RATES : G711_SAMPLE_RATES,
    encodings: ['pcm16', 'mulaw', 'alaw'],
    maxCharsPerRequest: DEEPGRAM_MAX_SPEAK_CHARS,
    maxConcurrentRequests: 1,
    maxConcurrentUtterances: 1,
    // Deepgram closes sockets after 60 minutes: reconnect between replies a little before.
    maxConnectionAgeMs: 55 * 60_000,
  }),
  endpoint: (o) => o.url,
  auth: (o, key) => (o.auth === 'header' ? { headers: { authorization: `Token ${key}` } } : {}),
  connect(open, o, signal) {
    const key = o.key();
    if (o.auth === 'header' || key === undefined) return open.socket();
    // Sec-WebSocket-Protocol: token, <key> (the kit's `auth` has no subprotocol field).
    return openProtocolConnection(wire, { url: o.url, protocols: ['token', key], signal, options: o, apiKey: key });
  },
});

/** A Deepgram {@link SpeechProvider}. */
export type DeepgramProvider = ReturnType<typeof deepgram>;
