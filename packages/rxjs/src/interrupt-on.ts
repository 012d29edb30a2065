import { Observable, Subscription } from 'rxjs';
import type { MonoTypeOperatorFunction, ObservableInput } from 'rxjs';
import { from } from 'rxjs';
import { SpeechError } from '@utter/core';
import type { SpeechEvent } from '@utter/core';
import { controlledFactory, registerControlled } from './internal/control.js';
import type { SpeechControl } from './internal/control.js';

/** Events of one reply that carry sound or its timing; dropped once the reply is interrupted. */
const SOUND_TYPES: ReadonlySet<SpeechEvent['type']> = new Set(['audio', 'word', 'segment', 'segment-end']);

/**
 * Barge-in: interrupts the speech when `trigger$` emits (for example voice activity of the user).
 * Must be piped directly after {@link speak} or {@link speakReplies} (or another `interruptOn`):
 *
 * ```
 * speak(p):            --s--A--A--A--A--E|
 * trigger$:            ---------x--------
 * interruptOn(trigger$)--s--A--A--I|          I: interrupted { spokenText }
 * ```
 *
 * - On each trigger value the reply speaking at that moment is interrupted through its session:
 *   the provider's generation is cancelled, no audio of that reply follows, and its `interrupted`
 *   event (with the original text actually heard) is emitted. After `speak()` the output then
 *   completes; after `speakReplies()` the next reply goes on.
 * - A trigger before anything is speaking interrupts the reply as soon as it starts (after `speak()`).
 * - Errors of the source or of `trigger$` error the output; completion of `trigger$` changes nothing.
 * - Unsubscribing unsubscribes both the source (cancelling the speech) and `trigger$`.
 *
 * How it reaches the session: `speak()` registers the Observable it returns in a private `WeakMap`
 * with a factory that subscribes while handing over the per-subscription session's controls;
 * `interruptOn` subscribes through that factory. Anything else as source (e.g. `speak()` then
 * `map()`) fails on subscription with `SpeechError('invalid-input')`: put `interruptOn` first.
 *
 * @example
 * ```ts
 * tokens$.pipe(speak(espeak()), interruptOn(userSpeaking$)).subscribe(handle);
 * ```
 */
export function interruptOn(trigger$: ObservableInput<unknown>): MonoTypeOperatorFunction<SpeechEvent> {
  return (source) => {
    const create = (onControl?: (control: SpeechControl) => void): Observable<SpeechEvent> =>
      new Observable<SpeechEvent>((subscriber) => {
        const factory = controlledFactory(source);
        if (factory === undefined) {
          subscriber.error(
            new SpeechError(
              'invalid-input',
              'interruptOn() must be piped directly after speak() or speakReplies(): it needs their session to interrupt.',
            ),
          );
          return undefined;
        }
        let control: SpeechControl | undefined;
        /** The reply events come from right now (the last utteranceId seen). */
        let current: string | undefined;
        /** Replies that were interrupted: their sound events are dropped. */
        const muted = new Set<string>();
        /** A single reply was interrupted before its first event: mute it when it shows up. */
        let muteFirst = false;
        const subscription = new Subscription();

        const interrupt = (): void => {
          if (control === undefined) return;
          if (current !== undefined) muted.add(current);
          else if (control.singleReply) muteFirst = true;
          control.interrupt();
        };

        subscription.add(
          factory((c) => {
            control = c;
            onControl?.({ singleReply: c.singleReply, reportPlayback: c.reportPlayback, interrupt });
          }).subscribe({
            next: (event) => {
              if (event.type === 'utterance-end' || event.type === 'interrupted') {
                current = undefined;
              } else {
                if (muteFirst && current === undefined) {
                  muteFirst = false;
                  muted.add(event.utteranceId);
                  // the engine had nothing speaking when asked: ask again now that it has
                  control?.interrupt();
                }
                current = event.utteranceId;
              }
              if (muted.has(event.utteranceId) && SOUND_TYPES.has(event.type)) return;
              subscriber.next(event);
            },
            error: (error: unknown) => subscriber.error(error),
            complete: () => subscriber.complete(),
          }),
        );
        if (!subscriber.closed) {
          subscription.add(
            from(trigger$).subscribe({
              next: () => interrupt(),
              error: (error: unknown) => subscriber.error(error),
            }),
          );
        }
        return subscription;
      });
    return registerControlled(create(), create);
  };
}
