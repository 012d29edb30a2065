/**
 * The channel between `speak()` / `speakReplies()` and operators downstream of them that need to
 * steer the session (`interruptOn`).
 *
 * Design: every Observable returned by `speak()` (and `speakReplies()`, and `interruptOn()` itself)
 * is registered in a module-private `WeakMap`, keyed by that Observable, with a factory that
 * subscribes to the same speech while handing a {@link SpeechControl} for the subscription's own
 * session to a callback. `interruptOn()` looks its source up in the map: a registered source gives
 * it the control of exactly the session it subscribes to (one session per subscription, so two
 * subscriptions never steer each other); an unregistered source (for example `speak()` followed by
 * `map()`) is a usage error reported as a `SpeechError('invalid-input')`. The WeakMap holds no
 * Observable alive, and events stay plain {@link SpeechEvent} objects.
 */
import type { Observable } from 'rxjs';
import type { SpeechEvent } from '@utter/core';

/** What an operator downstream of `speak()` may do to the speaking session. */
export interface SpeechControl {
  /** Barge-in: stop the reply that is speaking now (see `SpeechSession.interrupt`). */
  interrupt(): void;
  /** Report how much of a reply's audio has been played (see `SpeechSession.reportPlayback`). */
  reportPlayback(utteranceId: string, playedMs: number): void;
  /** True when the speech is one reply (`speak()`), false for a conversation (`speakReplies()`). */
  readonly singleReply: boolean;
}

/** Subscribes to the registered speech, reporting the per-subscription control first. */
export type ControlledFactory = (onControl: (control: SpeechControl) => void) => Observable<SpeechEvent>;

const registry = new WeakMap<Observable<unknown>, ControlledFactory>();

/** Registers `observable` as controllable speech; returns it. */
export function registerControlled<T extends Observable<SpeechEvent>>(observable: T, factory: ControlledFactory): T {
  registry.set(observable, factory);
  return observable;
}

/** The factory of a registered speech observable, or undefined. */
export function controlledFactory(observable: Observable<unknown>): ControlledFactory | undefined {
  return registry.get(observable);
}
