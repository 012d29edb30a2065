/**
 * Options of the Deepgram Aura adapter, validated with zod.
 */
import { z } from 'zod';
import type { SchedulerLike } from 'rxjs';
import { apiKeyOption, originSchema, withOrigin } from '@utter/core/provider';
import { DEEPGRAM_ENCODINGS, DEEPGRAM_SAMPLE_RATES, G711_SAMPLE_RATES, type DeepgramEncoding, type DeepgramSampleRate } from './protocol.js';

/** The environment variable the API key is read from when `apiKey` is not given. */
export const apiKeyEnv = 'DEEPGRAM_API_KEY';
/** The streaming text-to-speech endpoint (Aura, `/v1/speak`). */
export const DEEPGRAM_URL = 'wss://api.deepgram.com/v1/speak';
/** Default voice model. */
export const DEFAULT_MODEL = 'aura-2-thalia-en';
/** Deepgram accepts at most this many `Flush` messages per 60 s on a connection (a `Warning` beyond). */
export const DEEPGRAM_FLUSH_LIMIT = 20;
/** The flush-rate window, ms. */
export const DEEPGRAM_FLUSH_WINDOW_MS = 60_000;

const schedulerSchema = z.custom<SchedulerLike>(
  (value) => typeof value === 'object' && value !== null && typeof (value as SchedulerLike).schedule === 'function' && typeof (value as SchedulerLike).now === 'function',
  { message: 'must be an RxJS SchedulerLike' },
);

/** zod schema of {@link DeepgramOptions}. */
export const deepgramOptionsSchema = z
  .object({
    apiKey: apiKeyOption,
    baseUrl: originSchema().optional(),
    model: z
      .string()
      .regex(/^aura-[a-z0-9-]+$/, 'must be an Aura voice model such as "aura-2-thalia-en"')
      .optional(),
    encoding: z.enum(DEEPGRAM_ENCODINGS, { message: `must be one of ${DEEPGRAM_ENCODINGS.join(', ')}` }).optional(),
    sampleRate: z
      .number()
      .refine((rate) => (DEEPGRAM_SAMPLE_RATES as readonly number[]).includes(rate), { message: `must be one of ${DEEPGRAM_SAMPLE_RATES.join(', ')}` })
      .optional(),
    auth: z.enum(['header', 'subprotocol'], { message: 'must be "header" or "subprotocol"' }).optional(),
    mipOptOut: z.boolean().optional(),
    flushMinChars: z.number().int().min(1, 'must be at least 1').max(2000, 'must be at most 2000').optional(),
    flushIdleMs: z.number().int().positive('must be a positive number of ms').optional(),
    maxFlushesPerMinute: z.number().int().min(2, 'must be at least 2').max(DEEPGRAM_FLUSH_LIMIT, `must be at most ${DEEPGRAM_FLUSH_LIMIT} (Deepgram's limit)`).optional(),
    scheduler: schedulerSchema.optional(),
  })
  .strict()
  .superRefine((o, ctx) => {
    const encoding = o.encoding ?? 'linear16';
    if (encoding !== 'linear16' && o.sampleRate !== undefined && !(G711_SAMPLE_RATES as readonly number[]).includes(o.sampleRate)) {
      ctx.addIssue({ code: 'custom', path: ['sampleRate'], message: `must be ${G711_SAMPLE_RATES.join(' or ')} with encoding "${encoding}"` });
    }
  });

/** Options of {@link deepgram}. */
export interface DeepgramOptions {
  /** API key. Default: `process.env.DEEPGRAM_API_KEY`. Never logged or printed. */
  readonly apiKey?: string;
  /**
   * Replaces the scheme, host and port of `wss://api.deepgram.com` (the path `/v1/speak` is kept), e.g.
   * `'wss://api.eu.deepgram.com'` or `'ws://127.0.0.1:8080'` for a local server.
   */
  readonly baseUrl?: string;
  /** Aura voice model (`model` query parameter). Default `'aura-2-thalia-en'`. */
  readonly model?: string;
  /**
   * Audio encoding on the wire (`encoding`): `'linear16'` (default), `'mulaw'` or `'alaw'`. The adapter
   * always emits PCM16; mu-law and A-law are decoded.
   */
  readonly encoding?: DeepgramEncoding;
  /**
   * Sample rate (`sample_rate`): 8000, 16000, 24000, 44100 or 48000 for linear16 (default 24000);
   * 8000 (default) or 16000 for mulaw and alaw.
   */
  readonly sampleRate?: DeepgramSampleRate;
  /**
   * Where the key goes: `'header'` (default, `Authorization: Token <key>`) or `'subprotocol'`
   * (`Sec-WebSocket-Protocol: token, <key>`, for environments that cannot set headers, e.g. browsers).
   */
  readonly auth?: 'header' | 'subprotocol';
  /** Sets `mip_opt_out=true` (opt out of the Deepgram Model Improvement Program). */
  readonly mipOptOut?: boolean;
  /**
   * Flush coalescing: a segment is flushed on its own only when at least this many characters wait
   * (the first segment of a reply is always flushed at once); shorter ones wait for the next segment,
   * `flushIdleMs` or the end of the reply. Default 1: every segment is flushed on its own while the
   * flush budget allows.
   */
  readonly flushMinChars?: number;
  /** Flush text that has waited this long with no more text of its reply, ms. Default 1000. */
  readonly flushIdleMs?: number;
  /**
   * Flushes allowed per 60 s on one connection (Deepgram's limit is 20). Per-segment flushes keep a
   * quarter of this budget for the ends of replies (segments are coalesced meanwhile); an end-of-reply
   * flush waits for the window when the budget is spent. Default 20.
   */
  readonly maxFlushesPerMinute?: number;
  /** Scheduler of the flush timers and the flush-rate window (virtual time in tests). Default: RxJS `asyncScheduler`. */
  readonly scheduler?: SchedulerLike;
}

/** Options after validation and defaults. */
export interface ResolvedDeepgramOptions {
  /** The endpoint, with `model`, `encoding` and `sample_rate` (and `mip_opt_out`), without the key. */
  readonly url: string;
  readonly model: string;
  readonly encoding: DeepgramEncoding;
  readonly sampleRate: DeepgramSampleRate;
  readonly auth: 'header' | 'subprotocol';
  readonly flushMinChars: number;
  readonly flushIdleMs: number;
  readonly maxFlushesPerMinute: number;
  readonly scheduler: SchedulerLike | undefined;
}

/** Applies defaults and builds the endpoint URL. */
export function resolveDeepgramOptions(o: DeepgramOptions): ResolvedDeepgramOptions {
  const encoding = o.encoding ?? 'linear16';
  const sampleRate = o.sampleRate ?? (encoding === 'linear16' ? 24_000 : 8_000);
  const model = o.model ?? DEFAULT_MODEL;
  const url = new URL(withOrigin(DEEPGRAM_URL, o.baseUrl));
  url.searchParams.set('model', model);
  url.searchParams.set('encoding', encoding);
  url.searchParams.set('sample_rate', String(sampleRate));
  if (o.mipOptOut === true) url.searchParams.set('mip_opt_out', 'true');
  return {
    url: url.toString(),
    model,
    encoding,
    sampleRate,
    auth: o.auth ?? 'header',
    flushMinChars: o.flushMinChars ?? 1,
    flushIdleMs: o.flushIdleMs ?? 1_000,
    maxFlushesPerMinute: o.maxFlushesPerMinute ?? DEEPGRAM_FLUSH_LIMIT,
    scheduler: o.scheduler,
  };
}
