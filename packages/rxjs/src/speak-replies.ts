import { Observable, Subscription } from 'rxjs';
import type { OperatorFunction } from 'rxjs';
import { z } from 'zod';
import { SpeechError } from '@utter/core';
import type { SpeechEvent, SpeechInput } from '@utter/core';
import { registerControlled } from './internal/control.js';
import type { SpeechControl } from './internal/control.js';
import { acquireSession, checkTarget, release } from './internal/target.js';
import type { OperatorSessionOptions, SpeechTarget } from './internal/target.js';

/** What happens when a new reply arrives while one is speaking. */
export type ReplyPolicy = 'queue' | 'interrupt';

/** Options of {@link speakReplies}. */
export interface SpeakRepliesOptions extends OperatorSessionOptions {
  /**
   * `'queue'` (default): replies are spoken one after another, in arrival order; a reply's tokens are
   * taken as they come even while an earlier reply speaks.
   * `'interrupt'`: a new reply interrupts the one speaking (it emits `interrupted` with the text
   * heard) and drops replies still waiting (they emit nothing), then speaks.
   */
  readonly policy?: ReplyPolicy;
}

/** One reply of {@link speakReplies} that has not ended yet. */
interface ReplyState {
  /** It emitted (the session started it). */
  started: boolean;
}

const policySchema = z.enum(['queue', 'interrupt']).optional();

/**
 * Speaks a **conversation**: an Observable of replies (each an Observable of tokens, an async
 * iterable or a string), one after another on one warm connection.
 *
 * ```
 * replies:               --R1-------R2---------|
 * speakReplies(p):       ----s1-A1-E1--s2-A2-E2-|          (policy 'queue')
 *
 * replies:               --R1----R2-----------|
 * speakReplies(p, {policy: 'interrupt'}):
 *                        ----s1-A1-I1-s2-A2-E2-|          I1: interrupted (text heard of R1)
 * ```
 *
 * - Cold: one session per subscription (or the session you pass), opened on subscription.
 * - Completes when the outer Observable has completed and every reply has ended.
 * - Replies never interleave: every event of a reply (up to its `utterance-end` or `interrupted`)
 *   comes before the first event of the next one.
 * - Errors: an error of the outer Observable, of a reply's tokens, or of the speech errors the output.
 * - Unsubscribing cancels every reply (a cancel on the wire), unsubscribes every source and closes
 *   the session it created.
 * - {@link interruptOn} after it interrupts the reply speaking at that moment; later replies go on.
 *
 * @example
 * ```ts
 * replies$.pipe(speakReplies(espeak(), { policy: 'interrupt' })).subscribe(play);
 * ```
 */
export function speakReplies(
  target: SpeechTarget,
  options: SpeakRepliesOptions = {},
): OperatorFunction<SpeechInput, SpeechEvent> {
  checkTarget(target, 'speakReplies');
  const parsed = policySchema.safeParse(options.policy);
  if (!parsed.success) {
    throw new SpeechError('invalid-input', `speakReplies(): policy must be 'queue' or 'interrupt', got ${String(options.policy)}.`);
  }
  const policy: ReplyPolicy = parsed.data ?? 'queue';
  const { policy: _policy, ...sessionOptions } = options;

  return (source) => {
    const create = (onControl?: (control: SpeechControl) => void): Observable<SpeechEvent> =>
      new Observable<SpeechEvent>((subscriber) => {
        const acquired = acquireSession(target, sessionOptions);
        const { session } = acquired;
        /**
         * Replies subscribed on the session that have not ended, in order. The session itself keeps
         * them from interleaving: a reply's last event comes before the next reply's first.
         */
        const active = new Map<Subscription, ReplyState>();
        let outerDone = false;
        const teardown = new Subscription();

        const maybeComplete = (): void => {
          if (outerDone && active.size === 0) subscriber.complete();
        };
        onControl?.({
          singleReply: false,
          interrupt: () => {
            if ([...active.values()].some((state) => state.started) || acquired.owned) session.interrupt();
          },
          reportPlayback: (utteranceId, playedMs) => session.reportPlayback(utteranceId, playedMs),
        });

        teardown.add(
          source.subscribe({
            next: (reply) => {
              if (policy === 'interrupt') {
                let speaking = false;
                for (const [sub, state] of active) {
                  if (state.started) {
                    speaking = true;
                  } else {
                    active.delete(sub);
                    sub.unsubscribe();
                  }
                }
                if (speaking) session.interrupt();
              }
              const state: ReplyState = { started: false };
              const inner = new Subscription();
              active.set(inner, state);
              teardown.add(inner);
              inner.add(
                session.say(reply).subscribe({
                  next: (event) => {
                    state.started = true;
                    subscriber.next(event);
                  },
                  error: (error: unknown) => subscriber.error(error),
                  complete: () => {
                    active.delete(inner);
                    teardown.remove(inner);
                    maybeComplete();
                  },
                }),
              );
            },
            error: (error: unknown) => subscriber.error(error),
            complete: () => {
              outerDone = true;
              maybeComplete();
            },
          }),
        );
        return () => {
          teardown.unsubscribe();
          active.clear();
          release(acquired);
        };
      });
    return registerControlled(create(), create);
  };
}
