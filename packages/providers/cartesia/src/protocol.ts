/**
 * Cartesia's TTS WebSocket protocol (`/tts/websocket`): zod schemas of every message both ways, the
 * close codes, and the error mapping. Sources: docs.cartesia.ai (api-reference/tts/websocket, contexts,
 * context flushing, buffering, api-errors); see docs/providers/cartesia.md for what is assumed.
 */
import { z } from 'zod';
import { SpeechError, closeError, type CloseCodeTable, type SpeechErrorCode } from '@utter/core/provider';

const identity = { name: 'cartesia', label: 'Cartesia' } as const;

// ---------------------------------------------------------------- client -> server

/** `output_format` of a generation request (the WebSocket takes `raw` only). */
export const outputFormatSchema = z
  .object({
    container: z.literal('raw'),
    encoding: z.enum(['pcm_s16le', 'pcm_f32le', 'pcm_mulaw', 'pcm_alaw']),
    sample_rate: z.number().int().positive(),
  })
  .strict();

/** A generation request: one input on a context (`continue`, `flush`), or a whole one-shot request. */
export const generationRequestSchema = z
  .object({
    model_id: z.string().min(1),
    transcript: z.string(),
    voice: z.union([z.object({ mode: z.literal('id'), id: z.string().min(1) }).strict(), z.object({ mode: z.literal('embedding'), embedding: z.array(z.number()) }).strict()]),
    language: z.string().min(1).optional(),
    context_id: z.string().min(1).optional(),
    output_format: outputFormatSchema,
    add_timestamps: z.boolean().optional(),
    add_phoneme_timestamps: z.boolean().optional(),
    continue: z.boolean().optional(),
    flush: z.boolean().optional(),
    max_buffer_delay_ms: z.number().int().min(0).max(5000).optional(),
    duration: z.number().positive().optional(),
    generation_config: z.object({ speed: z.number().optional(), volume: z.number().optional(), emotion: z.string().optional() }).strict().optional(),
    pronunciation_dict_id: z.string().min(1).optional(),
  })
  .strict();
/** A generation request. */
export type GenerationRequest = z.infer<typeof generationRequestSchema>;

/** Cancels a context (best effort: generation already under way may still send chunks). */
export const cancelRequestSchema = z.object({ context_id: z.string().min(1), cancel: z.literal(true) }).strict();
/** A cancel request. */
export type CancelRequest = z.infer<typeof cancelRequestSchema>;

/** Any client message. */
export const cartesiaClientMessageSchema = z.union([cancelRequestSchema, generationRequestSchema]);
/** Any client message. */
export type CartesiaClientMessage = z.infer<typeof cartesiaClientMessageSchema>;

// ---------------------------------------------------------------- server -> client

/** Audio: base64 raw samples of a context; `flush_id` says which flushed part it belongs to. */
export const chunkSchema = z
  .object({
    type: z.literal('chunk'),
    data: z.string(),
    done: z.boolean().optional(),
    status_code: z.number().optional(),
    step_time: z.number().optional(),
    context_id: z.string(),
    flush_id: z.number().int().nonnegative().optional(),
  })
  .passthrough();

/** Word timings (seconds, from the start of the context's audio). */
export const timestampsSchema = z
  .object({
    type: z.literal('timestamps'),
    context_id: z.string(),
    done: z.boolean().optional(),
    status_code: z.number().optional(),
    flush_id: z.number().int().nonnegative().optional(),
    word_timestamps: z
      .object({ words: z.array(z.string()), start: z.array(z.number()), end: z.array(z.number()) })
      .passthrough()
      .refine((w) => w.words.length === w.start.length && w.words.length === w.end.length, { message: 'words, start and end differ in length' }),
  })
  .passthrough();

/** Phoneme timings (not used by utter; accepted). */
export const phonemeTimestampsSchema = z.object({ type: z.literal('phoneme_timestamps'), context_id: z.string() }).passthrough();

/** All audio of a flushed part has been sent. */
export const flushDoneSchema = z
  .object({
    type: z.literal('flush_done'),
    context_id: z.string(),
    flush_id: z.number().int().nonnegative(),
    flush_done: z.boolean().optional(),
    done: z.boolean().optional(),
    status_code: z.number().optional(),
  })
  .passthrough();

/** The context is complete (after `continue: false`). */
export const doneSchema = z
  .object({ type: z.literal('done'), context_id: z.string(), done: z.boolean().optional(), status_code: z.number().optional() })
  .passthrough();

/**
 * An error: with `context_id` it concerns that context only. From version 2026-03-01 it carries
 * `error_code` (maybe null), `title`, `message`, `request_id`; older versions send `error` (text).
 */
export const errorSchema = z
  .object({
    type: z.literal('error'),
    context_id: z.string().optional(),
    done: z.boolean().optional(),
    status_code: z.number().optional(),
    error_code: z.string().nullable().optional(),
    title: z.string().optional(),
    message: z.string().optional(),
    error: z.string().optional(),
    request_id: z.string().optional(),
    doc_url: z.string().optional(),
  })
  .passthrough();

/** Any server message. */
export const cartesiaServerMessageSchema = z.discriminatedUnion('type', [chunkSchema, timestampsSchema, phonemeTimestampsSchema, flushDoneSchema, doneSchema, errorSchema]);
/** Any server message. */
export type CartesiaServerMessage = z.infer<typeof cartesiaServerMessageSchema>;
/** A server `error` message. */
export type CartesiaErrorMessage = z.infer<typeof errorSchema>;

// ---------------------------------------------------------------- errors

/** What Cartesia's close codes mean (others are retryable `connection` errors). Not confirmed: see the docs page. */
export const CARTESIA_CLOSE_CODES: CloseCodeTable = {
  1008: ['auth', 'Cartesia closed the connection (policy violation); check CARTESIA_API_KEY'],
  1011: ['provider', 'Cartesia server error'],
};

/** Maps an unexpected close to a SpeechError. */
export function errorFromClose(code: number, reason: string): SpeechError {
  return closeError(identity, CARTESIA_CLOSE_CODES, code, reason);
}

const CODES: Readonly<Record<string, SpeechErrorCode>> = {
  invalid_api_key: 'auth',
  unauthorized: 'auth',
  forbidden: 'auth',
  concurrency_limited: 'rate-limit',
  rate_limited: 'rate-limit',
  too_many_requests: 'rate-limit',
  insufficient_credits: 'quota',
  quota_exceeded: 'quota',
  transcript_too_long: 'text-too-long',
  model_not_found: 'invalid-input',
  voice_not_found: 'invalid-input',
  invalid_request: 'invalid-input',
  context_expired: 'provider',
};

/** The error kind of an HTTP-like status (an upgrade refusal or an error message's `status_code`). */
export function codeFromStatus(status: number | undefined): SpeechErrorCode {
  if (status === 401 || status === 403) return 'auth';
  if (status === 429) return 'rate-limit';
  if (status === 402) return 'quota';
  if (status === 413) return 'text-too-long';
  if (status !== undefined && status >= 400 && status < 500) return 'invalid-input';
  return 'provider';
}

/** The SpeechError for an HTTP status Cartesia answered with (e.g. refusing the upgrade). */
export function errorFromStatus(status: number, detail = ''): SpeechError {
  const code = codeFromStatus(status);
  return new SpeechError(code, `Cartesia answered HTTP ${status}${detail ? `: ${detail.slice(0, 200)}` : ''}`, { provider: 'cartesia', providerCode: status });
}

/** Whether an error says the context expired (Cartesia rejects input on a context 1 s after its last audio). */
export function isContextExpired(msg: CartesiaErrorMessage): boolean {
  return msg.error_code === 'context_expired' || /context.{0,40}(expired|no longer|not found)/i.test(`${msg.title ?? ''} ${msg.message ?? ''} ${msg.error ?? ''}`);
}

/**
 * Maps a Cartesia `error` message to a SpeechError: by `error_code`, else by `status_code`, else by its
 * text. An expired context is a retryable `provider` error (the reply can be replayed on a new context).
 */
export function errorFromMessage(msg: CartesiaErrorMessage): SpeechError {
  const text = msg.message !== undefined ? `${msg.title ? `${msg.title}: ` : ''}${msg.message}` : (msg.error ?? msg.title ?? 'unknown error');
  let code: SpeechErrorCode | undefined = msg.error_code ? CODES[msg.error_code] : undefined;
  if (code === undefined && isContextExpired(msg)) code = 'provider';
  if (code === undefined && /too long|exceeds?.*(length|characters)/i.test(text)) code = 'text-too-long';
  code ??= msg.status_code !== undefined ? codeFromStatus(msg.status_code) : /api key|unauthori[sz]ed/i.test(text) ? 'auth' : 'provider';
  const providerCode = msg.error_code ?? msg.status_code;
  return new SpeechError(code, `Cartesia error${msg.status_code ? ` ${msg.status_code}` : ''}: ${text.slice(0, 300)}`, {
    provider: 'cartesia',
    ...(providerCode === undefined || providerCode === null ? {} : { providerCode }),
    ...(code === 'provider' ? { retryable: true } : {}),
  });
}
