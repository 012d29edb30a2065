/**
 * Exponential backoff with jitter, as a pure function and as an RxJS `retry` configuration that runs on
 * an injectable scheduler (so reconnection can be tested in virtual time).
 */
import { asyncScheduler, throwError, timer, type ObservableInput, type RetryConfig, type SchedulerLike } from 'rxjs';
import { z } from 'zod';
import { SpeechError, isAbortError } from '../errors.js';

/**
 * How randomness is applied to each delay (see the AWS Architecture Blog, "Exponential Backoff And Jitter"):
 * - `'full'`: uniformly random in [0, d] — spreads reconnect storms best (the default);
 * - `'equal'`: d/2 plus a random part in [0, d/2] — never shorter than half the delay;
 * - `'none'`: exactly d.
 */
export type BackoffJitter = 'full' | 'equal' | 'none';

/** Options of {@link backoffDelay}. */
export interface BackoffOptions {
  /** Delay before the first retry, before jitter, in ms. */
  initialDelayMs: number;
  /** Upper bound of any delay, in ms. */
  maxDelayMs: number;
  /** Growth per attempt. Default 2. */
  factor?: number;
  /** Jitter strategy. Default `'full'`. */
  jitter?: BackoffJitter;
  /** Random source returning numbers in [0, 1). Default `Math.random`; inject one for determinism. */
  random?: () => number;
}

const backoffSchema = z
  .object({
    initialDelayMs: z.number().finite().nonnegative(),
    maxDelayMs: z.number().finite().nonnegative(),
    factor: z.number().finite().min(1).optional(),
    jitter: z.enum(['full', 'equal', 'none']).optional(),
    random: z.custom<() => number>((v) => typeof v === 'function', { message: 'must be a function' }).optional(),
  })
  .refine((o) => o.maxDelayMs >= o.initialDelayMs, { message: 'maxDelayMs must be at least initialDelayMs', path: ['maxDelayMs'] });

function validate(options: BackoffOptions): void {
  const parsed = backoffSchema.safeParse(options);
  if (!parsed.success) {
    throw new SpeechError(
      'invalid-input',
      `Invalid backoff options: ${parsed.error.issues.map((i) => `${i.path.join('.') || 'options'}: ${i.message}`).join('; ')}`,
    );
  }
}

function delayFor(attempt: number, options: BackoffOptions): number {
  const factor = options.factor ?? 2;
  const base = Math.min(options.maxDelayMs, options.initialDelayMs * factor ** (attempt - 1));
  const random = options.random ?? Math.random;
  switch (options.jitter ?? 'full') {
    case 'none':
      return Math.round(base);
    case 'equal':
      return Math.round(base / 2 + clamp01(random()) * (base / 2));
    case 'full':
      return Math.round(clamp01(random()) * base);
  }
}

function clamp01(value: number): number {
  return Number.isFinite(value) ? Math.min(1, Math.max(0, value)) : 0;
}

/**
 * The delay in ms before retry number `attempt` (1 for the first retry, as RxJS's `retryCount`):
 * `min(maxDelayMs, initialDelayMs * factor^(attempt-1))`, then jittered.
 *
 * @throws SpeechError `invalid-input` for invalid options or an attempt below 1.
 * @example `backoffDelay(3, { initialDelayMs: 100, maxDelayMs: 5000, jitter: 'none' }) // 400`
 */
export function backoffDelay(attempt: number, options: BackoffOptions): number {
  if (!Number.isInteger(attempt) || attempt < 1) {
    throw new SpeechError('invalid-input', `Backoff attempt must be an integer >= 1, got ${attempt}.`);
  }
  validate(options);
  return delayFor(attempt, options);
}

/** Options of {@link retryBackoff}. */
export interface RetryBackoffOptions extends BackoffOptions {
  /** Give up after this many retries (the last error is rethrown). Default: no limit. */
  maxRetries?: number;
  /**
   * Whether an error is worth retrying. Default: a {@link SpeechError}'s `retryable` flag; an `AbortError`
   * is never retried; any other error is.
   */
  shouldRetry?: (error: unknown, attempt: number) => boolean;
  /** Start counting attempts again after a value gets through (RxJS `resetOnSuccess`). Default `false`. */
  resetOnSuccess?: boolean;
}

/** The default retry predicate of {@link retryBackoff}. */
export function isRetryableError(error: unknown): boolean {
  if (error instanceof SpeechError) return error.retryable;
  return !isAbortError(error);
}

/**
 * An RxJS `retry` configuration with exponential backoff and jitter. Delays run on `scheduler`
 * (default `asyncScheduler`), so tests can use a `TestScheduler` or `VirtualTimeScheduler`.
 *
 * @throws SpeechError `invalid-input` for invalid options.
 * @example
 * ```ts
 * connect$.pipe(retry(retryBackoff({ initialDelayMs: 250, maxDelayMs: 8000, maxRetries: 5 })));
 * ```
 */
export function retryBackoff(options: RetryBackoffOptions, scheduler: SchedulerLike = asyncScheduler): RetryConfig {
  validate(options);
  const { maxRetries, shouldRetry = isRetryableError, resetOnSuccess = false } = options;
  if (maxRetries !== undefined && (!Number.isInteger(maxRetries) || maxRetries < 0)) {
    throw new SpeechError('invalid-input', `maxRetries must be a non-negative integer, got ${maxRetries}.`);
  }
  return {
    ...(maxRetries === undefined ? {} : { count: maxRetries }),
    resetOnSuccess,
    delay: (error: unknown, retryCount: number): ObservableInput<unknown> =>
      shouldRetry(error, retryCount) ? timer(delayFor(retryCount, options), scheduler) : throwError(() => error),
  };
}
