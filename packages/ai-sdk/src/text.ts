/**
 * Turning a `streamText` result (any of ai 5, 6, 7) or an `AsyncIterable<string>` into the answer
 * text: text deltas only, never reasoning or tool input, each step's text in order.
 */
import { SpeechError } from '@utter/core';
import type { StreamPartLike, StreamTextResultLike } from './types.js';

/** What {@link speak} accepts as text. */
export type TextSource = StreamTextResultLike | AsyncIterable<string> | Iterable<string> | string;

/** True when `value` looks like a `streamText` result of ai 5, 6 or 7 (structural check). */
export function isStreamTextResult(value: unknown): value is StreamTextResultLike {
  if (typeof value !== 'object' || value === null) return false;
  // `in` finds the prototype getters of ai's DefaultStreamTextResult without calling them
  // (each access of `stream`/`fullStream` tees the underlying stream).
  return 'stream' in value || 'fullStream' in value;
}

/**
 * The full stream of parts of a `streamText` result: `stream` on ai@7, `fullStream` on ai 5 and 6.
 * Accessed exactly once (each access tees the model's stream).
 */
export function fullStreamOf(result: StreamTextResultLike): AsyncIterable<StreamPartLike> {
  const record = result as { readonly stream?: unknown; readonly fullStream?: unknown };
  const stream = 'stream' in result ? record.stream : record.fullStream;
  if (!isAsyncIterable(stream)) {
    throw new SpeechError('invalid-input', 'The streamText result has no readable `stream` or `fullStream`.');
  }
  return stream as AsyncIterable<StreamPartLike>;
}

function isAsyncIterable(value: unknown): value is AsyncIterable<unknown> {
  return (
    typeof value === 'object' &&
    value !== null &&
    typeof (value as { [Symbol.asyncIterator]?: unknown })[Symbol.asyncIterator] === 'function'
  );
}

/** Options of {@link PartTextExtractor}. */
export interface TextExtractionOptions {
  /**
   * Inserted between the text of two steps (or two text blocks) when the first does not already end
   * in whitespace, so that "Let me check." and "It is sunny." are not spoken as one word.
   * Default `'\n\n'` (a paragraph break). Use `''` to insert nothing.
   */
  readonly blockSeparator?: string;
}

/**
 * Reads parts of a full stream one at a time and returns the text to speak for each (or `''`).
 * Throws a {@link SpeechError} for an `error` part. Stateful: one per reply.
 */
export class PartTextExtractor {
  private readonly separator: string;
  private lastChar = '';
  private boundary = false;
  private ended = false;

  constructor(options: TextExtractionOptions = {}) {
    this.separator = options.blockSeparator ?? '\n\n';
  }

  /** True after an `abort` part: the model was stopped and no more text will come. */
  get aborted(): boolean {
    return this.ended;
  }

  /** The text this part contributes to the spoken answer (possibly `''`). */
  accept(part: StreamPartLike): string {
    switch (part.type) {
      case 'text-delta': {
        const text = textOfDelta(part);
        if (text === '') return '';
        let out = text;
        if (this.boundary && this.lastChar !== '' && !/\s/u.test(this.lastChar)) out = this.separator + text;
        this.boundary = false;
        this.lastChar = out.slice(-1);
        return out;
      }
      case 'text-end':
      case 'finish-step':
      case 'start-step':
        this.boundary = true;
        return '';
      case 'tool-input-start':
      case 'tool-call':
        // A tool call closes the text before it: send the separator now, so that the segmenter can
        // release that text at once instead of waiting for the tool and the next step.
        if (this.separator !== '' && this.lastChar !== '' && !/\s/u.test(this.lastChar)) {
          this.boundary = false;
          this.lastChar = this.separator.slice(-1);
          return this.separator;
        }
        return '';
      case 'error':
        throw streamError((part as { readonly error?: unknown }).error);
      case 'abort':
        this.ended = true;
        return '';
      default:
        // reasoning-*, tool-input-*, tool-call, tool-result, source, file, start, finish, raw, ...
        return '';
    }
  }
}

function textOfDelta(part: StreamPartLike): string {
  const record = part as { readonly text?: unknown; readonly delta?: unknown; readonly textDelta?: unknown };
  // ai 5, 6, 7: `text`. (`delta` is the UI-chunk/provider spelling, `textDelta` the ai@4 one.)
  const value = record.text ?? record.delta ?? record.textDelta;
  return typeof value === 'string' ? value : '';
}

/** Wraps a failure of the text source (an `error` part or a thrown error) as a typed SpeechError. */
export function streamError(error: unknown): SpeechError {
  if (error instanceof SpeechError) return error;
  const message = error instanceof Error ? error.message : typeof error === 'string' ? error : 'Unknown error';
  return new SpeechError('provider', `The text stream failed: ${message}`, { cause: error, retryable: false });
}

/**
 * The answer text of `source` as an async iterable of deltas. Closing the returned iterator closes
 * the source's iterator (which, for the AI SDK, does not stop the model: abort its signal for that).
 */
export async function* answerText(source: TextSource, options: TextExtractionOptions = {}): AsyncGenerator<string, void, undefined> {
  if (typeof source === 'string') {
    if (source !== '') yield source;
    return;
  }
  if (isStreamTextResult(source)) {
    const extractor = new PartTextExtractor(options);
    try {
      for await (const part of fullStreamOf(source)) {
        const text = extractor.accept(part);
        if (text !== '') yield text;
        if (extractor.aborted) return;
      }
    } catch (error) {
      throw streamError(error);
    }
    return;
  }
  if (isAsyncIterable(source) || isIterable(source)) {
    try {
      for await (const delta of source as AsyncIterable<unknown> | Iterable<unknown>) {
        if (typeof delta !== 'string') {
          throw new SpeechError('invalid-input', `Expected text deltas (strings), got ${describe(delta)}.`);
        }
        if (delta !== '') yield delta;
      }
    } catch (error) {
      throw streamError(error);
    }
    return;
  }
  throw new SpeechError(
    'invalid-input',
    `Cannot speak ${describe(source)}: pass a streamText result, an AsyncIterable<string> or a string.`,
  );
}

function isIterable(value: unknown): value is Iterable<unknown> {
  return (
    typeof value === 'object' &&
    value !== null &&
    typeof (value as { [Symbol.iterator]?: unknown })[Symbol.iterator] === 'function'
  );
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  return typeof value === 'object' ? 'an object' : `a ${typeof value}`;
}
