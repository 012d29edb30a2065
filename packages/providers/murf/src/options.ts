/** Options of the Murf adapter, validated with zod. */
import { z } from 'zod';
import { SpeechError } from '@utter/core';

/** Murf's regional hosts (`<region>.api.murf.ai`); `'global'` routes to the nearest. */
export const MURF_REGIONS = ['global', 'us-east', 'us-west', 'in', 'ca', 'kr', 'me', 'jp', 'au', 'eu-central', 'uk', 'sa-east'] as const;
/** A Murf region. */
export type MurfRegion = (typeof MURF_REGIONS)[number];
/** Murf streaming models. */
export const MURF_MODELS = ['FALCON', 'GEN2', 'falcon-2'] as const;
/** Sample rates Murf streams. */
export const MURF_SAMPLE_RATES = [8000, 16000, 24000, 44100, 48000] as const;

/** A pronunciation override. */
export interface MurfPronunciation {
  readonly type: 'IPA' | 'SAY_AS';
  readonly pronunciation: string;
}

/** Options of {@link murf}. Every field is optional. */
export interface MurfOptions {
  /** API key. Default: the `MURF_API_KEY` environment variable. */
  readonly apiKey?: string;
  /** Replaces the scheme, host and port of the real endpoint (path and query are kept), e.g. `'ws://127.0.0.1:8080'`. */
  readonly baseUrl?: string;
  /** Region: host `<region>.api.murf.ai`. Default `'global'`. Ignored with `baseUrl`. */
  readonly region?: MurfRegion;
  /** Where the key goes: the `api-key` header (default) or the `api-key` query parameter (never printed). */
  readonly auth?: 'header' | 'query';
  /** Model. Default `'FALCON'`. */
  readonly model?: (typeof MURF_MODELS)[number];
  /** Output sample rate. Default 24 000. */
  readonly sampleRate?: (typeof MURF_SAMPLE_RATES)[number];
  /** Wire format: raw `'PCM'` (default) or `'WAV'` (a RIFF header on the first chunk, stripped). */
  readonly format?: 'PCM' | 'WAV';
  /** Voice id, e.g. `'Matthew'` (Falcon) or `'en-US-natalie'` (Gen2). Default `'Matthew'`. */
  readonly voiceId?: string;
  /** Voice style, e.g. `'Conversation'`. */
  readonly style?: string;
  /** Speed, -50..50. */
  readonly rate?: number;
  /** Pitch, -50..50. */
  readonly pitch?: number;
  /** Variation in pauses, pitch and speed, 0..5 (Gen2). */
  readonly variation?: number;
  /** Locale for multi-native voices, e.g. `'en-US'`. */
  readonly locale?: string;
  /** Pronunciation overrides: word -> `{type, pronunciation}`. */
  readonly pronunciationDictionary?: Readonly<Record<string, MurfPronunciation>>;
  /** Characters Murf buffers before synthesizing, 40..160 (Murf's default 40). */
  readonly minBufferSize?: number;
  /** Longest wait for more text before synthesizing, 0..1000 ms (Murf's default 300). */
  readonly maxBufferDelayMs?: number;
  /** Keep-alive after this much idle time, in ms; must be below Murf's 3-minute idle close. Default 60 000. */
  readonly keepAliveIntervalMs?: number;
}

const int = (min: number, max: number, name: string) =>
  z.number().int(`${name} must be an integer`).min(min, `${name} must be between ${min} and ${max}`).max(max, `${name} must be between ${min} and ${max}`);

const schema = z
  .object({
    apiKey: z.string().min(1, 'apiKey must not be empty').optional(),
    baseUrl: z
      .string()
      .regex(/^wss?:\/\/[^/?#\s]+\/?$/, 'baseUrl must be a scheme, host and optional port only, like "ws://127.0.0.1:8080"')
      .optional(),
    region: z.enum(MURF_REGIONS, { message: `region must be one of ${MURF_REGIONS.join(', ')}` }).optional(),
    auth: z.enum(['header', 'query'], { message: 'auth must be "header" or "query"' }).optional(),
    model: z.enum(MURF_MODELS, { message: `model must be one of ${MURF_MODELS.join(', ')}` }).optional(),
    sampleRate: z
      .number()
      .refine((v) => (MURF_SAMPLE_RATES as readonly number[]).includes(v), `sampleRate must be one of ${MURF_SAMPLE_RATES.join(', ')}`)
      .optional(),
    format: z.enum(['PCM', 'WAV'], { message: 'format must be "PCM" or "WAV" (utter needs PCM audio)' }).optional(),
    voiceId: z.string().min(1, 'voiceId must not be empty').optional(),
    style: z.string().min(1, 'style must not be empty').optional(),
    rate: int(-50, 50, 'rate').optional(),
    pitch: int(-50, 50, 'pitch').optional(),
    variation: int(0, 5, 'variation').optional(),
    locale: z.string().regex(/^[a-z]{2}-[A-Z]{2}$/, 'locale must look like "en-US"').optional(),
    pronunciationDictionary: z
      .record(z.string().min(1), z.object({ type: z.enum(['IPA', 'SAY_AS']), pronunciation: z.string().min(1) }).strict())
      .optional(),
    minBufferSize: int(40, 160, 'minBufferSize').optional(),
    maxBufferDelayMs: int(0, 1000, 'maxBufferDelayMs').optional(),
    keepAliveIntervalMs: int(1000, 179_000, 'keepAliveIntervalMs').optional(),
  })
  .strict();

/** Validates Murf options; a bad value throws SpeechError `invalid-input` naming the field. */
export function parseMurfOptions(options: unknown): MurfOptions {
  const result = schema.safeParse(options ?? {});
  if (!result.success) {
    const issue = result.error.issues[0];
    const where = issue && issue.path.length > 0 ? `${issue.path.join('.')}: ` : '';
    throw new SpeechError('invalid-input', `Invalid Murf options: ${where}${issue?.message ?? 'invalid value'}`, {
      provider: 'murf',
      retryable: false,
    });
  }
  return result.data as MurfOptions;
}
