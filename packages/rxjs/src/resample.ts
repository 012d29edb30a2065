import { Observable } from 'rxjs';
import type { OperatorFunction } from 'rxjs';
import { z } from 'zod';
import { createResampler, durationMs, SpeechError } from '@utter/core';
import type { AudioEvent, Resampler } from '@utter/core';
import { isPcmChunk } from './internal/pcm.js';
import type { PcmChunk } from './internal/pcm.js';

const rateSchema = z.number().int().positive().max(1_000_000);

/** Events after which the resampler's tail is flushed so that the audio stays before them. */
const FLUSH_ON: ReadonlySet<string> = new Set(['segment-end', 'utterance-end', 'interrupted']);

/**
 * Converts the audio to `rate` Hz with core's streaming band-limited resampler (state is kept across
 * chunks, so there are no clicks at chunk borders). Other items pass through in order.
 *
 * ```
 * events (22050 Hz): --s--A--A--e--E--|
 * resample(8000):    --s--a--a-a'e--E--|     a: 8 kHz audio, a': resampler tail flushed before segment-end
 * ```
 *
 * - Works on `audio` events (and keeps their ids; `offsetMs` stays exact) or on plain `{ pcm, sampleRate }` chunks.
 * - The tail held by the filter is flushed before `segment-end`, `utterance-end`, `interrupted`,
 *   a change of sample rate, and completion. Chunks already at `rate` pass untouched.
 * - Errors and completion are forwarded; unsubscribing unsubscribes the source.
 *
 * @param rate - output sample rate in Hz (e.g. 8000 for telephony, 48000 for WebRTC).
 * @throws SpeechError `invalid-input` (at creation) for a rate that is not a positive integer.
 */
export function resample<T extends PcmChunk | { readonly type: string }>(rate: number): OperatorFunction<T, T> {
  if (!rateSchema.safeParse(rate).success) {
    throw new SpeechError('invalid-input', `resample(): rate must be a positive integer number of Hz, got ${String(rate)}.`);
  }
  return (source) =>
    new Observable<T>((subscriber) => {
      let resampler: Resampler | undefined;
      /** The last audio item seen (template for the flushed tail). */
      let last: T | undefined;
      /** Where the next output sample sits in its reply's audio, in ms (audio events only). */
      let nextOffsetMs = 0;
      let lastUtterance: string | undefined;

      const emitAudio = (template: T, pcm: Int16Array): void => {
        if (pcm.length === 0) return;
        const out: Record<string, unknown> = { ...template, pcm, sampleRate: rate };
        if ((template as Partial<AudioEvent>).type === 'audio') {
          out['offsetMs'] = nextOffsetMs;
          nextOffsetMs += durationMs(pcm.length, rate);
        }
        subscriber.next(out as unknown as T);
      };
      const flush = (): void => {
        if (resampler !== undefined && last !== undefined) emitAudio(last, resampler.flush());
        resampler = undefined;
      };

      return source.subscribe({
        next: (item) => {
          if (!isPcmChunk(item)) {
            if (FLUSH_ON.has((item as { type: string }).type)) flush();
            subscriber.next(item);
            return;
          }
          const event = item as Partial<AudioEvent>;
          if (event.type === 'audio' && event.utteranceId !== lastUtterance) {
            flush();
            lastUtterance = event.utteranceId;
            nextOffsetMs = event.offsetMs ?? 0;
          }
          if (resampler !== undefined && resampler.fromRate !== item.sampleRate) flush();
          if (item.sampleRate === rate && resampler === undefined) {
            last = item;
            if (event.type === 'audio') nextOffsetMs = (event.offsetMs ?? 0) + durationMs(item.pcm.length, rate);
            subscriber.next(item);
            return;
          }
          resampler ??= createResampler({ fromRate: item.sampleRate, toRate: rate });
          last = item;
          emitAudio(item, resampler.push(item.pcm));
        },
        error: (error: unknown) => subscriber.error(error),
        complete: () => {
          flush();
          subscriber.complete();
        },
      });
    });
}
