/**
 * An Uplift AI connection over the plain WebSocket multi-stream endpoint.
 *
 * Every segment becomes one `synthesize` request (or several, when it is longer than 10 000
 * characters) with a unique `requestId`. Requests run concurrently; their chunks interleave on the
 * wire. Audio is reported with its segment id (the core puts segments back in order); the parts of
 * one split segment are put back in order here. `audio_end` ends a request; a segment is done when
 * all its parts are. `cancel` is sent for each active request of a cancelled reply, and anything
 * that still arrives for those requests is dropped.
 */
import { Subject } from 'rxjs';
import { SpeechError, type ConnectionEvent, type SpeechConnection, type TextRequest } from '@utter/core';
import { codeForUpliftError, MAX_CHARS_PER_REQUEST, parseServerMessage, type SynthesizeMessage, type UpliftServerMessage } from './protocol.js';
import type { ResolvedUpliftOptions } from './options.js';
import { createRequestDecoder, type RequestAudioDecoder } from './decode.js';
import type { WireSocket } from './socket.js';

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

/** The connection. Created by the provider's `connect()` after `ready`. */
export class UpliftConnection implements SpeechConnection {
  readonly #events = new Subject<ConnectionEvent>();
  readonly events = this.#events.asObservable();
  readonly #options: ResolvedUpliftOptions;
  readonly #socket: WireSocket;
  readonly #parts = new Map<string, Part>();
  readonly #segments: Segment[] = [];
  /** Request ids that were cancelled or failed: late frames for them are dropped silently. */
  readonly #retired = new Set<string>();
  readonly #finished = new Set<string>();
  readonly #cancelled = new Set<string>();
  #counter = 0;
  #closed = false;
  /** The server's session id (from `ready`). */
  readonly sessionId: string | undefined;

  constructor(options: ResolvedUpliftOptions, socket: WireSocket, sessionId: string | undefined) {
    this.#options = options;
    this.#socket = socket;
    this.sessionId = sessionId;
    socket.onMessage((data) => this.#onFrame(data));
    socket.onClose((error) => this.#fail(error ?? new SpeechError('connection', 'Uplift AI closed the connection.', { provider: 'upliftai' })));
  }

  /** Request ids in flight (sent, not yet ended or cancelled). */
  get activeRequestIds(): readonly string[] {
    return [...this.#parts.keys()];
  }

  send(request: TextRequest): void {
    if (this.#closed || this.#cancelled.has(request.utteranceId)) return;
    const segment: Segment = { utteranceId: request.utteranceId, segmentId: request.segmentId, parts: [], current: 0 };
    if (request.text.trim() === '') {
      // Nothing to say: Uplift would reject or ignore a blank text. Done at once (the core orders segments).
      this.#events.next({ type: 'segment-done', utteranceId: request.utteranceId, segmentId: request.segmentId });
      return;
    }
    const texts = splitText(request.text, MAX_CHARS_PER_REQUEST);
    for (const [index, text] of texts.entries()) {
      const requestId = `${request.utteranceId}:${request.segmentId}:${++this.#counter}`;
      const part: Part = { requestId, segment, index, decoder: createRequestDecoder(this.#options.outputFormat), ended: false, lastSequence: undefined, held: [] };
      segment.parts.push(part);
      this.#parts.set(requestId, part);
      const message: SynthesizeMessage = {
        type: 'synthesize',
        requestId,
        text,
        voiceId: this.#options.voiceId,
        outputFormat: this.#options.outputFormat,
        ...(this.#options.phraseReplacementConfigId ? { phraseReplacementConfigId: this.#options.phraseReplacementConfigId } : {}),
      };
      this.#socket.send(JSON.stringify(message));
    }
    this.#segments.push(segment);
  }

  finish(utteranceId: string): void {
    if (this.#closed || this.#cancelled.has(utteranceId)) return;
    this.#finished.add(utteranceId);
    this.#maybeUtteranceDone(utteranceId);
  }

  cancel(utteranceId: string): void {
    if (this.#closed) return;
    this.#cancelled.add(utteranceId);
    this.#dropUtterance(utteranceId, true);
  }

  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#socket.close(1000, 'client close');
    this.#events.next({ type: 'closed' });
    this.#events.complete();
  }

  #onFrame(data: string | Uint8Array): void {
    if (this.#closed) return;
    if (typeof data !== 'string') {
      this.#fail(new SpeechError('protocol', 'Uplift AI sent a binary frame; only JSON text frames are expected.', { provider: 'upliftai', retryable: true }));
      return;
    }
    let message: UpliftServerMessage;
    try {
      message = parseServerMessage(data);
    } catch (error) {
      this.#fail(SpeechError.from(error, 'protocol', { provider: 'upliftai' }));
      return;
    }
    switch (message.type) {
      case 'ready':
        return; // a repeated ready is harmless
      case 'error':
        this.#onError(message.requestId, message.code, message.message);
        return;
      case 'audio_start': {
        this.#partFor(message.requestId);
        return;
      }
      case 'audio': {
        const part = this.#partFor(message.requestId);
        if (!part) return;
        if (message.sequence !== undefined) {
          if (part.lastSequence !== undefined && message.sequence <= part.lastSequence) {
            this.#fail(new SpeechError('protocol', `Uplift AI sent audio out of sequence (${message.sequence} after ${part.lastSequence}).`, { provider: 'upliftai', retryable: true }));
            return;
          }
          part.lastSequence = message.sequence;
        }
        if (part.ended) {
          this.#fail(new SpeechError('protocol', 'Uplift AI sent audio after audio_end.', { provider: 'upliftai', retryable: true }));
          return;
        }
        let pcm: Int16Array;
        try {
          pcm = part.decoder.push(message.audio);
        } catch {
          this.#fail(new SpeechError('protocol', 'Uplift AI sent audio that cannot be decoded.', { provider: 'upliftai', retryable: true }));
          return;
        }
        if (pcm.length === 0) return;
        if (part.index === part.segment.current) this.#emitAudio(part, pcm);
        else part.held.push(pcm);
        return;
      }
      case 'audio_end': {
        const part = this.#partFor(message.requestId);
        if (!part) return;
        part.ended = true;
        this.#parts.delete(part.requestId);
        this.#retired.add(part.requestId);
        const segment = part.segment;
        while (segment.current < segment.parts.length && segment.parts[segment.current]?.ended) {
          segment.current++;
          const next = segment.parts[segment.current];
          if (next) for (const pcm of next.held.splice(0)) this.#emitAudio(next, pcm);
        }
        if (segment.current === segment.parts.length) {
          const at = this.#segments.indexOf(segment);
          if (at >= 0) this.#segments.splice(at, 1);
          this.#events.next({ type: 'segment-done', utteranceId: segment.utteranceId, segmentId: segment.segmentId });
          this.#maybeUtteranceDone(segment.utteranceId);
        }
        return;
      }
    }
  }

  /** The live part for `requestId`; undefined (silently) for a retired one; a protocol failure for an unknown one. */
  #partFor(requestId: string): Part | undefined {
    const part = this.#parts.get(requestId);
    if (part) return part;
    if (!this.#retired.has(requestId)) {
      this.#fail(new SpeechError('protocol', 'Uplift AI sent a message for a request that was never made.', { provider: 'upliftai', retryable: true }));
    }
    return undefined;
  }

  #emitAudio(part: Part, pcm: Int16Array): void {
    this.#events.next({ type: 'audio', utteranceId: part.segment.utteranceId, segmentId: part.segment.segmentId, pcm, sampleRate: part.decoder.sampleRate });
  }

  #onError(requestId: string | undefined, code: string | undefined, text: string | undefined): void {
    const error = new SpeechError(codeForUpliftError(code, text), `Uplift AI error${code ? ` ${code}` : ''}: ${text ?? 'unknown error'}`, {
      provider: 'upliftai',
      ...(code === undefined ? {} : { providerCode: code }),
    });
    const part = requestId === undefined ? undefined : this.#parts.get(requestId);
    if (requestId !== undefined && !part && this.#retired.has(requestId)) return; // about a cancelled request
    if (!part || error.code === 'auth' || error.code === 'quota') {
      this.#fail(error);
      return;
    }
    // This reply fails; its other requests are cancelled, the connection stays usable.
    const { utteranceId, segmentId } = part.segment;
    this.#dropUtterance(utteranceId, true, requestId);
    this.#finished.delete(utteranceId);
    this.#events.next({ type: 'error', error, utteranceId, segmentId });
  }

  /** Forgets a reply's segments; with `sendCancel`, sends `cancel` for each of its active requests. */
  #dropUtterance(utteranceId: string, sendCancel: boolean, except?: string): void {
    this.#finished.delete(utteranceId);
    for (let i = this.#segments.length - 1; i >= 0; i--) {
      const segment = this.#segments[i];
      if (!segment || segment.utteranceId !== utteranceId) continue;
      this.#segments.splice(i, 1);
      for (const part of segment.parts) {
        if (!this.#parts.has(part.requestId)) continue;
        this.#parts.delete(part.requestId);
        this.#retired.add(part.requestId);
        if (sendCancel && part.requestId !== except) this.#socket.send(JSON.stringify({ type: 'cancel', requestId: part.requestId }));
      }
    }
  }

  #maybeUtteranceDone(utteranceId: string): void {
    if (!this.#finished.has(utteranceId)) return;
    if (this.#segments.some((segment) => segment.utteranceId === utteranceId)) return;
    this.#finished.delete(utteranceId);
    this.#events.next({ type: 'utterance-done', utteranceId });
  }

  #fail(error: SpeechError): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#socket.close(1000, 'error');
    this.#events.next({ type: 'error', error });
    this.#events.next({ type: 'closed', error });
    this.#events.complete();
  }
}

/**
 * Splits `text` into pieces of at most `max` UTF-16 units, at the last whitespace (or, failing that,
 * the last code-point boundary) before the limit. Lossless: the pieces join back to `text`.
 */
export function splitText(text: string, max: number): string[] {
  const out: string[] = [];
  let rest = text;
  while (rest.length > max) {
    let cut = -1;
    for (let i = max; i > max / 2; i--) {
      if (/\s/.test(rest[i - 1] ?? '')) {
        cut = i;
        break;
      }
    }
    if (cut < 0) {
      cut = max;
      const code = rest.charCodeAt(cut - 1);
      if (code >= 0xd800 && code <= 0xdbff) cut--; // do not split a surrogate pair
    }
    out.push(rest.slice(0, cut));
    rest = rest.slice(cut);
  }
  if (rest.length > 0) out.push(rest);
  return out;
}
