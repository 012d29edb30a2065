import { Observable } from 'rxjs';
import type { OperatorFunction } from 'rxjs';
import { z } from 'zod';
import { createFramer, SpeechError } from '@utter/core';
import type { Framer } from '@utter/core';
import { isPcmChunk } from './internal/pcm.js';
import type { AudioInput, PcmChunk } from './internal/pcm.js';

/** Options of {@link frames}. */
export interface FramesOptions {
  /** Zero-pad the incomplete last frame to full length (default true); false emits it short. */
  readonly pad?: boolean;
}

const framesSchema = z.object({ ms: z.number().positive().finite(), pad: z.boolean().optional() });

/**
 * Cuts the audio into frames of exactly `ms` milliseconds (e.g. 20 ms for telephony and WebRTC),
 * whatever the size of the chunks that come in. Non-audio events are dropped.
 *
 * ```
 * audio (chunks of 50 ms): --[50]------[50]-----|
 * frames(20):              --[20][20]--[20][20][20]|     last frame: 10 ms held + zero padding
 * ```
 *
 * - Output items are `{ pcm, sampleRate }`, each `ms * sampleRate / 1000` samples.
 * - On completion the incomplete last frame is emitted (zero-padded unless `pad: false`); when the
 *   sample rate changes mid-stream the frame in progress is finished the same way first.
 * - Errors: a frame length that is not a whole number of samples at the audio's rate errors with
 *   `SpeechError('invalid-input')`; source errors are forwarded (held samples are dropped).
 * - Unsubscribing unsubscribes the source.
 *
 * @example
 * ```ts
 * tokens$.pipe(speak(espeak()), resample(8000), frames(20)).subscribe((f) => twilio.send(encodeMulaw(f.pcm)));
 * ```
 */
export function frames(ms: number, options: FramesOptions = {}): OperatorFunction<AudioInput, PcmChunk> {
  const parsed = framesSchema.safeParse({ ms, ...options });
  if (!parsed.success) {
    throw new SpeechError('invalid-input', `frames(): ms must be a positive number of milliseconds, got ${String(ms)}.`);
  }
  const pad = options.pad ?? true;
  return (source) =>
    new Observable<PcmChunk>((subscriber) => {
      let framer: Framer | undefined;
      let rate = 0;
      const finish = (): void => {
        const tail = framer?.flush({ pad });
        if (tail !== undefined && tail.length > 0) subscriber.next({ pcm: tail, sampleRate: rate });
      };
      return source.subscribe({
        next: (item) => {
          if (!isPcmChunk(item)) return;
          if (framer === undefined || item.sampleRate !== rate) {
            finish();
            rate = item.sampleRate;
            try {
              framer = createFramer({ sampleRate: rate, frameMs: ms });
            } catch (error) {
              subscriber.error(SpeechError.from(error, 'invalid-input'));
              return;
            }
          }
          for (const frame of framer.push(item.pcm)) subscriber.next({ pcm: frame, sampleRate: rate });
        },
        error: (error: unknown) => subscriber.error(error),
        complete: () => {
          finish();
          subscriber.complete();
        },
      });
    });
}
