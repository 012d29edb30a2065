import { Observable } from 'rxjs';
import type { OperatorFunction } from 'rxjs';
import { createSegmenter, SpeechError } from '@utter/core';
import type { Segment, SegmenterOptions } from '@utter/core';

/**
 * Cuts a stream of text deltas (LLM tokens) into natural phrases with core's streaming segmenter:
 * a segment is emitted the moment its boundary is certain; the rest when the source completes.
 *
 * ```
 * tokens:     --"Hi"--" there."--" How"--" are you?"--|
 * segment():  ----------------S1-------------------(S2|)   S1: "Hi there."  S2: " How are you?"
 * ```
 *
 * - Lossless: the segments' texts joined are exactly the input, each with its offsets.
 * - One segmenter per subscription (cold); completes after the last segment; source errors are
 *   forwarded (text held back is dropped); a non-string value errors with `SpeechError('invalid-input')`.
 * - Unsubscribing unsubscribes the source.
 *
 * @param options - segmenter options (lengths, language, ...).
 * @throws SpeechError `invalid-input` (at creation) for invalid options.
 */
export function segment(options?: SegmenterOptions): OperatorFunction<string, Segment> {
  // validate eagerly so a bad option throws where it is written
  try {
    createSegmenter(options);
  } catch (error) {
    throw SpeechError.from(error, 'invalid-input');
  }
  return (source) =>
    new Observable<Segment>((subscriber) => {
      const segmenter = createSegmenter(options);
      return source.subscribe({
        next: (delta) => {
          if (typeof delta !== 'string') {
            subscriber.error(new SpeechError('invalid-input', `segment() takes strings, got ${typeof delta}.`));
            return;
          }
          for (const s of segmenter.push(delta)) subscriber.next(s);
        },
        error: (error: unknown) => subscriber.error(error),
        complete: () => {
          for (const s of segmenter.end()) subscriber.next(s);
          subscriber.complete();
        },
      });
    });
}
