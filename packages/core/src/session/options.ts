/**
 * Validation and defaults of session options (zod). A bad option is a `SpeechError('invalid-input')`.
 * @internal
 */
import { asyncScheduler, type SchedulerLike } from 'rxjs';
import { z } from 'zod';
import { SpeechError } from '../errors.js';
import { inProcessLimits, type LimitStore } from '../limits/index.js';
import type { SpeechProvider } from '../provider.js';
import { createSegmenter, type SegmenterOptions } from '../segmenter/index.js';
import { backoffDelay, type BackoffJitter } from '../transport/index.js';
import type { SpeechSessionOptions } from './types.js';

const positiveMs = z.number().finite().positive();

const providerSchema = z.custom<SpeechProvider>(
  (value) =>
    typeof value === 'object' &&
    value !== null &&
    typeof (value as SpeechProvider).name === 'string' &&
    typeof (value as SpeechProvider).connect === 'function' &&
    typeof (value as SpeechProvider).capabilities === 'object' &&
    (value as SpeechProvider).capabilities !== null,
  { message: 'provider must be a SpeechProvider (an object with name, capabilities and connect())' },
);

const limitStoreSchema = z.custom<LimitStore>(
  (value) =>
    typeof value === 'object' &&
    value !== null &&
    typeof (value as LimitStore).acquireConnection === 'function' &&
    typeof (value as LimitStore).takeRequests === 'function',
  { message: 'limits must be a LimitStore (an object with acquireConnection() and takeRequests())' },
);

const schedulerSchema = z.custom<SchedulerLike>(
  (value) =>
    typeof value === 'object' &&
    value !== null &&
    typeof (value as SchedulerLike).now === 'function' &&
    typeof (value as SchedulerLike).schedule === 'function',
  { message: 'scheduler must be an RxJS SchedulerLike' },
);



/** True for an AbortSignal (also from another realm or polyfill: checked by shape). */
function isAbortSignal(value: unknown): value is AbortSignal {
  return (
    typeof value === 'object' &&
    value !== null &&
    typeof (value as AbortSignal).aborted === 'boolean' &&
    typeof (value as AbortSignal).addEventListener === 'function' &&
    typeof (value as AbortSignal).removeEventListener === 'function'
  );
}

/**
 * Checks an optional `signal` option; throws `SpeechError('invalid-input')` naming `where` when it is
 * not an AbortSignal. @internal
 */
export function validateSignal(signal: unknown, where: string): AbortSignal | undefined {
  if (signal === undefined) return undefined;
  if (!isAbortSignal(signal)) throw new SpeechError('invalid-input', `Invalid ${where} options: signal must be an AbortSignal.`, { retryable: false });
  return signal;
}

/** Default bound of audio held out of order per reply (about 1.4 s at 24 kHz). */
export const DEFAULT_MAX_HELD_AUDIO_BYTES = 65_536;

/** Default largest reply, in UTF-16 code units (about 250 pages of text). */
export const DEFAULT_MAX_INPUT_CHARS = 1_000_000;

const optionsSchema = z.strictObject({
  provider: providerSchema,
  scheduler: schedulerSchema.optional(),
  segmenter: z
    .record(z.string(), z.unknown())
    .superRefine((value, ctx) => {
      try {
        createSegmenter(value as SegmenterOptions);
      } catch (err) {
        ctx.addIssue({ code: 'custom', message: err instanceof Error ? err.message : String(err) });
      }
    })
    .optional(),
  timeouts: z
    .strictObject({ handshakeMs: positiveMs.optional(), firstAudioMs: positiveMs.optional(), slotWaitMs: positiveMs.optional() })
    .optional(),
  release: z
    .strictObject({ firstSegmentMs: z.union([z.number().finite().min(0), z.literal(false)]).optional(), idleMs: z.union([z.number().finite().min(0), z.literal(false)]).optional() })
    .optional(),
  retry: z
    .strictObject({
      maxRetries: z.number().int().min(0).max(100).optional(),
      initialDelayMs: z.number().finite().min(0).optional(),
      maxDelayMs: z.number().finite().min(0).optional(),
      jitter: z.union([z.boolean(), z.enum(['full', 'equal', 'none'])]).optional(),
    })
    .optional(),
  maxBufferedAudioMs: positiveMs.optional(),
  maxHeldAudioBytes: z.number().int().min(0).optional(),
  onLimit: z.enum(['queue', 'fail']).optional(),
  limits: limitStoreSchema.optional(),
  maxInputChars: z.number().int().positive().optional(),
  signal: z.custom<AbortSignal>(isAbortSignal, { message: 'signal must be an AbortSignal' }).optional(),
});

/** Options with defaults applied. @internal */
export interface ResolvedOptions {
  readonly provider: SpeechProvider;
  readonly scheduler: SchedulerLike;
  readonly segmenter: SegmenterOptions | undefined;
  readonly handshakeMs: number;
  readonly firstAudioMs: number;
  readonly slotWaitMs: number;
  readonly maxRetries: number;
  readonly initialDelayMs: number;
  readonly maxDelayMs: number;
  readonly jitter: BackoffJitter;
  readonly maxBufferedAudioMs: number | undefined;
  readonly maxHeldAudioBytes: number;
  readonly onLimit: 'queue' | 'fail';
  readonly limits: LimitStore;
  readonly maxInputChars: number;
  readonly firstSegmentMs: number | false;
  readonly idleMs: number | false;
}

/** Validates `options` and applies defaults; throws `SpeechError('invalid-input')`. @internal */
export function resolveOptions(options: SpeechSessionOptions): ResolvedOptions {
  if (typeof options !== 'object' || options === null) {
    throw new SpeechError('invalid-input', 'Invalid speech options: expected an object with a provider.', { retryable: false });
  }
  const parsed = optionsSchema.safeParse(options);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const where = issue && issue.path.length > 0 ? `${issue.path.join('.')}: ` : '';
    // zod reports unknown keys of a strict object without a path: name them.
    const keys = issue && 'keys' in issue && Array.isArray(issue.keys) ? ` (${(issue.keys as string[]).join(', ')})` : '';
    throw new SpeechError('invalid-input', `Invalid speech options: ${where}${issue?.message ?? 'invalid value'}${keys}`, { retryable: false });
  }
  const o = parsed.data;
  const caps = o.provider.capabilities;
  if (!(caps.sampleRate > 0)) {
    throw new SpeechError('invalid-input', `Invalid speech options: provider ${o.provider.name} declares no sample rate`, { retryable: false });
  }
  const jitter: BackoffJitter = o.retry?.jitter === undefined || o.retry.jitter === true ? 'full' : o.retry.jitter === false ? 'none' : o.retry.jitter;
  const initialDelayMs = o.retry?.initialDelayMs ?? 200;
  const maxDelayMs = Math.max(o.retry?.maxDelayMs ?? 5_000, o.retry?.maxDelayMs === undefined ? initialDelayMs : 0);
  try {
    backoffDelay(1, { initialDelayMs, maxDelayMs, jitter });
  } catch (err) {
    throw new SpeechError('invalid-input', `Invalid speech options: ${err instanceof Error ? err.message : String(err)}`, { retryable: false, cause: err });
  }
  return {
    provider: o.provider,
    scheduler: o.scheduler ?? asyncScheduler,
    segmenter: o.segmenter as SegmenterOptions | undefined,
    handshakeMs: o.timeouts?.handshakeMs ?? 10_000,
    firstAudioMs: o.timeouts?.firstAudioMs ?? 10_000,
    slotWaitMs: o.timeouts?.slotWaitMs ?? 30_000,
    maxRetries: o.retry?.maxRetries ?? 3,
    initialDelayMs,
    maxDelayMs,
    jitter,
    maxBufferedAudioMs: o.maxBufferedAudioMs,
    maxHeldAudioBytes: o.maxHeldAudioBytes ?? DEFAULT_MAX_HELD_AUDIO_BYTES,
    onLimit: o.onLimit ?? 'queue',
    limits: o.limits ?? inProcessLimits,
    maxInputChars: o.maxInputChars ?? DEFAULT_MAX_INPUT_CHARS,
    firstSegmentMs: o.release?.firstSegmentMs ?? 250,
    idleMs: o.release?.idleMs ?? 400,
  };
}
