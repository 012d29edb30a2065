/**
 * The recovery policy, in one place: what to do when a reply's generation fails (decideRecovery), and
 * what to send again when it is resumed (planResume, applyResume).
 *
 * Survivable faults — a dropped or idle-closed connection, a stall, a retryable provider error, a
 * protocol violation that broke the connection — are retried on the same provider with exponential
 * backoff while the retry budget lasts, then continued on the next provider of a `fallback()` chain;
 * anything else ends the reply with a typed error carrying the unspoken text.
 *
 * A resumed reply never splices audio: neural TTS does not render the same text to the same samples
 * twice, so a new generation's audio cannot continue an old one at a sample offset. Instead the
 * segment being spoken (the head) resumes at the first word not fully heard — by word timings when
 * the provider gives them, else by an estimate from the audio already emitted — as new text, and
 * every later segment whose audio has not completely arrived is sent again, once. The listener hears
 * every word once, with at most the one cut word said again.
 * @internal
 */
import { SpeechError } from '../errors.js';
import { nextWordStart, type SegmentState } from './segment-state.js';

/** What to do after a failure. @internal */
export type RecoveryDecision =
  /** Reconnect to the same provider after `delayMs` and resume. */
  | { readonly kind: 'retry'; readonly delayMs: number }
  /** Continue on the next provider of the fallback chain, at once. */
  | { readonly kind: 'fallback' }
  /** Give up: the reply fails with this error. */
  | { readonly kind: 'fail' };

/** The retry budget of a reply. @internal */
export interface RetryState {
  /** Retries already made on the current provider. */
  readonly retries: number;
  readonly maxRetries: number;
  /** Index of the current provider in the fallback chain, and the chain's length. */
  readonly providerIndex: number;
  readonly providerCount: number;
}

/**
 * Decides how a reply goes on after `error`.
 * @param connectionBroken - the connection was lost or closed because of the failure
 * @param backoff - the delay before retry number `attempt` (1-based)
 * @internal
 */
export function decideRecovery(error: SpeechError, connectionBroken: boolean, state: RetryState, backoff: (attempt: number) => number): RecoveryDecision {
  if (error.code === 'cancelled' || error.code === 'invalid-input') return { kind: 'fail' };
  // A protocol violation that broke the connection is worth a fresh connection (a corrupted frame);
  // one on a live connection (a rejected request) is not.
  const survivable = error.retryable || (connectionBroken && error.code === 'protocol');
  if (survivable && state.retries < state.maxRetries) return { kind: 'retry', delayMs: backoff(state.retries + 1) };
  if (state.providerIndex + 1 < state.providerCount) return { kind: 'fallback' };
  return { kind: 'fail' };
}

/** How a reply resumes. @internal */
export interface ResumePlan {
  /** Segments to send again (from the head on), in order. */
  readonly resend: readonly number[];
  /** The head segment resumes at this speakable offset (the first word not fully heard). */
  readonly head?: { readonly index: number; readonly resumeAt: number; readonly heardEnd: number };
}

/**
 * Plans a resume: the head resumes at the first word not fully heard (`heardEnd`: the speakable
 * offset heard so far, from the spoken-text accounting); every later segment is sent again unless
 * its audio has completely arrived (`done`, kept as it is), and segments with nothing speakable are
 * left alone. Pure. @internal
 */
export function planResume(segments: readonly SegmentState[], head: number, heardEnd: (seg: SegmentState) => number): ResumePlan {
  const resend: number[] = [];
  let headPlan: ResumePlan['head'];
  for (let i = head; i < segments.length; i++) {
    const seg = segments[i] as SegmentState;
    if (seg.silent || (seg.done && (i > head || seg.emitted === 0))) continue;
    if (i === head && seg.emitted > 0) {
      const heard = Math.max(seg.sendOffset, heardEnd(seg));
      headPlan = { index: i, resumeAt: nextWordStart(seg.segment.speakable, heard), heardEnd: heard };
    }
    resend.push(i);
  }
  return headPlan === undefined ? { resend } : { resend, head: headPlan };
}

/** Applies a {@link ResumePlan} to the segments' state. @internal */
export function applyResume(segments: readonly SegmentState[], plan: ResumePlan): void {
  for (const i of plan.resend) {
    const seg = segments[i] as SegmentState;
    seg.sent = false;
    seg.done = false;
    seg.held = [];
    seg.heldSamples = 0;
    seg.boundary = undefined;
    // A piece of this segment that never got audio is forgotten; it is sent again.
    if (seg.pieces.length > 0 && (seg.pieces[seg.pieces.length - 1] as { samples: number }).samples === 0) seg.pieces.pop();
  }
  const head = plan.head;
  if (head === undefined) return;
  const seg = segments[head.index] as SegmentState;
  const piece = seg.pieces[seg.pieces.length - 1];
  if (piece) piece.textTo = Math.max(piece.textFrom, head.heardEnd);
  seg.sendOffset = head.resumeAt;
  seg.wordCursor = head.resumeAt;
  const heardOriginal = seg.segment.toOriginal(head.heardEnd);
  seg.words = seg.words.filter((w) => w.end <= heardOriginal);
  // Everything was heard: nothing is left to send for the head.
  if (seg.segment.speakable.slice(head.resumeAt).trim().length === 0) seg.done = true;
}

/**
 * The error a failed reply ends with: `error`, naming the provider and carrying the text that was not
 * spoken (`unspoken`, from the first segment not fully heard). @internal
 */
export function finalError(error: SpeechError, unspoken: string, providerName: string): SpeechError {
  const provider = error.provider ?? (error.code === 'invalid-input' ? undefined : providerName);
  if ((error.unspokenText !== undefined || unspoken.length === 0) && provider === error.provider) return error;
  return new SpeechError(error.code, error.message, {
    retryable: error.retryable,
    ...(provider === undefined ? {} : { provider }),
    ...(error.providerCode === undefined ? {} : { providerCode: error.providerCode }),
    cause: error,
    ...(unspoken.length > 0 ? { unspokenText: error.unspokenText ?? unspoken } : {}),
  });
}
