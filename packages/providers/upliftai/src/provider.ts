/**
 * The Uplift AI provider over the plain WebSocket multi-stream endpoint.
 *
 * Every segment becomes one `synthesize` request (or several, when it is longer than 10 000
 * characters) with a unique `requestId`. Requests run concurrently; their chunks interleave on the
 * wire. Audio is reported with its segment id (the core puts segments back in order); the parts of
 * one split segment are put back in order here. `audio_end` ends a request; a segment is done when
 * all its parts are. `cancel` is sent for each active request of a cancelled reply, and anything
 * that still arrives for those requests is dropped.
 */
import { SegmentQueue, defineWebSocketProvider, type ConnectionHandlers, type ProtocolConnection } from '@utter/core/provider';
import { apiKeyEnv, resolveUpliftOptions, upliftaiOptionsSchema, type UpliftAiOptions } from './options.js';
import { MAX_CHARS_PER_REQUEST, sampleRateOf, splitText, upliftError, upliftServerMessageSchema, type SynthesizeMessage, type UpliftServerMessage } from './protocol.js';
import { createRequestDecoder, type RequestAudioDecoder } from './decode.js';

/** An Uplift AI connection: a {@link ProtocolConnection} with the server's session id. */
export type UpliftConnection = ProtocolConnection<UpliftConnectionExtras>;

/** What an Uplift AI connection adds to {@link SpeechConnection}. */
export interface UpliftConnectionExtras {
  /** The server's session id (from `ready`). */
  readonly sessionId: string | undefined;
  /** Request ids in flight (sent, not yet ended or cancelled). */
  readonly activeRequestIds: readonly string[];
}

/** One `synthesize` request: a whole segment, or a part of a segment over the limit. */
interface Part {
  readonly requestId: string;
  readonly segment: Segment;
  readonly index: number;
  readonly decoder: RequestAudioDecoder;
  ended: boolean;
  lastSequence: number | undefined;
  /** Audio of a later part, held until the parts before it have ended. */
  readonly held: Int16Array[];
}

interface Segment {
  readonly utteranceId: string;
  readonly segmentId: number;
  readonly parts: Part[];
  /** Index of the part whose audio is emitted as it comes. */
  current: number;
}

/**
 * Creates an Uplift AI (Urdu) text-to-speech provider over the plain WebSocket multi-stream endpoint.
 *
 * @example
 * ```ts
 * import { speak } from '@utter/core';
 * import { upliftai } from '@utter/upliftai';
 * speak('السلام علیکم', { provider: upliftai({ voiceId: 'v_meklc281' }) }).subscribe(play);
 * ```
 *
 * @throws SpeechError `invalid-input` for a bad option. A missing key is reported by `connect()` (`auth`).
 */
export const upliftai = defineWebSocketProvider({
  name: 'upliftai',
  label: 'Uplift AI',
  apiKeyEnv,
  optionsSchema: upliftaiOptionsSchema,
  resolve: (options) => resolveUpliftOptions(options as UpliftAiOptions),
  capabilities: (o) => ({
    textInput: 'request',
    segmentAcks: true,
    cancel: 'native',
    wordTimestamps: false,
    sampleRate: sampleRateOf(o.outputFormat),
    sampleRates: [22050, 8000],
    encodings: ['pcm16', 'wav', 'mulaw', 'mp3', 'ogg'],
    maxCharsPerRequest: MAX_CHARS_PER_REQUEST,
    maxConcurrentRequests: o.maxConcurrentRequests,
    limits: { requestsPerMinute: 60 },
  }),
  // Uplift's 60 requests per minute are per connection, not per key: one limiter bucket per provider.
  limiter: 'per-instance',
  endpoint: (o) => o.url,
  auth: (_o, key) => ({ headers: { authorization: `Bearer ${key}` } }),
  messages: upliftServerMessageSchema,
  connection(ctx): ConnectionHandlers<UpliftServerMessage, UpliftConnectionExtras> {
    const o = ctx.options;
    const segments = new SegmentQueue<Segment>(ctx);
    const parts = new Map<string, Part>();
    /** Requests cancelled or failed: late frames for them are dropped silently. */
    const retired = new Set<string>();
    let counter = 0;
    let sessionId: string | undefined;

    /** The live part; undefined for a retired one (silently) or an unknown one (a protocol failure). */
    const partFor = (requestId: string): Part | undefined => {
      const part = parts.get(requestId);
      if (!part && !retired.has(requestId)) ctx.protocolError('Uplift AI sent a message for a request that was never made.');
      return part;
    };
    const emitAudio = (part: Part, pcm: Int16Array): void =>
      ctx.emit({ type: 'audio', utteranceId: part.segment.utteranceId, segmentId: part.segment.segmentId, pcm, sampleRate: part.decoder.sampleRate });
    /** Forgets a reply's segments, sending `cancel` for each of its active requests (but `except`). */
    const dropReply = (utteranceId: string, except?: string): void => {
      for (const segment of segments.drop(utteranceId)) {
        for (const part of segment.parts) {
          if (!parts.delete(part.requestId)) continue;
          retired.add(part.requestId);
          if (part.requestId !== except) ctx.send({ type: 'cancel', requestId: part.requestId });
        }
      }
    };
    const onAudioEnd = (part: Part): void => {
      part.ended = true;
      parts.delete(part.requestId);
      retired.add(part.requestId);
      const segment = part.segment;
      while (segment.current < segment.parts.length && segment.parts[segment.current]?.ended) {
        segment.current++;
        const next = segment.parts[segment.current];
        if (next) for (const pcm of next.held.splice(0)) emitAudio(next, pcm);
      }
      if (segment.current === segment.parts.length) segments.done(segment);
    };

    return {
      message(msg) {
        if (msg.type === 'ready') {
          if (!ctx.isReady) sessionId = msg.sessionId ?? '';
          return ctx.ready(); // a repeated ready is harmless
        }
        if (msg.type === 'error') {
          const error = upliftError(msg.code, msg.message);
          const part = msg.requestId === undefined ? undefined : parts.get(msg.requestId);
          if (msg.requestId !== undefined && !part && retired.has(msg.requestId)) return; // about a cancelled request
          if (!part || error.code === 'auth' || error.code === 'quota') return ctx.fail(error);
          // This reply fails; its other requests are cancelled, the connection stays usable.
          dropReply(part.segment.utteranceId, part.requestId);
          return ctx.replyError(part.segment.utteranceId, error, part.segment.segmentId);
        }
        if (!ctx.isReady) return ctx.protocolError(`Uplift AI sent ${msg.type} before ready.`);
        const part = partFor(msg.requestId);
        if (!part || msg.type === 'audio_start') return;
        if (msg.type === 'audio_end') return onAudioEnd(part);
        if (msg.sequence !== undefined) {
          if (part.lastSequence !== undefined && msg.sequence <= part.lastSequence) {
            return ctx.protocolError(`Uplift AI sent audio out of sequence (${msg.sequence} after ${part.lastSequence}).`);
          }
          part.lastSequence = msg.sequence;
        }
        if (part.ended) return ctx.protocolError('Uplift AI sent audio after audio_end.');
        const pcm = part.decoder.push(msg.audio);
        if (part.index === part.segment.current) emitAudio(part, pcm);
        else if (pcm.length > 0) part.held.push(pcm);
      },
      send({ utteranceId, segmentId, text }) {
        // Nothing to say: Uplift would reject or ignore a blank text. Done at once (the core orders segments).
        if (text.trim() === '') return ctx.emit({ type: 'segment-done', utteranceId, segmentId });
        const segment: Segment = { utteranceId, segmentId, parts: [], current: 0 };
        for (const [index, piece] of splitText(text, MAX_CHARS_PER_REQUEST).entries()) {
          const requestId = `${utteranceId}:${segmentId}:${++counter}`;
          const part: Part = { requestId, segment, index, decoder: createRequestDecoder(o.outputFormat), ended: false, lastSequence: undefined, held: [] };
          segment.parts.push(part);
          parts.set(requestId, part);
          const message: SynthesizeMessage = {
            type: 'synthesize',
            requestId,
            text: piece,
            voiceId: o.voiceId,
            outputFormat: o.outputFormat,
            ...(o.phraseReplacementConfigId ? { phraseReplacementConfigId: o.phraseReplacementConfigId } : {}),
          };
          ctx.send(message);
        }
        segments.add(segment);
      },
      finish: (utteranceId) => segments.finish(utteranceId),
      cancel: (utteranceId) => dropReply(utteranceId),
      extras: {
        get sessionId() {
          return sessionId;
        },
        get activeRequestIds(): readonly string[] {
          return [...parts.keys()];
        },
      },
    };
  },
});

/** An Uplift AI {@link SpeechProvider}. */
export type UpliftAiProvider = ReturnType<typeof upliftai>;
