/**
 * `speak(source, options)`: speaks a `streamText` result (ai 5, 6, 7) or any text stream and returns a
 * {@link SpeechStream}: an `AsyncIterable<SpeechEvent>` that is also an Observable source, an HTTP
 * `Response` of audio and a `ReadableStream` of audio bytes.
 */
import {
  SpeechError,
  createSpeechSession,
  type SpeechEvent,
  type SpeechProvider,
  type SpeechSession,
  type SpeechSessionOptions,
} from '@utter/core';
import { Observable, finalize, tap, type Subscriber, type Subscription } from 'rxjs';
import { AudioByteEncoder, contentTypeOf, type AudioByteFormat } from './audio.js';
import { audioFormatSchema, parseOptions, responseOptionsSchema, speakOptionsSchema } from './options.js';
import { answerText, streamError, type TextExtractionOptions, type TextSource } from './text.js';

/**
 * A source that the speech stream owns: called when speaking starts, with an `abortSignal` that is
 * aborted when speech stops early (the consumer left, `abortSignal` aborted, speech failed or was
 * interrupted). Pass it to `streamText` so that stopping speech stops the model too.
 *
 * @example
 * ```ts
 * speak(({ abortSignal }) => streamText({ model, prompt, abortSignal }), { provider: espeak() });
 * ```
 */
export type OwnedTextSource = (context: { readonly abortSignal: AbortSignal }) => TextSource | PromiseLike<TextSource>;

/** What {@link speak} accepts: a `streamText` result, text deltas, a string, or a source it owns. */
export type SpeakSource = TextSource | OwnedTextSource;

/** Options shared by every form of {@link speak}. */
interface SpeakCommonOptions extends TextExtractionOptions {
  /**
   * Aborting stops speech at once: no event follows, the provider's generation is cancelled and the
   * iteration ends. It does not stop a `streamText` call you started yourself: pass the same signal
   * to `streamText({ abortSignal })`, or use the owned form (`speak(({ abortSignal }) => streamText(...))`).
   */
  readonly abortSignal?: AbortSignal;
  /**
   * Sample rate of the audio, for the WAV header and `audio/pcm` content type of {@link SpeechStream.toResponse}.
   * Default: the provider's `capabilities.sampleRate` (with `session`, the first audio event's rate).
   */
  readonly sampleRate?: number;
}

/** Options of {@link speak} with a provider: one reply on its own connection. */
export interface SpeakWithProviderOptions extends SpeakCommonOptions, Omit<SpeechSessionOptions, 'provider'> {
  /** The text-to-speech provider, e.g. `espeak()`. */
  readonly provider: SpeechProvider;
  readonly session?: undefined;
}

/**
 * Options of {@link speak} with a session (`createSpeechSession`): the reply uses the session's warm
 * connection, waits for earlier replies, and `session.interrupt()` stops it with an `interrupted` event.
 */
export interface SpeakWithSessionOptions extends SpeakCommonOptions {
  /** The conversation's speech session. */
  readonly session: SpeechSession;
  readonly provider?: undefined;
}

/** Options of {@link speak}. */
export type SpeakOptions = SpeakWithProviderOptions | SpeakWithSessionOptions;

/** Options of {@link SpeechStream.toAudioStream}. */
export interface AudioStreamOptions {
  /**
   * `'wav'` (default): a WAV header with unknown length (0xFFFFFFFF sizes, which browsers and
   * ffmpeg play as a stream) followed by PCM16. `'pcm'`: raw PCM16 little-endian mono.
   */
  readonly format?: AudioByteFormat;
}

/** Options of {@link SpeechStream.toResponse}. */
export interface SpeechResponseOptions extends AudioStreamOptions {
  /** HTTP status. Default 200. */
  readonly status?: number;
  readonly statusText?: string;
  /** Extra headers; a `content-type` here replaces the default. */
  readonly headers?: HeadersInit;
}

/**
 * The speech of one reply. Consume it once, in one of these ways:
 * - `for await (const event of stream)`: leaving the loop early stops speech at once;
 * - `from(stream)` (RxJS) or `stream.toObservable()`: unsubscribing stops speech at once;
 * - `stream.toResponse()`: an HTTP `Response` of audio for route handlers;
 * - `stream.toAudioStream()`: a `ReadableStream` of audio bytes.
 *
 * Nothing happens until it is consumed. Failures are {@link SpeechError}s: the iteration throws, the
 * Observable errors, the byte stream errors.
 */
/** How a speech stream reaches the reply it speaks. @internal */
interface ReplyControl {
  interrupt(): void;
  reportPlayback(playedMs: number): void;
}

export class SpeechStream implements AsyncIterable<SpeechEvent> {
  private consumed = false;
  private stopper: ((reason?: unknown) => void) | undefined;
  private cancelled = false;

  /** @internal Use {@link speak}. */
  constructor(
    private readonly start: (signal: AbortSignal) => Observable<SpeechEvent>,
    private readonly abortSignal: AbortSignal | undefined,
    /** Sample rate of the audio when known before the first audio event. */
    readonly sampleRate: number | undefined,
    private readonly onStop: (completed: boolean, interrupted: boolean) => void = () => {},
    private readonly control: ReplyControl = { interrupt: () => {}, reportPlayback: () => {} },
  ) {}

  /**
   * Barge-in: stops the speech at once; the stream emits `interrupted` (with the original text
   * actually heard) and ends. A no-op before the reply has started speaking or after it ended.
   */
  interrupt(): void {
    this.control.interrupt();
  }

  /**
   * Reports how much of this reply's audio the player has played, in ms from its start, so that an
   * interruption reports exactly what was heard (and pacing follows the player).
   */
  reportPlayback(playedMs: number): void {
    this.control.reportPlayback(playedMs);
  }

  /** The speech events as a cold Observable (subscribe once). Unsubscribing stops speech at once. */
  toObservable(): Observable<SpeechEvent> {
    return new Observable<SpeechEvent>((subscriber) => this.run(subscriber));
  }

  /** RxJS interop: `from(speechStream)` subscribes through {@link toObservable} (prompt cancellation). */
  ['@@observable'](): Observable<SpeechEvent> {
    return this.toObservable();
  }

  /** Stops speech at once (like aborting `abortSignal`). Idempotent. */
  cancel(): void {
    this.cancelled = true;
    this.stopper?.();
  }

  private run(subscriber: Subscriber<SpeechEvent>): () => void {
    if (this.consumed) {
      subscriber.error(
        new SpeechError('invalid-input', 'A speech stream can be consumed only once (iterate it, subscribe to it, or call toResponse()/toAudioStream() once).', { retryable: false }),
      );
      return () => {};
    }
    this.consumed = true;
    const outer = this.abortSignal;
    if (this.cancelled || outer?.aborted) {
      subscriber.complete();
      this.onStop(false, false);
      return () => {};
    }
    // Aborted when speech stops for any reason; passed to the core as its signal.
    const controller = new AbortController();
    let done = false;
    let interrupted = false;
    const finish = (completed: boolean): void => {
      if (done) return;
      done = true;
      outer?.removeEventListener('abort', onAbort);
      this.stopper = undefined;
      if (!completed && !controller.signal.aborted) controller.abort(new SpeechError('cancelled', 'Speech was stopped.'));
      this.onStop(completed, interrupted);
    };
    let subscription: Subscription | undefined;
    const onAbort = (): void => {
      if (done) return;
      // Prompt and total: complete now, whatever the core still has in flight.
      finish(false);
      subscription?.unsubscribe();
      subscriber.complete();
    };
    outer?.addEventListener('abort', onAbort, { once: true });
    this.stopper = onAbort;
    subscription = this.start(controller.signal).subscribe({
      next: (event) => {
        if (done) return;
        if (event.type === 'interrupted') interrupted = true;
        subscriber.next(event);
      },
      error: (error: unknown) => {
        if (done) return;
        finish(false);
        subscriber.error(SpeechError.from(error));
      },
      complete: () => {
        if (done) return;
        finish(!interrupted);
        subscriber.complete();
      },
    });
    if (done) subscription.unsubscribe();
    return () => {
      subscription?.unsubscribe();
      finish(false);
    };
  }

  /** Iterates the speech events. Leaving the loop early (`break`, `return`, a throw) stops speech at once. */
  [Symbol.asyncIterator](): AsyncIterator<SpeechEvent> {
    return observableToAsyncIterator(this.toObservable());
  }

  /**
   * The audio as a `ReadableStream` of bytes: WAV (default) or raw PCM16 little-endian. Cancelling the
   * stream (e.g. the HTTP client went away) stops speech. A speech failure errors the stream.
   */
  toAudioStream(options: AudioStreamOptions = {}): ReadableStream<Uint8Array> {
    const format = parseOptions(audioFormatSchema.optional(), options.format, 'audio stream') ?? 'wav';
    const encoder = new AudioByteEncoder(format, this.sampleRate);
    let stop: (() => void) | undefined;
    let closed = false;
    return new ReadableStream<Uint8Array>({
      start: (controller) => {
        const header = encoder.start();
        if (header) controller.enqueue(header);
        const subscription = this.toObservable().subscribe({
          next: (event) => {
            if (closed || event.type !== 'audio') return;
            controller.enqueue(encoder.audio(event));
          },
          error: (error: unknown) => {
            if (closed) return;
            closed = true;
            controller.error(error);
          },
          complete: () => {
            if (closed) return;
            closed = true;
            const tail = encoder.end(this.sampleRate ?? 24_000);
            if (tail) controller.enqueue(tail);
            controller.close();
          },
        });
        stop = () => subscription.unsubscribe();
        if (closed) stop();
      },
      cancel: () => {
        closed = true;
        stop?.();
      },
    });
  }

  /**
   * A streaming HTTP `Response` of the audio, for route handlers (Next.js, Hono, SvelteKit, ...):
   * `audio/wav` by default, `audio/pcm;rate=<rate>;channels=1` (PCM16 little-endian) with `format: 'pcm'`.
   *
   * @example
   * ```ts
   * export async function POST(req: Request) {
   *   const result = streamText({ model, prompt: await req.text(), abortSignal: req.signal });
   *   return speak(result, { provider: espeak(), abortSignal: req.signal }).toResponse();
   * }
   * ```
   */
  toResponse(options: SpeechResponseOptions = {}): Response {
    const parsed = parseOptions(responseOptionsSchema, options, 'toResponse');
    const format = parsed.format ?? 'wav';
    if (format === 'pcm' && this.sampleRate === undefined) {
      throw new SpeechError('invalid-input', "toResponse({ format: 'pcm' }) needs the sample rate: pass `sampleRate` to speak() when speaking through a session.", { retryable: false });
    }
    const headers = new Headers(options.headers);
    if (!headers.has('content-type')) headers.set('content-type', contentTypeOf(format, this.sampleRate));
    if (!headers.has('cache-control')) headers.set('cache-control', 'no-store');
    if (!headers.has('x-content-type-options')) headers.set('x-content-type-options', 'nosniff');
    return new Response(this.toAudioStream({ format }), {
      status: parsed.status ?? 200,
      ...(parsed.statusText === undefined ? {} : { statusText: parsed.statusText }),
      headers,
    });
  }
}

/**
 * Speaks a `streamText` result of ai 5, 6 or 7 (only the answer text: never reasoning or tool input;
 * each step's text in order), any `AsyncIterable<string>` of text deltas, or a string.
 *
 * Stopping: leaving the iteration early or aborting `abortSignal` stops speech at once. Leaving the AI
 * SDK's streams early does not stop the model (v5–v7), so either give `streamText` the same
 * `abortSignal`, or pass a function — `speak(({ abortSignal }) => streamText({ ..., abortSignal }))` —
 * and the speech stream stops the model whenever speech stops early.
 *
 * @example
 * ```ts
 * const result = streamText({ model, prompt: 'Tell me a story.' });
 * for await (const event of speak(result, { provider: espeak() })) {
 *   if (event.type === 'audio') player.write(event.pcm);
 * }
 * ```
 */
export function speak(source: SpeakSource, options: SpeakOptions): SpeechStream {
  parseOptions(speakOptionsSchema, options, 'speak');
  const { abortSignal, session, provider, sampleRate, blockSeparator, ...sessionOptions } = options as Omit<SpeakWithProviderOptions, 'session' | 'provider'> & {
    readonly session?: SpeechSession;
    readonly provider?: SpeechProvider;
  };
  const extraction: TextExtractionOptions = blockSeparator === undefined ? {} : { blockSeparator };
  const rate = sampleRate ?? provider?.capabilities.sampleRate;
  let ownedController: AbortController | undefined;

  const input = (signal: AbortSignal): AsyncIterable<string> => ({
    [Symbol.asyncIterator]: () => {
      if (typeof source !== 'function') return answerText(source, extraction)[Symbol.asyncIterator]();
      const owned = new AbortController();
      ownedController = owned;
      return (async function* () {
        let resolved: TextSource;
        try {
          resolved = await source({ abortSignal: owned.signal });
        } catch (error) {
          throw streamError(error);
        }
        if (signal.aborted) return;
        yield* answerText(resolved, extraction);
      })();
    },
  });

  // The reply being spoken, for interrupt() and reportPlayback(): its session and, once it started, its id.
  let live: { readonly session: SpeechSession; utteranceId: string | undefined } | undefined;
  const start = (signal: AbortSignal): Observable<SpeechEvent> => {
    const text = input(signal);
    // Without a session, a one-reply session of our own (closed when the reply ends), as core's speak() does.
    const target = session ?? createSpeechSession({ ...(sessionOptions as Omit<SpeechSessionOptions, 'provider'>), provider: provider as SpeechProvider });
    const state: { readonly session: SpeechSession; utteranceId: string | undefined } = { session: target, utteranceId: undefined };
    live = state;
    return target.say(text, { signal }).pipe(
      tap((event) => {
        state.utteranceId ??= event.utteranceId;
      }),
      finalize(() => {
        if (live === state) live = undefined;
        if (session === undefined) void target.close();
      }),
    );
  };
  const control: ReplyControl = {
    interrupt: () => {
      if (live?.utteranceId !== undefined) live.session.interrupt();
    },
    reportPlayback: (playedMs) => {
      if (live?.utteranceId !== undefined) live.session.reportPlayback(live.utteranceId, playedMs);
    },
  };

  // The owned model is stopped whenever speech stops without completing (left early, aborted,
  // failed, interrupted). After a normal end the model has finished already.
  const onStop = (completed: boolean): void => {
    if (!completed && ownedController && !ownedController.signal.aborted) {
      ownedController.abort(new SpeechError('cancelled', 'Speech was stopped.'));
    }
  };
  return new SpeechStream(start, abortSignal, rate, onStop, control);
}

/**
 * Adapts an Observable to an AsyncIterator with prompt cancellation: `return()` unsubscribes at once.
 * Events are buffered while the consumer is busy (speech events are small and bounded by the reply).
 * @internal
 */
export function observableToAsyncIterator<T>(source: Observable<T>): AsyncIterator<T> {
  const buffer: T[] = [];
  const waiting: Array<{ resolve: (result: IteratorResult<T>) => void; reject: (error: unknown) => void }> = [];
  let finished = false;
  let failure: { error: unknown } | undefined;
  let subscription: { unsubscribe(): void } | undefined;
  let started = false;

  const settle = (): void => {
    while (waiting.length > 0) {
      const next = waiting[0]!;
      if (buffer.length > 0) {
        waiting.shift();
        next.resolve({ value: buffer.shift() as T, done: false });
      } else if (failure) {
        waiting.shift();
        const { error } = failure;
        failure = undefined; // delivered once; later calls report the end
        next.reject(error);
      } else if (finished) {
        waiting.shift();
        next.resolve({ value: undefined, done: true });
      } else return;
    }
  };
  const ensureStarted = (): void => {
    if (started) return;
    started = true;
    subscription = source.subscribe({
      next: (value) => {
        if (finished) return;
        buffer.push(value);
        settle();
      },
      error: (error: unknown) => {
        if (finished) return;
        finished = true;
        failure = { error };
        settle();
      },
      complete: () => {
        finished = true;
        settle();
      },
    });
    if (finished) subscription.unsubscribe();
  };
  const stop = (): IteratorResult<T> => {
    started = true;
    finished = true;
    buffer.length = 0;
    failure = undefined;
    subscription?.unsubscribe();
    settle();
    return { value: undefined, done: true };
  };
  return {
    next: () =>
      new Promise<IteratorResult<T>>((resolve, reject) => {
        ensureStarted();
        waiting.push({ resolve, reject });
        settle();
      }),
    return: async () => stop(),
    throw: async (error?: unknown) => {
      stop();
      throw error;
    },
  };
}
