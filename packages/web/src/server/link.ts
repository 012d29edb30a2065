/**
 * {@link SpeechLink}: the server side of the speech wire format. It relays a reply's speech events
 * to one browser (JSON events and binary audio frames) and feeds the browser's playback reports and
 * barge-in back to the session, so `interrupted.spokenText` is what the listener heard.
 */
import { SpeechError, type SayOptions, type SpeechEvent, type SpeechInput } from '@utter/core';
import {
  encodeAudioFrame,
  encodeMessage,
  parseClientMessage,
  WireFormatError,
  type ClientMessage,
  type InterruptedMessage,
  type ServerMessage,
  type WithoutVersion,
} from '../wire.js';
import { HeardTracker } from '../heard.js';

/** The least of an Observable (RxJS's `Observable` and `SpeechStream.toObservable()` fit). */
export interface SubscribableLike<T> {
  subscribe(observer: { next: (value: T) => void; error: (error: unknown) => void; complete: () => void }): { unsubscribe(): void };
}

/** What the link needs of a speech session (`createSpeechSession()` fits). */
export interface SpeechSessionLike {
  say(input: SpeechInput, options?: SayOptions): SubscribableLike<SpeechEvent>;
  interrupt(): void;
  reportPlayback(utteranceId: string, playedMs: number): void;
}

/** What the link needs of one spoken reply (`speak(streamText(...))` from `@utter/ai-sdk` fits). */
export interface SpeechStreamLike {
  toObservable(): SubscribableLike<SpeechEvent>;
  interrupt(): void;
  reportPlayback(playedMs: number): void;
}

/** How a reply relayed by the link ended. */
export type RelayOutcome = 'completed' | 'interrupted' | 'cancelled' | 'failed';

/** Options of {@link createSpeechLink}. */
export interface SpeechLinkOptions {
  /** The session `say()` speaks on. */
  readonly session?: SpeechSessionLike;
  /** An application message from the browser (`{type:'message', data}`), e.g. the user's question. */
  readonly onMessage?: (data: unknown) => void;
  /** Every `interrupted` sent to the browser, including replies stopped after the server had sent all their audio. */
  readonly onInterrupted?: (event: InterruptedMessage) => void;
  /** Every playback report of the browser, including for replies the server has finished sending. */
  readonly onPlayback?: (report: { readonly utteranceId: string; readonly segmentId: number; readonly playedMs: number }) => void;
  /** A message from the browser that breaks the wire format (it is ignored; default: nothing). */
  readonly onProtocolError?: (error: SpeechError) => void;
}

/** One browser's end of the speech wire format on the server. */
export interface SpeechLink {
  /** Speaks `input` on the session (see {@link SpeechLinkOptions.session}) to the browser; resolves with how it ended. */
  say(input: SpeechInput, options?: SayOptions): Promise<RelayOutcome>;
  /** Relays one reply of the AI SDK integration (`speak(result, { provider })`); resolves with how it ended. */
  speak(stream: SpeechStreamLike): Promise<RelayOutcome>;
  /** Relays any speech event source, with its barge-in and playback controls. */
  relay(events: SubscribableLike<SpeechEvent>, control: ReplyControls): Promise<RelayOutcome>;
  /** Sends an application message to the browser. */
  send(data: unknown): void;
  /** Feeds a message received from the browser (text or binary). */
  receive(data: string | ArrayBuffer | ArrayBufferView): void;
  /** Barge-in from the server side (e.g. the user spoke): interrupts the reply being relayed. */
  interrupt(): void;
  /** Stops relaying: cancels the replies being relayed. Idempotent. */
  close(): void;
}

/** Barge-in and playback controls of a relayed reply. */
export interface ReplyControls {
  interrupt(): void;
  reportPlayback(utteranceId: string, playedMs: number): void;
}

interface Live {
  utteranceId: string | undefined;
  readonly control: ReplyControls;
  readonly cancel: () => void;
}

/**
 * Creates the server side of a browser speech link over any transport: `send` writes one message
 * (a string is a text message, bytes a binary one); pass what the browser sends to `receive`.
 * For WebSocket-like objects, {@link attachSpeechSocket} does the wiring.
 */
export function createSpeechLink(send: (data: string | Uint8Array) => void, options: SpeechLinkOptions = {}): SpeechLink {
  const live = new Set<Live>();
  const late = new HeardTracker();
  let closed = false;

  const emit = (message: WithoutVersion<ServerMessage>) => {
    if (!closed) send(encodeMessage(message));
  };
  emit({ type: 'hello', protocol: 'utter.speech' });

  const sendInterrupted = (message: WithoutVersion<InterruptedMessage>) => {
    emit(message);
    options.onInterrupted?.({ v: 1, ...message });
  };

  const forward = (event: SpeechEvent) => {
    late.observe(event);
    switch (event.type) {
      case 'audio':
        if (!closed) send(encodeAudioFrame(event));
        return;
      case 'segment':
        emit({ type: 'segment', utteranceId: event.utteranceId, segmentId: event.segmentId, text: event.text, start: event.start, end: event.end });
        return;
      case 'word':
        emit({
          type: 'word',
          utteranceId: event.utteranceId,
          segmentId: event.segmentId,
          text: event.text,
          startMs: Math.max(0, event.startMs),
          endMs: Math.max(0, event.endMs),
          ...(event.start === undefined || event.end === undefined ? {} : { start: event.start, end: event.end }),
        });
        return;
      case 'segment-end':
        emit({ type: 'segment-end', utteranceId: event.utteranceId, segmentId: event.segmentId, audioMs: event.audioMs });
        return;
      case 'utterance-end':
        emit({
          type: 'utterance-end',
          utteranceId: event.utteranceId,
          text: event.text,
          audioMs: event.metrics.audioDurationMs,
          ...(event.metrics.timeToFirstAudioMs === undefined ? {} : { timeToFirstAudioMs: event.metrics.timeToFirstAudioMs }),
        });
        return;
      case 'interrupted':
        sendInterrupted({
          type: 'interrupted',
          utteranceId: event.utteranceId,
          spokenText: event.spokenText,
          spokenEnd: event.spokenEnd,
          playedMs: event.playedMs,
          basis: event.basis,
        });
        return;
    }
  };

  const relay = (events: SubscribableLike<SpeechEvent>, control: ReplyControls): Promise<RelayOutcome> =>
    new Promise<RelayOutcome>((resolve) => {
      if (closed) {
        resolve('cancelled');
        return;
      }
      let outcome: RelayOutcome = 'cancelled';
      let done = false;
      const entry: Live = { utteranceId: undefined, control, cancel: () => finish('cancelled') };
      const finish = (result: RelayOutcome) => {
        if (done) return;
        done = true;
        live.delete(entry);
        subscription?.unsubscribe();
        resolve(result);
      };
      live.add(entry);
      let subscription: { unsubscribe(): void } | undefined;
      subscription = events.subscribe({
        next: (event) => {
          entry.utteranceId = event.utteranceId;
          if (event.type === 'utterance-end') outcome = 'completed';
          if (event.type === 'interrupted') outcome = 'interrupted';
          forward(event);
        },
        error: (error) => {
          const failure = SpeechError.from(error);
          emit({
            type: 'error',
            ...(entry.utteranceId === undefined ? {} : { utteranceId: entry.utteranceId }),
            code: failure.code,
            message: failure.message,
            retryable: failure.retryable,
          });
          finish('failed');
        },
        complete: () => finish(outcome),
      });
      if (done) subscription.unsubscribe();
    });

  const onClientMessage = (message: ClientMessage) => {
    switch (message.type) {
      case 'message':
        options.onMessage?.(message.data);
        return;
      case 'playback':
        options.onPlayback?.({ utteranceId: message.utteranceId, segmentId: message.segmentId, playedMs: message.playedMs });
        for (const entry of live) if (entry.utteranceId === message.utteranceId) entry.control.reportPlayback(message.utteranceId, message.playedMs);
        return;
      case 'interrupt': {
        const { utteranceId, playedMs } = message;
        const targets = [...live].filter((entry) => utteranceId === undefined || entry.utteranceId === utteranceId);
        for (const entry of targets) {
          if (playedMs !== undefined && entry.utteranceId !== undefined) entry.control.reportPlayback(entry.utteranceId, playedMs);
          entry.control.interrupt();
        }
        if (targets.length === 0 && utteranceId !== undefined && playedMs !== undefined) {
          // The server had sent the whole reply; the listener stopped it while it was still playing.
          const heard = late.heard(utteranceId, playedMs, true);
          if (heard) sendInterrupted(heard);
        }
        return;
      }
    }
  };

  return {
    say(input, sayOptions) {
      const session = options.session;
      if (!session) return Promise.reject(new SpeechError('invalid-input', 'createSpeechLink: option "session" is required for say().', { retryable: false }));
      return relay(session.say(input, sayOptions), { interrupt: () => session.interrupt(), reportPlayback: (id, ms) => session.reportPlayback(id, ms) });
    },
    speak(stream) {
      return relay(stream.toObservable(), { interrupt: () => stream.interrupt(), reportPlayback: (_id, ms) => stream.reportPlayback(ms) });
    },
    relay,
    send(data) {
      emit({ type: 'message', data });
    },
    receive(data) {
      if (closed) return;
      if (typeof data !== 'string') {
        options.onProtocolError?.(new SpeechError('protocol', 'Binary messages from the browser are not part of the speech wire format.', { retryable: false }));
        return;
      }
      let message: ClientMessage | undefined;
      try {
        message = parseClientMessage(data);
      } catch (error) {
        const reason = error instanceof WireFormatError ? error.message : 'Unreadable message.';
        options.onProtocolError?.(new SpeechError('protocol', reason, { retryable: false }));
        return;
      }
      if (message) onClientMessage(message);
    },
    interrupt() {
      for (const entry of live) entry.control.interrupt();
    },
    close() {
      if (closed) return;
      closed = true;
      for (const entry of [...live]) entry.cancel();
    },
  };
}
