import { createSpeechSession, SpeechError } from '@utter/core';
import type { SpeechProvider, SpeechSession, SpeechSessionOptions } from '@utter/core';

/** Session options that the operators pass through to `createSpeechSession` (everything but the provider). */
export type OperatorSessionOptions = Omit<SpeechSessionOptions, 'provider'>;

/** What a speaking operator speaks through: a provider (a session per subscription) or your own session. */
export type SpeechTarget = SpeechProvider | SpeechSession;

function isSession(target: SpeechTarget): target is SpeechSession {
  return typeof (target as Partial<SpeechSession>).say === 'function';
}

function isProvider(target: unknown): target is SpeechProvider {
  const p = target as Partial<SpeechProvider> | null;
  return typeof p === 'object' && p !== null && typeof p.connect === 'function' && typeof p.capabilities === 'object';
}

/** A session for one subscription, and whether the operator owns (and must close) it. */
export interface AcquiredSession {
  readonly session: SpeechSession;
  readonly owned: boolean;
}

/** Checks the target eagerly (at operator creation), so misuse throws where it is written. */
export function checkTarget(target: unknown, operator: string): asserts target is SpeechTarget {
  if (typeof target === 'object' && target !== null && (isSession(target as SpeechTarget) || isProvider(target))) return;
  throw new SpeechError('invalid-input', `${operator}() needs a SpeechProvider (e.g. espeak()) or a SpeechSession as its first argument.`);
}

/** Creates the per-subscription session (or borrows the given one). */
export function acquireSession(target: SpeechTarget, options: OperatorSessionOptions | undefined): AcquiredSession {
  if (isSession(target)) return { session: target, owned: false };
  return { session: createSpeechSession({ ...options, provider: target }), owned: true };
}

/** Closes an owned session without letting a late rejection escape. */
export function release(acquired: AcquiredSession): void {
  if (!acquired.owned) return;
  acquired.session.close().catch(() => {
    // closing is best effort: the reply already ended or was cancelled
  });
}
