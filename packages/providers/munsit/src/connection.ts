/**
 * A Munsit connection: the realtime WebSocket (with a first-audio watchdog that can switch to HTTP)
 * or the HTTP streaming endpoint, behind one {@link SpeechConnection}.
 *
 * Per-segment rule (an assumption, documented in docs/providers/munsit.md): every segment is sent as
 * one `text` message with `flush: true`, and Munsit answers each flush with that text's audio
 * followed by one chunk with `isFinal: true`. So audio belongs to the oldest segment still waiting
 * and each `isFinal` ends it. Segments of a connection are therefore strictly sequential.
 */
import { Subject, timer, asyncScheduler, type Subscription } from 'rxjs';
import { SpeechError, base64ToPcm16, createPcm16Decoder, type ConnectionEvent, type SpeechConnection, type TextRequest } from '@utter/core';
import { parseServerMessage, sampleRateOf, type MunsitErrorMessage, codeForMunsitError } from './protocol.js';
import type { ResolvedMunsitOptions } from './options.js';
import type { WireSocket } from './socket.js';
import { streamHttpSegment } from './http.js';

interface Pending {
  readonly utteranceId: string;
  readonly segmentId: number;
  readonly text: string;
  audioReceived: boolean;
  /** Nothing to say (whitespace only): never sent, done as soon as it is the oldest. */
  readonly skip: boolean;
}

/** Shared, per-provider state: once the socket has been found silent, later connections use HTTP. */
export interface MunsitProviderState {
  httpOnly: boolean;
}

/** The connection. Created by the provider's `connect()`. */
export class MunsitConnection implements SpeechConnection {
  readonly #events = new Subject<ConnectionEvent>();
  readonly events = this.#events.asObservable();
  readonly #options: ResolvedMunsitOptions;
  readonly #state: MunsitProviderState;
  #mode: 'websocket' | 'http';
  #socket: WireSocket | undefined;
  readonly #queue: Pending[] = [];
  readonly #finished = new Set<string>();
  readonly #cancelled = new Set<string>();
  #watchdog: Subscription | undefined;
  #httpInFlight: { pending: Pending; abort: AbortController } | undefined;
  #closed = false;

  constructor(options: ResolvedMunsitOptions, state: MunsitProviderState, socket: WireSocket | undefined) {
    this.#options = options;
    this.#state = state;
    this.#socket = socket;
    this.#mode = socket ? 'websocket' : 'http';
    if (socket) {
      socket.onMessage((data) => this.#onFrame(data));
      socket.onClose((error) => {
        if (this.#socket !== socket) return;
        this.#socket = undefined;
        this.#fail(error ?? new SpeechError('connection', 'Munsit closed the connection.', { provider: 'munsit' }));
      });
    }
  }

  /** Which transport this connection currently uses. */
  get transport(): 'websocket' | 'http' {
    return this.#mode;
  }

  send(request: TextRequest): void {
    if (this.#closed || this.#cancelled.has(request.utteranceId)) return;
    const skip = request.text.trim() === '';
    const pending: Pending = { utteranceId: request.utteranceId, segmentId: request.segmentId, text: request.text, audioReceived: false, skip };
    this.#queue.push(pending);
    if (this.#mode === 'http') {
      this.#pumpHttp();
      return;
    }
    if (skip) {
      // Munsit would produce nothing (and maybe no isFinal) for blank text: do not send it.
      if (this.#queue.length === 1) this.#drainSkips();
      return;
    }
    this.#socket?.send(
      JSON.stringify({
        type: 'text',
        text: request.text,
        flush: true,
        ...(this.#options.tryTriggerGeneration ? { try_trigger_generation: true } : {}),
      }),
    );
    if (this.#queue.length === 1) this.#armWatchdog();
  }

  finish(utteranceId: string): void {
    if (this.#closed) return;
    this.#finished.add(utteranceId);
    this.#maybeUtteranceDone(utteranceId);
  }

  cancel(utteranceId: string): void {
    if (this.#closed) return;
    this.#cancelled.add(utteranceId);
    this.#finished.delete(utteranceId);
    if (this.#mode === 'http') {
      // Queued requests are dropped; the one in flight is aborted.
      for (let i = this.#queue.length - 1; i >= 0; i--) {
        const entry = this.#queue[i];
        if (entry && entry.utteranceId === utteranceId && entry !== this.#httpInFlight?.pending) this.#queue.splice(i, 1);
      }
      if (this.#httpInFlight?.pending.utteranceId === utteranceId) this.#httpInFlight.abort.abort();
    }
    // On the socket, the server keeps generating what it was sent (there is no verified cancel
    // message): its audio still ends the queued segments but is dropped. The session closes the
    // connection (`cancel: 'close'`).
  }

  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#clearWatchdog();
    this.#httpInFlight?.abort.abort();
    this.#closeSocket();
    this.#events.next({ type: 'closed' });
    this.#events.complete();
  }

  // --- WebSocket -------------------------------------------------------------------------------

  #onFrame(data: string | Uint8Array): void {
    if (this.#closed || this.#mode !== 'websocket') return;
    if (typeof data !== 'string') {
      this.#fail(new SpeechError('protocol', 'Munsit sent a binary frame; only JSON text frames are expected.', { provider: 'munsit', retryable: true }));
      return;
    }
    let message;
    try {
      message = parseServerMessage(data);
    } catch (error) {
      this.#fail(SpeechError.from(error, 'protocol', { provider: 'munsit' }));
      return;
    }
    switch (message.kind) {
      case 'initialized':
        return; // a repeated handshake answer is harmless
      case 'error':
        this.#fail(errorFromMessage(message.message));
        return;
      case 'audio': {
        const head = this.#queue[0];
        const chunk = message.message;
        if (!head) {
          if (chunk.audio === '' ) return; // a stray empty final is harmless
          this.#fail(new SpeechError('protocol', 'Munsit sent audio while no text was waiting for it.', { provider: 'munsit', retryable: true }));
          return;
        }
        if (chunk.audio !== '') {
          let pcm: Int16Array;
          try {
            pcm = base64ToPcm16(chunk.audio);
          } catch {
            this.#fail(new SpeechError('protocol', 'Munsit sent audio that is not valid base64 PCM16.', { provider: 'munsit', retryable: true }));
            return;
          }
          if (pcm.length > 0) {
            head.audioReceived = true;
            this.#clearWatchdog();
            if (!this.#cancelled.has(head.utteranceId)) {
              this.#events.next({
                type: 'audio',
                utteranceId: head.utteranceId,
                segmentId: head.segmentId,
                pcm,
                sampleRate: chunk.sampleRate ?? sampleRateOf(this.#options.outputFormat),
              });
            }
          }
        }
        if (chunk.isFinal === true) {
          this.#clearWatchdog();
          this.#queue.shift();
          this.#segmentDone(head);
          this.#drainSkips();
          if (this.#queue.length > 0) this.#armWatchdog();
        }
        return;
      }
    }
  }

  /** Ends blank segments that have become the oldest (on the socket). */
  #drainSkips(): void {
    while (!this.#closed && this.#queue[0]?.skip) {
      const head = this.#queue.shift() as Pending;
      this.#segmentDone(head);
    }
  }

  #armWatchdog(): void {
    if (this.#options.transport !== 'auto' || this.#mode !== 'websocket') return;
    this.#clearWatchdog();
    const head = this.#queue[0];
    if (!head) return;
    this.#watchdog = timer(this.#options.firstAudioTimeoutMs, this.#options.scheduler ?? asyncScheduler).subscribe(() => {
      this.#watchdog = undefined;
      if (this.#closed || this.#mode !== 'websocket' || this.#queue[0] !== head || head.audioReceived) return;
      this.#fallBackToHttp();
    });
  }

  #clearWatchdog(): void {
    this.#watchdog?.unsubscribe();
    this.#watchdog = undefined;
  }

  /**
   * The socket stayed silent: switch this connection (and the provider, for later connections) to
   * HTTP, and send every waiting segment there. None of them has produced audio (the oldest has
   * not, and audio comes in order), so nothing is lost or doubled.
   */
  #fallBackToHttp(): void {
    this.#state.httpOnly = true;
    this.#mode = 'http';
    this.#closeSocket();
    this.#pumpHttp();
  }

  #closeSocket(): void {
    const socket = this.#socket;
    this.#socket = undefined;
    if (!socket) return;
    try {
      socket.send(JSON.stringify({ type: 'closeConnection' }));
    } catch {
      // already closing
    }
    socket.close(1000, 'closeConnection');
  }

  // --- HTTP ------------------------------------------------------------------------------------

  #pumpHttp(): void {
    if (this.#closed || this.#httpInFlight || this.#mode !== 'http') return;
    while (!this.#closed && this.#queue[0]?.skip) this.#segmentDone(this.#queue.shift() as Pending);
    const pending = this.#queue[0];
    if (!pending || this.#closed) return;
    const abort = new AbortController();
    this.#httpInFlight = { pending, abort };
    const decoder = createPcm16Decoder();
    void streamHttpSegment(this.#options, pending.text, abort.signal, (bytes, sampleRate) => {
      if (this.#closed || this.#cancelled.has(pending.utteranceId)) return;
      const pcm = decoder.push(bytes);
      if (pcm.length === 0) return;
      pending.audioReceived = true;
      this.#events.next({ type: 'audio', utteranceId: pending.utteranceId, segmentId: pending.segmentId, pcm, sampleRate });
    }).then(
      () => {
        this.#httpInFlight = undefined;
        if (this.#closed) return;
        this.#queue.shift();
        this.#segmentDone(pending);
        this.#pumpHttp();
      },
      (error: unknown) => {
        this.#httpInFlight = undefined;
        if (this.#closed) return;
        this.#queue.shift();
        if (abort.signal.aborted && this.#cancelled.has(pending.utteranceId)) {
          this.#pumpHttp();
          return;
        }
        const speechError = SpeechError.from(error, 'connection', { provider: 'munsit' });
        if (speechError.code === 'auth' || speechError.code === 'quota') {
          // The account cannot synthesize at all: the connection is unusable.
          this.#fail(speechError);
          return;
        }
        // This reply failed; drop its other waiting segments and go on with the next reply.
        for (let i = this.#queue.length - 1; i >= 0; i--) {
          if (this.#queue[i]?.utteranceId === pending.utteranceId) this.#queue.splice(i, 1);
        }
        this.#finished.delete(pending.utteranceId);
        this.#events.next({ type: 'error', error: speechError, utteranceId: pending.utteranceId, segmentId: pending.segmentId });
        this.#pumpHttp();
      },
    );
  }

  // --- common ----------------------------------------------------------------------------------

  #segmentDone(pending: Pending): void {
    if (this.#cancelled.has(pending.utteranceId)) return;
    this.#events.next({ type: 'segment-done', utteranceId: pending.utteranceId, segmentId: pending.segmentId });
    this.#maybeUtteranceDone(pending.utteranceId);
  }

  #maybeUtteranceDone(utteranceId: string): void {
    if (!this.#finished.has(utteranceId) || this.#cancelled.has(utteranceId)) return;
    if (this.#queue.some((entry) => entry.utteranceId === utteranceId)) return;
    this.#finished.delete(utteranceId);
    this.#events.next({ type: 'utterance-done', utteranceId });
  }

  /** A connection-level failure: report it, close, complete. */
  #fail(error: SpeechError): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#clearWatchdog();
    this.#httpInFlight?.abort.abort();
    const socket = this.#socket;
    this.#socket = undefined;
    socket?.close(1000, 'error');
    this.#events.next({ type: 'error', error });
    this.#events.next({ type: 'closed', error });
    this.#events.complete();
  }
}

/** A SpeechError for a Munsit `error` message. */
export function errorFromMessage(message: MunsitErrorMessage): SpeechError {
  const text = message.errorMessage ?? message.message ?? 'unknown error';
  const code = codeForMunsitError(message.errorCode, text);
  return new SpeechError(code, `Munsit error${message.errorCode === undefined ? '' : ` ${message.errorCode}`}: ${text}`, {
    provider: 'munsit',
    ...(message.errorCode === undefined ? {} : { providerCode: message.errorCode }),
  });
}
