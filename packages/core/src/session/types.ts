/**
 * Public types of the session engine: `speak()` for one reply, `createSpeechSession()` for a
 * conversation. The names here are part of utter's public API.
 */
import type { Observable, SchedulerLike } from 'rxjs';
import type { UtteranceMetrics, SpeechEvent } from '../events.js';
import type { LimitStore } from '../limits/types.js';
import type { SpeechProvider } from '../provider.js';
import type { SegmenterOptions } from '../segmenter/index.js';

/**
 * Text to speak: a whole string, an async iterable of deltas (LLM tokens), a sync iterable of
 * deltas, or an Observable of deltas. Async iterators are closed (`return()`) on cancellation.
 */
export type SpeechInput = string | AsyncIterable<string> | Iterable<string> | Observable<string>;

/** Deadlines, in ms. */
export interface SessionTimeouts {
  /** Connecting plus the provider's handshake. Default 10 000. */
  readonly handshakeMs?: number;
  /** No audio this long after sending text is a `timeout` failure (then a retry). Default 10 000. */
  readonly firstAudioMs?: number;
  /**
   * Longest wait for a connection slot when the per-key connection limit is full (`onLimit:
   * 'queue'`): then the reply fails with a `rate-limit` error carrying the unspoken text. Default 30 000.
   */
  readonly slotWaitMs?: number;
}

/**
 * When text the segmenter is still holding (no certain boundary yet) is released anyway, at its best
 * clause or word boundary, so that speech does not wait on a slow or pausing LLM.
 */
export interface ReleaseDeadlines {
  /** Time to first audio: release the first segment this long after its first character. Default 250; `false`: never. */
  readonly firstSegmentMs?: number | false;
  /** Release pending text once the input has been silent this long (an LLM pausing). Default 400; `false`: never. */
  readonly idleMs?: number | false;
}

/** Reconnection with exponential backoff and jitter. */
export interface RetryOptions {
  /** Retries per reply before failing with the unspoken text. Default 3. */
  readonly maxRetries?: number;
  /** First backoff delay, in ms. Default 200. */
  readonly initialDelayMs?: number;
  /** Largest backoff delay, in ms. Default 5 000. */
  readonly maxDelayMs?: number;
  /**
   * Randomness of each delay: `true`/`'full'` (default: uniform in [0, d]), `'equal'` (d/2 plus up to
   * d/2), `false`/`'none'` (exactly d — deterministic, for tests).
   */
  readonly jitter?: boolean | 'full' | 'equal' | 'none';
}

/** Options of a speech session (and of `speak()`). */
export interface SpeechSessionOptions {
  /** The text-to-speech provider. */
  readonly provider: SpeechProvider;
  /** Where the time comes from: timeouts, backoff, pacing and metrics. Default: RxJS `asyncScheduler`. */
  readonly scheduler?: SchedulerLike;
  /** How replies are cut into segments. */
  readonly segmenter?: SegmenterOptions;
  /** Deadlines. */
  readonly timeouts?: SessionTimeouts;
  /** When held text is released without a certain boundary (time to first audio, LLM pauses). */
  readonly release?: ReleaseDeadlines;
  /** Reconnection policy. */
  readonly retry?: RetryOptions;
  /**
   * Keep at most this many ms of synthesized-but-unplayed audio ahead of playback (with reported
   * playback) or of real time since the first audio (without). Undefined: no pacing.
   */
  readonly maxBufferedAudioMs?: number;
  /**
   * Providers that take several requests at once (one per segment) may deliver a later segment's
   * audio before an earlier one is complete; it is held until it can be emitted in order. Requests
   * ahead are made only while the audio that could pile up this way stays within this many bytes of
   * PCM16, so memory per reply stays bounded. Default 65 536 (about 1.4 s at 24 kHz): enough lead to
   * hide a request's latency. `0`: never request ahead.
   */
  readonly maxHeldAudioBytes?: number;
  /** When the per-key connection limit is full: wait for a slot (default) or fail with `rate-limit`. */
  readonly onLimit?: 'queue' | 'fail';
  /**
   * Where per-key provider limits (connections, requests per minute) are counted. Default:
   * {@link inProcessLimits}, shared by the sessions of this process. Pass `@utter/redis`'s store to
   * share them across processes and machines.
   */
  readonly limits?: LimitStore;
  /**
   * Largest reply accepted, in UTF-16 code units. Longer input ends the reply with an `invalid-input`
   * error (rather than holding the whole text in memory and stalling). Default 1 000 000.
   */
  readonly maxInputChars?: number;
}

/** Options of `speak()`: a session's options plus an abort signal. */
export interface SpeakOptions extends SpeechSessionOptions {
  /** Aborting stops the input, cancels the provider's generation and completes without further events. */
  readonly signal?: AbortSignal;
}

/** Options of one reply in a session. */
export interface SayOptions {
  /** Aborting cancels this reply only. */
  readonly signal?: AbortSignal;
}

/** Metrics of a finished (or interrupted) reply, for dashboards and logs. */
export interface UtteranceReport {
  readonly utteranceId: string;
  readonly outcome: 'completed' | 'interrupted' | 'cancelled' | 'failed';
  readonly metrics: UtteranceMetrics;
}

/**
 * A conversation: many replies over one warm provider connection.
 */
export interface SpeechSession {
  /**
   * Speaks one reply. Cold: nothing happens until subscription. Replies subscribed while another is
   * speaking wait their turn. Unsubscribing cancels the reply.
   */
  say(input: SpeechInput, options?: SayOptions): Observable<SpeechEvent>;
  /**
   * Barge-in: stops the current reply at once. Its observable emits `interrupted` (with the text
   * actually heard) and completes. Queued replies are not affected. No-op when nothing is speaking.
   */
  interrupt(): void;
  /**
   * Reports how much of a reply's audio the player has actually played, in ms from the reply's start.
   * Used for `spokenText` on interruption and for pacing.
   */
  reportPlayback(utteranceId: string, playedMs: number): void;
  /** Opens the connection ahead of the first reply. */
  warmup(): Promise<void>;
  /** Cancels everything and closes the connection. */
  close(): Promise<void>;
  /** Metrics of every reply as it ends. */
  readonly metrics$: Observable<UtteranceReport>;
}
