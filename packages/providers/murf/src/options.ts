/** Options of the Murf adapter, validated with zod. */
import { z } from 'zod';
import { apiKeyOption, originSchema, parseProviderOptions, withOrigin } from '@utter/core/provider';

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

/** zod schema of {@link MurfOptions}. */
export const murfOptionsSchema = z
  .object({
    apiKey: apiKeyOption,
    baseUrl: originSchema().optional(),
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

/** The environment variable the API key is read from. */
export const apiKeyEnv = 'MURF_API_KEY';
/** The endpoint path on every Murf host. */
export const MURF_PATH = '/v1/speech/stream-input';
/** Default voice (a Falcon voice). */
export const DEFAULT_MURF_VOICE = 'Matthew';

/** Validates Murf options; a bad value throws SpeechError `invalid-input` naming the field. */
export function parseMurfOptions(options: unknown): MurfOptions {
  return parseProviderOptions(murfOptionsSchema, options, { name: 'murf', label: 'Murf' }) as MurfOptions;
}

/** Settings of a Murf provider. */
export interface ResolvedMurfOptions {
  /** The endpoint, without the key. */
  readonly endpoint: string;
  readonly auth: 'header' | 'query';
  readonly sampleRate: number;
  /** snake_case `voice_config`. */
  readonly voiceConfig: Record<string, unknown>;
  /** Buffer settings sent once after connecting. */
  readonly settings: Record<string, unknown>;
  readonly keepAliveIntervalMs: number;
}

/** Applies defaults and builds the wire settings. */
export function resolveMurfOptions(opts: MurfOptions): ResolvedMurfOptions {
  const query = new URLSearchParams({
    model: opts.model ?? 'FALCON',
    sample_rate: String(opts.sampleRate ?? 24_000),
    channel_type: 'MONO',
    format: opts.format ?? 'PCM',
  });
  const voiceConfig: Record<string, unknown> = { voice_id: opts.voiceId ?? DEFAULT_MURF_VOICE };
  if (opts.style !== undefined) voiceConfig['style'] = opts.style;
  if (opts.rate !== undefined) voiceConfig['rate'] = opts.rate;
  if (opts.pitch !== undefined) voiceConfig['pitch'] = opts.pitch;
  if (opts.variation !== undefined) voiceConfig['variation'] = opts.variation;
  if (opts.locale !== undefined) voiceConfig['multi_native_locale'] = opts.locale;
  if (opts.pronunciationDictionary !== undefined) voiceConfig['pronunciation_dictionary'] = opts.pronunciationDictionary;
  const settings: Record<string, unknown> = {};
  if (opts.minBufferSize !== undefined) settings['min_buffer_size'] = opts.minBufferSize;
  if (opts.maxBufferDelayMs !== undefined) settings['max_buffer_delay_in_ms'] = opts.maxBufferDelayMs;
  return {
    endpoint: withOrigin(`wss://${opts.region ?? 'global'}.api.murf.ai${MURF_PATH}?${query.toString()}`, opts.baseUrl),
    auth: opts.auth ?? 'header',
    sampleRate: opts.sampleRate ?? 24_000,
    voiceConfig,
    settings,
    keepAliveIntervalMs: opts.keepAliveIntervalMs ?? 60_000,
  };
}
