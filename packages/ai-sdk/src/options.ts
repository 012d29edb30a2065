/**
 * Validation of this package's own options (zod). Session options (timeouts, retry, ...) are
 * validated by the core. A bad option is a `SpeechError('invalid-input')` with a clear message.
 * @internal
 */
import { SpeechError } from '@utter/core';
import { z } from 'zod';

const isObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null;

const providerSchema = z.custom<object>(
  (value) => isObject(value) && typeof value['connect'] === 'function' && isObject(value['capabilities']),
  { message: 'provider must be a SpeechProvider (e.g. espeak())' },
);
const sessionSchema = z.custom<object>(
  (value) => isObject(value) && typeof value['say'] === 'function',
  { message: 'session must be a SpeechSession (from createSpeechSession())' },
);
const signalSchema = z.custom<AbortSignal>(
  (value) => isObject(value) && typeof value['aborted'] === 'boolean' && typeof value['addEventListener'] === 'function',
  { message: 'abortSignal must be an AbortSignal' },
);
const sampleRateSchema = z.number().int().min(1000).max(384_000);

/** @internal */
export const speakOptionsSchema = z
  .object({
    provider: providerSchema.optional(),
    session: sessionSchema.optional(),
    abortSignal: signalSchema.optional(),
    sampleRate: sampleRateSchema.optional(),
    blockSeparator: z.string().optional(),
  })
  .passthrough()
  .refine((o) => (o.provider === undefined) !== (o.session === undefined), {
    message: 'pass exactly one of `provider` or `session`',
  });

/** @internal */
export const audioFormatSchema = z.enum(['wav', 'pcm']);

/** @internal */
export const responseOptionsSchema = z
  .object({
    format: audioFormatSchema.optional(),
    status: z.number().int().min(200).max(599).optional(),
    statusText: z.string().optional(),
    headers: z.unknown().optional(),
  })
  .strict();

/** @internal */
export const speechModelOptionsSchema = z
  .object({
    specificationVersion: z.enum(['v4', 'v3', 'v2']).optional(),
    modelId: z.string().min(1).optional(),
  })
  .passthrough();

/** @internal */
export const uiOptionsSchema = z
  .object({
    audio: z.union([z.boolean(), z.object({ maxDurationMs: z.number().positive() }).strict()]).optional(),
    storeMetrics: z.boolean().optional(),
  })
  .strict();

/** Parses `value` with `schema` or throws `SpeechError('invalid-input')` naming the bad option. @internal */
export function parseOptions<T>(schema: z.ZodType<T>, value: unknown, what: string): T {
  const parsed = schema.safeParse(value ?? {});
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0];
  const where = issue && issue.path.length > 0 ? `${issue.path.join('.')}: ` : '';
  throw new SpeechError('invalid-input', `Invalid ${what} options: ${where}${issue?.message ?? 'invalid value'}`, { retryable: false });
}
