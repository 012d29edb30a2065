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
import { base64ToBytes, createPcm16Decoder, createWavHeaderStripper, type Pcm16Decoder, type WavHeaderStripper } from '@utter/core';
import { defineWebSocketProvider } from '@utter/core/provider';
import { MURF_SAMPLE_RATES, apiKeyEnv, murfOptionsSchema, parseMurfOptions, resolveMurfOptions, type MurfOptions } from './options.js';
import { MURF_CLOSE_CODES, ServerMessage, errorForMurfMessage } from './protocol.js';

export type { MurfOptions, MurfRegion, MurfPronunciation } from './options.js';
export { MURF_REGIONS, MURF_MODELS, MURF_SAMPLE_RATES, MURF_PATH, DEFAULT_MURF_VOICE, apiKeyEnv, murfOptionsSchema, parseMurfOptions } from './options.js';
export { errorForMurfMessage, errorForMurfClose, MURF_CLOSE_CODES, ServerMessage as MurfServerMessage } from './protocol.js';

/**
 * The endpoint a Murf provider with these options connects to, without the key (safe to print):
 * `wss://<region>.api.murf.ai/v1/speech/stream-input?model=…&sample_rate=…&channel_type=MONO&format=…`,
 * or the same path and query on `baseUrl`.
 */
export function murfEndpoint(options: Omit<MurfOptions, 'apiKey'> = {}): string {
  return resolveMurfOptions(parseMurfOptions(options)).endpoint;
}

/** One reply's context: its state and its own audio decoding (a WAV header may start any chunk). */
interface Context {
  started: boolean;
  finished: boolean;
  readonly strip: WavHeaderStripper;
  readonly decode: Pcm16Decoder;
}

/**
 * Creates a Murf provider. The key defaults to `MURF_API_KEY`; without any key the provider is still
 * created and `connect()` rejects with SpeechError `auth` naming the variable.
 *
 * One `context_id` per reply (the utterance id), `end: true` on finish and `final` -> `utterance-done`,
 * `clear` on cancel (late audio dropped), RIFF headers stripped from any chunk that starts with one.
 *
 * @throws SpeechError `invalid-input` for a bad option value.
 */
export const murf = defineWebSocketProvider({
  name: 'murf',
  label: 'Murf',
  apiKeyEnv,
  optionsSchema: murfOptionsSchema,
  resolve: (options) => resolveMurfOptions(options as MurfOptions),
  capabilities: (o) => ({
    textInput: 'context',
    segmentAcks: false,
    cancel: 'native',
    wordTimestamps: false,
    sampleRate: o.sampleRate,
    sampleRates: MURF_SAMPLE_RATES,
    encodings: ['pcm16', 'wav'],
    maxCharsPerRequest: 3000,
    maxConcurrentUtterances: 2,
    keepAliveIntervalMs: o.keepAliveIntervalMs,
    limits: { concurrentConnections: 20 },
  }),
  endpoint: (o) => o.endpoint,
  auth: (o, key) => (o.auth === 'query' ? { query: { 'api-key': key } } : { headers: { 'api-key': key } }),
  messages: ServerMessage,
  closeCodes: MURF_CLOSE_CODES,
  connection(ctx) {
    const { voiceConfig, settings, sampleRate } = ctx.options;
    const contexts = new Map<string, Context>();
    const context = (id: string): Context => {
      let c = contexts.get(id);
      if (c === undefined) {
        c = { started: false, finished: false, strip: createWavHeaderStripper({ repeated: true }), decode: createPcm16Decoder() };
        contexts.set(id, c);
      }
      return c;
    };
    /** Without `context_id`, a message belongs to the only started context, if there is one. */
    const soleContext = (): string | undefined => {
      const live = [...contexts.entries()].filter(([, c]) => c.started);
      return live.length === 1 ? live[0]?.[0] : undefined;
    };
    return {
      open() {
        ctx.send({ voice_config: voiceConfig, ...settings });
        ctx.ready(); // auth was in the upgrade: nothing to wait for
      },
      message(msg) {
        const id = msg.context_id ?? soleContext();
        if (msg.error !== undefined) {
          const error = errorForMurfMessage(typeof msg.error === 'string' ? msg.error : (msg.error.message ?? msg.message ?? 'unknown error'));
          if (id !== undefined && contexts.has(id) && error.code !== 'auth') {
            contexts.delete(id);
            ctx.replyError(id, error);
          } else if (id === undefined || !ctx.isRetired(id)) {
            ctx.fail(error); // else: about a reply already cancelled or failed
          }
          return;
        }
        if (id === undefined) return ctx.protocolError('Murf sent a message without context_id while several replies were active.');
        if (ctx.isRetired(id)) return; // late output of a cleared context
        const c = contexts.get(id);
        if (c === undefined || !c.started) return ctx.protocolError('Murf sent output for a context that was never opened.');
        if (msg.audio) ctx.emit({ type: 'audio', utteranceId: id, pcm: c.decode.push(c.strip.push(base64ToBytes(msg.audio))), sampleRate });
        if (msg.final === true || msg.is_final === true || msg.isFinalAudio === true) {
          if (!c.finished) return ctx.protocolError('Murf ended a context before the reply was finished.');
          contexts.delete(id);
          ctx.emit({ type: 'utterance-done', utteranceId: id });
        }
      },
      send({ utteranceId, text }) {
        const c = context(utteranceId);
        const first = !c.started;
        c.started = true;
        ctx.send({ context_id: utteranceId, text, ...(first ? { voice_config: voiceConfig } : {}) });
      },
      finish(utteranceId) {
        const c = context(utteranceId);
        c.finished = true;
        if (c.started) return ctx.send({ context_id: utteranceId, end: true });
        contexts.delete(utteranceId); // nothing was sent: nothing to wait for
        ctx.emit({ type: 'utterance-done', utteranceId });
      },
      cancel(utteranceId) {
        const c = contexts.get(utteranceId);
        contexts.delete(utteranceId);
        if (c?.started) ctx.send({ clear: true, context_id: utteranceId });
      },
      /**
       * Murf closes a socket after 3 minutes without a message, and a WebSocket ping is not documented to
       * count: the keep-alive is the connection's voice settings again (no context, nothing synthesized).
       */
      keepAlive: () => ctx.send({ voice_config: voiceConfig }),
    };
  },
});
