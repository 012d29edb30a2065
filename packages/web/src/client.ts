/**
 * {@link SpeechClient}: the browser side of the speech wire format. Reads a server's speech
 * messages from a WebSocket, plays the audio on a {@link SpeechPlayer}, surfaces segments and words
 * at the moment their audio plays, reports playback back to the server, and barges in.
 */
import { SpeechError, type SpeechErrorCode } from '@utter/core';
import { HeardTracker } from './heard.js';
import type { PlaybackPosition, SpeechPlayer } from './player/player.js';
import { SPEECH_STREAM_CONTENT_TYPE, StreamFrameDecoder } from './stream-frames.js';
import {
  decodeAudioFrame,
  encodeMessage,
  parseServerMessage,
  SPEECH_SUBPROTOCOL,
  type ClientMessage,
  type InterruptedMessage,
  type SegmentMessage,
  type ServerMessage,
  type UtteranceEndMessage,
  type WithoutVersion,
  type WordMessage,
} from './wire.js';

/** Callbacks of a {@link SpeechClient}. Segment, word and end callbacks fire when the audio is heard. */
export interface SpeechClientOptions {
  /** The player the audio goes to. */
  readonly player: SpeechPlayer;
  /** A segment's first sample is playing (captions), at `contextTime` on the AudioContext's clock. */
  readonly onSegment?: (segment: SegmentMessage, contextTime: number) => void;
  /** A word's first sample is playing (highlighting), at `contextTime` on the AudioContext's clock. */
  readonly onWord?: (word: WordMessage, contextTime: number) => void;
  /** A reply's last sample has played. */
  readonly onUtteranceEnd?: (event: UtteranceEndMessage) => void;
  /** The server confirmed an interruption: `spokenText` is what was heard. */
  readonly onInterrupted?: (event: InterruptedMessage) => void;
  /** A typed failure from the server or of the wire format. */
  readonly onError?: (error: SpeechError) => void;
  /** An application message from the server. */
  readonly onMessage?: (data: unknown) => void;
  /** Every server message as it arrives (before playback), for logs and debugging. */
  readonly onServerMessage?: (message: ServerMessage) => void;
}

/** What {@link SpeechClient.interrupt} returns. */
export interface Interruption {
  /** Where playback stopped (undefined when nothing was playing). */
  readonly position: PlaybackPosition | undefined;
  /** The server's `interrupted` for that reply (what the listener heard). */
  readonly confirmed: Promise<InterruptedMessage> | undefined;
}

const KNOWN_CODES: ReadonlySet<string> = new Set<SpeechErrorCode>([
  'auth',
  'rate-limit',
  'quota',
  'invalid-input',
  'text-too-long',
  'protocol',
  'timeout',
  'connection',
  'provider',
  'cancelled',
  'unsupported',
]);

/** How a {@link SpeechClient} talks to its server. */
export interface SpeechTransport {
  /** Sends a JSON text message to the server (never called when `canReport` is false). */
  send(message: string): void;
  /** Closes the transport. */
  close(): void;
  /** Whether messages can go back to the server (WebSocket: yes; an HTTP response: no). */
  readonly canReport: boolean;
}

/**
 * The browser end of a speech link. Create with {@link connectSpeech} (WebSocket) or
 * {@link playSpeechResponse} (an HTTP response), or give it any transport and feed it with `receive`.
 */
export class SpeechClient {
  private readonly segments = new Map<string, SegmentMessage>();
  private readonly ends = new Map<string, UtteranceEndMessage>();
  private readonly waiting = new Map<string, (event: InterruptedMessage) => void>();
  private readonly confirmed = new Map<string, InterruptedMessage>();
  private readonly unsubscribe: (() => void)[] = [];
  private readonly heard = new HeardTracker();

  /** @param transport where messages to the server go; what the server sends is passed to {@link receive} */
  constructor(
    private readonly transport: SpeechTransport,
    private readonly options: SpeechClientOptions,
  ) {
    const player = options.player;
    this.unsubscribe.push(
      player.on('playback', (p) => this.report(p)),
      player.on('segment-start', ({ utteranceId, segmentId, contextTime }) => {
        const segment = this.segments.get(`${utteranceId}/${segmentId}`);
        this.segments.delete(`${utteranceId}/${segmentId}`);
        if (segment) options.onSegment?.(segment, contextTime);
      }),
      player.on('played-out', (p) => {
        this.report(p);
        const end = this.ends.get(p.utteranceId);
        this.ends.delete(p.utteranceId);
        if (end) options.onUtteranceEnd?.(end);
      }),
    );
  }

  /** Sends an application message to the server (e.g. the user's question). */
  send(data: unknown): void {
    this.post({ type: 'message', data });
  }

  /**
   * Barge-in: stops playback at once, tells the server the exact position heard, and returns it
   * with a promise of the server's `interrupted` (its `spokenText` ends where the listener stopped).
   */
  async interrupt(): Promise<Interruption> {
    const { position, dropped } = await this.options.player.stop();
    // Replies queued behind the one playing were dropped unheard: the server learns that too.
    for (const other of dropped) {
      if (other === position?.utteranceId) continue;
      this.ends.delete(other);
      this.post({ type: 'interrupt', utteranceId: other, playedMs: 0 });
    }
    if (!position) {
      if (dropped.length === 0) this.post({ type: 'interrupt' });
      return { position: undefined, confirmed: undefined };
    }
    const id = position.utteranceId;
    this.ends.delete(id);
    if (!this.transport.canReport) {
      // No way back to the server: say what was heard from the words and segments received.
      const local = this.heard.heard(id, position.playedMs, false);
      this.transport.close();
      if (!local) return { position, confirmed: undefined };
      const message: InterruptedMessage = { v: 1, ...local };
      this.options.onInterrupted?.(message);
      return { position, confirmed: Promise.resolve(message) };
    }
    const confirmed = this.confirmed.get(id);
    const promise = confirmed
      ? Promise.resolve(confirmed)
      : new Promise<InterruptedMessage>((resolve) => this.waiting.set(id, resolve));
    this.post({ type: 'interrupt', utteranceId: id, playedMs: position.playedMs });
    return { position, confirmed: promise };
  }

  /** Closes the transport and stops listening to the player. */
  close(): void {
    for (const off of this.unsubscribe) off();
    this.transport.close();
  }

  private post(message: WithoutVersion<ClientMessage>): void {
    if (this.transport.canReport) this.transport.send(encodeMessage(message));
  }

  private report(position: PlaybackPosition): void {
    if (this.options.player.isStopped(position.utteranceId)) return;
    this.post({ type: 'playback', utteranceId: position.utteranceId, segmentId: Math.max(0, position.segmentId), playedMs: position.playedMs });
  }

  private fail(error: SpeechError): void {
    this.options.onError?.(error);
  }

  /** Feeds a message from the server: a string (JSON text) or an ArrayBuffer (audio frame). */
  receive(data: unknown): void {
    const player = this.options.player;
    if (data instanceof ArrayBuffer) {
      try {
        const frame = decodeAudioFrame(data);
        this.heard.observe({ type: 'audio', utteranceId: frame.utteranceId, segmentId: frame.segmentId, offsetMs: frame.offsetMs });
        player.push(frame);
      } catch (error) {
        this.fail(new SpeechError('protocol', error instanceof Error ? error.message : 'Bad audio frame.', { retryable: false }));
      }
      return;
    }
    if (typeof data !== 'string') return;
    let message: ServerMessage | undefined;
    try {
      message = parseServerMessage(data);
    } catch (error) {
      this.fail(new SpeechError('protocol', error instanceof Error ? error.message : 'Bad message.', { retryable: false }));
      return;
    }
    if (!message) return;
    if (message.type !== 'hello' && message.type !== 'error' && message.type !== 'message') this.heard.observe(message);
    this.options.onServerMessage?.(message);
    this.dispatch(message);
  }

  private dispatch(message: ServerMessage): void {
    const { player } = this.options;
    switch (message.type) {
      case 'segment':
        if (!player.isStopped(message.utteranceId)) this.segments.set(`${message.utteranceId}/${message.segmentId}`, message);
        return;
      case 'word':
        player.at(message.utteranceId, message.startMs, (contextTime) => this.options.onWord?.(message, contextTime));
        return;
      case 'segment-end':
        player.flush();
        return;
      case 'utterance-end':
        if (player.isStopped(message.utteranceId)) return;
        this.ends.set(message.utteranceId, message);
        player.end(message.utteranceId);
        return;
      case 'interrupted': {
        const resolve = this.waiting.get(message.utteranceId);
        this.waiting.delete(message.utteranceId);
        this.confirmed.set(message.utteranceId, message);
        if (this.confirmed.size > 8) this.confirmed.delete(this.confirmed.keys().next().value as string);
        if (!player.isStopped(message.utteranceId)) void player.stop(); // the server interrupted: stop hearing it
        resolve?.(message);
        this.options.onInterrupted?.(message);
        return;
      }
      case 'error': {
        const code = (KNOWN_CODES.has(message.code) ? message.code : 'provider') as SpeechErrorCode;
        this.fail(new SpeechError(code, message.message, { retryable: message.retryable }));
        return;
      }
      case 'message':
        this.options.onMessage?.(message.data);
        return;
      case 'hello':
        return;
    }
  }
}

/**
 * Opens a WebSocket to a speech server (`@utter/web/server`) and resolves once it is open.
 * Fails with a typed `SpeechError` (`connection`, retryable) when it cannot connect.
 */
export function connectSpeech(url: string | URL, options: SpeechClientOptions): Promise<SpeechClient> {
  return new Promise<SpeechClient>((resolve, reject) => {
    const socket = new WebSocket(url, SPEECH_SUBPROTOCOL);
    socket.binaryType = 'arraybuffer';
    const client = new SpeechClient(
      {
        canReport: true,
        send: (message) => {
          if (socket.readyState === WebSocket.OPEN) socket.send(message);
        },
        close: () => socket.close(),
      },
      options,
    );
    socket.addEventListener('message', (event: MessageEvent) => client.receive(event.data));
    socket.addEventListener('open', () => resolve(client), { once: true });
    socket.addEventListener('error', () => reject(new SpeechError('connection', 'Could not connect to the speech server.', { retryable: true })), {
      once: true,
    });
  });
}

/** Options of {@link playSpeechResponse}. */
export interface SpeechResponseOptions extends SpeechClientOptions {
  /** The controller of the `fetch`: barge-in aborts it, so the server stops speaking at once. */
  readonly abort?: AbortController;
}

/**
 * Plays a speech response (`toSpeechResponse()` of `@utter/web/server`, e.g. from an AI SDK route
 * handler). Resolves with the client once the response headers are in; audio plays as it streams.
 * `interrupt()` stops playback, aborts the request and works out what was heard from the words
 * received (there is no way back to the server over HTTP).
 */
export async function playSpeechResponse(response: Response | PromiseLike<Response>, options: SpeechResponseOptions): Promise<SpeechClient> {
  let res: Response;
  try {
    res = await response;
  } catch (error) {
    throw new SpeechError('connection', 'The speech request failed.', { retryable: true, cause: error });
  }
  const type = res.headers.get('content-type') ?? '';
  if (!res.ok || !res.body || !type.startsWith(SPEECH_STREAM_CONTENT_TYPE)) {
    throw new SpeechError(res.ok ? 'protocol' : 'connection', `Not a speech response (status ${res.status}, content type "${type}").`, {
      retryable: !res.ok && res.status >= 500,
    });
  }
  const reader = res.body.getReader();
  let closed = false;
  const client = new SpeechClient(
    {
      canReport: false,
      send: () => {},
      close: () => {
        if (closed) return;
        closed = true;
        options.abort?.abort();
        void reader.cancel().catch(() => {});
      },
    },
    options,
  );
  const decoder = new StreamFrameDecoder();
  void (async () => {
    try {
      for (;;) {
        const { done, value } = await reader.read();
        if (done) break;
        for (const message of decoder.push(value)) client.receive(message);
      }
      if (decoder.pending) throw new SpeechError('connection', 'The speech response ended mid-message.', { retryable: true });
    } catch (error) {
      if (!closed) options.onError?.(SpeechError.from(error, 'connection'));
    }
  })();
  return client;
}
