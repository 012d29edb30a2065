import { Observable } from 'rxjs';
import type { OperatorFunction } from 'rxjs';
import { z } from 'zod';
import { concatPcm, encodeWav, resample as resamplePcm, SpeechError } from '@utter/core';
import { isPcmChunk } from './internal/pcm.js';
import type { AudioInput } from './internal/pcm.js';

/** Options of {@link toWav}. */
export interface ToWavOptions {
  /**
   * Sample rate of the file. Default: the rate of the first audio chunk (16 000 Hz when there is no
   * audio). Audio at other rates is resampled to it.
   */
  readonly sampleRate?: number;
}

const toWavSchema = z.object({ sampleRate: z.number().int().positive().max(1_000_000).optional() });

/**
 * Collects all the audio into one WAV file (PCM16 mono), emitted when the source completes.
 * Non-audio events are ignored.
 *
 * ```
 * events:   --s--A1--A2--e--E--|
 * toWav():  -------------------(W|)      W: Uint8Array (RIFF/WAVE, header + A1 + A2)
 * ```
 *
 * - Emits exactly one `Uint8Array` on completion (a header-only file when there was no audio).
 * - Errors are forwarded at once and the collected audio is dropped; unsubscribing unsubscribes the source.
 *
 * @example
 * ```ts
 * const wav = await lastValueFrom(tokens$.pipe(speak(espeak()), toWav()));
 * await writeFile('reply.wav', wav);
 * ```
 */
export function toWav(options: ToWavOptions = {}): OperatorFunction<AudioInput, Uint8Array> {
  const parsed = toWavSchema.safeParse(options);
  if (!parsed.success) {
    throw new SpeechError('invalid-input', `toWav(): sampleRate must be a positive integer number of Hz, got ${String(options.sampleRate)}.`);
  }
  return (source) =>
    new Observable<Uint8Array>((subscriber) => {
      let rate = options.sampleRate;
      /** Runs of consecutive chunks at one rate (resampled as a whole, so no clicks inside a run). */
      const runs: { rate: number; chunks: Int16Array[] }[] = [];
      return source.subscribe({
        next: (item) => {
          if (!isPcmChunk(item)) return;
          rate ??= item.sampleRate;
          const run = runs[runs.length - 1];
          if (run !== undefined && run.rate === item.sampleRate) run.chunks.push(item.pcm);
          else runs.push({ rate: item.sampleRate, chunks: [item.pcm] });
        },
        error: (error: unknown) => subscriber.error(error),
        complete: () => {
          const target = rate ?? 16_000;
          const pcm = concatPcm(
            runs.map((run) => {
              const joined = concatPcm(run.chunks);
              return run.rate === target ? joined : resamplePcm(joined, run.rate, target);
            }),
          );
          subscriber.next(encodeWav(pcm, { sampleRate: target }));
          subscriber.complete();
        },
      });
    });
}
