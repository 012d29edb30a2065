/** Options of the Cartesia adapter: the type, its zod schema (`.strict()`), defaults and the key's environment variable. */
import { z } from 'zod';
import { apiKeyOption, originSchema, parseProviderOptions, withOrigin } from '@utter/core/provider';

/** The environment variable the API key is read from when `apiKey` is not given. */
export const apiKeyEnv = 'CARTESIA_API_KEY';
/** Cartesia's TTS WebSocket endpoint (without the version query). */
export const CARTESIA_URL = 'wss://api.cartesia.ai/tts/websocket';
/** The API versions Cartesia documents (`Cartesia-Version`). */
export const CARTESIA_VERSIONS = ['2024-06-10', '2024-11-13', '2025-04-16', '2026-03-01'] as const;
/** The API version sent by default (structured errors with `error_code`). */
export const DEFAULT_CARTESIA_VERSION = '2026-03-01';
/** Default model. `sonic-3` honours `generation_config` speed and volume (sonic-3.5 ignores them for now). */
export const DEFAULT_CARTESIA_MODEL = 'sonic-3';
/** Default voice: the one in Cartesia's realtime quickstart. */
export const DEFAULT_CARTESIA_VOICE = 'f786b574-daa5-4673-aa0c-cbe3e8534c02';
/** Sample rates of Cartesia's raw output. */
export const CARTESIA_SAMPLE_RATES = [8000, 16000, 22050, 24000, 44100, 48000] as const;
/** Raw encodings of Cartesia's WebSocket output. */
export const CARTESIA_ENCODINGS = ['pcm_s16le', 'pcm_f32le', 'pcm_mulaw', 'pcm_alaw'] as const;
/** A Cartesia sample rate. */
export type CartesiaSampleRate = (typeof CARTESIA_SAMPLE_RATES)[number];
/** A Cartesia raw encoding. */
export type CartesiaEncoding = (typeof CARTESIA_ENCODINGS)[number];

/** A voice by id, as Cartesia's `voice` field takes it. */
export interface CartesiaVoiceById {
  readonly mode: 'id';
  readonly id: string;
}

/** `generation_config` (sonic-3 and later): speaking guidance, not exact adjustments. */
export interface CartesiaGenerationConfig {
  /** Speed multiplier, 0.6..1.5. */
  readonly speed?: number;
  /** Volume multiplier, 0.5..2.0. */
  readonly volume?: number;
  /** Emotion guidance (beta), e.g. `'excited'`, `'calm'`. */
  readonly emotion?: string;
}

/** Something with a clock: an RxJS scheduler (its `now()`), for tests in virtual time. */
export interface CartesiaClock {
  now(): number;
}

/** Options of {@link cartesia}. Every field is optional. */
export interface CartesiaOptions {
  /** API key. Default: the `CARTESIA_API_KEY` environment variable. Sent as the `X-API-Key` header; never logged. */
  readonly apiKey?: string;
  /** Replaces the scheme, host and port of `wss://api.cartesia.ai` (path and query are kept), e.g. `'ws://127.0.0.1:8080'`. */
  readonly baseUrl?: string;
  /** `model_id`. Default `'sonic-3'`. */
  readonly modelId?: string;
  /** `voice`: a voice id, or `{ mode: 'id', id }`. Default: the quickstart voice. */
  readonly voice?: string | CartesiaVoiceById;
  /** `language`, e.g. `'en'`, `'fr'`. Default `'en'`. */
  readonly language?: string;
  /** `output_format.sample_rate`. Default 24 000. */
  readonly sampleRate?: CartesiaSampleRate;
  /** `output_format.encoding` (container `raw`). Default `'pcm_s16le'`; all are decoded to PCM16. */
  readonly encoding?: CartesiaEncoding;
  /** The API version (`Cartesia-Version` header and `cartesia_version` query). Default `'2026-03-01'`. */
  readonly cartesiaVersion?: string;
  /**
   * `max_buffer_delay_ms`, 0..5000. Default 0: utter's segmenter already sends whole clauses, and
   * Cartesia advises against buffering twice (its own default, 3000, would add latency).
   */
  readonly maxBufferDelayMs?: number;
  /** `generation_config`: `speed`, `volume`, `emotion`. */
  readonly generationConfig?: CartesiaGenerationConfig;
  /** `add_timestamps`: word timings, turned into `word` events. Default true. */
  readonly addTimestamps?: boolean;
  /** `pronunciation_dict_id`. */
  readonly pronunciationDictId?: string;
  /** Replies (contexts) at once on one connection, 1..15. Default 2 (the Free plan's concurrency). */
  readonly maxConcurrentUtterances?: number;
  /**
   * A reply whose context has been quiet (all audio acknowledged) this long continues on a fresh
   * context: Cartesia expires a context about 1 s after its last audio and rejects more text on it.
   * 50..950 ms. Default 600.
   */
  readonly contextRolloverMs?: number;
  /** Clock for the rollover (an RxJS scheduler works). Default `performance.now()`. */
  readonly scheduler?: CartesiaClock;
}

const number = (name: string, min: number, max: number) =>
  z.number({ message: `${name} must be a number` }).min(min, `${name} must be between ${min} and ${max}`).max(max, `${name} must be between ${min} and ${max}`);
const integer = (name: string, min: number, max: number) => number(name, min, max).int(`${name} must be an integer`);

/** zod schema of {@link CartesiaOptions}. */
export const cartesiaOptionsSchema = z
  .object({
    apiKey: apiKeyOption,
    baseUrl: originSchema().optional(),
    modelId: z.string({ message: 'modelId must be a string' }).min(1, 'modelId must not be empty').optional(),
    voice: z
      .union(
        [
          z.string().min(1, 'voice must not be empty'),
          z.object({ mode: z.literal('id'), id: z.string().min(1, 'voice.id must not be empty') }).strict(),
        ],
        { message: 'voice must be a voice id or { mode: "id", id }' },
      )
      .optional(),
    language: z.string().regex(/^[a-z]{2,3}(-[A-Za-z]{2,4})?$/, 'language must be a language code like "en" or "pt"').optional(),
    sampleRate: z
      .number()
      .refine((v) => (CARTESIA_SAMPLE_RATES as readonly number[]).includes(v), `sampleRate must be one of ${CARTESIA_SAMPLE_RATES.join(', ')}`)
      .optional(),
    encoding: z.enum(CARTESIA_ENCODINGS, { message: `encoding must be one of ${CARTESIA_ENCODINGS.join(', ')}` }).optional(),
    cartesiaVersion: z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'cartesiaVersion must be a date like "2026-03-01"').optional(),
    maxBufferDelayMs: integer('maxBufferDelayMs', 0, 5000).optional(),
    generationConfig: z
      .object({
        speed: number('generationConfig.speed', 0.6, 1.5).optional(),
        volume: number('generationConfig.volume', 0.5, 2).optional(),
        emotion: z.string().min(1, 'generationConfig.emotion must not be empty').optional(),
      })
      .strict()
      .optional(),
    addTimestamps: z.boolean({ message: 'addTimestamps must be true or false' }).optional(),
    pronunciationDictId: z.string().min(1, 'pronunciationDictId must not be empty').optional(),
    maxConcurrentUtterances: integer('maxConcurrentUtterances', 1, 15).optional(),
    contextRolloverMs: integer('contextRolloverMs', 50, 950).optional(),
    scheduler: z.custom<CartesiaClock>((v) => typeof (v as { now?: unknown } | null)?.now === 'function', 'scheduler must have a now() method').optional(),
  })
  .strict();

/** Validates Cartesia options; a bad value throws SpeechError `invalid-input` naming the option. */
export function parseCartesiaOptions(options: unknown): CartesiaOptions {
  return parseProviderOptions(cartesiaOptionsSchema, options, { name: 'cartesia', label: 'Cartesia' }) as CartesiaOptions;
}

/** Settings of a Cartesia provider: defaults applied, the fixed fields of every generation request built. */
export interface ResolvedCartesiaOptions {
  /** The endpoint with `cartesia_version`, without the key (safe to print). */
  readonly url: string;
  readonly cartesiaVersion: string;
  readonly sampleRate: CartesiaSampleRate;
  readonly encoding: CartesiaEncoding;
  readonly addTimestamps: boolean;
  readonly maxConcurrentUtterances: number;
  readonly contextRolloverMs: number;
  /** The fields every input on a context repeats unchanged (all but `transcript`, `continue`, `flush`, `context_id`). */
  readonly request: Readonly<Record<string, unknown>>;
  readonly now: () => number;
}

/** Applies defaults and builds the wire fields. */
export function resolveCartesiaOptions(o: CartesiaOptions): ResolvedCartesiaOptions {
  const cartesiaVersion = o.cartesiaVersion ?? DEFAULT_CARTESIA_VERSION;
  const sampleRate = o.sampleRate ?? 24_000;
  const encoding = o.encoding ?? 'pcm_s16le';
  const addTimestamps = o.addTimestamps ?? true;
  const voice = o.voice === undefined ? { mode: 'id', id: DEFAULT_CARTESIA_VOICE } : typeof o.voice === 'string' ? { mode: 'id', id: o.voice } : { mode: 'id', id: o.voice.id };
  const request: Record<string, unknown> = {
    model_id: o.modelId ?? DEFAULT_CARTESIA_MODEL,
    voice,
    language: o.language ?? 'en',
    output_format: { container: 'raw', encoding, sample_rate: sampleRate },
    add_timestamps: addTimestamps,
    max_buffer_delay_ms: o.maxBufferDelayMs ?? 0,
  };
  if (o.generationConfig !== undefined && Object.keys(o.generationConfig).length > 0) request['generation_config'] = { ...o.generationConfig };
  if (o.pronunciationDictId !== undefined) request['pronunciation_dict_id'] = o.pronunciationDictId;
  const scheduler = o.scheduler;
  return {
    url: withOrigin(`${CARTESIA_URL}?${new URLSearchParams({ cartesia_version: cartesiaVersion }).toString()}`, o.baseUrl),
    cartesiaVersion,
    sampleRate,
    encoding,
    addTimestamps,
    maxConcurrentUtterances: o.maxConcurrentUtterances ?? 2,
    contextRolloverMs: o.contextRolloverMs ?? 600,
    request,
    now: scheduler ? () => scheduler.now() : () => performance.now(),
  };
}
