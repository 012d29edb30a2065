/**
 * Options of the OpenAI speech adapter, validated with zod (`.strict()`): every bad value is a
 * SpeechError `invalid-input` whose message names the option and says why.
 */
import type { SchedulerLike } from 'rxjs';
import { z } from 'zod';
import { apiKeyOption } from '@utter/core/provider';

/** The environment variable the API key is read from when `apiKey` is not given. */
export const apiKeyEnv = 'OPENAI_API_KEY';
/** OpenAI's API base: origin and the `/v1` prefix. */
export const DEFAULT_BASE_URL = 'https://api.openai.com/v1';
/** The path prefix used when `baseUrl` is an origin without a path. */
export const DEFAULT_PATH_PREFIX = '/v1';
/** The speech endpoint, below the base URL. */
export const SPEECH_PATH = '/audio/speech';
/** Default model. */
export const DEFAULT_MODEL = 'gpt-4o-mini-tts';
/** Default voice. */
export const DEFAULT_VOICE = 'alloy';

/** The models OpenAI documents for `/v1/audio/speech` (other names are passed through, for compatible servers). */
export const OPENAI_TTS_MODELS = ['gpt-4o-mini-tts', 'gpt-4o-mini-tts-2025-12-15', 'tts-1', 'tts-1-hd'] as const;
/** A documented model, or any other model name a compatible server knows. */
export type OpenAiSpeechModel = (typeof OPENAI_TTS_MODELS)[number] | (string & {});

/** The built-in voices OpenAI documents (not every model has every voice). */
export const OPENAI_VOICES = ['alloy', 'ash', 'ballad', 'coral', 'echo', 'fable', 'onyx', 'nova', 'sage', 'shimmer', 'verse', 'marin', 'cedar'] as const;
/** A built-in voice, another voice name (compatible servers), or a custom voice `{ id }`. */
export type OpenAiVoice = (typeof OPENAI_VOICES)[number] | (string & {}) | { readonly id: string };

/** How the audio comes back: a raw chunked body (`'audio'`) or server-sent events (`'sse'`). */
export type OpenAiStreamFormat = 'audio' | 'sse';

/** True for the `tts-1` family, which takes neither `instructions` nor `stream_format: 'sse'`. */
export function isTts1Model(model: string): boolean {
  return model === 'tts-1' || model === 'tts-1-hd' || model.startsWith('tts-1-');
}

/** True when `value` is `http(s)://host[:port]` with an optional path prefix, and no query, fragment or credentials. */
function isHttpBase(value: string): boolean {
  try {
    const url = new URL(value);
    return (url.protocol === 'http:' || url.protocol === 'https:') && url.host !== '' && !url.search && !url.hash && !url.username && !url.password;
  } catch {
    return false;
  }
}

const schedulerOption = z.custom<SchedulerLike>(
  (value) => typeof value === 'object' && value !== null && typeof (value as SchedulerLike).schedule === 'function' && typeof (value as SchedulerLike).now === 'function',
  { message: 'scheduler must be an RxJS SchedulerLike' },
);

/** zod schema of {@link OpenAiOptions}. */
export const openaiOptionsSchema = z
  .object({
    apiKey: apiKeyOption,
    baseUrl: z
      .string()
      .refine(isHttpBase, {
        message: 'baseUrl must be an http(s) origin with an optional path prefix and nothing else, like "http://127.0.0.1:8080" or "https://gateway.example/openai/v1"',
      })
      .optional(),
    model: z.string().min(1, 'model must not be empty').optional(),
    voice: z
      .union([z.string().min(1, 'voice must not be empty'), z.object({ id: z.string().min(1, 'voice.id must not be empty') }).strict()], {
        message: 'voice must be a voice name (e.g. "alloy") or a custom voice { id }',
      })
      .optional(),
    instructions: z.string().min(1, 'instructions must not be empty').max(4096, 'instructions must be at most 4096 characters').optional(),
    speed: z.number().min(0.25, 'speed must be between 0.25 and 4').max(4, 'speed must be between 0.25 and 4').optional(),
    streamFormat: z.enum(['audio', 'sse'], { message: 'streamFormat must be "audio" or "sse"' }).optional(),
    maxConcurrentRequests: z.number().int('maxConcurrentRequests must be an integer').min(1, 'maxConcurrentRequests must be between 1 and 16').max(16, 'maxConcurrentRequests must be between 1 and 16').optional(),
    maxRetryAfterMs: z.number().int('maxRetryAfterMs must be an integer').min(0, 'maxRetryAfterMs must not be negative').optional(),
    scheduler: schedulerOption.optional(),
  })
  .strict()
  .superRefine((o, ctx) => {
    const model = o.model ?? DEFAULT_MODEL;
    if (!isTts1Model(model)) return;
    if (o.instructions !== undefined) {
      ctx.addIssue({ code: 'custom', path: ['instructions'], message: `instructions is not supported by ${model}; use gpt-4o-mini-tts or leave instructions out` });
    }
    if (o.streamFormat === 'sse') {
      ctx.addIssue({ code: 'custom', path: ['streamFormat'], message: `streamFormat "sse" is not supported by ${model}; use "audio"` });
    }
  });

/** Options of {@link openai}. */
export interface OpenAiOptions {
  /** API key. Default: `process.env.OPENAI_API_KEY`. Sent as `Authorization: Bearer`; never logged or printed. */
  readonly apiKey?: string;
  /**
   * Where to send requests instead of `https://api.openai.com/v1`: an `http(s)` origin, optionally with a
   * path prefix. The request goes to `{origin}{prefix}/audio/speech`; without a prefix (`http://127.0.0.1:8080`)
   * the prefix is `/v1`. A trailing slash is ignored. No query, fragment or credentials.
   */
  readonly baseUrl?: string;
  /** `model`: `gpt-4o-mini-tts` (default), `gpt-4o-mini-tts-2025-12-15`, `tts-1`, `tts-1-hd`, or a compatible server's model. */
  readonly model?: OpenAiSpeechModel;
  /** `voice`: a built-in voice (default `alloy`), another name a compatible server knows, or a custom voice `{ id }`. */
  readonly voice?: OpenAiVoice;
  /** `instructions`: how to speak (tone, accent, pace). gpt-4o-mini-tts models only; rejected for tts-1 and tts-1-hd. */
  readonly instructions?: string;
  /** `speed`: 0.25 to 4 (the service's default is 1). */
  readonly speed?: number;
  /** `stream_format`: `'audio'` (default: raw chunked PCM) or `'sse'` (base64 deltas; not for tts-1 and tts-1-hd). */
  readonly streamFormat?: OpenAiStreamFormat;
  /** Requests (segments) in flight at once on one connection; their audio is put back in order by the core. Default 3. */
  readonly maxConcurrentRequests?: number;
  /**
   * The longest `retry-after` of a 429 or 503 that is waited for (new requests hold until it passes and the
   * error is retryable). A longer one makes the error not retryable, so `fallback()` moves on. Default 10 000.
   */
  readonly maxRetryAfterMs?: number;
  /** Scheduler of the adapter's timers (the `retry-after` hold). Default: RxJS `asyncScheduler`. For tests. */
  readonly scheduler?: SchedulerLike;
}

/** Options after validation and defaults. */
export interface ResolvedOpenAiOptions {
  /** The full speech endpoint URL. */
  readonly url: string;
  readonly model: string;
  readonly voice: string | { readonly id: string };
  readonly instructions: string | undefined;
  readonly speed: number | undefined;
  readonly streamFormat: OpenAiStreamFormat;
  readonly maxConcurrentRequests: number;
  readonly maxRetryAfterMs: number;
  readonly scheduler: SchedulerLike | undefined;
}

/**
 * The speech endpoint for `baseUrl`: `https://api.openai.com/v1/audio/speech` without one;
 * `{origin}{path prefix or /v1}/audio/speech` with one.
 */
export function speechUrl(baseUrl: string | undefined): string {
  const base = new URL(baseUrl ?? DEFAULT_BASE_URL);
  const prefix = base.pathname.replace(/\/+$/, '') || DEFAULT_PATH_PREFIX;
  return `${base.origin}${prefix}${SPEECH_PATH}`;
}

/** Applies defaults. */
export function resolveOpenAiOptions(o: OpenAiOptions): ResolvedOpenAiOptions {
  return {
    url: speechUrl(o.baseUrl),
    model: o.model ?? DEFAULT_MODEL,
    voice: o.voice ?? DEFAULT_VOICE,
    instructions: o.instructions,
    speed: o.speed,
    streamFormat: o.streamFormat ?? 'audio',
    maxConcurrentRequests: o.maxConcurrentRequests ?? 3,
    maxRetryAfterMs: o.maxRetryAfterMs ?? 10_000,
    scheduler: o.scheduler,
  };
}
