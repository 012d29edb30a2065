import { asyncScheduler, Observable } from 'rxjs';
import type { MonoTypeOperatorFunction, SchedulerLike, Subscription } from 'rxjs';
import { z } from 'zod';
import { durationMs, SpeechError } from '@utter/core';
import { isPcmChunk } from './internal/pcm.js';

/** Options of {@link pace}. */
export interface PaceOptions {
  /**
   * How far ahead of real time audio may be released, in ms (a small jitter buffer in the sink).
   * Default 0: each chunk is released when the previous one has finished playing.
   */
  readonly leadMs?: number;
  /** Where the time comes from. Default: RxJS `asyncScheduler`; pass a TestScheduler in tests. */
  readonly scheduler?: SchedulerLike;
}

const paceSchema = z.object({ leadMs: z.number().min(0).finite().optional() });

/**
 * Releases audio in real time, for sinks that cannot buffer (a phone line, a raw socket): a chunk is
 * let through only when the audio released before it has (nearly) finished playing.
 *
 * ```
 * audio (100 ms chunks, all at once): (ABC)--------|
 * pace():                             A 99ms B 99ms C|     B released at 100 ms, C at 200 ms
 * ```
 *
 * - Order is kept: non-audio events wait behind the audio released before them, then pass at once.
 * - If audio arrives later than real time (an underrun), it is released at once and the clock restarts from it.
 * - Completes after the last item has been released; errors are forwarded at once (held items dropped).
 * - Unsubscribing unsubscribes the source and cancels the pending release.
 *
 * @example
 * ```ts
 * tokens$.pipe(speak(espeak()), pace({ leadMs: 60 }), audio()).subscribe((a) => socket.send(a.pcm));
 * ```
 */
export function pace<T>(options: PaceOptions = {}): MonoTypeOperatorFunction<T> {
  const parsed = paceSchema.safeParse({ leadMs: options.leadMs });
  if (!parsed.success) {
    throw new SpeechError('invalid-input', `pace(): leadMs must be a non-negative number of ms, got ${String(options.leadMs)}.`);
  }
  const leadMs = options.leadMs ?? 0;
  const scheduler = options.scheduler ?? asyncScheduler;
  return (source) =>
    new Observable<T>((subscriber) => {
      const queue: T[] = [];
      /** Scheduler time at which the audio released so far ends playing. */
      let playhead = Number.NEGATIVE_INFINITY;
      let sourceDone = false;
      let timer: Subscription | undefined;

      const pump = (): void => {
        while (queue.length > 0) {
          const head = queue[0] as T;
          if (isPcmChunk(head)) {
            const now = scheduler.now();
            const releaseAt = playhead - leadMs;
            if (now < releaseAt) {
              if (timer === undefined) {
                timer = scheduler.schedule(() => {
                  timer = undefined;
                  pump();
                }, releaseAt - now);
              }
              return;
            }
            playhead = Math.max(playhead, now) + durationMs(head.pcm.length, head.sampleRate);
          }
          queue.shift();
          subscriber.next(head);
        }
        if (sourceDone) subscriber.complete();
      };

      const subscription = source.subscribe({
        next: (item) => {
          queue.push(item);
          if (timer === undefined) pump();
        },
        error: (error: unknown) => subscriber.error(error),
        complete: () => {
          sourceDone = true;
          if (timer === undefined) pump();
        },
      });
      return () => {
        subscription.unsubscribe();
        timer?.unsubscribe();
      };
    });
}
