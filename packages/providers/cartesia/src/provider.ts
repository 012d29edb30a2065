/**
 * The Cartesia provider: one socket, a context per reply.
 *
 * Each segment is sent on the reply's context with `continue: true`, followed by an empty
 * `flush: true` input: Cartesia numbers the audio of each flushed part (`flush_id` on its chunks) and
 * acknowledges it with `flush_done`, which gives exact segment attribution and acks. `finish` sends an
 * empty `continue: false`; `cancel` sends `{context_id, cancel: true}` (best effort: late chunks are
 * dropped). Word timings (`add_timestamps`) become `word` events. A reply whose context has been quiet
 * for `contextRolloverMs` continues on a fresh context, because Cartesia expires a context about 1 s
 * after its last audio and rejects more text on it.
 */
import { SegmentQueue, defineWebSocketProvider, type ConnectionHandlers, type ProtocolConnection } from '@utter/core/provider';
import { CARTESIA_ENCODINGS, CARTESIA_SAMPLE_RATES, apiKeyEnv, cartesiaOptionsSchema, resolveCartesiaOptions, type CartesiaOptions } from './options.js';
import { CARTESIA_CLOSE_CODES, cartesiaServerMessageSchema, errorFromMessage, isContextExpired, type CartesiaServerMessage } from './protocol.js';
import { createAudioDecoder, type CartesiaAudioDecoder } from './decode.js';

/** What a Cartesia connection adds to {@link SpeechConnection}. */
export interface CartesiaConnectionExtras {
  /** Context ids in use (sent to, not yet done, cancelled or failed). */
  readonly contextIds: readonly string[];
}

/** A Cartesia connection. */
export type CartesiaConnection = ProtocolConnection<CartesiaConnectionExtras>;

/** One segment in flight: flushed part `index + 1` of its context. */
interface Segment {
  readonly utteranceId: string;
  readonly segmentId: number;
  /** Context sample where this segment's audio starts, once its first chunk arrived. */
  startSample: number | undefined;
  acked: boolean;
}

/** One Cartesia context of a reply. */
interface Context {
  readonly id: string;
  readonly utteranceId: string;
  readonly decoder: CartesiaAudioDecoder;
  /** Segments sent on it, in order: segment `i` is flush part `i + 1`. */
  readonly segments: Segment[];
  /** Samples of audio received on this context. */
  samples: number;
  /** When the latest `flush_done` arrived (clock ms). */
  lastAckAt: number | undefined;
}

const WORD_EPSILON_SECONDS = 0.002;
/** Seconds to milliseconds, rounded to the microsecond (no float noise), never negative. */
const toMs = (seconds: number): number => Math.max(0, Math.round(seconds * 1e6) / 1e3);

/**
 * Creates a Cartesia (Sonic) provider over the TTS WebSocket. The key defaults to `CARTESIA_API_KEY`;
 * without any key the provider is still created and `connect()` rejects with SpeechError `auth`.
 *
 * @example
 * ```ts
 * import { speak } from '@utter/core';
 * import { cartesia } from '@utter/cartesia';
 * speak('Hello from Sonic.', { provider: cartesia({ voice: 'f786b574-daa5-4673-aa0c-cbe3e8534c02' }) }).subscribe(console.log);
 * ```
 *
 * @throws SpeechError `invalid-input` for a bad option, naming it.
 */
export const cartesia = defineWebSocketProvider({
  name: 'cartesia',
  label: 'Cartesia',
  apiKeyEnv,
  optionsSchema: cartesiaOptionsSchema,
  resolve: (options) => resolveCartesiaOptions(options as CartesiaOptions),
  capabilities: (o) => ({
    textInput: 'context',
    segmentAcks: true,
    cancel: 'native',
    wordTimestamps: o.addTimestamps,
    sampleRate: o.sampleRate,
    sampleRates: CARTESIA_SAMPLE_RATES,
    encodings: CARTESIA_ENCODINGS.map((e) => (e === 'pcm_s16le' ? 'pcm16' : e === 'pcm_f32le' ? 'float32' : e === 'pcm_mulaw' ? 'mulaw' : 'alaw')),
    maxConcurrentUtterances: o.maxConcurrentUtterances,
  }),
  endpoint: (o) => o.url,
  auth: (o, key) => ({ headers: { 'X-API-Key': key, 'Cartesia-Version': o.cartesiaVersion } }),
  messages: cartesiaServerMessageSchema,
  closeCodes: CARTESIA_CLOSE_CODES,
  connection(ctx): ConnectionHandlers<CartesiaServerMessage, CartesiaConnectionExtras> {
    const o = ctx.options;
    const queue = new SegmentQueue<Segment>(ctx);
    /** Live contexts by id. */
    const contexts = new Map<string, Context>();
    /** Each live reply's contexts, oldest first. */
    const replies = new Map<string, Context[]>();
    /** Ids of contexts that ended (done, cancelled, failed): their late messages are dropped. */
    const past = new Set<string>();

    const forget = (c: Context): void => {
      contexts.delete(c.id);
      past.add(c.id);
    };
    const dropReply = (utteranceId: string): Context[] => {
      const list = replies.get(utteranceId) ?? [];
      replies.delete(utteranceId);
      queue.drop(utteranceId);
      const live = list.filter((c) => contexts.has(c.id));
      for (const c of live) forget(c);
      return live;
    };
    const outstanding = (c: Context): Segment | undefined => c.segments.find((s) => !s.acked);
    const ack = (s: Segment): void => {
      if (s.acked) return;
      s.acked = true;
      queue.done(s);
    };
    /** Once a reply is over (its `utterance-done` was emitted), its contexts only absorb late messages. */
    const settle = (utteranceId: string): void => {
      if (ctx.isRetired(utteranceId)) dropReply(utteranceId);
    };
    /** A context is quiet when all its parts were acknowledged long enough ago that Cartesia may have expired it. */
    const quiet = (c: Context): boolean => outstanding(c) === undefined && c.lastAckAt !== undefined && o.now() - c.lastAckAt >= o.contextRolloverMs;
    const input = (c: Context, transcript: string, more: boolean, flush = false): void =>
      ctx.send({ ...o.request, context_id: c.id, transcript, continue: more, ...(flush ? { flush: true } : {}) });

    /** The context the reply's next text goes to: its current one, or a new one when there is none or it went quiet. */
    const contextFor = (utteranceId: string): Context => {
      const list = replies.get(utteranceId) ?? [];
      const current = list.at(-1);
      if (current && contexts.has(current.id) && !quiet(current)) return current;
      if (current) forget(current); // complete: every part acknowledged; Cartesia lets it expire
      const c: Context = { id: list.length === 0 ? utteranceId : `${utteranceId}~${list.length + 1}`, utteranceId, decoder: createAudioDecoder(o.encoding), segments: [], samples: 0, lastAckAt: undefined };
      list.push(c);
      replies.set(utteranceId, list);
      contexts.set(c.id, c);
      return c;
    };

    /** The live context a message is about; undefined (after failing the connection when it is unknown) to ignore it. */
    const contextOf = (id: string, what: string): Context | undefined => {
      const c = contexts.get(id);
      if (c && !ctx.isRetired(c.utteranceId)) return c;
      if (c) settle(c.utteranceId);
      else if (!past.has(id)) ctx.protocolError(`Cartesia sent ${what} for a context that was never opened.`);
      return undefined;
    };

    const onError = (msg: Extract<CartesiaServerMessage, { type: 'error' }>): void => {
      const error = errorFromMessage(msg);
      if (msg.context_id === undefined) return ctx.fail(error);
      const c = contexts.get(msg.context_id);
      if (!c) {
        if (past.has(msg.context_id)) return; // about a context already ended or cancelled
        return ctx.fail(error);
      }
      if (ctx.isRetired(c.utteranceId)) return settle(c.utteranceId);
      if (error.code === 'auth' || error.code === 'quota') return ctx.fail(error);
      const pending = outstanding(c);
      // An expired context whose every part was heard lost nothing (e.g. our own `continue: false` came too late).
      if (isContextExpired(msg) && pending === undefined) return forget(c);
      dropReply(c.utteranceId);
      ctx.replyError(c.utteranceId, error, pending?.segmentId);
    };

    return {
      open: () => ctx.ready(), // key and version travel in the upgrade: nothing to wait for
      message(msg) {
        if (msg.type === 'error') return onError(msg);
        if (msg.type === 'phoneme_timestamps') return;
        const c = contextOf(msg.context_id, msg.type);
        if (!c) return;
        if (msg.type === 'chunk') {
          const seg = msg.flush_id !== undefined && msg.flush_id > 0 ? c.segments[msg.flush_id - 1] : outstanding(c);
          if (!seg) return ctx.protocolError(`Cartesia sent audio for flush ${msg.flush_id ?? 'part'} that was never sent.`);
          if (seg.acked) return ctx.protocolError('Cartesia sent audio for a part after its flush_done.');
          const pcm = c.decoder.push(msg.data);
          seg.startSample ??= c.samples;
          c.samples += pcm.length;
          return ctx.emit({ type: 'audio', utteranceId: c.utteranceId, segmentId: seg.segmentId, pcm, sampleRate: o.sampleRate });
        }
        if (msg.type === 'timestamps') {
          const { words, start, end } = msg.word_timestamps;
          words.forEach((text, i) => {
            const startSec = start[i] ?? 0;
            const at = startSec * o.sampleRate + WORD_EPSILON_SECONDS * o.sampleRate;
            const seg = [...c.segments].reverse().find((s) => s.startSample !== undefined && s.startSample <= at) ?? c.segments[0];
            if (!seg || seg.acked) return;
            const base = (seg.startSample ?? 0) / o.sampleRate;
            const word = { text, startMs: toMs(startSec - base), endMs: toMs((end[i] ?? startSec) - base) };
            ctx.emit({ type: 'word', utteranceId: c.utteranceId, segmentId: seg.segmentId, word });
          });
          return;
        }
        if (msg.type === 'flush_done') {
          const seg = c.segments[msg.flush_id - 1];
          if (!seg) return ctx.protocolError(`Cartesia acknowledged flush ${msg.flush_id}, which was never sent.`);
          for (const s of c.segments.slice(0, msg.flush_id)) ack(s);
          c.lastAckAt = o.now();
          return settle(c.utteranceId);
        }
        // done: the context is complete; whatever was not acknowledged yet is.
        forget(c);
        for (const s of c.segments) ack(s);
        settle(c.utteranceId);
      },
      send({ utteranceId, segmentId, text }) {
        const c = contextFor(utteranceId);
        const seg: Segment = { utteranceId, segmentId, startSample: undefined, acked: false };
        c.segments.push(seg);
        queue.add(seg);
        input(c, text, true);
        input(c, '', true, true);
      },
      finish(utteranceId) {
        const current = replies.get(utteranceId)?.at(-1);
        if (current && contexts.has(current.id)) {
          if (quiet(current)) forget(current); // already complete; Cartesia may have expired it
          else input(current, '', false);
        }
        queue.finish(utteranceId);
        settle(utteranceId);
      },
      cancel(utteranceId) {
        for (const c of dropReply(utteranceId)) ctx.send({ context_id: c.id, cancel: true });
      },
      extras: {
        get contextIds(): readonly string[] {
          return [...contexts.keys()];
        },
      },
    };
  },
});

/** A Cartesia {@link SpeechProvider}. */
export type CartesiaProvider = ReturnType<typeof cartesia>;
