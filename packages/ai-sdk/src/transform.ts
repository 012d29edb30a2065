/**
 * `speechTransform(options)`: a `streamText` `experimental_transform` that speaks the answer text as it
 * passes, without changing the stream — for apps that render the text and speak it at once.
 */
import { SpeechError, type SpeechEvent } from '@utter/core';
import { speak, type SpeakOptions, type SpeechStream } from './speak.js';
import { PartTextExtractor } from './text.js';
import type { StreamPartLike, StreamTextTransformLike } from './types.js';

/** Options of {@link speechTransform}: those of {@link speak}, plus optional callbacks. */
export type SpeechTransformOptions = SpeakOptions & {
  /**
   * Called with every speech event. When given, speech starts with the `streamText` call and the
   * transform consumes {@link SpeechTransform.speech} itself; otherwise consume `speech` yourself.
   */
  readonly onEvent?: (event: SpeechEvent) => void;
  /** Called when speech fails (with `onEvent`). The text stream is not affected. Default: ignore. */
  readonly onError?: (error: SpeechError) => void;
};

/**
 * A `streamText` transform (pass it as `experimental_transform`) and the speech it produces.
 * Use one per `streamText` call.
 */
export interface SpeechTransform extends StreamTextTransformLike {
  /** The speech of the text that passes through the transform (consume it once). */
  readonly speech: SpeechStream;
}

/**
 * A `streamText` transform that speaks the answer text as it passes (never reasoning or tool input;
 * every step in order). Every part passes through unchanged. An `error` part makes the speech fail
 * with a `SpeechError`; an `abort` part or the end of the stream ends the speech's text.
 *
 * @example
 * ```ts
 * const voice = speechTransform({ provider: espeak() });
 * const result = streamText({ model, prompt, experimental_transform: voice });
 * return createUIMessageStreamResponse({ stream: createUIMessageStream({ execute: async ({ writer }) => {
 *   writer.merge(result.toUIMessageStream());
 *   await writeSpeechToUIStream(writer, voice.speech, { audio: true });
 * } }) });
 * ```
 */
export function speechTransform(options: SpeechTransformOptions): SpeechTransform {
  const { onEvent, onError, ...speakOptions } = options;
  const queue = new TextQueue();
  const speech = speak(queue, speakOptions as SpeakOptions);
  let used = false;

  const transform = (<PART extends StreamPartLike>(): TransformStream<PART, PART> => {
    if (used) {
      throw new SpeechError('invalid-input', 'A speechTransform() speaks one streamText call: create one per call.', { retryable: false });
    }
    used = true;
    if (onEvent) {
      speech.toObservable().subscribe({
        next: onEvent,
        error: (error: unknown) => onError?.(SpeechError.from(error)),
      });
    }
    const extractor = new PartTextExtractor(speakOptions.blockSeparator === undefined ? {} : { blockSeparator: speakOptions.blockSeparator });
    return new TransformStream<PART, PART>({
      transform(part, controller) {
        controller.enqueue(part);
        try {
          const text = extractor.accept(part);
          if (text !== '') queue.push(text);
          if (extractor.aborted) queue.end();
        } catch (error) {
          queue.fail(error);
        }
      },
      flush() {
        queue.end();
      },
    });
  }) as StreamTextTransformLike;
  return Object.assign(transform, { speech });
}

/**
 * An unbounded push queue of text deltas, read as an `AsyncIterable<string>` (once).
 * @internal
 */
export class TextQueue implements AsyncIterable<string> {
  private readonly items: string[] = [];
  private waiter: ((result: IteratorResult<string>) => void) | undefined;
  private failWaiter: ((error: unknown) => void) | undefined;
  private ended = false;
  private failure: { error: unknown } | undefined;
  private closed = false;

  /** Adds text (ignored after the end or once the reader left). */
  push(text: string): void {
    if (this.ended || this.closed) return;
    this.items.push(text);
    this.wake();
  }

  /** No more text. */
  end(): void {
    this.ended = true;
    this.wake();
  }

  /** The text source failed. */
  fail(error: unknown): void {
    if (this.ended || this.closed) return;
    this.ended = true;
    this.failure = { error };
    this.wake();
  }

  private wake(): void {
    const resolve = this.waiter;
    const reject = this.failWaiter;
    if (!resolve || !reject) return;
    if (this.items.length > 0) {
      this.waiter = this.failWaiter = undefined;
      resolve({ value: this.items.shift() as string, done: false });
    } else if (this.failure) {
      this.waiter = this.failWaiter = undefined;
      const { error } = this.failure;
      this.failure = undefined;
      reject(error);
    } else if (this.ended || this.closed) {
      this.waiter = this.failWaiter = undefined;
      resolve({ value: undefined, done: true });
    }
  }

  [Symbol.asyncIterator](): AsyncIterator<string> {
    return {
      next: () =>
        new Promise<IteratorResult<string>>((resolve, reject) => {
          this.waiter = resolve;
          this.failWaiter = reject;
          this.wake();
        }),
      return: async () => {
        this.closed = true;
        this.items.length = 0;
        this.wake();
        return { value: undefined, done: true };
      },
    };
  }
}
