/**
 * {@link SpeechClient}: the browser side of the speech wire format. Reads a server's speech
 * messages from a WebSocket, plays the audio on a {@link SpeechPlayer}, surfaces segments and words
 * at the moment their audio plays, reports playback back to the server, and barges in.
 */
import { SpeechError, type SpeechErrorCode } from '@utter/core';
import type { PlaybackPosition, SpeechPlayer } from './player/player.js';
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

/** The browser end of a speech link. Create with {@link connectSpeech} or `new SpeechClient(socket, options)`. */
export class SpeechClient {
  private readonly segments = new Map<string, SegmentMessage>();
  private readonly ends = new Map<string, UtteranceEndMessage>();
  private readonly waiting = new Map<string, (event: InterruptedMessage) => void>();
  private readonly confirmed = new Map<string, InterruptedMessage>();
  private readonly unsubscribe: (() => void)[] = [];

  /** @param socket an open or opening WebSocket to a server using `@utter/web/server` */
  constructor(
    readonly socket: WebSocket,
    private readonly options: SpeechClientOptions,
  ) {
    socket.binaryType = 'arraybuffer';
    socket.addEventListener('message', (event: MessageEvent) => this.onSocketMessage(event.data));
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
    const position = await this.options.player.stop();
    if (!position) {
      this.post({ type: 'interrupt' });
      return { position: undefined, confirmed: undefined };
    }
    const id = position.utteranceId;
    const confirmed = this.confirmed.get(id);
    const promise = confirmed
      ? Promise.resolve(confirmed)
      : new Promise<InterruptedMessage>((resolve) => this.waiting.set(id, resolve));
    this.ends.delete(id);
    this.post({ type: 'interrupt', utteranceId: id, playedMs: position.playedMs });
    return { position, confirmed: promise };
  }

  /** Closes the socket. */
  close(): void {
    for (const off of this.unsubscribe) off();
    this.socket.close();
  }

  private post(message: WithoutVersion<ClientMessage>): void {
    if (this.socket.readyState === WebSocket.OPEN) this.socket.send(encodeMessage(message));
  }

  private report(position: PlaybackPosition): void {
    if (this.options.player.isStopped(position.utteranceId)) return;
    this.post({ type: 'playback', utteranceId: position.utteranceId, segmentId: Math.max(0, position.segmentId), playedMs: position.playedMs });
  }

  private fail(error: SpeechError): void {
    this.options.onError?.(error);
  }

  private onSocketMessage(data: unknown): void {
    const player = this.options.player;
    if (data instanceof ArrayBuffer) {
      try {
        player.push(decodeAudioFrame(data));
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
 * Opens a WebSocket to a speech server and resolves once it is open.
 * Fails with a typed `SpeechError` (`connection`, retryable) when it cannot connect.
 */
export function connectSpeech(url: string | URL, options: SpeechClientOptions): Promise<SpeechClient> {
  return new Promise<SpeechClient>((resolve, reject) => {
    const socket = new WebSocket(url, SPEECH_SUBPROTOCOL);
    const client = new SpeechClient(socket, options);
    socket.addEventListener('open', () => resolve(client), { once: true });
    socket.addEventListener('error', () => reject(new SpeechError('connection', 'Could not connect to the speech server.', { retryable: true })), {
      once: true,
    });
  });
}
