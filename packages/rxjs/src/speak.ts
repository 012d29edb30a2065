import { Observable, Subscription } from 'rxjs';
import type { OperatorFunction } from 'rxjs';
import type { SpeechEvent } from '@utter/core';
import { registerControlled } from './internal/control.js';
import type { SpeechControl } from './internal/control.js';
import { acquireSession, checkTarget, release } from './internal/target.js';
import type { OperatorSessionOptions, SpeechTarget } from './internal/target.js';

/** Options of {@link speak}: the session options of `@utter/core` without the provider. */
export type SpeakOperatorOptions = OperatorSessionOptions;

/**
 * Speaks a stream of text deltas (LLM tokens) as **one reply**.
 *
 * ```
 * tokens:  --a--b---c--|
 * speak(p) --s-A-A-s-A-A-e-A-E|     s: segment  A: audio  e: segment-end  E: utterance-end
 * ```
 *
 * - Cold and lazy: nothing connects until you subscribe; every subscription is its own reply on its
 *   own session (with a provider) or on the session you pass (replies then queue on it).
 * - Completes right after the reply's `utterance-end` (or `interrupted`) event.
 * - Errors: a source error or a speech failure errors the output with a `SpeechError`.
 * - Unsubscribing cancels everything: the source is unsubscribed, the provider's generation is
 *   cancelled (a cancel on the wire), the session closes; no event follows.
 * - Pipe {@link interruptOn} right after it for barge-in.
 *
 * @param target - a provider such as `espeak()` (a session is created per subscription and closed
 *   when it ends), or a `SpeechSession` from `createSpeechSession()` to share a warm connection.
 * @param options - session options (scheduler, segmenter, timeouts, retry, ...), used with a provider.
 *
 * @example
 * ```ts
 * llmTokens$.pipe(speak(espeak())).subscribe((event) => { if (event.type === 'audio') play(event.pcm); });
 * ```
 */
export function speak(target: SpeechTarget, options?: SpeakOperatorOptions): OperatorFunction<string, SpeechEvent> {
  checkTarget(target, 'speak');
  return (source) => {
    const create = (onControl?: (control: SpeechControl) => void): Observable<SpeechEvent> =>
      new Observable<SpeechEvent>((subscriber) => {
        const acquired = acquireSession(target, options);
        const { session } = acquired;
        let started = false;
        let ended = false;
        const subscription = new Subscription();
        onControl?.({
          singleReply: true,
          interrupt: () => {
            if (ended) return;
            if (acquired.owned || started) {
              session.interrupt();
              return;
            }
            // A shared session may be speaking someone else's reply: ours has not started, so it
            // is withdrawn from the queue (cancelled) instead of interrupting the other one.
            ended = true;
            subscription.unsubscribe();
            subscriber.complete();
          },
          reportPlayback: (utteranceId, playedMs) => session.reportPlayback(utteranceId, playedMs),
        });
        subscription.add(session.say(source).subscribe({
          next: (event) => {
            started = true;
            subscriber.next(event);
          },
          error: (error: unknown) => {
            ended = true;
            subscriber.error(error);
          },
          complete: () => {
            ended = true;
            subscriber.complete();
          },
        }));
        return () => {
          ended = true;
          subscription.unsubscribe();
          release(acquired);
        };
      });
    return registerControlled(create(), create);
  };
}
