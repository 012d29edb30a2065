/**
 * The Munsit provider: the realtime WebSocket (with a first-audio watchdog that can switch to HTTP) or
 * the HTTP streaming endpoint, behind one connection.
 *
 * Per-segment rule (an assumption, documented in docs/providers/munsit.md): every segment is sent as
 * one `text` message with `flush: true`, and Munsit answers each flush with that text's audio
 * followed by one chunk with `isFinal: true`. So audio belongs to the oldest segment still waiting
 * and each `isFinal` ends it. Segments of a connection are therefore strictly sequential.
 */
import { asyncScheduler, timer, type Subscription } from 'rxjs';
import { SpeechError, createPcm16Decoder } from '@utter/core';
import { SegmentQueue, defineWebSocketProvider, type ConnectionHandlers, type ProtocolConnection } from '@utter/core/provider';
import { streamHttpSegment } from './http.js';
import { apiKeyEnv, munsitOptionsSchema, resolveMunsitOptions, type MunsitOptions } from './options.js';
import {
  MUNSIT_OUTPUT_FORMATS,
  errorFromMessage,
  munsitServerMessageSchema,
  sampleRateOf,
  type InitConnectionMessage,
  type MunsitServerMessage,
} from './protocol.js';

/** What a Munsit connection adds to {@link SpeechConnection}. */
export interface MunsitConnectionExtras {
  /** Which transport this connection currently uses. */
  readonly transport: 'websocket' | 'http';
}

/** A Munsit connection. */
export type MunsitConnection = ProtocolConnection<MunsitConnectionExtras>;

/** What a Munsit provider adds to {@link SpeechProvider}. */
export interface MunsitProviderExtras {
  /** The transport new connections use: `'http'` once the socket was found silent (or with `transport: 'http'`). */
  readonly activeTransport: 'websocket' | 'http';
}

interface Pending {
  readonly utteranceId: string;
  readonly segmentId: number;
  readonly text: string;
  audioReceived: boolean;
  /** Nothing to say (whitespace only): never sent, done as soon as it is the oldest. */
  readonly skip: boolean;
}

/**
 * Creates a Munsit (Arabic) text-to-speech provider.
 *
 * @example
 * ```ts
 * import { speak } from '@utter/core';
 * import { munsit } from '@utter/munsit';
 * speak('مرحبا بكم', { provider: munsit({ voiceId: 'ar-najdi-female-1' }) }).subscribe(play);
 * ```
 *
 * @throws SpeechError `invalid-input` for a bad option. A missing key is reported by `connect()` (`auth`).
 */
export const munsit = defineWebSocketProvider({
  name: 'munsit',
  label: 'Munsit',
  apiKeyEnv,
  optionsSchema: munsitOptionsSchema,
  resolve: (options) => resolveMunsitOptions(options as MunsitOptions),
  capabilities: (o) => ({
    textInput: 'incremental',
    segmentAcks: true,
    cancel: 'close',
    wordTimestamps: false,
    sampleRate: sampleRateOf(o.outputFormat),
    sampleRates: MUNSIT_OUTPUT_FORMATS.map(sampleRateOf),
    encodings: ['pcm16'],
  }),
  endpoint: (o) => o.url,
  auth: (o, key) => (o.authIn === 'query' ? { query: { 'x-api-key': key } } : {}),
  messages: munsitServerMessageSchema,
  connection(ctx): ConnectionHandlers<MunsitServerMessage, MunsitConnectionExtras> {
    const o = ctx.options;
    const queue = new SegmentQueue<Pending>(ctx);
    let mode: 'websocket' | 'http' = ctx.hasSocket ? 'websocket' : 'http';
    let watchdog: Subscription | undefined;
    let inFlight: { readonly pending: Pending; readonly abort: AbortController } | undefined;
    let disposed = false;
    /** The socket's audio: Munsit cuts its base64 chunks anywhere, even inside a sample. */
    const socketAudio = createPcm16Decoder();
    const blank = (p: Pending): boolean => p.skip;

    const clearWatchdog = (): void => {
      watchdog?.unsubscribe();
      watchdog = undefined;
    };
    /** 'auto': when the oldest segment gets no audio in time, the socket is silent: fall back to HTTP. */
    const armWatchdog = (): void => {
      const head = queue.head;
      if (o.transport !== 'auto' || mode !== 'websocket' || head === undefined) return;
      clearWatchdog();
      watchdog = timer(o.firstAudioTimeoutMs, o.scheduler ?? asyncScheduler).subscribe(() => {
        watchdog = undefined;
        if (mode === 'websocket' && queue.head === head && !head.audioReceived) fallBackToHttp();
      });
    };
    /**
     * Switch this connection (and the provider, for later connections) to HTTP and send every waiting
     * segment there. None of them has produced audio (the oldest has not, and audio comes in order),
     * so nothing is lost or doubled.
     */
    const fallBackToHttp = (): void => {
      o.state.httpOnly = true;
      mode = 'http';
      ctx.closeSocket();
      pumpHttp();
    };
    /** Streams the oldest waiting segment over HTTP, one at a time. */
    const pumpHttp = (): void => {
      if (disposed || inFlight || mode !== 'http') return;
      queue.doneWhile((p) => p.skip || ctx.isRetired(p.utteranceId));
      const pending = queue.head;
      if (!pending) return;
      const abort = new AbortController();
      inFlight = { pending, abort };
      const decoder = createPcm16Decoder();
      void streamHttpSegment(o, ctx.apiKey, pending.text, abort.signal, (bytes, sampleRate) => {
        const pcm = decoder.push(bytes);
        if (pcm.length === 0 || ctx.isRetired(pending.utteranceId)) return;
        pending.audioReceived = true;
        ctx.emit({ type: 'audio', utteranceId: pending.utteranceId, segmentId: pending.segmentId, pcm, sampleRate });
      }).then(
        () => {
          inFlight = undefined;
          if (disposed) return;
          queue.done(pending);
          pumpHttp();
        },
        (error: unknown) => {
          inFlight = undefined;
          if (disposed) return;
          if (!(abort.signal.aborted && ctx.isRetired(pending.utteranceId))) {
            const speechError = SpeechError.from(error, 'connection', { provider: 'munsit' });
            // The account cannot synthesize at all: the connection is unusable.
            if (speechError.code === 'auth' || speechError.code === 'quota') return ctx.fail(speechError);
            // This reply failed; drop its other waiting segments and go on with the next reply.
            queue.drop(pending.utteranceId);
            ctx.replyError(pending.utteranceId, speechError, pending.segmentId);
          }
          pumpHttp();
        },
      );
    };

    return {
      open() {
        const settings = o.voiceSettings;
        const init: InitConnectionMessage = {
          type: 'initConnection',
          model_id: o.modelId,
          voice_id: o.voiceId,
          output_format: o.outputFormat,
          ...(settings
            ? {
                voice_settings: {
                  ...(settings.stability === undefined ? {} : { stability: settings.stability }),
                  ...(settings.similarityBoost === undefined ? {} : { similarity_boost: settings.similarityBoost }),
                  ...(settings.speed === undefined ? {} : { speed: settings.speed }),
                },
              }
            : {}),
          ...(o.authIn === 'message' ? { x_api_key: ctx.apiKey } : {}),
        };
        ctx.send(init);
      },
      message(msg) {
        if (msg.type === 'connectionInitialized') return ctx.ready(); // a repeated answer is harmless
        if (msg.type === 'error') return ctx.fail(errorFromMessage(msg));
        if (!ctx.isReady) return ctx.protocolError('Munsit sent audio before connectionInitialized.');
        const head = queue.head;
        if (!head) {
          if (msg.audio === '') return; // a stray empty final is harmless
          return ctx.protocolError('Munsit sent audio while no text was waiting for it.');
        }
        const pcm = msg.audio === '' ? new Int16Array(0) : socketAudio.push(msg.audio);
        if (pcm.length > 0) {
          head.audioReceived = true;
          clearWatchdog();
          ctx.emit({ type: 'audio', utteranceId: head.utteranceId, segmentId: head.segmentId, pcm, sampleRate: msg.sampleRate ?? sampleRateOf(o.outputFormat) });
        }
        if (msg.isFinal === true) {
          socketAudio.reset(); // a generation's audio ends here: nothing carries over to the next
          clearWatchdog();
          queue.done(head);
          queue.doneWhile(blank);
          if (queue.length > 0) armWatchdog();
        }
      },
      send({ utteranceId, segmentId, text }) {
        const pending: Pending = { utteranceId, segmentId, text, audioReceived: false, skip: text.trim() === '' };
        queue.add(pending);
        if (mode === 'http') return pumpHttp();
        // Munsit would produce nothing (and maybe no isFinal) for blank text: do not send it.
        if (pending.skip) return queue.doneWhile(blank);
        ctx.send({ type: 'text', text, flush: true, ...(o.tryTriggerGeneration ? { try_trigger_generation: true } : {}) });
        if (queue.length === 1) armWatchdog();
      },
      finish: (utteranceId) => queue.finish(utteranceId),
      cancel(utteranceId) {
        // On the socket the server keeps generating what it was sent (there is no verified cancel
        // message): its audio still ends the queued segments but is dropped, and the session closes the
        // connection (`cancel: 'close'`). Over HTTP the queued requests are dropped, the one in flight aborted.
        if (mode !== 'http') return;
        queue.drop(utteranceId);
        if (inFlight?.pending.utteranceId === utteranceId) inFlight.abort.abort();
      },
      beforeClose: () => ctx.send({ type: 'closeConnection' }),
      dispose() {
        disposed = true;
        clearWatchdog();
        inFlight?.abort.abort();
      },
      extras: {
        get transport() {
          return mode;
        },
      },
    };
  },
  async connect(open, o, signal) {
    if (o.state.httpOnly) return open.socketless();
    try {
      return await open.socket();
    } catch (error) {
      const speechError = SpeechError.from(error, 'connection', { provider: 'munsit' });
      // 'auto': a socket that cannot be reached at all is no reason to give up, HTTP may work.
      if (o.transport === 'auto' && speechError.code === 'connection' && !signal.aborted) return open.socketless();
      throw speechError;
    }
  },
  extend: (o): MunsitProviderExtras => ({
    get activeTransport() {
      return o.state.httpOnly ? 'http' : 'websocket';
    },
  }),
});

/** A Munsit {@link SpeechProvider}. */
export type MunsitProvider = ReturnType<typeof munsit>;
