/**
 * Validation and defaults of session options (zod). A bad option is a `SpeechError('invalid-input')`.
 * @internal
 */
import { asyncScheduler, type SchedulerLike } from 'rxjs';
import { z } from 'zod';
import { SpeechError } from '../errors.js';
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

const schedulerSchema = z.custom<SchedulerLike>(
  (value) =>
    typeof value === 'object' &&
    value !== null &&
    typeof (value as SchedulerLike).now === 'function' &&
    typeof (value as SchedulerLike).schedule === 'function',
  { message: 'scheduler must be an RxJS SchedulerLike' },
);

const optionsSchema = z.object({
  provider: providerSchema,
  scheduler: schedulerSchema.optional(),
  segmenter: z.record(z.string(), z.unknown()).optional(),
  timeouts: z
    .object({ handshakeMs: positiveMs.optional(), firstAudioMs: positiveMs.optional() })
    .optional(),
  retry: z
    .object({
      maxRetries: z.number().int().min(0).max(100).optional(),
      initialDelayMs: z.number().finite().min(0).optional(),
      maxDelayMs: z.number().finite().min(0).optional(),
      jitter: z.union([z.boolean(), z.enum(['full', 'equal', 'none'])]).optional(),
    })
    .optional(),
  maxBufferedAudioMs: positiveMs.optional(),
  onLimit: z.enum(['queue', 'fail']).optional(),
  signal: z.custom<AbortSignal>((v) => typeof v === 'object' && v !== null && 'aborted' in v, { message: 'signal must be an AbortSignal' }).optional(),
});

/** Options with defaults applied. @internal */
export interface ResolvedOptions {
  readonly provider: SpeechProvider;
  readonly scheduler: SchedulerLike;
  readonly segmenter: SegmenterOptions | undefined;
  readonly handshakeMs: number;
  readonly firstAudioMs: number;
  readonly maxRetries: number;
  readonly initialDelayMs: number;
  readonly maxDelayMs: number;
  readonly jitter: BackoffJitter;
  readonly maxBufferedAudioMs: number | undefined;
  readonly onLimit: 'queue' | 'fail';
}

/** Validates `options` and applies defaults; throws `SpeechError('invalid-input')`. @internal */
export function resolveOptions(options: SpeechSessionOptions): ResolvedOptions {
  const parsed = optionsSchema.safeParse(options);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const where = issue && issue.path.length > 0 ? `${issue.path.join('.')}: ` : '';
    throw new SpeechError('invalid-input', `Invalid speech options: ${where}${issue?.message ?? 'invalid value'}`, { retryable: false });
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
    createSegmenter(o.segmenter as SegmenterOptions | undefined);
  } catch (err) {
    throw new SpeechError('invalid-input', `Invalid speech options: ${err instanceof Error ? err.message : String(err)}`, { retryable: false, cause: err });
  }
  return {
    provider: o.provider,
    scheduler: o.scheduler ?? asyncScheduler,
    segmenter: o.segmenter as SegmenterOptions | undefined,
    handshakeMs: o.timeouts?.handshakeMs ?? 10_000,
    firstAudioMs: o.timeouts?.firstAudioMs ?? 10_000,
    maxRetries: o.retry?.maxRetries ?? 3,
    initialDelayMs,
    maxDelayMs,
    jitter,
    maxBufferedAudioMs: o.maxBufferedAudioMs,
    onLimit: o.onLimit ?? 'queue',
  };
}
