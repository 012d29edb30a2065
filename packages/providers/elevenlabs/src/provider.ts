/**
 * The ElevenLabs provider declaration: capabilities, endpoint, auth, wire schema, close codes and the
 * message handlers of `multi-stream-input` (default) or `stream-input`.
 */
import { defineWebSocketProvider, type ConnectionHandlers, type ProtocolConnection } from '@utter/core/provider';
import { apiKeyEnv, elevenlabsOptionsSchema, parseElevenLabsOptions, resolveElevenLabsOptions, type ElevenLabsOptions } from './options.js';
import { ELEVENLABS_CLOSE_CODES, ServerMessage } from './protocol.js';
import { multiContextHandlers, type ElevenLabsConnectionExtras } from './multi.js';
import { singleStreamHandlers } from './single.js';

/** An ElevenLabs connection: a {@link ProtocolConnection} that tells which contexts are open or waiting. */
export type ElevenLabsConnection = ProtocolConnection<ElevenLabsConnectionExtras>;

/** Sample rates ElevenLabs streams (by `outputFormat`). */
export const ELEVENLABS_SAMPLE_RATES = [8000, 16000, 22050, 24000, 44100, 48000] as const;

/**
 * The endpoint a provider with these options connects to, without the key (safe to print), e.g.
 * `wss://api.elevenlabs.io/v1/text-to-speech/<voiceId>/multi-stream-input?model_id=…&output_format=pcm_24000&…`.
 */
export function elevenlabsEndpoint(options: Omit<ElevenLabsOptions, 'apiKey'> = {}): string {
  return resolveElevenLabsOptions(parseElevenLabsOptions(options)).endpoint;
}

/**
 * Creates an ElevenLabs text-to-speech provider over its WebSocket API.
 *
 * - `mode: 'multi'` (default): `multi-stream-input`, a context per reply on one socket, at most
 *   `maxContexts` (5) open at once — replies beyond wait for a context to be confirmed closed, never
 *   an error; `close_context` on finish (after a flush) and on barge-in.
 * - `mode: 'single'`: `stream-input`, one reply per socket, ended with `""`.
 *
 * Word timings come from ElevenLabs' character alignment. The key defaults to `ELEVENLABS_API_KEY`;
 * without any key the provider is still created and `connect()` rejects with `auth` naming the variable.
 *
 * @example
 * ```ts
 * import { speak } from '@utter/core';
 * import { elevenlabs } from '@utter/elevenlabs';
 * speak(llmTokens, { provider: elevenlabs({ voiceId: 'JBFqnCBsd6RMkjVDRZzb' }) }).subscribe(play);
 * ```
 *
 * @throws SpeechError `invalid-input` for a bad option value (the message names the option).
 */
export const elevenlabs = defineWebSocketProvider({
  name: 'elevenlabs',
  label: 'ElevenLabs',
  apiKeyEnv,
  optionsSchema: elevenlabsOptionsSchema,
  resolve: resolveElevenLabsOptions,
  capabilities: (o) => ({
    textInput: o.mode === 'multi' ? 'context' : 'incremental',
    segmentAcks: false,
    cancel: o.mode === 'multi' ? 'native' : 'close',
    wordTimestamps: true,
    sampleRate: o.sampleRate,
    sampleRates: ELEVENLABS_SAMPLE_RATES,
    encodings: ['pcm16', 'mulaw', 'alaw', 'mp3', 'opus'],
    maxConcurrentUtterances: o.mode === 'multi' ? o.maxContexts : 1,
    keepAliveIntervalMs: o.keepAliveIntervalMs,
    // stream-input ends its socket with the reply: a fresh connection for every reply.
    ...(o.mode === 'single' ? { maxConnectionAgeMs: 0 } : {}),
  }),
  endpoint: (o) => o.endpoint,
  auth: (o, key) => (o.auth === 'header' ? { headers: { 'xi-api-key': key } } : {}),
  messages: ServerMessage,
  closeCodes: ELEVENLABS_CLOSE_CODES,
  connection(ctx): ConnectionHandlers<ServerMessage, ElevenLabsConnectionExtras> {
    if (ctx.options.mode === 'multi') return multiContextHandlers(ctx);
    return { ...singleStreamHandlers(ctx), extras: { openContexts: [], waitingContexts: [] } };
  },
});

/** An ElevenLabs {@link SpeechProvider}. */
export type ElevenLabsProvider = ReturnType<typeof elevenlabs>;
