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
import { createPcm16Decoder } from '@utter/core';
import { SegmentQueue, defineWebSocketProvider } from '@utter/core/provider';
import { expectedDones } from './buffer.js';
import { apiKeyEnv, murmrOptionsSchema, resolveMurmrOptions, type MurmrOptions } from './options.js';
import { MURMR_CLOSE_CODES, ServerMessage, errorForMessage } from './protocol.js';

export { apiKeyEnv, DEFAULT_VOICE_DESCRIPTION, MURMR_URL, murmrOptionsSchema, parseMurmrOptions, type MurmrOptions } from './options.js';
export { predictGenerations, expectedDones } from './buffer.js';
export { errorForClose, errorForMessage, MURMR_CLOSE_CODES, ServerMessage as MurmrServerMessage } from './protocol.js';

/** murmr's output sample rate. */
export const MURMR_SAMPLE_RATE = 24_000;

/** A segment in flight and the `done`s murmr still owes for it. */
interface InFlight {
  readonly utteranceId: string;
  readonly segmentId: number;
  remaining: number;
}

/**
 * Creates a murmr provider. The key defaults to `MURMR_API_KEY`; without any key the provider is
 * still created and `connect()` rejects with SpeechError `auth` naming the variable.
 *
 * Handshake: `config` -> `config_ack` -> `binary_mode` -> `binary_mode_ack` (or `ping` -> `pong` in
 * base64 mode). Segments go as `text` + `flush`; murmr is sequential and binary audio carries no id, so
 * audio belongs to the oldest segment in flight, which is done after the `done`s predicted by
 * {@link expectedDones}. murmr has no cancel message (`cancel: 'close'`).
 *
 * @throws SpeechError `invalid-input` for a bad option value.
 */
export const murmr = defineWebSocketProvider({
  name: 'murmr',
  apiKeyEnv,
  optionsSchema: murmrOptionsSchema,
  resolve: (options: MurmrOptions) => resolveMurmrOptions(options),
  capabilities: (o) => ({
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
    keepAliveIntervalMs: o.keepAliveIntervalMs,
    // murmr counts generations: one per flush (one per segment), plus one per clause boundary its
    // buffer cuts at in a long segment; the limiter counts exactly that.
    limits: { concurrentConnections: 10, requestsPerMinute: 100, counts: 'flush', requestCost: expectedDones },
  }),
  endpoint: (o) => o.url,
  messages: ServerMessage,
  closeCodes: MURMR_CLOSE_CODES,
  connection(ctx) {
    const { binary, config } = ctx.options;
    const queue = new SegmentQueue<InFlight>(ctx);
    const decoder = createPcm16Decoder();
    const onAudio = (pcm: Int16Array): void => {
      const head = queue.head;
      if (pcm.length === 0) return;
      if (head === undefined) return ctx.protocolError('murmr sent audio while no text was pending.');
      ctx.emit({ type: 'audio', utteranceId: head.utteranceId, segmentId: head.segmentId, pcm, sampleRate: MURMR_SAMPLE_RATE });
    };
    const drain = (): void => queue.doneWhile((segment) => segment.remaining === 0);
    return {
      open: () => ctx.send({ type: 'config', api_key: ctx.apiKey, ...config }),
      message(msg) {
        switch (msg.type) {
          case 'config_ack':
            return ctx.send(binary ? { type: 'binary_mode' } : { type: 'ping' });
          case 'binary_mode_ack':
          case 'pong':
            return ctx.ready();
          case 'audio':
            if (!ctx.isReady) return ctx.protocolError('murmr sent audio before the session was ready.');
            return onAudio(decoder.push(msg.chunk));
          case 'done': {
            const head = queue.head;
            if (head === undefined || head.remaining <= 0) return ctx.protocolError('murmr sent done while no generation was pending.');
            head.remaining--;
            return drain();
          }
          case 'error':
            // murmr dropped buffered text, so the done count can no longer be trusted: give up the
            // connection with the error (the session retries or fails the reply by its code).
            return ctx.fail(errorForMessage(msg.code, msg.message));
        }
      },
      binary(data) {
        if (!binary || !ctx.isReady) return ctx.protocolError('murmr sent a binary frame outside binary mode.');
        onAudio(decoder.push(data));
      },
      send({ utteranceId, segmentId, text }) {
        queue.add({ utteranceId, segmentId, remaining: expectedDones(text) });
        ctx.send({ type: 'text', text });
        ctx.send({ type: 'flush' });
        drain();
      },
      finish: (utteranceId) => queue.finish(utteranceId),
      keepAlive: () => ctx.send({ type: 'ping' }),
    };
  },
});
